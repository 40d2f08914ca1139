# Runs one compile check (see ctnet_compile_checks.cmake); invoked by ctest as
#   cmake -DCTNET_COMPILE_DB=<compile_commands.json> -DCTNET_CHECK_TARGET=<target>
#         -DCTNET_COMPILER_ID=<GNU|Clang> [-DCTNET_DEFINE=<macro>]
#         -DCTNET_EXPECT=<success|failure> -P run_compile_check.cmake
# The compiler's diagnostics go to ctest's output, where PASS_REGULAR_EXPRESSION looks for a
# failing twin's expected message; a failing twin must give exactly one error. Exit status: 0 iff
# the compile succeeded or failed as CTNET_EXPECT says (for "failure", ctest ignores the status and
# matches the message instead).
cmake_minimum_required(VERSION 3.25)

if(CTNET_EXPECT STREQUAL "broken")
    message(FATAL_ERROR "ctnet-harness: ${CTNET_MESSAGE}")
endif()

# Find the target's entry. Each entry's command names the target's object directory
# "CMakeFiles/<target>.dir/", which is unique in the build tree.
file(READ "${CTNET_COMPILE_DB}" db)
string(JSON count LENGTH "${db}")
set(command "")
if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
        string(JSON entry GET "${db}" ${i})
        string(JSON entry_command GET "${entry}" command)
        string(FIND "${entry_command}" "CMakeFiles/${CTNET_CHECK_TARGET}.dir/" at)
        if(at GREATER -1)
            set(command "${entry_command}")
            string(JSON directory GET "${entry}" directory)
            break()
        endif()
    endforeach()
endif()
if(command STREQUAL "")
    message(FATAL_ERROR "ctnet-harness: no compile command for target ${CTNET_CHECK_TARGET} in "
        "${CTNET_COMPILE_DB}; re-run the CMake configure step")
endif()

# Same command, minus what produces files (-o, -c, dependency files) and colour codes, plus
# -fsyntax-only: parse and instantiate, generate nothing. No caret/source-line echo, so a match
# on the expected message must come from a diagnostic, not from a quoted line of source.
separate_arguments(arguments UNIX_COMMAND "${command}")
set(compile "")
set(skip_next FALSE)
foreach(argument IN LISTS arguments)
    if(skip_next)
        set(skip_next FALSE)
    elseif(argument MATCHES "^-(o|MF|MT|MQ)$")
        set(skip_next TRUE)
    elseif(argument MATCHES "^-(c|MD|MMD)$" OR argument MATCHES "^-f(no-)?(diagnostics-color|color-diagnostics)")
        # dropped
    else()
        list(APPEND compile "${argument}")
    endif()
endforeach()
list(APPEND compile -fsyntax-only -fdiagnostics-color=never)
if(CTNET_COMPILER_ID MATCHES "Clang")
    list(APPEND compile -fno-caret-diagnostics)
else()
    list(APPEND compile -fno-diagnostics-show-caret)
endif()
if(CTNET_DEFINE)
    list(APPEND compile "-D${CTNET_DEFINE}")
endif()

execute_process(COMMAND ${compile} WORKING_DIRECTORY "${directory}" RESULT_VARIABLE status
    OUTPUT_VARIABLE diagnostics ERROR_VARIABLE diagnostics)
message("${diagnostics}")

if(CTNET_EXPECT STREQUAL "failure")
    if(status EQUAL 0)
        list(JOIN compile " " shown)
        message(FATAL_ERROR "ctnet-harness: UNEXPECTED SUCCESS: this must not compile:\n  ${shown}")
    endif()
    # Misuse gives one error, ctnet's message: a second one (say -Wpedantic's, or a lookup into a
    # class whose static_assert failed) would bury it.
    string(REGEX MATCHALL "error: " errors "${diagnostics}")
    list(LENGTH errors error_count)
    if(error_count GREATER 1)
        message(FATAL_ERROR "ctnet-harness: SECOND ERROR: the compiler gave ${error_count} errors, not one")
    endif()
    message("ctnet-harness: the compiler refused the file, as it must; ctest now checks the message")
elseif(NOT status EQUAL 0)
    list(JOIN compile " " shown)
    message(FATAL_ERROR "ctnet-harness: compilation failed (${status}):\n  ${shown}")
endif()
