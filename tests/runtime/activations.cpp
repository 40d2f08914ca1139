// Run-time twin of tests/static/activations_static.cpp: the same expressions, evaluated once as
// constants (the constexpr math path) and once at run time (the <cmath> path), compared with
// Catch2 so a failure prints the point, the values and the tolerance.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <ratio>
#include <string>

#include <ctnet/ctnet.hpp>

#include "support/static_helpers.hpp"

namespace {

using ctnet::derivative;
using namespace ctnet_test;

using Leaky = ctnet::LeakyReLU<>;
using Leaky5 = ctnet::LeakyReLU<std::ratio<1, 5>>;
using Elu = ctnet::ELU<>;
using Elu3_2 = ctnet::ELU<std::ratio<3, 2>>;

template <class T>
std::string describe(const Report<T>& r) {
    char text[256];
    std::snprintf(text, sizeof text, "%zu points; worst at x = %.9g: got %.17g, expected %.17g, |diff| = %.3g, tolerance %.3g",
                  r.points, static_cast<double>(r.x), static_cast<double>(r.got), static_cast<double>(r.expected),
                  static_cast<double>(magnitude(r.got - r.expected)), static_cast<double>(r.tolerance));
    return text;
}

// `expr` returns a Report: check it as a constant and at run time.
#define CTNET_TEST_REPORT(expr)                                  \
    do {                                                         \
        constexpr auto constant_report = (expr);                 \
        INFO(#expr " [constant]: " << describe(constant_report)); \
        CHECK(constant_report.passed());                         \
        const auto runtime_report = (expr);                      \
        INFO(#expr " [run time]: " << describe(runtime_report)); \
        CHECK(runtime_report.passed());                          \
    } while (false)

// `expr == expected`, as a constant and at run time.
#define CTNET_TEST_EXACT(expr, expected)         \
    do {                                         \
        constexpr auto constant_value = (expr);  \
        CHECK(constant_value == (expected));     \
        const auto runtime_value = (expr);       \
        CHECK(runtime_value == (expected));      \
    } while (false)

}  // namespace

TEMPLATE_TEST_CASE("activations: exact values and derivatives", "[activations]", float, double) {
    using T = TestType;
    CTNET_TEST_EXACT(ctnet::Identity::value(T(-2.5)), T(-2.5));
    CTNET_TEST_EXACT(derivative<ctnet::Identity>(T(-3)), T(1));
    CTNET_TEST_EXACT(derivative<ctnet::Identity>(T(7)), T(1));
    CTNET_TEST_EXACT(ctnet::Sigmoid::value(T(0)), T(0.5));
    CTNET_TEST_EXACT(derivative<ctnet::Sigmoid>(T(0)), T(0.25));
    CTNET_TEST_EXACT(ctnet::Tanh::value(T(0)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::Tanh>(T(0)), T(1));
    CTNET_TEST_EXACT(ctnet::ReLU::value(T(-1)), T(0));
    CTNET_TEST_EXACT(ctnet::ReLU::value(T(2)), T(2));
    CTNET_TEST_EXACT(derivative<ctnet::ReLU>(T(-1)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::ReLU>(T(2)), T(1));
    CTNET_TEST_EXACT(derivative<ctnet::ReLU>(T(0)), T(0));
    CTNET_TEST_EXACT(derivative<Leaky>(T(-1)), T(1) / T(100));
    CTNET_TEST_EXACT(derivative<Leaky>(T(0)), T(1) / T(100));
    CTNET_TEST_EXACT(derivative<Leaky>(T(2)), T(1));
    CTNET_TEST_EXACT(Leaky::value(T(-1)), -(T(1) / T(100)));
    CTNET_TEST_EXACT(Leaky::value(T(2)), T(2));
    CTNET_TEST_EXACT(derivative<Leaky5>(T(-1)), T(1) / T(5));
    CTNET_TEST_EXACT(derivative<Leaky5>(T(0)), T(1) / T(5));
    CTNET_TEST_EXACT(derivative<Leaky5>(T(3)), T(1));
    CTNET_TEST_EXACT(Leaky5::value(T(-1)), -(T(1) / T(5)));
    CTNET_TEST_EXACT(Elu::value(T(0)), T(0));
    CTNET_TEST_EXACT(Elu::value(T(2)), T(2));
    CTNET_TEST_EXACT(derivative<Elu>(T(0)), T(1));
    CTNET_TEST_EXACT(derivative<Elu>(T(2)), T(1));
    CTNET_TEST_EXACT(derivative<Elu3_2>(T(0)), T(1.5));
    CTNET_TEST_EXACT(ctnet::GELU::value(T(0)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::GELU>(T(0)), T(0.5));
    CTNET_TEST_EXACT(ctnet::GELUTanh::value(T(0)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::GELUTanh>(T(0)), T(0.5));
    CTNET_TEST_EXACT(ctnet::SiLU::value(T(0)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::SiLU>(T(0)), T(0.5));
    CTNET_TEST_EXACT(derivative<ctnet::Softplus>(T(0)), T(0.5));
    CTNET_TEST_EXACT(ctnet::Softplus::value(T(25)), T(25));
    CTNET_TEST_EXACT(ctnet::Softplus::value(T(-1000)), T(0));
    CTNET_TEST_EXACT(ctnet::HardSigmoid::value(T(0)), T(0.5));
    CTNET_TEST_EXACT(ctnet::HardSigmoid::value(T(-3)), T(0));
    CTNET_TEST_EXACT(ctnet::HardSigmoid::value(T(3)), T(1));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(0)), T(1) / T(6));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(-2)), T(1) / T(6));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(-4)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(4)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(-3)), T(0));
    CTNET_TEST_EXACT(derivative<ctnet::HardSigmoid>(T(3)), T(0));
}

TEMPLATE_TEST_CASE("activations: textbook identities on a grid", "[activations]", float, double) {
    using T = TestType;
    CTNET_TEST_REPORT(sigmoid_derivative_from_output<T>());
    CTNET_TEST_REPORT(sigmoid_derivative_closed_form<T>());
    CTNET_TEST_REPORT(tanh_derivative_from_output<T>());
    CTNET_TEST_REPORT(tanh_derivative_closed_form<T>());
    CTNET_TEST_REPORT(softplus_derivative_is_sigmoid<T>());
    CTNET_TEST_REPORT(softplus_closed_form<T>());
    CTNET_TEST_REPORT(silu_is_x_sigmoid<T>());
    CTNET_TEST_REPORT(silu_product_rule<T>());
    CTNET_TEST_REPORT((elu_derivative_from_value<std::ratio<1>, T>()));
    CTNET_TEST_REPORT((elu_derivative_from_value<std::ratio<3, 2>, T>()));
    CTNET_TEST_REPORT((odd_part_is_half_x<ctnet::GELU, T>()));
    CTNET_TEST_REPORT((odd_part_is_half_x<ctnet::GELUTanh, T>()));
    CTNET_TEST_REPORT((odd_part_is_half_x<ctnet::SiLU, T>()));
    CTNET_TEST_REPORT((odd_part_is_half_x<ctnet::Softplus, T>()));
    CTNET_TEST_REPORT((odd_part_is_half_x<ctnet::ReLU, T>()));
    CTNET_TEST_REPORT((derivative_even_part<ctnet::GELU, T>()));
    CTNET_TEST_REPORT((derivative_even_part<ctnet::GELUTanh, T>()));
    CTNET_TEST_REPORT((derivative_even_part<ctnet::SiLU, T>()));
    CTNET_TEST_REPORT((derivative_even_part<ctnet::Softplus, T>()));
    CTNET_TEST_REPORT((symmetric_about_half<ctnet::Sigmoid, T>()));
    CTNET_TEST_REPORT((symmetric_about_half<ctnet::HardSigmoid, T>()));
    CTNET_TEST_REPORT((leaky_is_max<std::ratio<1, 100>, T>()));
    CTNET_TEST_REPORT((leaky_is_max<std::ratio<1, 5>, T>()));
}

TEMPLATE_TEST_CASE("activations: central finite difference == derivative", "[activations]", float, double) {
    using T = TestType;
    CTNET_TEST_REPORT((finite_difference_report<ctnet::Identity, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::Sigmoid, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::Tanh, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::ReLU, T>()));
    CTNET_TEST_REPORT((finite_difference_report<Leaky, T>()));
    CTNET_TEST_REPORT((finite_difference_report<Leaky5, T>()));
    CTNET_TEST_REPORT((finite_difference_report<Elu, T>()));
    CTNET_TEST_REPORT((finite_difference_report<Elu3_2, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::GELU, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::GELUTanh, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::SiLU, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::Softplus, T>()));
    CTNET_TEST_REPORT((finite_difference_report<ctnet::HardSigmoid, T>()));
}

namespace {

// max |f'| on the dense grid against derivative_bound: below it (in T), and within 1% of it
// unless the traits say the bound is a supremum reached only in a limit.
template <class A, class T>
void check_bound(const char* name, bool expect_tight) {
    constexpr MaxReport<T> constant_max = max_derivative<A, T>();
    const MaxReport<T> runtime_max = max_derivative<A, T>();
    const T bound = static_cast<T>(A::derivative_bound);
    INFO(name << ": derivative_bound " << A::derivative_bound << "; max |f'| " << constant_max.value << " at x = "
              << constant_max.x << " (constant), " << runtime_max.value << " at x = " << runtime_max.x << " (run time)");
    CHECK(constant_max.value <= bound);
    CHECK(runtime_max.value <= bound);
    if (expect_tight) {
        CHECK(static_cast<double>(constant_max.value) >= 0.99 * A::derivative_bound);
        CHECK(static_cast<double>(runtime_max.value) >= 0.99 * A::derivative_bound);
    }
}

}  // namespace

TEMPLATE_TEST_CASE("activations: derivative_bound bounds |f'| and is tight", "[activations]", float, double) {
    using T = TestType;
    check_bound<ctnet::Identity, T>("Identity", true);
    check_bound<ctnet::Sigmoid, T>("Sigmoid", true);
    check_bound<ctnet::Tanh, T>("Tanh", true);
    check_bound<ctnet::ReLU, T>("ReLU", true);
    check_bound<Leaky, T>("LeakyReLU<>", true);
    check_bound<Leaky5, T>("LeakyReLU<1/5>", true);
    check_bound<Elu, T>("ELU<>", true);
    check_bound<ctnet::GELU, T>("GELU", true);
    check_bound<ctnet::GELUTanh, T>("GELUTanh", true);
    check_bound<ctnet::SiLU, T>("SiLU", true);
    check_bound<ctnet::Softplus, T>("Softplus (a supremum, within 1% for x > 4.6)", true);
    check_bound<ctnet::HardSigmoid, T>("HardSigmoid", true);
    check_bound<Elu3_2, T>("ELU<3/2> (a supremum approached as x -> 0-)", false);
    CTNET_TEST_EXACT(derivative<Elu3_2>(T(-1) / T(1024)) >= T(0.99) * T(1.5), true);
}

namespace {

template <class T, std::size_t N>
void check_softmax_vjp(const std::array<T, N>& x, const std::array<T, N>& dy) {
    const auto runtime_report = softmax_vjp_report(x, dy);
    for (std::size_t i = 0; i < N; ++i) {
        INFO("i = " << i << ": backward " << runtime_report.analytic[i] << ", finite difference "
                    << runtime_report.numeric[i] << ", tolerance " << runtime_report.tolerance);
        CHECK(magnitude(runtime_report.analytic[i] - runtime_report.numeric[i]) <= runtime_report.tolerance);
    }
}

}  // namespace

TEST_CASE("activations: Softmax backward == finite-difference VJP", "[activations][softmax]") {
    // The same points as the static test, first as constants, then at run time.
    constexpr std::array<double, 4> x{0.5, -1.25, 2.0, 0.25};
    constexpr std::array<double, 4> dy{1.0, -0.5, 0.25, 2.0};
    constexpr std::array<float, 4> xf{0.5f, -1.25f, 2.0f, 0.25f};
    constexpr std::array<float, 4> dyf{1.0f, -0.5f, 0.25f, 2.0f};
    constexpr auto constant_double = softmax_vjp_report(x, dy);
    constexpr auto constant_float = softmax_vjp_report(xf, dyf);
    INFO("constant double: worst " << constant_double.worst << " tolerance " << constant_double.tolerance);
    CHECK(constant_double.passed());
    INFO("constant float: worst " << constant_float.worst << " tolerance " << constant_float.tolerance);
    CHECK(constant_float.passed());
    check_softmax_vjp(x, dy);
    check_softmax_vjp(xf, dyf);
    constexpr auto width_one = softmax_vjp_report(std::array<double, 1>{3.0}, std::array<double, 1>{-2.0});
    CHECK(width_one.worst == 0.0);
}
