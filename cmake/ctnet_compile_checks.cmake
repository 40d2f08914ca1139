# Tests whose verdict is a compilation: tests/static (static_asserts), the one-line TU per public
# header, and tests/compile_fail (must build as is, must fail with -DCTNET_FAIL).
#
# Design. Each checked file gets an OBJECT library target, EXCLUDE_FROM_ALL, configured exactly
# like every other ctnet target (ctnet_configure_target: ctnet::ctnet, C++20, warnings as errors,
# sanitizers) and exported to compile_commands.json. The ctest test does not build that target:
# it runs cmake/run_compile_check.cmake, which takes the target's compile command from
# compile_commands.json and runs the compiler itself with -fsyntax-only (and -DCTNET_FAIL for the
# failing twin). Why this design:
#  * Safe under `ctest -j2`: tests never invoke the build tool, so no two Ninja processes ever
#    share .ninja_log/.ninja_deps or race to regenerate build.ninja (the alternative,
#    `cmake --build --target` per test, needs a RESOURCE_LOCK that serializes every check).
#  * Exact flags: the command is the one CMake generated (include dirs with implicit ones such as
#    /usr/include filtered out, -std=c++20, -isystem for imported targets, CMAKE_CXX_FLAGS,
#    sanitizers), not a hand-rebuilt imitation.
#  * A real test: the verdict is the compiler's exit status (and, for failing twins, its message);
#    the sources are read fresh at test time, so an edited header is re-checked without a rebuild.
#  * Fast and not counted twice: nothing here is part of the default build, and -fsyntax-only
#    skips code generation. GCC 12 and Clang 16 both instantiate templates (class templates and
#    pending function-template bodies) under -fsyntax-only; tests/compile_fail/sanity_harness.cpp
#    proves it on every run. To see these errors while building, build the aggregate target
#    `ctnet_compile_checks` (not in ALL, so CI does not compile everything twice).

set(CTNET_RUN_COMPILE_CHECK "${CMAKE_CURRENT_LIST_DIR}/run_compile_check.cmake")
if(NOT TARGET ctnet_compile_checks)
    add_custom_target(ctnet_compile_checks)
endif()

# ctnet_add_check_target(<target> <source> [INCLUDE_DIRECTORIES dir...])
# The OBJECT library whose compile command the checks below run.
function(ctnet_add_check_target target source)
    cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "INCLUDE_DIRECTORIES")
    add_library(${target} OBJECT EXCLUDE_FROM_ALL "${source}")
    ctnet_configure_target(${target})
    if(arg_INCLUDE_DIRECTORIES)
        target_include_directories(${target} PRIVATE ${arg_INCLUDE_DIRECTORIES})
    endif()
    set_target_properties(${target} PROPERTIES EXPORT_COMPILE_COMMANDS ON)
    add_dependencies(ctnet_compile_checks ${target})
endfunction()

# ctnet_add_compile_test(NAME <test> TARGET <check target> LABELS <label>...
#                        [DEFINE <macro>] [MUST_FAIL <regex>] [WILL_FAIL])
# Registers a ctest test that compiles TARGET's source with TARGET's flags (-fsyntax-only).
#  * without MUST_FAIL: passes iff the compiler exits with 0.
#  * with MUST_FAIL <regex>: passes iff the compiler fails AND its output matches <regex>
#    (PASS_REGULAR_EXPRESSION). A compile that succeeds prints a harness line that
#    FAIL_REGULAR_EXPRESSION turns into a failure even if the text matched (e.g. a #pragma message).
#  * WILL_FAIL inverts the verdict (for the harness self-tests only).
function(ctnet_add_compile_test)
    cmake_parse_arguments(PARSE_ARGV 0 arg "WILL_FAIL" "NAME;TARGET;DEFINE;MUST_FAIL" "LABELS")
    set(expect success)
    if(DEFINED arg_MUST_FAIL)
        set(expect failure)
    endif()
    add_test(NAME "${arg_NAME}"
        COMMAND "${CMAKE_COMMAND}"
            "-DCTNET_COMPILE_DB=${CMAKE_BINARY_DIR}/compile_commands.json"
            "-DCTNET_CHECK_TARGET=${arg_TARGET}"
            "-DCTNET_COMPILER_ID=${CMAKE_CXX_COMPILER_ID}"
            "-DCTNET_DEFINE=${arg_DEFINE}"
            "-DCTNET_EXPECT=${expect}"
            -P "${CTNET_RUN_COMPILE_CHECK}")
    set_tests_properties("${arg_NAME}" PROPERTIES LABELS "${arg_LABELS}")
    if(DEFINED arg_MUST_FAIL)
        # ctest reads the property as a list of alternatives: keep the message's "; " intact.
        string(REPLACE ";" "\\;" regex "${arg_MUST_FAIL}")
        set_tests_properties("${arg_NAME}" PROPERTIES
            PASS_REGULAR_EXPRESSION "${regex}"
            FAIL_REGULAR_EXPRESSION "ctnet-harness: (UNEXPECTED SUCCESS|SECOND ERROR)")
    endif()
    if(arg_WILL_FAIL)
        set_tests_properties("${arg_NAME}" PROPERTIES WILL_FAIL TRUE)
    endif()
endfunction()

# A test that always fails with a message, for a check that cannot be set up (e.g. a
# compile_fail file without its "// expect:" line). Failing one test beats failing the configure
# step for everyone working in the tree.
function(ctnet_add_broken_test name label message)
    add_test(NAME "${name}"
        COMMAND "${CMAKE_COMMAND}" "-DCTNET_EXPECT=broken" "-DCTNET_MESSAGE=${message}"
            -P "${CTNET_RUN_COMPILE_CHECK}")
    set_tests_properties("${name}" PROPERTIES LABELS "${label}")
endfunction()
