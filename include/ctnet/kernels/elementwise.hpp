// Kernels for element-wise maps over fixed-size matrices: generic maps of a scalar function, the
// vectorised exponential, sigmoid and tanh, and sums over all elements.
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>

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

namespace detail {

/// The pack functions of simd_math.hpp as types (so a kernel can take one as a parameter).
struct ExpOp {
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> x) noexcept {
        return simd::exp<T, N>(x);
    }
};
struct SigmoidOp {
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> x) noexcept {
        return simd::sigmoid<T, N>(x);
    }
};
struct TanhOp {
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> x) noexcept {
        return simd::tanh<T, N>(x);
    }
};

/// x > 0 ? x : 0, the formula of ctnet::ReLU::value (-0 and NaN give +0).
struct ReluOp {
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> x) noexcept {
        using V = simd::pack<T, N>;
        return x > V{} ? x : V{};
    }
};

/// dL/dx from the output y and dL/dy, formula for formula as the activations' backward passes
/// (layers/activation.hpp: g * A::derivative_from_output(y)).
struct ReluBackwardOp {  // g * (y > 0 ? 1 : 0)
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> y, simd::pack<T, N> g) noexcept {
        using V = simd::pack<T, N>;
        return g * (y > V{} ? simd::splat<N>(T(1)) : V{});
    }
};
struct SigmoidBackwardOp {  // g * (y (1 - y))
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> y, simd::pack<T, N> g) noexcept {
        return g * (y * (simd::splat<N>(T(1)) - y));
    }
};
struct TanhBackwardOp {  // g * (1 - y^2)
    template <class T, std::size_t N>
    [[gnu::always_inline]] static simd::pack<T, N> apply(simd::pack<T, N> y, simd::pack<T, N> g) noexcept {
        return g * (simd::splat<N>(T(1)) - y * y);
    }
};

/// out[k] = Op(a[k], b[k]) for k < Count, in packs as packed_map.
template <class Op, class P, class T, std::size_t Count, std::size_t Done = 0>
[[gnu::always_inline]] inline void packed_map2(const T* a, const T* b, T* out) noexcept {
    constexpr std::size_t lanes = simd::lanes<P, T>;
    if constexpr (Done == 0 && Count >= lanes) {
        constexpr std::size_t full = Count / lanes * lanes;
        for (std::size_t k = 0; k < full; k += lanes)
            simd::store(out + k, Op::template apply<T, lanes>(simd::load<lanes>(a + k), simd::load<lanes>(b + k)));
        packed_map2<Op, P, T, Count, full>(a, b, out);
    } else if constexpr (Done < Count) {
        constexpr std::size_t width = std::bit_floor(Count - Done);
        simd::store(out + Done, Op::template apply<T, width>(simd::load<width>(a + Done), simd::load<width>(b + Done)));
        packed_map2<Op, P, T, Count, Done + width>(a, b, out);
    }
}

/// out[k] = Op(in[k] - shift) for k < Count: packs of the policy's width, then the remainder a
/// power of two at a time (10 = 8 + 2).
template <class Op, class P, class T, std::size_t Count, std::size_t Done = 0>
[[gnu::always_inline]] inline void packed_map(const T* in, T* out, T shift = T(0)) noexcept {
    constexpr std::size_t lanes = simd::lanes<P, T>;
    if constexpr (Done == 0 && Count >= lanes) {
        constexpr std::size_t full = Count / lanes * lanes;
        for (std::size_t k = 0; k < full; k += lanes)
            simd::store(out + k, Op::template apply<T, lanes>(simd::load<lanes>(in + k) - simd::splat<lanes>(shift)));
        packed_map<Op, P, T, Count, full>(in, out, shift);
    } else if constexpr (Done < Count) {
        constexpr std::size_t width = std::bit_floor(Count - Done);
        simd::store(out + Done,
                    Op::template apply<T, width>(simd::load<width>(in + Done) - simd::splat<width>(shift)));
        packed_map<Op, P, T, Count, Done + width>(in, out, shift);
    }
}

/// The sum (Max = false) or the largest (Max = true) of in[0..Count), in packs.
template <bool Max, class P, class T, std::size_t Count>
[[gnu::always_inline]] inline T packed_reduce(const T* in) noexcept {
    constexpr std::size_t lanes = simd::lanes<P, T>;
    const auto combine = [](auto a, auto b) { return Max ? (a > b ? a : b) : a + b; };
    const auto fold = [&]<std::size_t W>(simd::pack<T, W> v, std::integral_constant<std::size_t, W>) {
        T r;
        if constexpr (W == 1) {
            r = v;
        } else {
            r = v[0];
            for (std::size_t i = 1; i < W; ++i) r = combine(r, T(v[i]));
        }
        return r;
    };
    T result = in[0];
    std::size_t done = 0;
    if constexpr (Count >= lanes && lanes > 1) {
        simd::pack<T, lanes> acc = simd::load<lanes>(in);
        for (std::size_t k = lanes; k + lanes <= Count; k += lanes) acc = combine(acc, simd::load<lanes>(in + k));
        result = fold(acc, std::integral_constant<std::size_t, lanes>{});
        done = Count / lanes * lanes;
    } else {
        done = 1;
    }
    for (std::size_t k = done; k < Count; ++k) result = combine(result, in[k]);
    return result;
}

template <class Op, class P, class T, std::size_t Rows, std::size_t Cols, class Exact>
constexpr Matrix<T, Rows, Cols> apply_elementwise(const Matrix<T, Rows, Cols>& x, Exact exact) noexcept {
    Matrix<T, Rows, Cols> y;
    if (std::is_constant_evaluated()) {
        for (std::size_t k = 0; k < Rows * Cols; ++k) y[k] = exact(x[k]);
    } else {
        packed_map<Op, P, T, Rows * Cols>(x.data, y.data);
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
        packed_map2<Op, P, T, Rows * Cols>(a.data, b.data, y.data);
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

/// sum_k x[k]^2 over all elements, in several lane-wise partial sums (a sum of squares written
/// strictly left to right is one long dependency chain the compiler may not split).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr T sum_of_squares(const Matrix<T, Rows, Cols>& x) noexcept {
    constexpr std::size_t count = Rows * Cols;
    if (std::is_constant_evaluated()) {
        T sum = T(0);
        for (std::size_t k = 0; k < count; ++k) sum += x[k] * x[k];
        return sum;
    } else {
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        constexpr std::size_t chains = 4;  // add latency x throughput
        using V = simd::pack<T, lanes>;
        V acc[chains] = {};
        constexpr std::size_t step = lanes * chains;
        std::size_t k = 0;
        for (; k + step <= count; k += step)
#pragma GCC unroll 4
            for (std::size_t c = 0; c < chains; ++c) {
                const V v = simd::load<lanes>(x.data + k + c * lanes);
                acc[c] = v * v + acc[c];
            }
        for (; k + lanes <= count; k += lanes) {
            const V v = simd::load<lanes>(x.data + k);
            acc[0] = v * v + acc[0];
        }
        T sum = simd::sum_lanes<T, lanes>(simd::tree_sum<0, chains>(acc));
        for (; k < count; ++k) sum += x[k] * x[k];
        return sum;
    }
}

/// True if every element is finite (neither infinite nor NaN): x - x is 0 for finite x and NaN
/// otherwise, so one comparison of the sum of those differences decides, without a branch per element.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr bool all_finite(const Matrix<T, Rows, Cols>& x) noexcept {
    if (std::is_constant_evaluated()) {
        for (const T v : x)
            if (!math::isfinite(v)) return false;
        return true;
    } else {
        constexpr std::size_t count = Rows * Cols;
        constexpr std::size_t lanes = simd::lanes<Policy, T>;
        constexpr std::size_t chains = 4;  // add latency x throughput
        using V = simd::pack<T, lanes>;
        V acc[chains] = {};
        constexpr std::size_t step = lanes * chains;
        std::size_t k = 0;
        for (; k + step <= count; k += step)
#pragma GCC unroll 4
            for (std::size_t c = 0; c < chains; ++c) {
                const V v = simd::load<lanes>(x.data + k + c * lanes);
                acc[c] = acc[c] + (v - v);
            }
        for (; k + lanes <= count; k += lanes) {
            const V v = simd::load<lanes>(x.data + k);
            acc[0] = acc[0] + (v - v);
        }
        T rest = T(0);
        for (; k < count; ++k) rest += x[k] - x[k];
        const T total = simd::sum_lanes<T, lanes>(simd::tree_sum<0, chains>(acc)) + rest;
        return total == T(0);  // NaN compares unequal
    }
}

}  // namespace ctnet::kernels
