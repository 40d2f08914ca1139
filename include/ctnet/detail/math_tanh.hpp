// Constexpr hyperbolic tangent and logistic sigmoid for ctnet::math: tanh_impl and
// sigmoid_impl, the constant-evaluation paths of ctnet::math::tanh and
// ctnet::math::sigmoid.
#pragma once

#include "ctnet/detail/math_bits.hpp"
#include "ctnet/detail/math_dd.hpp"
#include "ctnet/detail/math_exp.hpp"

namespace ctnet::math::detail {

// Beyond this, 1 - tanh|x| = 2 / (e^2|x| + 1) < 2^-54 and tanh rounds to +-1
// (atanh(1 - 2^-54) = 19.06).
inline constexpr double tanh_saturation = 22.0;
// Beyond this, 1 - sigmoid(x) < e^-x < 2^-54 and sigmoid rounds to 1 (ln 2^54 = 37.43).
inline constexpr double sigmoid_saturation = 38.0;

// tanh(x) for double. Method: with a = |x|, E = e^(2a) - 1 as a double-double (expm1_dd),
// tanh a = E / (E + 2), divided in double-double and rounded once, so accurate both near
// 0 (no cancellation: E ~ 2a) and near saturation. Error 0.55 ulp measured (E's ~2^-57
// plus the final rounding). Constexpr, noexcept.
constexpr double tanh_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    const double a = abs_value(x);
    // a < 2^-28: tanh a = a (1 - a^2/3 + ...) rounds to a; also keeps the sign of -0.
    if (a < 0x1p-28) {
        return x;
    }
    if (a > tanh_saturation) {
        return copy_sign(1.0, x);  // includes +-inf
    }
    const double_double e = expm1_dd(2.0 * a);
    const double_double sum = two_sum(e.hi, 2.0);
    const double_double denominator = fast_two_sum(sum.hi, sum.lo + e.lo);
    return copy_sign(dd_divide(e, denominator), x);
}

// sigmoid(x) = 1 / (1 + e^-x) for double, never overflowing: for x >= 0 it is
// 1 / (1 + e^-x), for x < 0 it is e^x / (1 + e^x), with e^(-|x|) <= 1 as a double-double
// and the quotient taken in double-double, rounded once. Error 0.52 ulp measured for
// x >= -700; up to 0.76 ulp below, as the result nears the subnormal range and the
// double-double's low part underflows. Constexpr, noexcept.
constexpr double sigmoid_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    if (x > sigmoid_saturation) {
        return 1.0;  // includes +inf
    }
    if (x < exp_underflow) {
        return 0.0;  // sigmoid(x) < e^x rounds to 0; includes -inf
    }
    const exp_scaled e = exp_kernel(-abs_value(x), 0.0);
    const double_double t = {scale2(e.s.hi, e.k), scale2(e.s.lo, e.k)};  // e^-|x|
    const double_double sum = two_sum(1.0, t.hi);
    const double_double denominator = fast_two_sum(sum.hi, sum.lo + t.lo);
    const double_double numerator = x >= 0.0 ? double_double{1.0, 0.0} : t;
    return dd_divide(numerator, denominator);
}

// float: evaluated in double (error < 2^-50 float ulp) and rounded once more.
constexpr float tanh_impl(float x) noexcept {
    return static_cast<float>(tanh_impl(static_cast<double>(x)));
}

constexpr float sigmoid_impl(float x) noexcept {
    return static_cast<float>(sigmoid_impl(static_cast<double>(x)));
}

}  // namespace ctnet::math::detail
