// ctnet::forward_stack_bound: a compile-time bound on the stack bytes of an inference forward pass.
#pragma once

#include <cstddef>
#include <utility>

#include <ctnet/matrix.hpp>

namespace ctnet {

/// Stack bytes a forward pass may use beyond the values it computes: at most four nested frames
/// at a time (the caller's, the fold over the layers, one kernel, one C library math call such as
/// newlib's expf), each saving at most every callee-saved register (AAPCS with an FPU: r4-r11, lr
/// and s16-s31, 100 bytes; x86-64 System V: 56 bytes), plus spill slots: 4 x 100 rounded up to 512.
inline constexpr std::size_t forward_call_overhead_bytes = 512;

namespace detail {

/// Stack bytes of bound layer L beyond its output: a composite layer (a residual block) that keeps
/// values of its own during forward declares them as `forward_stack_bytes<B>`.
template <class L, std::size_t B>
constexpr std::size_t layer_extra_stack_bytes() noexcept {
    if constexpr (requires { L::template forward_stack_bytes<B>; }) {
        return L::template forward_stack_bytes<B>;
    } else {
        return 0;
    }
}

template <class Chain, std::size_t B, std::size_t... K>
constexpr std::size_t chain_value_bytes(std::index_sequence<K...>) noexcept {
    using T = typename Chain::scalar;
    return sizeof(Matrix<T, B, Chain::in_size>) +
           (std::size_t{0} + ... +
            (sizeof(Matrix<T, B, Chain::template layer<K>::out_size>) +
             layer_extra_stack_bytes<typename Chain::template layer<K>, B>()));
}

template <class Chain, std::size_t B, std::size_t... K>
constexpr std::size_t chain_value_alignment(std::index_sequence<K...>) noexcept {
    using T = typename Chain::scalar;
    std::size_t alignment = alignof(Matrix<T, B, Chain::in_size>);
    ((alignment = alignof(Matrix<T, B, Chain::template layer<K>::out_size>) > alignment
                      ? alignof(Matrix<T, B, Chain::template layer<K>::out_size>)
                      : alignment),
     ...);
    return alignment;
}

}  // namespace detail

/// An upper bound, known at compile time, on the stack bytes of `net.forward(x)` for a batch of
/// B samples (B = 1: one Vector or std::array), in an optimised build (-O1 and above, -Os):
///
///   2 x every value between layers, input and output included, as if all were alive at once
///       (the sum of sizeof(Matrix<T, B, width>) over the boundaries, SIMD padding included; a
///       layer with values of its own adds its `forward_stack_bytes<B>`). Twice, because each
///       value may also exist as a copy: the fold keeps each layer's result alive to the end of
///       the full expression, and the std::array overload, an unelided return or the caller's
///       destination copy it again;
/// + the largest of their alignments (a frame holding them is realigned from the ABI's 8- or
///   16-byte stack alignment);
/// + forward_call_overhead_bytes (saved registers, spills, one C library math call).
///
/// Measured against it when written (GCC 12's -fcallgraph-info=su call graph; Cortex-M4
/// -O1/-O2/-O3/-Os and x86-64 -O2/-Os/-march=native; seven topologies from 3-4-2 to
/// 64-64-64-64-10; both forward overloads): at most 77 % of the bound, 44 % for the 10-20-1 seed.
/// tests/embedded checks it again for each firmware it builds, statically and by painting the
/// stack under QEMU. Unoptimised builds (-O0) keep a frame per Boost.Hana helper and use more.
///
///     using Seed = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;
///     static_assert(ctnet::forward_stack_bound<Seed> == 1224);  // 2 x 324 + 64 + 512
template <class Net, std::size_t B = 1>
inline constexpr std::size_t forward_stack_bound =
    2 * detail::chain_value_bytes<typename Net::Chain, B>(std::make_index_sequence<Net::layer_count>{}) +
    detail::chain_value_alignment<typename Net::Chain, B>(std::make_index_sequence<Net::layer_count>{}) +
    forward_call_overhead_bytes;

}  // namespace ctnet
