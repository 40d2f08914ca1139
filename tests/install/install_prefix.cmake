# Setup of the install test: a clean scratch prefix holding `cmake --install` of the build tree.
#   cmake -DCTNET_BUILD_DIR=<build tree> -DCTNET_INSTALL_ROOT=<scratch dir> [-DCTNET_CONFIG=<cfg>]
#         -DCTNET_INCLUDEDIR=<rel. header dir> -DCTNET_CONFIGDIR=<rel. package config dir>
#         -P install_prefix.cmake
# The whole scratch dir (prefix and the consumer's build tree) starts empty, so a stale consumer
# cache (another compiler, an old prefix) can never make the test pass.
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${CTNET_INSTALL_ROOT}")
set(config_args "")
if(CTNET_CONFIG)
    set(config_args --config "${CTNET_CONFIG}")
endif()
execute_process(
    COMMAND "${CMAKE_COMMAND}" --install "${CTNET_BUILD_DIR}" --prefix "${CTNET_INSTALL_ROOT}/prefix" ${config_args}
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "ctnet-harness: cmake --install failed (${status})")
endif()
foreach(expected "${CTNET_INCLUDEDIR}/ctnet/ctnet.hpp" "${CTNET_CONFIGDIR}/ctnetConfig.cmake"
                 "${CTNET_CONFIGDIR}/ctnetConfigVersion.cmake" "${CTNET_CONFIGDIR}/ctnetTargets.cmake")
    if(NOT EXISTS "${CTNET_INSTALL_ROOT}/prefix/${expected}")
        message(FATAL_ERROR "ctnet-harness: the install lacks ${expected}")
    endif()
endforeach()
