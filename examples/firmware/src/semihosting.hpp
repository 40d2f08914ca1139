// Arm semihosting on Cortex-M (bkpt 0xAB): console output and exit, for running under QEMU
// (-semihosting) or a debugger. Nothing else of the C library is needed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace firmware::semihosting {

enum class Operation : std::uint32_t { write0 = 0x04, exit = 0x18 };

/// One semihosting call: r0 = operation, r1 = argument; the host's answer comes back in r0.
inline std::uint32_t call(Operation operation, const void* argument) noexcept {
    register std::uint32_t r0 asm("r0") = static_cast<std::uint32_t>(operation);
    register const void* r1 asm("r1") = argument;
    asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/// Writes a null-terminated string to the host's console.
inline void write(const char* text) noexcept { (void)call(Operation::write0, text); }

/// Ends the program: QEMU exits with status 0 for success, 1 otherwise (ADP_Stopped_* reasons;
/// on 32-bit Arm the reason is passed directly in r1).
[[noreturn]] inline void exit(bool success) noexcept {
    constexpr std::uintptr_t application_exit = 0x20026;    // ADP_Stopped_ApplicationExit
    constexpr std::uintptr_t run_time_error = 0x20023;      // ADP_Stopped_RunTimeErrorUnknown
    (void)call(Operation::exit, reinterpret_cast<const void*>(success ? application_exit : run_time_error));
    while (true) {
    }
}

/// A ctnet::TextSink that collects text into lines and writes each with one call.
class LineSink {
public:
    void operator()(const char* text, std::size_t length) noexcept {
        for (std::size_t i = 0; i < length; ++i) {
            line_[used_++] = text[i];
            if (text[i] == '\n' || used_ + 1 == sizeof line_) flush();
        }
    }
    void flush() noexcept {
        line_[used_] = '\0';
        if (used_ > 0) write(line_);
        used_ = 0;
    }

private:
    char line_[160]{};
    std::size_t used_ = 0;
};

}  // namespace firmware::semihosting
