// Every activation's value and derivative, checked at compile time, in float and double:
// exact values where they are exact, textbook identities on a grid, a central finite difference
// of the value against ctnet::derivative<A>, and derivative_bound as a true and tight bound on
// |f'|. Softmax: backward's vector-Jacobian product against finite differences of forward.
// Run-time twin (prints the numbers of a failure): tests/runtime/activations.cpp.
#include <array>
#include <ratio>

#include <ctnet/ctnet.hpp>

#include "support/static_helpers.hpp"

namespace {

using ctnet::derivative;
using namespace ctnet_test;

using Leaky = ctnet::LeakyReLU<>;                      // slope 1/100, torch's default
using Leaky5 = ctnet::LeakyReLU<std::ratio<1, 5>>;     // slope 0.2
using Elu = ctnet::ELU<>;                              // alpha 1
using Elu3_2 = ctnet::ELU<std::ratio<3, 2>>;           // alpha 1.5: its bound is a supremum

// ---- exact values -------------------------------------------------------------------------------
// Each right-hand side follows from the formula with exactly representable intermediates
// (0.5 * 0.5, (0 + 3) / 6 ...), so == is the right comparison. Kinks follow torch's convention.
template <class T>
struct ExactValues {
    // Identity: f(x) = x, f' = 1.
    static_assert(ctnet::Identity::value(T(-2.5)) == T(-2.5));
    static_assert(derivative<ctnet::Identity>(T(-3)) == T(1) && derivative<ctnet::Identity>(T(7)) == T(1));
    // Sigmoid: sigma(0) = 1/2 exactly, so sigma'(0) = 1/2 * 1/2.
    static_assert(ctnet::Sigmoid::value(T(0)) == T(0.5));
    static_assert(derivative<ctnet::Sigmoid>(T(0)) == T(0.25));
    // Tanh: tanh(0) = 0, tanh'(0) = 1 - 0.
    static_assert(ctnet::Tanh::value(T(0)) == T(0));
    static_assert(derivative<ctnet::Tanh>(T(0)) == T(1));
    // ReLU: 0 left of 0, 1 right of it, 0 at 0 (torch).
    static_assert(ctnet::ReLU::value(T(-1)) == T(0) && ctnet::ReLU::value(T(2)) == T(2));
    static_assert(derivative<ctnet::ReLU>(T(-1)) == T(0));
    static_assert(derivative<ctnet::ReLU>(T(2)) == T(1));
    static_assert(derivative<ctnet::ReLU>(T(0)) == T(0));
    // LeakyReLU: slope left of 0 and at 0 (torch), 1 right of it; f(-1) = -slope.
    static_assert(derivative<Leaky>(T(-1)) == T(1) / T(100));
    static_assert(derivative<Leaky>(T(0)) == T(1) / T(100));
    static_assert(derivative<Leaky>(T(2)) == T(1));
    static_assert(Leaky::value(T(-1)) == -(T(1) / T(100)) && Leaky::value(T(2)) == T(2));
    static_assert(derivative<Leaky5>(T(-1)) == T(1) / T(5));
    static_assert(derivative<Leaky5>(T(0)) == T(1) / T(5));
    static_assert(derivative<Leaky5>(T(3)) == T(1));
    static_assert(Leaky5::value(T(-1)) == -(T(1) / T(5)));
    // ELU: alpha e^0 = 1 at 0 (left formula), 1 right of 0; f(0) = expm1(0) = 0.
    static_assert(Elu::value(T(0)) == T(0) && Elu::value(T(2)) == T(2));
    static_assert(derivative<Elu>(T(0)) == T(1));
    static_assert(derivative<Elu>(T(2)) == T(1));
    static_assert(derivative<Elu3_2>(T(0)) == T(1.5));
    // GELU (both forms): f(0) = 0; f'(0) = Phi(0) + 0 = 1/2 (erf(0) = 0, tanh(0) = 0).
    static_assert(ctnet::GELU::value(T(0)) == T(0) && derivative<ctnet::GELU>(T(0)) == T(0.5));
    static_assert(ctnet::GELUTanh::value(T(0)) == T(0) && derivative<ctnet::GELUTanh>(T(0)) == T(0.5));
    // SiLU: f(0) = 0 * 1/2; f'(0) = 1/2 (1 + 0).
    static_assert(ctnet::SiLU::value(T(0)) == T(0) && derivative<ctnet::SiLU>(T(0)) == T(0.5));
    // Softplus: f'(0) = sigma(0) = 1/2; f(x) = x above the threshold 20 (torch); f(-1000) =
    // log1p(e^-1000) = log1p(0) = 0: e^-1000 underflows in float and double.
    static_assert(derivative<ctnet::Softplus>(T(0)) == T(0.5));
    static_assert(ctnet::Softplus::value(T(25)) == T(25) && ctnet::Softplus::value(T(-1000)) == T(0));
    // HardSigmoid: (0 + 3) / 6 = 1/2; slope 1/6 inside (-3, 3), 0 outside and at +-3 (torch).
    static_assert(ctnet::HardSigmoid::value(T(0)) == T(0.5));
    static_assert(ctnet::HardSigmoid::value(T(-3)) == T(0) && ctnet::HardSigmoid::value(T(3)) == T(1));
    static_assert(derivative<ctnet::HardSigmoid>(T(0)) == T(1) / T(6));
    static_assert(derivative<ctnet::HardSigmoid>(T(-2)) == T(1) / T(6));
    static_assert(derivative<ctnet::HardSigmoid>(T(-4)) == T(0) && derivative<ctnet::HardSigmoid>(T(4)) == T(0));
    static_assert(derivative<ctnet::HardSigmoid>(T(-3)) == T(0) && derivative<ctnet::HardSigmoid>(T(3)) == T(0));
};
template struct ExactValues<float>;
template struct ExactValues<double>;

// ---- textbook identities on the grid -----------------------------------------------------------
template <class T>
struct Identities {
    static_assert(sigmoid_derivative_from_output<T>().passed());       // sigma' = sigma (1 - sigma)
    static_assert(sigmoid_derivative_closed_form<T>().passed());       // sigma' = e^-x / (1 + e^-x)^2
    static_assert(tanh_derivative_from_output<T>().passed());          // tanh' = 1 - tanh^2
    static_assert(tanh_derivative_closed_form<T>().passed());          // tanh' = 4 / (e^x + e^-x)^2
    static_assert(softplus_derivative_is_sigmoid<T>().passed());       // softplus' = sigma
    static_assert(softplus_closed_form<T>().passed());                 // softplus = log(1 + e^x)
    static_assert(silu_is_x_sigmoid<T>().passed());                    // silu = x sigma
    static_assert(silu_product_rule<T>().passed());                    // silu' = sigma + x sigma'
    static_assert(elu_derivative_from_value<std::ratio<1>, T>().passed());     // elu' = elu + alpha
    static_assert(elu_derivative_from_value<std::ratio<3, 2>, T>().passed());
    // f(x) - f(-x) = x and f'(x) + f'(-x) = 1 for x * CDF(x) shapes, softplus and ReLU.
    static_assert(odd_part_is_half_x<ctnet::GELU, T>().passed());
    static_assert(odd_part_is_half_x<ctnet::GELUTanh, T>().passed());
    static_assert(odd_part_is_half_x<ctnet::SiLU, T>().passed());
    static_assert(odd_part_is_half_x<ctnet::Softplus, T>().passed());
    static_assert(odd_part_is_half_x<ctnet::ReLU, T>().passed());
    static_assert(derivative_even_part<ctnet::GELU, T>().passed());
    static_assert(derivative_even_part<ctnet::GELUTanh, T>().passed());
    static_assert(derivative_even_part<ctnet::SiLU, T>().passed());
    static_assert(derivative_even_part<ctnet::Softplus, T>().passed());
    static_assert(symmetric_about_half<ctnet::Sigmoid, T>().passed());      // sigma(x) + sigma(-x) = 1
    static_assert(symmetric_about_half<ctnet::HardSigmoid, T>().passed());
    static_assert(leaky_is_max<std::ratio<1, 100>, T>().passed());          // leaky = max(x, slope x)
    static_assert(leaky_is_max<std::ratio<1, 5>, T>().passed());
};
template struct Identities<float>;
template struct Identities<double>;

// ---- central finite differences -----------------------------------------------------------------
// |(f(x+h) - f(x-h)) / 2h - f'(x)| <= h^2 M3 / 6 + error(x+h) / h + error(x), see fd_tolerance.
template <class T>
struct FiniteDifferences {
    static_assert(finite_difference_report<ctnet::Identity, T>().passed());
    static_assert(finite_difference_report<ctnet::Sigmoid, T>().passed());
    static_assert(finite_difference_report<ctnet::Tanh, T>().passed());
    static_assert(finite_difference_report<ctnet::ReLU, T>().passed());
    static_assert(finite_difference_report<Leaky, T>().passed());
    static_assert(finite_difference_report<Leaky5, T>().passed());
    static_assert(finite_difference_report<Elu, T>().passed());
    static_assert(finite_difference_report<Elu3_2, T>().passed());
    static_assert(finite_difference_report<ctnet::GELU, T>().passed());
    static_assert(finite_difference_report<ctnet::GELUTanh, T>().passed());
    static_assert(finite_difference_report<ctnet::SiLU, T>().passed());
    static_assert(finite_difference_report<ctnet::Softplus, T>().passed());
    static_assert(finite_difference_report<ctnet::HardSigmoid, T>().passed());
};
template struct FiniteDifferences<float>;
template struct FiniteDifferences<double>;

// ---- derivative_bound: |f'| <= bound everywhere on the grid, and within 1% of it somewhere -----
// Every bound here is attained (max f' reached at a finite x) except Softplus's (sigma < 1; the
// grid still gets within 1% for x > 4.6) and ELU<3/2>'s (alpha e^x -> 1.5 only as x -> 0-; the
// nearest grid point -1/32 gives 1.5 e^(-1/32) = 0.969 * 1.5, so only the bound is checked, and
// its approach is checked separately below).
template <class A, class T>
constexpr bool bound_is_valid_and_tight() noexcept {
    return bound_holds<A, T>() && bound_tight<A, T>();
}
template <class T>
struct DerivativeBounds {
    static_assert(bound_is_valid_and_tight<ctnet::Identity, T>());
    static_assert(bound_is_valid_and_tight<ctnet::Sigmoid, T>());
    static_assert(bound_is_valid_and_tight<ctnet::Tanh, T>());
    static_assert(bound_is_valid_and_tight<ctnet::ReLU, T>());
    static_assert(bound_is_valid_and_tight<Leaky, T>());
    static_assert(bound_is_valid_and_tight<Leaky5, T>());
    static_assert(bound_is_valid_and_tight<Elu, T>());
    static_assert(bound_is_valid_and_tight<ctnet::GELU, T>());
    static_assert(bound_is_valid_and_tight<ctnet::GELUTanh, T>());
    static_assert(bound_is_valid_and_tight<ctnet::SiLU, T>());
    static_assert(bound_is_valid_and_tight<ctnet::Softplus, T>());  // a supremum, see above
    static_assert(bound_is_valid_and_tight<ctnet::HardSigmoid, T>());
    static_assert(bound_holds<Elu3_2, T>() && !ActivationTraits<Elu3_2>::bound_attained);
    // ELU<3/2>: the supremum 1.5 is approached from the left: f'(-2^-10) > 0.99 * 1.5.
    static_assert(derivative<Elu3_2>(T(-1) / T(1024)) >= T(0.99) * T(1.5));
};
template struct DerivativeBounds<float>;
template struct DerivativeBounds<double>;

// ---- Softmax: backward == vector-Jacobian product of forward ---------------------------------
// x and dy are dyadic so x +- h is exact; the logits spread over 5 units so no p_i is tiny.
constexpr std::array<double, 4> softmax_x{0.5, -1.25, 2.0, 0.25};
constexpr std::array<double, 4> softmax_dy{1.0, -0.5, 0.25, 2.0};
constexpr std::array<float, 4> softmax_xf{0.5f, -1.25f, 2.0f, 0.25f};
constexpr std::array<float, 4> softmax_dyf{1.0f, -0.5f, 0.25f, 2.0f};
static_assert(softmax_vjp_report(softmax_x, softmax_dy).passed());
static_assert(softmax_vjp_report(softmax_xf, softmax_dyf).passed());
// Width 1: softmax is the constant 1, its VJP is exactly 0.
static_assert(softmax_vjp_report(std::array<double, 1>{3.0}, std::array<double, 1>{-2.0}).worst == 0.0);

}  // namespace
