// The kernels' second copy, compiled for x86-64-v3's vector unit (AVX2 and FMA), for the
// run-time dispatch of inference and training in programs built for the x86-64 baseline (SSE2).
//
// A program compiled without -march (the baseline, as distributions build) runs ctnet's kernels
// on 4-lane SSE2 packs without fused multiply-add, on any machine. Where CTNET_DISPATCH is on,
// the packed kernels (kernels/packed/*.inc) are included a second time, into
// ctnet::kernels::x86_64_v3, with every function in them compiled for AVX2 and FMA (GCC's
// `#pragma GCC target`, Clang's `#pragma clang attribute`). The baseline kernels hand work on
// DispatchPolicy to this copy, at its entry points (packed_forward, map_values, map_values2,
// exp_shifted_row, packed_weight_gradient, packed_bias_gradient, packed_input_gradient,
// subtract_scaled_values, subtract_scaled_outer_values, sum_of_squares_packed), and three kinds
// of callers use it, only where the processor and the OS support those instructions
// (`__builtin_cpu_supports`, which reads what libgcc's start-up code found, XCR0 included):
// - Network::forward on one sample calls its second copy of forward_one (network.hpp,
//   forward_one_dispatched: compiled for AVX2 and FMA, every call inside inlined by `flatten`),
//   whose layers run on DispatchPolicy.
// - train_step's plain-SGD step at batch 1 (train.hpp, detail::plain_sgd_step_dispatched) is
//   compiled the same way: forward pass, loss, the backward pass for the deltas, the norm and the
//   update on DispatchPolicy.
// - A kernel called on the default policy over a batch (more than one row: batch inference, and
//   a training step's forward and backward products, activations, their derivatives, softmax)
//   tests at run time whether to hand its work to this copy (`dispatched_at_run_time`), each
//   a call into it.
// The rest of training (batch-1 steps with another optimizer, momentum, weight decay or
// clipping; gradient norms and optimizer updates after a batch) keeps the baseline code.
//
// Why a copy rather than 32-byte packs in the baseline's templates: a function compiled for the
// baseline may not take or return a 32-byte vector (its calling convention differs without AVX;
// GCC and Clang warn, -Wpsabi, even where every such call is inlined), and a function compiled
// for AVX2 that is always_inline cannot be inlined into a baseline caller. Here no baseline
// function ever holds a 32-byte vector, and the copy's entry points are ordinary functions: a
// call from baseline code where not inlined, correct at any optimisation level.
//
// The two copies compute the same formulas on different lanes, with or without fused
// multiply-adds: results may differ in the last bits, as between any two targets.
//
// CTNET_DISPATCH: 1 where available (GCC or Clang on x86-64, a target without AVX, no
// CTNET_SIMD_BYTES override), unless the program defines it to 0. Like CTNET_SIMD_BYTES it must
// be the same in every translation unit of a program.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctnet/detail/simd_erf_tables.hpp>
#include <ctnet/kernels/simd.hpp>

#if !defined(CTNET_DISPATCH)
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__AVX__) && !defined(CTNET_SIMD_BYTES)
#define CTNET_DISPATCH 1
#else
#define CTNET_DISPATCH 0
#endif
#endif

namespace ctnet::kernels {

/// The lane policy of the dispatched copy: 32-byte registers, 16 of them, fused multiply-add. A
/// type of its own, so that no other code names it by accident: the baseline kernels hand any
/// work on this policy to the AVX2 copy.
struct DispatchPolicy {
    static constexpr std::size_t bytes = 32;
    static constexpr std::size_t registers = 16;
    static constexpr bool fma = true;
};

/// Whether the baseline kernels hand work on policy P to the AVX2 copy.
template <class P>
inline constexpr bool dispatched = CTNET_DISPATCH && std::is_same_v<P, DispatchPolicy>;

/// Whether a baseline kernel called on the compiled target's own policy over Rows > 1 rows (a
/// batch) asks at run time, on every call, whether the processor can run the AVX2 copy, and hands
/// the work to it if so. This is how batch inference and a training step's batch kernels (the
/// forward and backward products, the activations and their derivatives) reach the copy: layers
/// run on the default policy, and a batch's kernels are large enough that one call and one test
/// of a flag each cost nothing measurable. Batch-1 kernels keep their inlined code.
template <class P, std::size_t Rows>
inline constexpr bool dispatched_at_run_time = CTNET_DISPATCH && Rows > 1 && std::is_same_v<P, simd::Native>;

/// Whether work on policy P over Rows rows may run on the AVX2 copy (always or by the run-time
/// test). A baseline entry point reads
///
///     if constexpr (may_dispatch<P, Rows>) {
///         if (on_dispatch_copy<P>()) return x86_64_v3::detail::kernel<DispatchPolicy, ...>(...);
///     }
///     if constexpr (!dispatched<P>) detail::kernel<P, ...>(...);
///
/// so that neither copy is instantiated on a policy it cannot hold (the baseline's functions on
/// DispatchPolicy's 32-byte vectors, or the copy's where there is no copy).
template <class P, std::size_t Rows>
inline constexpr bool may_dispatch = dispatched<P> || dispatched_at_run_time<P, Rows>;

namespace detail {

/// Calls Product(args...) from a function of its own, never inlined into the caller: how the
/// entry points above run a batch's kernels (more than one row) in this copy. Each kernel shape is
/// then compiled and optimised once, not once per caller it would be inlined into (a network's
/// inference and its training step at the same batch size), for the cost of a call next to
/// microseconds of work. g++ -O3 -march=native on bench/compile_cost/topologies.cpp: 9.3 -> 7.7 s
/// (medians of alternating runs on a loaded machine), batch-32 times within noise. Batch-1 kernels
/// stay inline, except a large layer's (out_of_line_work below): there a small network's latency
/// is its kernels', and calls cost 20-35% (T1, T2).
template <auto Product, class... A>
[[gnu::noinline]] void out_of_line(A... args) noexcept {
    Product(args...);
}

/// Multiply-adds (a layer's In x Out at batch 1) from which a product inference runs (the
/// forward product) is called out of line at batch 1 too: there the call is about 1% of the work
/// (T4's 64 x 128 and 128 x 128 layers, T3's 64 x 64), and a network's inference and training
/// step share one optimised copy of the product instead of inlining their own (g++ -O3 probe:
/// 30.9 -> 29.5 billion instructions executed by the compiler, counted with valgrind's
/// cachegrind, which unlike the wall time is the same from run to run on a shared machine; T3
/// inference +4%, T4 within noise). Below it a small network's latency is its inlined kernels'
/// (at 1024, T3's 16 x 64 and T5's 32 x 32 layers, T3 inference was 16% slower).
inline constexpr std::size_t out_of_line_work = 4096;

/// The same for the kernels only a training step runs at batch 1 (the input gradient, plain SGD's
/// rank-one update): from 1024 multiply-adds (T3's 16 x 64, T5's eight 32 x 32 layers, which
/// then share one copy). Probe: 28.3 -> 26.8 G instructions compiling. The training goals' T1
/// (at most 200 per layer) keeps its inlined kernels.
inline constexpr std::size_t out_of_line_training_work = 1024;

/// Calls Kernel(args...) over Rows rows in this copy: out of line for a batch (above) or when
/// the caller asks (OutOfLine: a large layer, see out_of_line_work), inline otherwise.
template <std::size_t Rows, auto Kernel, bool OutOfLine = false, class... A>
[[gnu::always_inline]] inline void run_here(A... args) noexcept {
    if constexpr (Rows > 1 || OutOfLine) {
        out_of_line<Kernel>(args...);
    } else {
        Kernel(args...);
    }
}

}  // namespace detail

}  // namespace ctnet::kernels

#if CTNET_DISPATCH
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

// The copy's instruction set, for packed/simd.inc (detail::x86_32_bytes): the pragmas above do
// not define the target's macros for C++.
#define CTNET_DETAIL_AVX2_COPY 1
namespace ctnet::kernels::x86_64_v3 {
#include <ctnet/kernels/packed/simd.inc>
#include <ctnet/kernels/packed/simd_math.inc>
#include <ctnet/kernels/packed/elementwise.inc>
#include <ctnet/kernels/packed/pieces.inc>
#include <ctnet/kernels/packed/dense.inc>
}  // namespace ctnet::kernels::x86_64_v3
#undef CTNET_DETAIL_AVX2_COPY

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
// Without the dispatch no policy is `dispatched`, and the copy's name stands for these kernels
// themselves: the baseline kernels' routes (`if constexpr (dispatched<P>)`) still name it, in a
// branch that is discarded.
namespace ctnet::kernels {
namespace x86_64_v3 = ::ctnet::kernels;
}
#endif

namespace ctnet::kernels {

/// Whether this processor can run the AVX2 copy (false where CTNET_DISPATCH is off).
[[nodiscard]] inline bool dispatch_available() noexcept {
#if CTNET_DISPATCH
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

/// Whether work on policy P goes to the AVX2 copy on this processor (see may_dispatch).
template <class P>
[[nodiscard, gnu::always_inline]] inline bool on_dispatch_copy() noexcept {
    return dispatched<P> || dispatch_available();
}

}  // namespace ctnet::kernels

namespace ctnet {

/// The code Network::forward (inference) can run; train_step's dispatched parts (see above) make
/// the same choice.
enum class ForwardTarget {
    compiled,  ///< the code of the compiler's target (no dispatch, or a processor without AVX2 and FMA)
    avx2_fma   ///< the kernels' copy for AVX2 and FMA (run-time dispatch, see above)
};

/// Which code Network::forward (inference) runs on this processor in this program.
[[nodiscard]] inline ForwardTarget forward_target() noexcept {
    return kernels::dispatch_available() ? ForwardTarget::avx2_fma : ForwardTarget::compiled;
}

}  // namespace ctnet
