// Demo firmware: runs the model on the exported reference inputs and prints every output as an
// exact hex float through semihosting, with the stack the forward pass used (measured by painting
// the stack) next to the compile-time bound. examples/firmware/firmware.py compares the numbers
// with the host's and PyTorch's.
#include <cstddef>
#include <cstdint>

#include <ctnet/export.hpp>

#include "model.hpp"
#include "report.hpp"
#include "semihosting.hpp"

extern "C" std::uint32_t firmware_stack_limit[];  // the lowest stack address (mps2_an386.ld)

namespace {

constexpr std::uint32_t paint = 0xC7A5'C7A5;

/// Runs run_model(x, y) and returns the bytes of stack it used: paints every free stack word
/// below the current stack pointer, calls, and finds the deepest word that changed. The painting
/// loop calls nothing (volatile stores keep it from becoming a memset call), so nothing else
/// writes below the stack pointer meanwhile; no interrupts are enabled.
[[gnu::noinline]] std::size_t measured_run(const firmware::Input& x, firmware::Output& y) noexcept {
    std::uintptr_t sp = 0;
    asm volatile("mov %0, sp" : "=r"(sp));
    volatile std::uint32_t* const top = reinterpret_cast<volatile std::uint32_t*>(sp);
    volatile std::uint32_t* const limit = firmware_stack_limit;
    for (volatile std::uint32_t* word = limit; word < top; ++word) *word = paint;
    firmware::run_model(x, y);
    volatile std::uint32_t* deepest = limit;
    while (deepest < top && *deepest == paint) ++deepest;
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(top) - reinterpret_cast<std::uintptr_t>(deepest));
}

}  // namespace

extern "C" int firmware_main() noexcept {
    firmware::semihosting::LineSink sink;
    ctnet::TextWriter out(sink);
    firmware::print_banner(out, CTNET_FIRMWARE_MODEL_NAME);
    std::size_t stack_used = 0;
    for (std::size_t s = 0; s < firmware::reference::samples; ++s) {
        firmware::Output y{};
        const std::size_t used = measured_run(firmware::reference_input(s), y);
        stack_used = used > stack_used ? used : stack_used;
        for (std::size_t o = 0; o < firmware::Model::out_size; ++o) firmware::print_value(out, "y", s, o, y[o]);
    }
    out.text("stack ");
    out.integer(stack_used);
    out.text(" bound ");
    out.integer(firmware::stack_bound);
    out.text("\nctnet-firmware: end\n");
    sink.flush();
    return 0;
}
