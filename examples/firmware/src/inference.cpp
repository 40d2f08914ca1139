// The inference entry point: the only code of the firmware that touches the model.
#include <cstdint>

#include "model.hpp"

namespace firmware {

[[gnu::noinline]] void run_model(const Input& x, Output& y) noexcept { y = exported::model.forward(x); }

}  // namespace firmware

#if defined(__arm__)
namespace {
/// Compile-time facts for tools (examples/firmware/firmware.py reads them from the ELF file): in
/// .ctnet_facts, a section the linker script keeps but never loads, so they cost no flash.
[[gnu::used, gnu::section(".ctnet_facts")]] constexpr std::uint32_t facts[] = {
    0x7463'6e74,  // "ctnt": marks the layout below
    static_cast<std::uint32_t>(firmware::stack_bound),
    static_cast<std::uint32_t>(firmware::Model::parameter_bytes),
    static_cast<std::uint32_t>(firmware::Model::parameter_count),
    static_cast<std::uint32_t>(firmware::Model::in_size),
    static_cast<std::uint32_t>(firmware::Model::out_size),
};
}  // namespace
#endif
