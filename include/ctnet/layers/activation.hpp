// ctnet::detail::ActivationLayer: binds an element-wise activation description to a width.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// An element-wise activation description: `value(x)`, where its derivative is cheapest from
/// (`derivative_from`), the derivative from that side (`derivative_from_output(y)` or
/// `derivative_from_input(x)`), and `derivative_bound`, a constant with |f'(x)| <= bound for
/// every x (the basis of the compile-time vanishing-gradient bound).
template <class A>
concept ElementwiseActivation = requires(double x) {
    { A::derivative_from } -> std::convertible_to<DerivativeFrom>;
    { A::derivative_bound } -> std::convertible_to<double>;
    { A::value(x) } -> std::same_as<double>;
};

/// f'(x) of an element-wise activation, computed the way its backward pass does (from the
/// output for DerivativeFrom::output activations). Constexpr, noexcept.
template <ElementwiseActivation A, std::floating_point T>
[[nodiscard]] constexpr T derivative(T x) noexcept {
    if constexpr (A::derivative_from == DerivativeFrom::output) {
        return A::derivative_from_output(A::value(x));
    } else {
        return A::derivative_from_input(x);
    }
}

struct ReLU;  // layers/activations.hpp
struct Sigmoid;
struct Tanh;
struct SiLU;
struct GELUTanh;
struct GELU;
struct Softplus;
template <class Slope>
struct LeakyReLU;
template <class Alpha>
struct ELU;

namespace detail {

/// LeakyReLU's slope ratio (`type`), absent for every other activation.
template <class A>
struct leaky_slope {};
template <class Slope>
struct leaky_slope<LeakyReLU<Slope>> {
    using type = Slope;
};
template <class A>
concept LeakyActivation = requires { typename leaky_slope<A>::type; };

/// ELU's alpha ratio (`type`), absent for every other activation.
template <class A>
struct elu_alpha {};
template <class Alpha>
struct elu_alpha<ELU<Alpha>> {
    using type = Alpha;
};
template <class A>
concept EluActivation = requires { typename elu_alpha<A>::type; };

/// A(x) element by element: the packed kernel where kernels/ has one (std::exp is a scalar library
/// call no compiler vectorises without -ffast-math; a plain loop leaves a scalar remainder), a
/// plain map of A::value otherwise. The kernels compute the same formulas as the descriptions.
template <class A, class Policy = kernels::simd::Native, class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> activation_values(const Matrix<T, B, N>& x) noexcept {
    if constexpr (std::is_same_v<A, ReLU>) {
        return kernels::relu<Policy>(x);
    } else if constexpr (std::is_same_v<A, Sigmoid>) {
        return kernels::sigmoid<Policy>(x);
    } else if constexpr (std::is_same_v<A, Tanh>) {
        return kernels::tanh<Policy>(x);
    } else if constexpr (LeakyActivation<A>) {
        return kernels::leaky_relu<typename leaky_slope<A>::type, Policy>(x);
    } else if constexpr (std::is_same_v<A, SiLU>) {
        return kernels::silu<Policy>(x);
    } else if constexpr (std::is_same_v<A, GELUTanh>) {
        return kernels::gelu_tanh<Policy>(x);
    } else if constexpr (std::is_same_v<A, GELU>) {
        return kernels::gelu<Policy>(x);
    } else if constexpr (EluActivation<A>) {
        return kernels::elu<typename elu_alpha<A>::type, Policy>(x);
    } else if constexpr (std::is_same_v<A, Softplus>) {
        return kernels::softplus<Policy>(x);
    } else {
        return kernels::map(x, [](T v) noexcept { return A::value(v); });
    }
}

/// dL/dx = dL/dy * A'(x) from the output y, as above.
template <class A, class Policy = kernels::simd::Native, class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> activation_gradient_from_output(const Matrix<T, B, N>& y,
                                                                        const Matrix<T, B, N>& dy) noexcept {
    if constexpr (std::is_same_v<A, ReLU>) {
        return kernels::relu_backward<Policy>(y, dy);
    } else if constexpr (std::is_same_v<A, Sigmoid>) {
        return kernels::sigmoid_backward<Policy>(y, dy);
    } else if constexpr (std::is_same_v<A, Tanh>) {
        return kernels::tanh_backward<Policy>(y, dy);
    } else if constexpr (LeakyActivation<A>) {
        return kernels::leaky_relu_backward<typename leaky_slope<A>::type, Policy>(y, dy);
    } else {
        return kernels::map(y, dy, [](T yv, T g) noexcept { return g * A::derivative_from_output(yv); });
    }
}

/// dL/dx = dL/dy * A'(x) from the input x, as above.
template <class A, class Policy = kernels::simd::Native, class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> activation_gradient_from_input(const Matrix<T, B, N>& x,
                                                                       const Matrix<T, B, N>& dy) noexcept {
    if constexpr (std::is_same_v<A, SiLU>) {
        return kernels::silu_backward<Policy>(x, dy);
    } else if constexpr (std::is_same_v<A, GELUTanh>) {
        return kernels::gelu_tanh_backward<Policy>(x, dy);
    } else if constexpr (std::is_same_v<A, GELU>) {
        return kernels::gelu_backward<Policy>(x, dy);
    } else if constexpr (EluActivation<A>) {
        return kernels::elu_backward<typename elu_alpha<A>::type, Policy>(x, dy);
    } else if constexpr (std::is_same_v<A, Softplus>) {
        return kernels::softplus_backward<Policy>(x, dy);
    } else {
        return kernels::map(x, dy, [](T xv, T g) noexcept { return g * A::derivative_from_input(xv); });
    }
}

/// An element-wise activation A bound to scalar T and width N.
template <class A, class T, std::size_t N>
struct ActivationLayer : ParameterFreeLayer<T, N, N> {
    using typename ParameterFreeLayer<T, N, N>::Parameters;
    using description = A;
    static constexpr const char* name = "activation";
    static constexpr bool backward_needs_input = A::derivative_from == DerivativeFrom::input;
    static constexpr bool backward_needs_output = A::derivative_from == DerivativeFrom::output;
    static constexpr double derivative_bound = A::derivative_bound;

    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, N> forward(const Parameters&, const Matrix<T, B, N>& x) noexcept {
        return activation_values<A, Policy>(x);
    }

    /// Policy: the kernels' lane policy, as for forward (train_step's dispatched batch-1 step).
    template <bool WantInputGradient, class Policy = kernels::simd::Native, std::size_t B, class X, class Y>
    static constexpr auto backward(const Parameters&, Parameters&, const NotStored&, const X& x, const Y& y,
                                   const Matrix<T, B, N>& dy) noexcept {
        if constexpr (!WantInputGradient) {
            return NotStored{};
        } else if constexpr (A::derivative_from == DerivativeFrom::output) {
            return activation_gradient_from_output<A, Policy>(y, dy);
        } else if constexpr (A::derivative_from == DerivativeFrom::input) {
            return activation_gradient_from_input<A, Policy>(x, dy);
        } else {
            return kernels::map(dy, [](T g) noexcept { return g * A::derivative_from_input(T(0)); });
        }
    }
};

}  // namespace detail
}  // namespace ctnet
