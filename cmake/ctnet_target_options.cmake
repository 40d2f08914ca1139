# Flags for ctnet's own targets (tests, examples, benchmarks), never for consumers of ctnet::ctnet.

# -Wall -Wextra -Wpedantic -Werror on one target (GCC and Clang; the library promises a clean build).
function(ctnet_set_warnings target)
    target_compile_options(${target} PRIVATE
        $<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-Wall -Wextra -Wpedantic -Werror>
        $<$<CXX_COMPILER_ID:MSVC>:/W4 /WX /permissive->)
endfunction()

# The sanitizers named in CTNET_SANITIZE (e.g. "address,undefined"), compile and link, on one target.
function(ctnet_set_sanitizers target)
    if(CTNET_SANITIZE)
        set(flags -fsanitize=${CTNET_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
        target_compile_options(${target} PRIVATE ${flags})
        target_link_options(${target} PRIVATE ${flags})
    endif()
endfunction()

# Everything a ctnet test/example/bench target gets: the library, strict ISO C++20 (no GNU
# extensions, so the firmware use case's strictness is what we test), warnings, sanitizers.
function(ctnet_configure_target target)
    target_link_libraries(${target} PRIVATE ctnet::ctnet)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    ctnet_set_warnings(${target})
    ctnet_set_sanitizers(${target})
endfunction()
