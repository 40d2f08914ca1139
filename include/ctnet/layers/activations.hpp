// The element-wise activations: Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, GELU, GELUTanh,
// SiLU, Softplus, HardSigmoid, each with its derivative formula and a bound on |f'|.
#pragma once

#include <concepts>
#include <cstddef>
#include <ratio>

#include <ctnet/layer.hpp>
#include <ctnet/layers/activation.hpp>
#include <ctnet/math.hpp>

namespace ctnet {

namespace detail {
/// A std::ratio as a value of type T.
template <class Ratio, class T>
inline constexpr T ratio_value = kernels::detail::ratio_as<Ratio, T>;

template <class R>
inline constexpr bool is_ratio_v = false;
template <std::intmax_t Num, std::intmax_t Den>
inline constexpr bool is_ratio_v<std::ratio<Num, Den>> = true;
/// Carrier of LeakyReLU's slope rules, reached when the network reads LeakyReLU::valid (a
/// static_assert in the class body makes Clang 16 see a broken class, and the network would then
/// add "not a layer" to the real message).
template <class Slope>
constexpr bool check_leaky_slope() noexcept {
    if constexpr (!is_ratio_v<Slope>) {
        static_assert(is_ratio_v<Slope>,
                      "ctnet: LeakyReLU takes its slope as a std::ratio; write LeakyReLU<std::ratio<1, 100>>");
        return false;
    } else {
        constexpr bool in_range = Slope::num >= 0 && Slope::num < Slope::den;
        static_assert(in_range, "ctnet: LeakyReLU slope must lie in [0, 1); use a ratio such as std::ratio<1, 100>");
        return in_range;
    }
}
/// Carrier of ELU's alpha rule (see check_leaky_slope for why it is not in the class body).
template <class Alpha>
constexpr bool check_elu_alpha() noexcept {
    if constexpr (!is_ratio_v<Alpha>) {
        static_assert(is_ratio_v<Alpha>, "ctnet: ELU takes its alpha as a std::ratio; write ELU<std::ratio<1>>");
        return false;
    } else {
        constexpr bool non_negative = Alpha::num >= 0;
        static_assert(non_negative, "ctnet: ELU alpha must be non-negative; use a ratio such as std::ratio<1>");
        return non_negative;
    }
}
}  // namespace detail

/// The linear activation f(x) = x; f'(x) = 1. Its backward pass reads nothing.
struct Identity {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<Identity, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::none;
    static constexpr double derivative_bound = 1.0;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return x; }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T) noexcept { return T(1); }
};

/// The logistic sigmoid f(x) = 1 / (1 + e^-x); f' = y (1 - y) <= 1/4, so the pre-activation
/// is not stored. Saturates: f'(x) < 1e-4 for |x| > 9.2, the root of vanishing gradients.
struct Sigmoid {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<Sigmoid, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::output;
    static constexpr double derivative_bound = 0.25;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return math::sigmoid(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_output(T y) noexcept { return y * (T(1) - y); }
};

/// The hyperbolic tangent; f' = 1 - y^2 <= 1, from the output.
struct Tanh {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<Tanh, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::output;
    static constexpr double derivative_bound = 1.0;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return math::tanh(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_output(T y) noexcept { return T(1) - y * y; }
};

/// The rectifier f(x) = max(x, 0); f' = 1 where y > 0, else 0 (f'(0) = 0, as PyTorch).
struct ReLU {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<ReLU, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::output;
    static constexpr double derivative_bound = 1.0;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return x > T(0) ? x : T(0); }
    template <std::floating_point T>
    static constexpr T derivative_from_output(T y) noexcept { return y > T(0) ? T(1) : T(0); }
};

/// The leaky rectifier f(x) = x for x > 0, slope * x otherwise; f' = 1 or slope (slope at 0, as
/// PyTorch). The slope is a std::ratio (Clang 16 has no floating-point template parameters)
/// in [0, 1), default 1/100 as torch.nn.LeakyReLU; y > 0 exactly when x > 0, so f' comes from y.
template <class Slope = std::ratio<1, 100>>
struct LeakyReLU {
    static constexpr bool valid = detail::check_leaky_slope<Slope>();

    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<LeakyReLU, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::output;
    static constexpr double derivative_bound = 1.0;
    template <std::floating_point T>
    static constexpr T slope = detail::ratio_value<Slope, T>;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept {
        return kernels::detail::leaky_relu_value<Slope>(x);  // x > 0 ? x : slope x, vectorisable
    }
    template <std::floating_point T>
    static constexpr T derivative_from_output(T y) noexcept { return kernels::detail::leaky_relu_derivative<Slope>(y); }
};

/// The exponential linear unit f(x) = x for x > 0, alpha (e^x - 1) otherwise; f' = 1 or
/// alpha e^x, from the input (as PyTorch: y + alpha would cancel for very negative x).
template <class Alpha = std::ratio<1>>
struct ELU {
    static constexpr bool valid = detail::check_elu_alpha<Alpha>();
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<ELU, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::input;
    static constexpr double derivative_bound = detail::ratio_value<Alpha, double> > 1.0 ? detail::ratio_value<Alpha, double> : 1.0;
    template <std::floating_point T>
    static constexpr T alpha = detail::ratio_value<Alpha, T>;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return kernels::detail::elu_value<Alpha>(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T x) noexcept { return kernels::detail::elu_derivative<Alpha>(x); }
};

/// GELU, exact form: f(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2 (torch approximate='none');
/// f' = Phi(x) + x phi(x), largest at x = sqrt 2: 1.1289041...
struct GELU {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<GELU, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::input;
    static constexpr double derivative_bound = 1.12891;  // max f' = 1.12890415 at x = sqrt(2)
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return kernels::detail::gelu_value(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T x) noexcept { return kernels::detail::gelu_derivative(x); }
};

/// GELU, tanh form (torch approximate='tanh'):
/// f(x) = x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
struct GELUTanh {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<GELUTanh, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::input;
    static constexpr double derivative_bound = 1.12900;  // max f' = 1.12899307 near x = 1.4185
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return kernels::detail::gelu_tanh_value(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T x) noexcept { return kernels::detail::gelu_tanh_derivative(x); }
};

/// SiLU / Swish: f(x) = x sigma(x); f' = sigma(x) (1 + x (1 - sigma(x))), at most 1.0998393.
struct SiLU {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<SiLU, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::input;
    static constexpr double derivative_bound = 1.09984;  // max f' = 1.09983932 at x = 2.39936
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return kernels::detail::silu_value(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T x) noexcept { return kernels::detail::silu_derivative(x); }
};

/// Softplus f(x) = log(1 + e^x) (beta 1), computed as max(x, 0) + log1p(e^-|x|) so it never
/// overflows; f' = sigma(x) <= 1. Like torch (threshold 20) it returns x itself for x > 20,
/// where log1p(e^-x) < 2.1e-9 is below half an ulp of x in float; in double it is not, and f
/// jumps by up to 2.1e-9 at x = 20, exactly as torch's does.
struct Softplus {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<Softplus, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::input;
    static constexpr double derivative_bound = 1.0;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept { return kernels::detail::softplus_value(x); }
    template <std::floating_point T>
    static constexpr T derivative_from_input(T x) noexcept { return math::sigmoid(x); }
};

/// Hard sigmoid f(x) = clamp(x / 6 + 1/2, 0, 1) (torch.nn.Hardsigmoid); f' = 1/6 where
/// 0 < y < 1 (that is -3 < x < 3), else 0.
struct HardSigmoid {
    template <class T, std::size_t In>
    using bind = detail::ActivationLayer<HardSigmoid, T, In>;
    static constexpr DerivativeFrom derivative_from = DerivativeFrom::output;
    static constexpr double derivative_bound = 1.0 / 6.0;
    template <std::floating_point T>
    static constexpr T value(T x) noexcept {
        // As torch, relu6(x + 3) / 6: 0 for x <= -3, 1 for x >= 3, else (x + 3) / 6, the same bits
        // as those three cases (t <= 0 exactly when x <= -3: x + 3 is exact near -3; t >= 1 when x >= 3
        // or x + 3 rounds to 6, where (x + 3) / 6 is 1 too; NaN stays NaN). The quotient is
        // formed first and the choices depend on it: a division on one side of a choice is not
        // executed speculatively under GCC's default -ftrapping-math, so the loop stayed scalar.
        const T t = (x + T(3)) / T(6);
        return t <= T(0) ? T(0) : (t >= T(1) ? T(1) : t);
    }
    template <std::floating_point T>
    static constexpr T derivative_from_output(T y) noexcept { return (y > T(0) && y < T(1)) ? T(1) / T(6) : T(0); }
};

}  // namespace ctnet
