// Storage without a vector unit: CTNET_SIMD_BYTES=0 is what a Cortex-M gets from its predefined
// macros (arm-none-eabi-g++ defines no SIMD macro), forced here on the host. Matrix blocks are
// then aligned as their scalar alone, so a model's parameters are exactly its numbers: the seed
// model's 241 floats take 964 bytes of flash, not the 1152 of 64-byte-aligned rows
// (network_static.cpp). The firmware footprint test checks the same on the target.
#define CTNET_SIMD_BYTES 0

#include <cstddef>
#include <span>
#include <type_traits>

#include <ctnet/ctnet.hpp>

#include "static_helpers.hpp"

namespace {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;
using ctnet::Vector;

static_assert(ctnet::detail::native_simd_bytes == 0);
static_assert(std::is_same_v<ctnet::kernels::simd::Native, ctnet::kernels::simd::Scalar>);

using ctnet_test::layout_is;
// Every block: its values, aligned as one value (compare network_static.cpp's 64/128, 128/64 ...).
static_assert(layout_is<Vector<float, 3>, 12, 4>());
static_assert(layout_is<Vector<float, 16>, 64, 4>());
static_assert(layout_is<Vector<float, 17>, 68, 4>());
static_assert(layout_is<Vector<double, 17>, 136, 8>());
static_assert(layout_is<Matrix<float, 10, 20>, 800, 4>());

using Seed = Network<float, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
static_assert(Seed::parameter_bytes == Seed::parameter_count * sizeof(float) && Seed::parameter_bytes == 964);
static_assert(alignof(Seed) == alignof(float));
static_assert(std::is_trivially_copyable_v<Seed> && std::is_aggregate_v<Seed>);

// The packed layout changes nothing a user sees: a model still loads from the flat PyTorch order
// and runs in a constant expression.
constexpr Seed seed_from_flat() {
    float flat[Seed::parameter_count]{};
    for (std::size_t k = 0; k < Seed::parameter_count; ++k) flat[k] = static_cast<float>(k % 7) * 0.125f - 0.375f;
    Seed net{};
    if (net.load(std::span<const float>(flat)) != ctnet::Status::ok) return Seed{};
    return net;
}
constexpr Seed seed = seed_from_flat();
constexpr Matrix<float, 1, 10> x{{1, -1, 0.5f, 0.25f, -2, 0, 1, 3, -0.5f, 2}};
// Reference: the same forward pass written out with the flat order's indices (weight [out][in],
// then bias, per layer).
constexpr float by_hand() {
    float flat[Seed::parameter_count]{};
    for (std::size_t k = 0; k < Seed::parameter_count; ++k) flat[k] = static_cast<float>(k % 7) * 0.125f - 0.375f;
    float hidden[20]{};
    for (std::size_t o = 0; o < 20; ++o) {
        float sum = flat[200 + o];
        for (std::size_t i = 0; i < 10; ++i) sum += flat[o * 10 + i] * x[i];
        hidden[o] = sum > 0 ? sum : 0;
    }
    float y = flat[240];
    for (std::size_t i = 0; i < 20; ++i) y += flat[220 + i] * hidden[i];
    return y;
}
static_assert(seed.forward(x)[0] == by_hand());

}  // namespace
