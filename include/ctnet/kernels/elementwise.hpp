// Kernels for element-wise maps over fixed-size matrices: generic maps of a scalar function, the
// vectorised exponential, sigmoid and tanh, and sums over all elements.
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>

#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/kernels/simd_math.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

/// out[k] = f(x[k]) for every element. A plain loop over contiguous elements: vectorised by the
/// compiler when f is branch-free arithmetic (ReLU, the activations' derivatives); for functions
/// built on exp (sigmoid, tanh) use the kernels below.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& x, F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(x[k]);
    return out;
}

/// out[k] = f(a[k], b[k]) for every element.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b,
                                                  F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(a[k], b[k]);
    return out;
}

/// out[k] = f(a[k], b[k], c[k]) for every element.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b,
                                                  const Matrix<T, Rows, Cols>& c, F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(a[k], b[k], c[k]);
    return out;
}

/// a[k] = f(a[k], b[k]) in place (used to update parameters from gradients and state).
template <class T, std::size_t Rows, std::size_t Cols, class F>
constexpr void update(Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b, F f) noexcept {
    for (std::size_t k = 0; k < Rows * Cols; ++k) a[k] = f(a[k], b[k]);
}

#include <ctnet/kernels/packed/elementwise.inc>

namespace detail {

/// map_values (one argument) and map_values2 (two) of the kernels' copy for policy P over Rows
/// rows (see kernels/dispatch.hpp, may_dispatch). Ops are named across the copies by their ids.
template <class Op, class P, class T, std::size_t Rows, std::size_t Count>
[[gnu::always_inline]] inline void run_map(const T* in, T* out) noexcept {
    if constexpr (may_dispatch<P, Rows>) {
        using CopyOp = x86_64_v3::detail::unary_op<Op::id>;
        if (on_dispatch_copy<P>()) return x86_64_v3::detail::map_values<CopyOp, DispatchPolicy, T, Count>(in, out);
    }
    if constexpr (!dispatched<P>) packed_map<Op, P, T, Count>(in, out);
}

template <class Op, class P, class T, std::size_t Rows, std::size_t Count>
[[gnu::always_inline]] inline void run_map2(const T* a, const T* b, T* out) noexcept {
    if constexpr (may_dispatch<P, Rows>) {
        using CopyOp = x86_64_v3::detail::binary_op<Op::id>;
        if (on_dispatch_copy<P>()) return x86_64_v3::detail::map_values2<CopyOp, DispatchPolicy, T, Count>(a, b, out);
    }
    if constexpr (!dispatched<P>) packed_map2<Op, P, T, Count>(a, b, out);
}

/// Whether Op's output for one sample is handed to the next layer through memory (see
/// apply_elementwise): the vectorised exp, sigmoid and tanh, in 64-byte packs, with GCC.
template <class Op, class P, class T, std::size_t Rows>
inline constexpr bool hand_over_in_memory =
#if defined(__GNUC__) && !defined(__clang__)
    Rows == 1 && P::bytes >= 64 && !std::is_same_v<Op, ReluOp>;
#else
    false;
#endif

template <class Op, class P, class T, std::size_t Rows, std::size_t Cols, class Exact>
constexpr Matrix<T, Rows, Cols> apply_elementwise(const Matrix<T, Rows, Cols>& x, Exact exact) noexcept {
    Matrix<T, Rows, Cols> y;
    if (std::is_constant_evaluated()) {
        for (std::size_t k = 0; k < Rows * Cols; ++k) y[k] = exact(x[k]);
    } else {
        run_map<Op, P, T, Rows, Rows * Cols>(x.data, y.data);
        // At batch 1 the next Dense layer broadcasts each of these values to a whole pack. Inlined
        // into one function, GCC keeps them in vector registers and broadcasts each with a lane
        // permutation, which on x86 runs on the one shuffle port that also executes half of the
        // vector arithmetic: after an activation of ~30 vector operations per pack those ports are
        // the bottleneck. An empty asm that may rewrite y makes GCC store y and read it back, so
        // each broadcast is a load (an FMA's broadcast memory operand), off the arithmetic ports,
        // for a store and a store-to-load forward on the way. g++ -O3 -march=native on the AVX-512
        // Xeon of bench/RESULTS.md, medians of 15: T5 (8 x Dense32 + Sigmoid) 288 -> 267 ns, T2
        // (Tanh) 18.5 -> 18.0; -O2 within noise. Not after ReLU (two operations per pack: T3's
        // layers measured 3% slower with their inputs read through memory), and not with Clang,
        // which broadcasts from memory by itself and measured slower with the asm (T5 291 -> 301).
        // Nor for narrower packs: -O2's 16-byte ones gained nothing, and the AVX2 copy's 32-byte
        // ones (kernels/dispatch.hpp) lost badly (g++ -O2 on an AMD EPYC, Zen 5: T5 1917 ns with
        // the asm, 398 without).
        if constexpr (hand_over_in_memory<Op, P, T, Rows>) __asm__("" : "+m"(y));
    }
    return y;
}

template <class Op, class P, class T, std::size_t Rows, std::size_t Cols, class Exact>
constexpr Matrix<T, Rows, Cols> apply_elementwise(const Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b,
                                                  Exact exact) noexcept {
    Matrix<T, Rows, Cols> y;
    if (std::is_constant_evaluated()) {
        for (std::size_t k = 0; k < Rows * Cols; ++k) y[k] = exact(a[k], b[k]);
    } else {
        run_map2<Op, P, T, Rows, Rows * Cols>(a.data, b.data, y.data);
    }
    return y;
}

}  // namespace detail

/// y[k] = x[k] > 0 ? x[k] : 0 (ctnet::ReLU), in packs (the generic map leaves a scalar remainder).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> relu(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::ReluOp, Policy>(x, [](T v) { return v > T(0) ? v : T(0); });
}

/// dx[k] = dy[k] (y[k] > 0 ? 1 : 0): ReLU's backward pass from its output.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> relu_backward(const Matrix<T, Rows, Cols>& y,
                                                            const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::ReluBackwardOp, Policy>(
        y, dy, [](T yv, T g) { return g * (yv > T(0) ? T(1) : T(0)); });
}

/// dx[k] = dy[k] y[k] (1 - y[k]): the sigmoid's backward pass from its output.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> sigmoid_backward(const Matrix<T, Rows, Cols>& y,
                                                               const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::SigmoidBackwardOp, Policy>(
        y, dy, [](T yv, T g) { return g * (yv * (T(1) - yv)); });
}

/// dx[k] = dy[k] (1 - y[k]^2): tanh's backward pass from its output.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> tanh_backward(const Matrix<T, Rows, Cols>& y,
                                                            const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::TanhBackwardOp, Policy>(y, dy,
                                                                     [](T yv, T g) { return g * (T(1) - yv * yv); });
}

/// y[k] = e^x[k]. Run time: simd::exp (<= 1 ulp); constant evaluation: ctnet::math::exp.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> exp(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::ExpOp, Policy>(x, [](T v) { return math::exp(v); });
}

/// y[k] = 1 / (1 + e^-x[k]). Run time: simd::sigmoid (<= 2 ulp); constant evaluation: ctnet::math::sigmoid.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> sigmoid(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::SigmoidOp, Policy>(x, [](T v) { return math::sigmoid(v); });
}

/// y[k] = tanh x[k]. Run time: simd::tanh (<= 2 ulp); constant evaluation: ctnet::math::tanh.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> tanh(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::TanhOp, Policy>(x, [](T v) { return math::tanh(v); });
}

namespace detail {

template <std::size_t N>
using index_constant = std::integral_constant<std::size_t, N>;

/// Width and offset (from the end of the full packs) of chunk t, largest first, of a row's
/// `rest` values that do not fill a pack.
constexpr std::size_t rest_chunk_width(std::size_t rest, std::size_t t) noexcept {
    for (std::size_t i = 0; i < t; ++i) rest -= std::bit_floor(rest);
    return std::bit_floor(rest);
}
constexpr std::size_t rest_chunk_offset(std::size_t rest, std::size_t t) noexcept {
    std::size_t offset = 0;
    for (std::size_t i = 0; i < t; ++i) {
        offset += std::bit_floor(rest);
        rest -= std::bit_floor(rest);
    }
    return offset;
}

/// One row of for_each_piece: `Cols` elements from `base`, the first piece on chain First. The
/// calls are written out by fold expressions over the index packs (C: a pack's place in a group
/// of Chains, T: a rest chunk), not by a lambda per step: one function per row kind keeps the
/// number of instantiations, and so compile time, low.
template <std::size_t Lanes, std::size_t Chains, std::size_t Cols, std::size_t First, class F, std::size_t... C,
          std::size_t... T>
[[gnu::always_inline]] inline void for_each_piece_of_row(std::size_t base, F& f, std::index_sequence<C...>,
                                                         std::index_sequence<T...>) noexcept {
    constexpr std::size_t packs = Cols / Lanes, grouped = packs / Chains * Chains;
    for (std::size_t j = 0; j < grouped; j += Chains)
        (f(base + (j + C) * Lanes, index_constant<Lanes>{}, index_constant<(First + C) % Chains>{}), ...);
    ((C < packs - grouped ? f(base + (grouped + C) * Lanes, index_constant<Lanes>{},
                              index_constant<(First + C) % Chains>{})
                          : void()),
     ...);
    (f(base + packs * Lanes + rest_chunk_offset(Cols % Lanes, T), index_constant<rest_chunk_width(Cols % Lanes, T)>{},
       index_constant<(First + packs + T) % Chains>{}),
     ...);
}

/// Rows `first + Q` of for_each_piece, row q starting on chain q per_row mod Chains.
template <std::size_t Lanes, std::size_t Chains, std::size_t Cols, std::size_t PerRow, class F, std::size_t... Q>
[[gnu::always_inline]] inline void for_each_piece_of_rows(std::size_t first, F& f, std::index_sequence<Q...>) noexcept {
    (void)first;
    (void)f;
    (for_each_piece_of_row<Lanes, Chains, Cols, Q * PerRow % Chains>(
         (first + Q) * Cols, f, std::make_index_sequence<Chains>{},
         std::make_index_sequence<static_cast<std::size_t>(std::popcount(Cols % Lanes))>{}),
     ...);
}

}  // namespace detail

/// Visits the elements of a Rows x Cols matrix in the pieces the dense kernels load and store
/// them: row by row (a column vector as one row), each row as packs of `Lanes`, then the rest
/// in chunks of decreasing powers of two (20 = 16 + 4). Calls
/// `f(offset, std::integral_constant<std::size_t, Width>{}, std::integral_constant<std::size_t, Chain>{})`
/// with Chain = the piece's index modulo Chains (unrolled: rows four at a time, packs Chains at a
/// time), so that a caller can spread pieces over Chains independent accumulators.
///
/// Why pieces: a pass that reads values just written (the gradient norm after backward, the
/// forward pass after an update) must read them in the pieces they were written in. A load that
/// spans two stores still in the store buffer cannot be forwarded and waits for both to reach
/// the cache, ~20 cycles each time (on a small network most of the pass).
template <std::size_t Lanes, std::size_t Chains, std::size_t Rows, std::size_t Cols, class F>
[[gnu::always_inline]] inline void for_each_piece(F&& f) noexcept {
    static_assert(4 % Chains == 0, "ctnet: for_each_piece spreads rows of four over the chains");
    constexpr std::size_t rows = Cols == 1 ? 1 : Rows, cols = Cols == 1 ? Rows : Cols;
    // Pieces per row: packs, then one per set bit of the rest.
    constexpr std::size_t per_row = cols / Lanes + static_cast<std::size_t>(std::popcount(cols % Lanes));
    constexpr std::size_t quads = rows / 4 * 4;
    for (std::size_t r = 0; r < quads; r += 4)
        detail::for_each_piece_of_rows<Lanes, Chains, cols, per_row>(r, f, std::make_index_sequence<4>{});
    detail::for_each_piece_of_rows<Lanes, Chains, cols, per_row>(quads, f, std::make_index_sequence<rows - quads>{});
}

/// A run-time sum of squares over the elements of any number of matrices, kept lane-wise in
/// several partial sums (a sum written strictly left to right is one long dependency chain the
/// compiler may not split) and reduced across lanes once, by `total()`: summing many small
/// tensors costs one horizontal reduction, not one per tensor. Reads in for_each_piece's pieces
/// (narrow ones zero-extended). Not for constant evaluation (sum_of_squares has a constexpr path).
template <class T, simd::LanePolicy Policy = simd::Native>
struct SquareSum {
    static constexpr std::size_t lanes = simd::lanes<Policy, T>;
    static constexpr std::size_t chains = 4;  // add latency x throughput
    using V = simd::pack<T, lanes>;
    V acc[chains] = {};

    template <std::size_t Rows, std::size_t Cols>
    [[gnu::always_inline]] void add(const Matrix<T, Rows, Cols>& x) noexcept {
        const T* p = x.data;
        for_each_piece<lanes, chains, Rows, Cols>([&](std::size_t offset, auto width, auto chain) CTNET_INLINE_LAMBDA {
            const V v = simd::widen<lanes, T, decltype(width)::value>(simd::load<decltype(width)::value>(p + offset));
            acc[decltype(chain)::value] = v * v + acc[decltype(chain)::value];
        });
    }

    [[nodiscard]] T total() const noexcept { return simd::sum_lanes<T, lanes>(simd::tree_sum<0, chains>(acc)); }
};

/// a[k] = a[k] - s b[k] for every element (plain SGD's update, with s the learning rate), in
/// for_each_piece's pieces: the next forward pass reads the new weights in those pieces.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
constexpr void subtract_scaled(Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b, T s) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t k = 0; k < Rows * Cols; ++k) a[k] = a[k] - s * b[k];
    } else {
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        for_each_piece<lanes, 1, Rows, Cols>([&](std::size_t offset, auto width, auto) CTNET_INLINE_LAMBDA {
            constexpr std::size_t w = decltype(width)::value;
            const auto x = simd::load<w>(a.data + offset);
            simd::store(a.data + offset, x - simd::splat<w>(s) * simd::load<w>(b.data + offset));
        });
    }
}

/// w[i][o] = w[i][o] - s (x[i] dy[o]) for every element: plain SGD's update from the rank-one
/// gradient of y = x w at batch 1, each product rounded as the gradient kernel rounds it (so the
/// result is the one of writing the gradient, then subtract_scaled). In for_each_piece's pieces.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t In, std::size_t Out>
constexpr void subtract_scaled_outer(Matrix<T, In, Out>& w, const Matrix<T, 1, In>& x, const Matrix<T, 1, Out>& dy,
                                     T s) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < In; ++i)
            for (std::size_t o = 0; o < Out; ++o) w(i, o) = w(i, o) - s * (x[i] * dy[o]);
    } else if constexpr (Out == 1) {
        // One column: the pieces run along i.
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        const T d = dy[0];
        for_each_piece<lanes, 1, In, 1>([&](std::size_t offset, auto width, auto) CTNET_INLINE_LAMBDA {
            constexpr std::size_t n = decltype(width)::value;
            const auto g = simd::load<n>(x.data + offset) * simd::splat<n>(d);
            simd::store(w.data + offset, simd::load<n>(w.data + offset) - simd::splat<n>(s) * g);
        });
    } else {
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        for (std::size_t i = 0; i < In; ++i) {
            T* row = w.row(i);
            const T xi = x[i];
            for_each_piece<lanes, 1, 1, Out>([&](std::size_t offset, auto width, auto) CTNET_INLINE_LAMBDA {
                constexpr std::size_t n = decltype(width)::value;
                const auto g = simd::splat<n>(xi) * simd::load<n>(dy.data + offset);
                simd::store(row + offset, simd::load<n>(row + offset) - simd::splat<n>(s) * g);
            });
        }
    }
}

namespace detail {

/// sum_k p[k]^2 for k < n, strictly left to right: sum_of_squares's constant-evaluation path, on a
/// pointer and a count, so that a caller visiting many tensors (gradient_norm) instantiates one
/// function per scalar type, not one per tensor shape.
template <class T>
constexpr T sum_of_squares_values(const T* p, std::size_t n) noexcept {
    T sum = T(0);
    for (std::size_t k = 0; k < n; ++k) sum += p[k] * p[k];
    return sum;
}

/// all_finite's test on a pointer and a count, in packs of the native lanes with four
/// accumulators, then one value at a time: one out-of-line function per scalar type, for callers
/// off the hot path (gradients_finite runs only after a non-finite gradient norm) whose per-shape
/// copies of all_finite would cost compile time for nothing.
template <class T>
[[gnu::noinline]] bool all_finite_values_packed(const T* p, std::size_t n) noexcept {
    constexpr std::size_t lanes = simd::lanes<simd::Native, T>;
    using V = simd::pack<T, lanes>;
    V acc[4] = {};
    std::size_t k = 0;
    for (; k + 4 * lanes <= n; k += 4 * lanes) {
        for (std::size_t j = 0; j < 4; ++j) {
            const V v = simd::load<lanes>(p + k + j * lanes);
            acc[j] = acc[j] + (v - v);
        }
    }
    for (; k + lanes <= n; k += lanes) {
        const V v = simd::load<lanes>(p + k);
        acc[0] = acc[0] + (v - v);
    }
    T rest = T(0);
    for (; k < n; ++k) rest += p[k] - p[k];
    return simd::sum_lanes<T, lanes>(simd::tree_sum<0, 4>(acc)) + rest == T(0);  // NaN compares unequal
}

/// True if p[0] ... p[n - 1] are all finite: one value at a time in constant evaluation,
/// all_finite_values_packed at run time.
template <class T>
constexpr bool all_finite_values(const T* p, std::size_t n) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t k = 0; k < n; ++k)
            if (!math::isfinite(p[k])) return false;
        return true;
    } else {
        return all_finite_values_packed(p, n);
    }
}

}  // namespace detail

/// sum_k x[k]^2 over all elements: lane-wise partial sums at run time (SquareSum), left to right
/// in constant evaluation.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr T sum_of_squares(const Matrix<T, Rows, Cols>& x) noexcept {
    if (std::is_constant_evaluated()) {
        return detail::sum_of_squares_values(x.data, Rows * Cols);
    } else {
        SquareSum<T, Policy> sum;
        sum.add(x);
        return sum.total();
    }
}

/// True if every element is finite (neither infinite nor NaN): x - x is 0 for finite x and NaN
/// otherwise, so one comparison of the sum of those differences decides, without a branch per element.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr bool all_finite(const Matrix<T, Rows, Cols>& x) noexcept {
    if (std::is_constant_evaluated()) {
        return detail::all_finite_values(x.data, Rows * Cols);
    } else {
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        constexpr std::size_t chains = 4;  // add latency x throughput
        using V = simd::pack<T, lanes>;
        V acc[chains] = {};
        for_each_piece<lanes, chains, Rows, Cols>([&](std::size_t offset, auto width, auto chain) CTNET_INLINE_LAMBDA {
            const V v = simd::widen<lanes, T, decltype(width)::value>(simd::load<decltype(width)::value>(x.data + offset));
            acc[decltype(chain)::value] = acc[decltype(chain)::value] + (v - v);
        });
        const T total = simd::sum_lanes<T, lanes>(simd::tree_sum<0, chains>(acc));
        return total == T(0);  // NaN compares unequal
    }
}

}  // namespace ctnet::kernels
