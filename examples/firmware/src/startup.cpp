// Start-up code for the Cortex-M4 of QEMU's mps2-an386 board: the vector table, and a reset
// handler that turns the FPU on, sets up .data and .bss, runs constructors and the application's
// firmware_main(), and reports its result to the host through semihosting. (The entry point is not
// called main: ISO C++ forbids a program to call main.)
#include <cstdint>

#include "semihosting.hpp"

// Symbols of the linker script (mps2_an386.ld).
extern "C" {
extern std::uint32_t firmware_data_load[];   // .data's initial values, in flash
extern std::uint32_t firmware_data_start[];  // .data in RAM
extern std::uint32_t firmware_data_end[];
extern std::uint32_t firmware_bss_start[];
extern std::uint32_t firmware_bss_end[];
extern std::uint32_t firmware_stack_top[];
extern void (*firmware_init_array_start[])();
extern void (*firmware_init_array_end[])();

int firmware_main() noexcept;  // the application: 0 for success
[[noreturn]] void firmware_reset() noexcept;
[[noreturn]] void firmware_fault() noexcept;
}

namespace {

// Kept out of firmware_reset so that nothing runs before the FPU is on (GCC may use
// floating-point registers to copy memory).
[[gnu::noinline, noreturn]] void start() noexcept {
    const std::uint32_t* from = firmware_data_load;
    for (std::uint32_t* to = firmware_data_start; to != firmware_data_end;) *to++ = *from++;
    for (std::uint32_t* to = firmware_bss_start; to != firmware_bss_end;) *to++ = 0;
    for (auto* constructor = firmware_init_array_start; constructor != firmware_init_array_end; ++constructor)
        (*constructor)();
    firmware::semihosting::exit(firmware_main() == 0);
}

}  // namespace

extern "C" void firmware_reset() noexcept {
    // CPACR (0xE000ED88) bits 20-23: full access to CP10 and CP11, the single-precision FPU.
    // -mfloat-abi=hard code faults (UsageFault, NOCP) until this is done.
    volatile std::uint32_t& cpacr = *reinterpret_cast<volatile std::uint32_t*>(0xE000ED88);
    cpacr = cpacr | (0xFu << 20);
    asm volatile("dsb\n\tisb" ::: "memory");
    start();
}

extern "C" void firmware_fault() noexcept {
    firmware::semihosting::write("ctnet-firmware: fault\n");
    firmware::semihosting::exit(false);
}

namespace {

using Handler = void (*)();

/// The Cortex-M vector table: the initial stack pointer, then the 15 system exception handlers
/// (no device interrupts are used). Nothing refers to it, so --gc-sections would drop it: it is
/// [[gnu::used]] and the linker script KEEPs .isr_vector at address 0.
struct VectorTable {
    const void* initial_stack_pointer;
    Handler handlers[15];
};

[[gnu::used, gnu::section(".isr_vector")]] constexpr VectorTable vector_table{
    firmware_stack_top,
    {
        firmware_reset,  // reset
        firmware_fault,  // NMI
        firmware_fault,  // HardFault
        firmware_fault,  // MemManage
        firmware_fault,  // BusFault
        firmware_fault,  // UsageFault
        nullptr, nullptr, nullptr, nullptr,
        firmware_fault,  // SVCall
        firmware_fault,  // DebugMonitor
        nullptr,
        firmware_fault,  // PendSV
        firmware_fault,  // SysTick
    },
};

}  // namespace
