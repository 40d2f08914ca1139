// Kernels for element-wise maps over fixed-size matrices: generic maps of a scalar function, the
// vectorised exponential, sigmoid and tanh, and sums over all elements.
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <ctnet/detail/constant_evaluated.hpp>
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

/// An Op's `parameter` type (LeakyReluOp's slope), void for the Ops without one.
template <class Op>
struct op_parameter {
    using type = void;
};
template <class Op>
    requires requires { typename Op::parameter; }
struct op_parameter<Op> {
    using type = typename Op::parameter;
};

/// map_values (one argument) and map_values2 (two) of the kernels' copy for policy P over Rows
/// rows (see kernels/dispatch.hpp, may_dispatch). Ops are named across the copies by their ids
/// and parameters.
template <class Op, class P, class T, std::size_t Rows, std::size_t Count>
[[gnu::always_inline]] inline void run_map(const T* in, T* out) noexcept {
    if constexpr (may_dispatch<P, Rows>) {
        using CopyOp = x86_64_v3::detail::unary_op<Op::id, typename op_parameter<Op>::type>;
        if (on_dispatch_copy<P>()) return x86_64_v3::detail::map_values<CopyOp, DispatchPolicy, T, Count>(in, out);
    }
    if constexpr (!dispatched<P>) run_here<Rows, &packed_map<Op, P, T, Count>>(in, out, T(0));
}

template <class Op, class P, class T, std::size_t Rows, std::size_t Count>
[[gnu::always_inline]] inline void run_map2(const T* a, const T* b, T* out) noexcept {
    if constexpr (may_dispatch<P, Rows>) {
        using CopyOp = x86_64_v3::detail::binary_op<Op::id, typename op_parameter<Op>::type>;
        if (on_dispatch_copy<P>()) return x86_64_v3::detail::map_values2<CopyOp, DispatchPolicy, T, Count>(a, b, out);
    }
    if constexpr (!dispatched<P>) run_here<Rows, &packed_map2<Op, P, T, Count>>(a, b, out);
}

/// Whether Op's output for one sample is handed to the next layer through memory (see
/// apply_elementwise): the Ops built on the vectorised exp or tanh (dozens of operations per pack,
/// not ReLU's or LeakyReLU's few), in 64-byte packs, with GCC.
template <class Op, class P, class T, std::size_t Rows>
inline constexpr bool hand_over_in_memory =
#if defined(__GNUC__) && !defined(__clang__)
    Rows == 1 && P::bytes >= 64 && !requires { requires Op::few_operations; };
#else
    false;
#endif

template <class Op, class P, class T, std::size_t Rows, std::size_t Cols, class Exact>
constexpr Matrix<T, Rows, Cols> apply_elementwise(const Matrix<T, Rows, Cols>& x, Exact exact) noexcept {
    Matrix<T, Rows, Cols> y;
    if (CTNET_CONSTANT_EVALUATED()) {
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
    if (CTNET_CONSTANT_EVALUATED()) {
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

namespace detail {

/// x > 0 ? x : slope x, slope = Slope::num / Slope::den in [0, 1): ctnet::LeakyReLU::value.
/// Written so that the product is needed by the comparison: GCC (under its default
/// -ftrapping-math) does not execute a multiply on one side of a choice speculatively, so the
/// choice as written stayed a branch and a loop over it scalar (a batch of 32 x 64 values took
/// 5x ReLU's time). For slope > 0, x > slope x exactly where x > 0, except where both sides are
/// equal anyway (a subnormal x that slope x rounds back to, +inf): x > s ? x : s is one max
/// instruction. With slope 0 that comparison fails at +inf (0 inf is NaN), so x > 0 joins it.
/// Constant evaluation takes the choice as written (Clang rejects the NaN of 0 inf there).
template <class Slope, class T>
[[nodiscard]] constexpr T leaky_relu_value(T x) noexcept {
    constexpr T slope = detail::ratio_as<Slope, T>;
    if (CTNET_CONSTANT_EVALUATED()) return x > T(0) ? x : slope * x;
    const T scaled = slope * x;
    if constexpr (slope > T(0)) {
        return x > scaled ? x : scaled;
    } else {
        return ((x > scaled) | (x > T(0))) ? x : scaled;
    }
}

/// y > 0 ? 1 : slope: LeakyReLU's derivative from its output.
template <class Slope, class T>
[[nodiscard]] constexpr T leaky_relu_derivative(T y) noexcept {
    return y > T(0) ? T(1) : detail::ratio_as<Slope, T>;
}

}  // namespace detail

/// y[k] = x[k] > 0 ? x[k] : s x[k] (ctnet::LeakyReLU<Slope>, s = Slope::num / Slope::den in
/// [0, 1)), in packs.
template <class Slope, simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> leaky_relu(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::LeakyReluOp<Slope>, Policy>(
        x, [](T v) { return detail::leaky_relu_value<Slope>(v); });
}

/// dx[k] = dy[k] (y[k] > 0 ? 1 : s): LeakyReLU's backward pass from its output.
template <class Slope, simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> leaky_relu_backward(const Matrix<T, Rows, Cols>& y,
                                                                  const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::LeakyReluBackwardOp<Slope>, Policy>(
        y, dy, [](T yv, T g) { return g * detail::leaky_relu_derivative<Slope>(yv); });
}

namespace detail {

/// SiLU's f(x) = x sigma(x) and f'(x) = sigma(x) (1 + x (1 - sigma(x))) in scalar code (the
/// constant-evaluation path of the kernels below, and ctnet::SiLU's value and
/// derivative_from_input).
template <class T>
[[nodiscard]] constexpr T silu_value(T x) noexcept {
    return x * math::sigmoid(x);
}
template <class T>
[[nodiscard]] constexpr T silu_derivative(T x) noexcept {
    const T s = math::sigmoid(x);
    return s * (T(1) + x * (T(1) - s));
}

}  // namespace detail

/// y[k] = x[k] sigma(x[k]) (ctnet::SiLU). Run time: simd::sigmoid; constant evaluation:
/// ctnet::math::sigmoid.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> silu(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::SiluOp, Policy>(x, [](T v) { return detail::silu_value(v); });
}

/// dx[k] = dy[k] s (1 + x[k] (1 - s)), s = sigma(x[k]): SiLU's backward pass from its input.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> silu_backward(const Matrix<T, Rows, Cols>& x,
                                                            const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::SiluBackwardOp, Policy>(
        x, dy, [](T v, T g) { return g * detail::silu_derivative(v); });
}

namespace detail {

/// GELUTanh's tanh argument, sqrt(2 / pi) (x + 0.044715 x^3), as GeluTanhOp computes it.
template <class T>
[[nodiscard]] constexpr T gelu_tanh_inner(T x) noexcept {
    return GeluTanhOp::sqrt_2_over_pi<T> * (x + GeluTanhOp::cubic<T> * x * x * x);
}

/// GELUTanh's f(x) and f'(x) in scalar code (the constant-evaluation path of the kernels below,
/// and ctnet::GELUTanh's value and derivative_from_input).
template <class T>
[[nodiscard]] constexpr T gelu_tanh_value(T x) noexcept {
    return T(0.5) * x * (T(1) + math::tanh(gelu_tanh_inner(x)));
}
template <class T>
[[nodiscard]] constexpr T gelu_tanh_derivative(T x) noexcept {
    const T t = math::tanh(gelu_tanh_inner(x));
    const T dinner = GeluTanhOp::sqrt_2_over_pi<T> * (T(1) + T(3) * GeluTanhOp::cubic<T> * x * x);
    return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * dinner;
}

}  // namespace detail

/// y[k] = x[k] (1 + tanh(sqrt(2 / pi) (x[k] + 0.044715 x[k]^3))) / 2 (ctnet::GELUTanh). Run time:
/// simd::tanh; constant evaluation: ctnet::math::tanh.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> gelu_tanh(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::GeluTanhOp, Policy>(x, [](T v) { return detail::gelu_tanh_value(v); });
}

/// dx[k] = dy[k] f'(x[k]): GELUTanh's backward pass from its input.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> gelu_tanh_backward(const Matrix<T, Rows, Cols>& x,
                                                                 const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::GeluTanhBackwardOp, Policy>(
        x, dy, [](T v, T g) { return g * detail::gelu_tanh_derivative(v); });
}

namespace detail {

/// GELU's f(x) = x (1 + erf(x / sqrt 2)) / 2 and f'(x) = Phi(x) + x phi(x) in scalar code (the
/// constant-evaluation path of the kernels below, and ctnet::GELU's value and
/// derivative_from_input). The same expressions as GeluOp and GeluBackwardOp.
template <class T>
[[nodiscard]] constexpr T gelu_value(T x) noexcept {
    return T(0.5) * x * (T(1) + math::erf(x * GeluOp::sqrt_half<T>));
}
template <class T>
[[nodiscard]] constexpr T gelu_derivative(T x) noexcept {
    const T cdf = T(0.5) * (T(1) + math::erf(x * GeluOp::sqrt_half<T>));
    const T pdf = GeluOp::inv_sqrt_2pi<T> * math::exp(-T(0.5) * x * x);
    return cdf + x * pdf;
}

}  // namespace detail

/// y[k] = x[k] (1 + erf(x[k] / sqrt 2)) / 2 (ctnet::GELU). Run time: simd::erf; constant
/// evaluation: ctnet::math::erf.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> gelu(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::GeluOp, Policy>(x, [](T v) { return detail::gelu_value(v); });
}

/// dx[k] = dy[k] f'(x[k]): GELU's backward pass from its input.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> gelu_backward(const Matrix<T, Rows, Cols>& x,
                                                            const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::GeluBackwardOp, Policy>(
        x, dy, [](T v, T g) { return g * detail::gelu_derivative(v); });
}

namespace detail {

/// x > 0 ? x : alpha (e^x - 1), alpha = Alpha::num / Alpha::den >= 0: ctnet::ELU::value.
template <class Alpha, class T>
[[nodiscard]] constexpr T elu_value(T x) noexcept {
    constexpr T alpha = detail::ratio_as<Alpha, T>;
    return x > T(0) ? x : alpha * math::expm1(x);
}

/// x > 0 ? 1 : alpha e^x: ELU's derivative from its input.
template <class Alpha, class T>
[[nodiscard]] constexpr T elu_derivative(T x) noexcept {
    constexpr T alpha = detail::ratio_as<Alpha, T>;
    return x > T(0) ? T(1) : alpha * math::exp(x);
}

}  // namespace detail

/// y[k] = x[k] > 0 ? x[k] : a (e^x[k] - 1) (ctnet::ELU<Alpha>, a = Alpha::num / Alpha::den >= 0).
/// Run time: simd::expm1_nonpositive (x[k] > 0 takes x[k]); constant evaluation: ctnet::math::expm1.
template <class Alpha, simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> elu(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::EluOp<Alpha>, Policy>(x, [](T v) { return detail::elu_value<Alpha>(v); });
}

/// dx[k] = dy[k] (x[k] > 0 ? 1 : a e^x[k]): ELU's backward pass from its input.
template <class Alpha, simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> elu_backward(const Matrix<T, Rows, Cols>& x,
                                                           const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::EluBackwardOp<Alpha>, Policy>(
        x, dy, [](T v, T g) { return g * detail::elu_derivative<Alpha>(v); });
}

namespace detail {

/// x > 20 ? x : max(x, 0) + log1p(e^-|x|): ctnet::Softplus::value (torch's threshold 20).
template <class T>
[[nodiscard]] constexpr T softplus_value(T x) noexcept {
    if (x > T(20)) return x;
    return (x > T(0) ? x : T(0)) + math::log1p(math::exp(-math::abs(x)));
}

}  // namespace detail

/// y[k] = softplus(x[k]) (ctnet::Softplus). Run time: simd::exp and simd::log1p_unit; constant
/// evaluation: ctnet::math's exp and log1p.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> softplus(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::SoftplusOp, Policy>(x, [](T v) { return detail::softplus_value(v); });
}

/// dx[k] = dy[k] sigma(x[k]): Softplus's backward pass from its input.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> softplus_backward(const Matrix<T, Rows, Cols>& x,
                                                                const Matrix<T, Rows, Cols>& dy) noexcept {
    return detail::apply_elementwise<detail::SoftplusBackwardOp, Policy>(
        x, dy, [](T v, T g) { return g * math::sigmoid(v); });
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

/// y[k] = erf x[k]. Run time: simd::erf (<= 2 ulp); constant evaluation: ctnet::math::erf.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> erf(const Matrix<T, Rows, Cols>& x) noexcept {
    return detail::apply_elementwise<detail::ErfOp, Policy>(x, [](T v) { return math::erf(v); });
}

#include <ctnet/kernels/packed/pieces.inc>

/// a[k] = a[k] - s b[k] for every element (plain SGD's update, with s the learning rate), in
/// for_each_piece's pieces: the next forward pass reads the new weights in those pieces. A matrix
/// of more than inline_pass_size values goes through the out-of-line loop every shape shares
/// (detail::subtract_scaled_rows; the same pieces and arithmetic).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
constexpr void subtract_scaled(Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b, T s) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        for (std::size_t k = 0; k < Rows * Cols; ++k) a[k] = a[k] - s * b[k];
    } else if constexpr (dispatched<Policy>) {
        x86_64_v3::detail::subtract_scaled_values<DispatchPolicy, T, Rows, Cols>(a.data, b.data, s);
    } else if constexpr (Rows * Cols > inline_pass_size) {
        detail::subtract_scaled_rows<Policy, T>(a.data, b.data, s, Rows, Cols);
    } else {
        detail::packed_subtract_scaled<Policy, T, Rows, Cols>(a.data, b.data, s);
    }
}

/// w[i][o] = w[i][o] - s (x[i] dy[o]) for every element: plain SGD's update from the rank-one
/// gradient of y = x w at batch 1, each product rounded as the gradient kernel rounds it (so the
/// result is the one of writing the gradient, then subtract_scaled). In for_each_piece's pieces.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t In, std::size_t Out>
constexpr void subtract_scaled_outer(Matrix<T, In, Out>& w, const Matrix<T, 1, In>& x, const Matrix<T, 1, Out>& dy,
                                     T s) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        for (std::size_t i = 0; i < In; ++i)
            for (std::size_t o = 0; o < Out; ++o) w(i, o) = w(i, o) - s * (x[i] * dy[o]);
    } else if constexpr (dispatched<Policy>) {
        x86_64_v3::detail::subtract_scaled_outer_values<DispatchPolicy, T, In, Out>(w.data, x.data, dy.data, s);
    } else {
        // A large layer's update out of line, one copy per shape (see out_of_line_training_work).
        detail::run_here<1, &detail::subtract_scaled_outer_values<Policy, T, In, Out>,
                         (In * Out >= detail::out_of_line_training_work)>(w.data, x.data, dy.data, s);
    }
}

/// One tensor of a pass over many (a network's gradients, say): `size` values from `data`, the
/// count known at run time (the passes read each tensor as one run). T may be const.
template <class T>
struct TensorRef {
    T* data;
    std::size_t size;
};

namespace detail {

/// The sum of the squares of every value of `count` tensors, at run time: lane-wise partial sums
/// over all of them (SquareSum's), reduced once at the end. One out-of-line function per scalar
/// type serves every network (gradient_norm).
///
/// Each tensor is read as one run of values, its packs straddling rows, not in the row pieces the
/// gradient kernels write. Row by row, T4's 128 x 10 gradient was 128 short rows, and the batch-32
/// norm took ~1,000 ns against ~700 flat. The price is a few loads that span two stores still in
/// the store buffer right after the backward pass: on T1 (A/B medians, g++ -O3 native) the norm
/// alone went from 7-10 ns (its small tensors were inline, per shape) to 12-23 ns.
template <class T>
[[CTNET_ONE_COPY]] inline T sum_of_squares_of_tensors(const TensorRef<const T>* tensors, std::size_t count) noexcept {
    using S = SquareSum<T>;
    typename S::V sums[S::chains] = {};
    for (std::size_t i = 0; i < count; ++i)
        for_each_piece_at_run_time<S::lanes>(1, tensors[i].size, SquarePiece<T, S::lanes>{tensors[i].data, sums});
    return simd::sum_lanes<T, S::lanes>(simd::tree_sum<0, S::chains>(sums));
}

/// Every value of `count` tensors clamped to [-c, c] (ClampPiece: torch.clamp's semantics, NaN
/// kept), each tensor as one run of packs, at run time. One out-of-line function per scalar type
/// (clip_gradient_value). As a plain loop the clamp stayed scalar at -O2 (GCC 12 vectorises there
/// only loops whose trip count it knows): T4's 26,122 gradients took ~16 us, ~2 us at -O3.
template <class T>
[[CTNET_ONE_COPY]] inline void clamp_values_of_tensors(const TensorRef<T>* tensors, std::size_t count, T c) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        for_each_piece_at_run_time<simd::lanes<simd::Native, T>>(1, tensors[i].size, ClampPiece<T>{tensors[i].data, c});
}

/// The clamp of clamp_values_of_tensors on one value, for constant evaluation: the same result.
template <class T>
[[nodiscard]] constexpr T clamp_value(T g, T c) noexcept {
    const T raised = -c > g ? -c : g;
    return c < raised ? c : raised;
}

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
[[CTNET_ONE_COPY]] bool all_finite_values_packed(const T* p, std::size_t n) noexcept {
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
    if (CTNET_CONSTANT_EVALUATED()) {
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
    if (CTNET_CONSTANT_EVALUATED()) {
        return detail::sum_of_squares_values(x.data, Rows * Cols);
    } else if constexpr (dispatched<Policy>) {
        return x86_64_v3::detail::sum_of_squares_packed<DispatchPolicy, T, Rows, Cols>(x.data);
    } else {
        return detail::packed_sum_of_squares<Policy, T, Rows, Cols>(x.data);
    }
}

/// True if every element is finite (neither infinite nor NaN): x - x is 0 for finite x and NaN
/// otherwise, so one comparison of the sum of those differences decides, without a branch per element.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t Rows, std::size_t Cols>
[[nodiscard]] constexpr bool all_finite(const Matrix<T, Rows, Cols>& x) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        return detail::all_finite_values(x.data, Rows * Cols);
    } else if constexpr (Rows > 1) {
        // A batch (train_step's inputs and targets): the loop shared by every shape, as the
        // batch's other passes over whole tensors.
        return detail::all_finite_values_packed(x.data, Rows * Cols);
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
