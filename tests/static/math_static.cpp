// Compile-time checks of ctnet/math.hpp: spot values, special values and identities of
// every function for float and double, evaluated by the compiler (build with GCC and
// Clang: Clang rejects <cmath> in constant expressions, so this proves the constexpr
// path is ctnet's own). Building this file is the test.
//
// Tolerances: "within N ulp" uses ctnet::math::ulp_distance against the correctly
// rounded value, written as a 25-digit decimal literal (computed with mpmath at 30
// digits, of the exact float or double argument) that the compiler rounds. N = 1 is the documented bound (docs/math_accuracy.md); sqrt
// and the exact cases compare with ==.
#include <ctnet/math.hpp>

#include <cstdint>
#include <limits>

namespace {

namespace cm = ctnet::math;

template <class T>
constexpr T inf = std::numeric_limits<T>::infinity();
template <class T>
constexpr T nan = std::numeric_limits<T>::quiet_NaN();
template <class T>
constexpr T tiny = std::numeric_limits<T>::denorm_min();
template <class T>
constexpr T max = std::numeric_limits<T>::max();

template <class T>
constexpr bool within_ulp(T computed, T correctly_rounded, std::uint64_t ulps = 1) {
    return cm::ulp_distance(computed, correctly_rounded) <= ulps;
}

// +0 or -0, exactly.
template <class T>
constexpr bool is_positive_zero(T x) {
    return x == T(0) && !cm::signbit(x);
}
template <class T>
constexpr bool is_negative_zero(T x) {
    return x == T(0) && cm::signbit(x);
}

// ---- helpers: abs, isnan, isfinite, signbit, ulp_distance -----------------------------
template <class T>
constexpr bool helpers_hold() {
    static_assert(cm::abs(T(-2)) == T(2) && cm::abs(T(3)) == T(3));
    static_assert(is_positive_zero(cm::abs(T(-0.0))));
    static_assert(cm::abs(-inf<T>) == inf<T>);
    static_assert(cm::isnan(cm::abs(nan<T>)) && cm::isnan(-nan<T>));
    static_assert(cm::isnan(nan<T>) && !cm::isnan(inf<T>) && !cm::isnan(T(1)));
    static_assert(cm::isfinite(T(0)) && cm::isfinite(max<T>) && cm::isfinite(tiny<T>));
    static_assert(!cm::isfinite(inf<T>) && !cm::isfinite(-inf<T>) && !cm::isfinite(nan<T>));
    static_assert(cm::signbit(T(-0.0)) && !cm::signbit(T(0)) && cm::signbit(-inf<T>));
    static_assert(cm::ulp_distance(T(1), T(1)) == 0);
    static_assert(cm::ulp_distance(T(0), T(-0.0)) == 0);
    static_assert(cm::ulp_distance(tiny<T>, -tiny<T>) == 2);
    static_assert(cm::ulp_distance(max<T>, inf<T>) == 1);
    static_assert(cm::ulp_distance(nan<T>, nan<T>) == 0);
    static_assert(cm::ulp_distance(nan<T>, T(0)) == UINT64_MAX);
    static_assert(cm::ulp_distance(T(1), T(1) + std::numeric_limits<T>::epsilon()) == 1);
    static_assert(cm::ulp_distance(T(1), T(2)) == (std::is_same_v<T, float> ? 1u << 23
                                                                          : 1ull << 52));
    return true;
}
static_assert(helpers_hold<float>());
static_assert(helpers_hold<double>());

// ---- exp --------------------------------------------------------------------------------
static_assert(cm::exp(0.0) == 1.0 && cm::exp(-0.0) == 1.0 && cm::exp(0.0f) == 1.0f);
// The brief's absolute form, then the ulp form.
static_assert(cm::abs(cm::exp(1.0) - 2.718281828459045) < 4e-16);
static_assert(within_ulp(cm::exp(1.0), 2.718281828459045235360287));
static_assert(within_ulp(cm::exp(1.0f), 2.718281828459045235360287f));
static_assert(within_ulp(cm::exp(-1.0), 0.3678794411714423215955238));
static_assert(within_ulp(cm::exp(10.0f), 22026.4657948067165169579f));
static_assert(within_ulp(cm::exp(-20.5), 1.250152866386742628937553e-9));
static_assert(within_ulp(cm::exp(700.0), 1.01423205473500450945533e+304));
static_assert(within_ulp(cm::exp(-740.0), 4.18873988004804893945754e-322));  // subnormal
static_assert(within_ulp(cm::exp(88.0f), 1.65163625499400185552833e+38f));
static_assert(cm::exp(709.0) < inf<double> && cm::exp(88.7f) < inf<float>);
static_assert(cm::exp(710.0) == inf<double> && cm::exp(89.0f) == inf<float>);  // overflow
static_assert(cm::exp(-746.0) == 0.0 && cm::exp(-104.0f) == 0.0f);           // underflow
static_assert(cm::exp(-745.0) == tiny<double> && cm::exp(-103.0f) > 0.0f);
static_assert(cm::exp(inf<double>) == inf<double> && cm::exp(inf<float>) == inf<float>);
static_assert(is_positive_zero(cm::exp(-inf<double>)) && is_positive_zero(cm::exp(-inf<float>)));
static_assert(cm::isnan(cm::exp(nan<double>)) && cm::isnan(cm::exp(nan<float>)));

// ---- expm1 ------------------------------------------------------------------------------
static_assert(is_positive_zero(cm::expm1(0.0)) && is_negative_zero(cm::expm1(-0.0)));
static_assert(is_negative_zero(cm::expm1(-0.0f)));
static_assert(within_ulp(cm::expm1(1.0), 1.718281828459045235360287));
static_assert(within_ulp(cm::expm1(1e-10), 1.000000000050000036433864e-10));
static_assert(within_ulp(cm::expm1(-1e-10), -9.99999999950000036433864e-11));
static_assert(within_ulp(cm::expm1(1e-5f), 1.000004974754289249380278e-5f));
static_assert(within_ulp(cm::expm1(0.3), 0.349858807576003088997301));
static_assert(within_ulp(cm::expm1(-0.5), -0.3934693402873665763962005));
static_assert(cm::expm1(0x1p-60) == 0x1p-60);  // expm1(x) rounds to x for tiny x
static_assert(cm::expm1(-50.0) == -1.0 && cm::expm1(-20.0f) == -1.0f);
static_assert(cm::expm1(-inf<double>) == -1.0 && cm::expm1(-inf<float>) == -1.0f);
static_assert(cm::expm1(inf<double>) == inf<double> && cm::expm1(1000.0) == inf<double>);
static_assert(cm::expm1(100.0f) == inf<float>);
static_assert(cm::isnan(cm::expm1(nan<double>)) && cm::isnan(cm::expm1(nan<float>)));

// ---- log --------------------------------------------------------------------------------
static_assert(is_positive_zero(cm::log(1.0)) && is_positive_zero(cm::log(1.0f)));
static_assert(within_ulp(cm::log(2.0), 0.6931471805599453094172321));
static_assert(within_ulp(cm::log(2.0f), 0.6931471805599453094172321f));
static_assert(within_ulp(cm::log(2.718281828459045), 0.9999999999999999468176229));
static_assert(within_ulp(cm::log(10.0), 2.302585092994045684017991));
static_assert(within_ulp(cm::log(0.5), -0.6931471805599453094172321));
static_assert(within_ulp(cm::log(1e-300), -690.7755278982137051803383));
static_assert(within_ulp(cm::log(tiny<double>), -744.4400719213812623141073));  // subnormal in
static_assert(within_ulp(cm::log(tiny<float>), -103.2789299034318511031676f));
static_assert(within_ulp(cm::log(max<double>), 709.7827128933839967322234));
static_assert(within_ulp(cm::log(1.0000001), 9.99999950583870451775161e-8));
static_assert(cm::log(0.0) == -inf<double> && cm::log(-0.0) == -inf<double>);
static_assert(cm::log(0.0f) == -inf<float>);
static_assert(cm::isnan(cm::log(-1.0)) && cm::isnan(cm::log(-inf<double>)));
static_assert(cm::isnan(cm::log(-1.0f)) && cm::isnan(cm::log(nan<float>)));
static_assert(cm::log(inf<double>) == inf<double> && cm::log(inf<float>) == inf<float>);

// ---- log1p ------------------------------------------------------------------------------
static_assert(is_positive_zero(cm::log1p(0.0)) && is_negative_zero(cm::log1p(-0.0)));
static_assert(within_ulp(cm::log1p(1e-10), 9.999999999500000364355306e-11));
static_assert(within_ulp(cm::log1p(-1e-10), -1.000000000050000036435531e-10));
static_assert(within_ulp(cm::log1p(1.0), 0.6931471805599453094172321));
static_assert(within_ulp(cm::log1p(-0.5f), -0.6931471805599453094172321f));
static_assert(within_ulp(cm::log1p(1e-4f), 9.999499780734844767425654e-5f));
static_assert(within_ulp(cm::log1p(1e300), 690.7755278982137052579022));
static_assert(cm::log1p(0x1p-60) == 0x1p-60);
static_assert(cm::log1p(-1.0) == -inf<double> && cm::log1p(-1.0f) == -inf<float>);
static_assert(cm::isnan(cm::log1p(-2.0)) && cm::isnan(cm::log1p(-inf<float>)));
static_assert(cm::log1p(inf<double>) == inf<double>);
static_assert(cm::isnan(cm::log1p(nan<double>)));

// ---- tanh -------------------------------------------------------------------------------
static_assert(is_positive_zero(cm::tanh(0.0)) && is_negative_zero(cm::tanh(-0.0)));
static_assert(is_positive_zero(cm::tanh(0.0f)));
static_assert(within_ulp(cm::tanh(0.5), 0.4621171572600097585023185));
static_assert(within_ulp(cm::tanh(-0.5f), -0.4621171572600097585023185f));
static_assert(within_ulp(cm::tanh(1e-5), 9.999999999666667484710539e-6));
static_assert(within_ulp(cm::tanh(3.0), 0.9950547536867304513318802));
static_assert(within_ulp(cm::tanh(18.0), 0.999999999999999536095434));
static_assert(cm::tanh(0x1p-40) == 0x1p-40);
static_assert(cm::tanh(30.0) == 1.0 && cm::tanh(-30.0) == -1.0 && cm::tanh(10.0f) == 1.0f);
static_assert(cm::tanh(inf<double>) == 1.0 && cm::tanh(-inf<float>) == -1.0f);
static_assert(cm::isnan(cm::tanh(nan<double>)) && cm::isnan(cm::tanh(nan<float>)));

// ---- sqrt: correctly rounded, so == ------------------------------------------------------
static_assert(cm::sqrt(4.0) == 2.0 && cm::sqrt(4.0f) == 2.0f && cm::sqrt(1.0) == 1.0);
static_assert(cm::sqrt(2.0) == 1.4142135623730951 && cm::sqrt(2.0f) == 1.41421356f);
static_assert(cm::sqrt(0.5) == 0.70710678118654752440);
static_assert(cm::sqrt(1e-300) == 1e-150 && cm::sqrt(9e300) == 3e150);
static_assert(cm::sqrt(tiny<double>) == 2.222758749485077483442713e-162);  // subnormal in
static_assert(cm::sqrt(max<double>) == 1.340780792994259635529117e+154);
static_assert(cm::sqrt(tiny<float>) == 3.743392130574643753512817e-23f);
static_assert(is_positive_zero(cm::sqrt(0.0)) && is_negative_zero(cm::sqrt(-0.0)));
static_assert(cm::isnan(cm::sqrt(-1.0)) && cm::isnan(cm::sqrt(-tiny<float>)));
static_assert(cm::isnan(cm::sqrt(-inf<double>)) && cm::isnan(cm::sqrt(nan<double>)));
static_assert(cm::sqrt(inf<double>) == inf<double> && cm::sqrt(inf<float>) == inf<float>);

// ---- erf --------------------------------------------------------------------------------
static_assert(is_positive_zero(cm::erf(0.0)) && is_negative_zero(cm::erf(-0.0)));
static_assert(is_positive_zero(cm::erf(0.0f)));
static_assert(within_ulp(cm::erf(1.0), 0.8427007929497148693412206));
static_assert(within_ulp(cm::erf(-0.5), -0.5204998778130465376827467));
static_assert(within_ulp(cm::erf(0.5f), 0.5204998778130465376827467f));
static_assert(within_ulp(cm::erf(2.0), 0.9953222650189527341620693));
static_assert(within_ulp(cm::erf(4.5), 0.9999999998033839558457113));
static_assert(within_ulp(cm::erf(1e-20), 1.128379167095512512008253e-20));
static_assert(cm::erf(6.0) == 1.0 && cm::erf(-7.0f) == -1.0f);
static_assert(cm::erf(inf<double>) == 1.0 && cm::erf(-inf<double>) == -1.0);
static_assert(cm::erf(inf<float>) == 1.0f && cm::erf(-inf<float>) == -1.0f);
static_assert(cm::isnan(cm::erf(nan<double>)) && cm::isnan(cm::erf(nan<float>)));

// ---- sigmoid ----------------------------------------------------------------------------
static_assert(cm::sigmoid(0.0) == 0.5 && cm::sigmoid(-0.0) == 0.5 && cm::sigmoid(0.0f) == 0.5f);
static_assert(within_ulp(cm::sigmoid(1.0), 0.7310585786300048792511592));
static_assert(within_ulp(cm::sigmoid(-1.0), 0.2689414213699951207488408));
static_assert(within_ulp(cm::sigmoid(2.0f), 0.8807970779778824440597291f));
static_assert(within_ulp(cm::sigmoid(-30.0), 9.357622968839298953839563e-14));
static_assert(within_ulp(cm::sigmoid(-700.0), 9.859676543759770856705373e-305));
static_assert(cm::sigmoid(1000.0) == 1.0 && cm::sigmoid(100.0f) == 1.0f);  // no overflow
static_assert(is_positive_zero(cm::sigmoid(-1000.0)) && is_positive_zero(cm::sigmoid(-200.0f)));
static_assert(cm::sigmoid(inf<double>) == 1.0 && is_positive_zero(cm::sigmoid(-inf<double>)));
static_assert(cm::sigmoid(inf<float>) == 1.0f && is_positive_zero(cm::sigmoid(-inf<float>)));
static_assert(cm::isnan(cm::sigmoid(nan<double>)) && cm::isnan(cm::sigmoid(nan<float>)));

// ---- identities on a grid, within the stated tolerance -----------------------------------
template <class T>
constexpr bool identities_hold() {
    for (int i = -40; i <= 40; ++i) {
        const T x = T(i) / T(8);  // [-5, 5] in steps of 1/8
        // sigmoid(x) + sigmoid(-x) = 1: both within 1 ulp, so the sum within 2 eps.
        if (!(cm::abs(cm::sigmoid(x) + cm::sigmoid(-x) - T(1)) <=
              2 * std::numeric_limits<T>::epsilon())) {
            return false;
        }
        // tanh x = 2 sigmoid(2x) - 1: 2 ulp of sigmoid become up to 4 eps near 0 after the
        // cancellation, hence the absolute tolerance.
        if (!(cm::abs(cm::tanh(x) - (2 * cm::sigmoid(2 * x) - 1)) <=
              4 * std::numeric_limits<T>::epsilon())) {
            return false;
        }
        // log(exp(x)) = x: exp within 1 ulp (relative eps), log within 1 ulp of |x| <= 5.
        if (!(cm::abs(cm::log(cm::exp(x)) - x) <= 8 * std::numeric_limits<T>::epsilon())) {
            return false;
        }
        // expm1 and log1p are inverse: log1p(expm1(x)) = x, relative 2 eps for |x| <= 1
        // (beyond, log1p's conditioning 1 / (1 + y) near y = -1 amplifies expm1's ulp).
        if (cm::abs(x) <= T(1) && !(cm::abs(cm::log1p(cm::expm1(x)) - x) <=
                                    2 * std::numeric_limits<T>::epsilon() * cm::abs(x))) {
            return false;
        }
        // erf is odd and exp(-x) exp(x) = 1.
        if (cm::erf(-x) != -cm::erf(x) || cm::tanh(-x) != -cm::tanh(x)) {
            return false;
        }
        if (!(cm::abs(cm::exp(-x) * cm::exp(x) - T(1)) <= 3 * std::numeric_limits<T>::epsilon())) {
            return false;
        }
        // sqrt(x^2) = |x| exactly (correct rounding of an exact square root).
        if (cm::sqrt(x * x) != cm::abs(x)) {
            return false;
        }
    }
    return true;
}
static_assert(identities_hold<float>());
static_assert(identities_hold<double>());

// ---- guarantees ----------------------------------------------------------------------------
static_assert(noexcept(cm::exp(1.0)) && noexcept(cm::expm1(1.0f)) && noexcept(cm::log(1.0)));
static_assert(noexcept(cm::log1p(1.0)) && noexcept(cm::tanh(1.0)) && noexcept(cm::sqrt(1.0)));
static_assert(noexcept(cm::erf(1.0)) && noexcept(cm::sigmoid(1.0f)) && noexcept(cm::abs(1.0)));
static_assert(std::is_same_v<decltype(cm::exp(1.0f)), float>);
static_assert(std::is_same_v<decltype(cm::sigmoid(1.0)), double>);

// The brief's acceptance line, in a namespace-scope constant.
constexpr float kEulerFloat = cm::exp(1.0f);
static_assert(kEulerFloat == 2.718281828459045235360287f);

}  // namespace
