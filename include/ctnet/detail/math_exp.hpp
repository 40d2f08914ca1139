// Constexpr exponential kernels for ctnet::math: argument reduction by ln 2, e^r - 1 as a
// double-double, and exp_impl / expm1_impl, the constant-evaluation paths of
// ctnet::math::exp and ctnet::math::expm1.
#pragma once

#include "ctnet/detail/math_bits.hpp"
#include "ctnet/detail/math_dd.hpp"

namespace ctnet::math::detail {

// ln 2 split so that k * ln2_hi is exact for |k| < 2^11: ln2_hi is ln 2 rounded to 42
// significant bits (0x1.62e42fefa38p-1) and ln2_lo is ln 2 - ln2_hi rounded to double.
// What both leave out of ln 2 is below 2e-31, so |k| <= 1100 costs under 3e-28.
inline constexpr double ln2_hi = 0x1.62e42fefa38p-1;
inline constexpr double ln2_lo = 0x1.ef35793c7673p-45;
// 1 / ln 2 rounded to double; only picks k, so its rounding does not matter.
inline constexpr double inv_ln2 = 0x1.71547652b82fep0;

// Largest double whose exponential rounds to a finite double (exp(x) < DBL_MAX + ulp/2).
inline constexpr double exp_overflow = 0x1.62e42fefa39efp+9;  // 709.782712893384
// Smallest double whose exponential does not round to 0 (exp(x) > 2^-1075).
inline constexpr double exp_underflow = -0x1.74910d52d3051p+9;  // -745.1332191019411
// Below this, e^x < 2^-54 and e^x - 1 rounds to -1 (ln 2^-54 = -37.43).
inline constexpr double expm1_saturation = -38.0;

// hi + lo = k ln 2 + r with |r| <= ln(2)/2 + 2^-40, r kept as a double-double.
struct exp_reduction {
    int k;
    double_double r;
};

// Needs |hi| <= 746 and |lo| <= 2^-40. The error of r is below 2^-84 absolute.
constexpr exp_reduction exp_reduce(double hi, double lo) noexcept {
    const double k = nearest_integer(hi * inv_ln2);
    const double a = hi - k * ln2_hi;  // exact: k * ln2_hi is exact and Sterbenz applies
    return {static_cast<int>(k), two_sum(a, lo - k * ln2_lo)};
}

// Taylor coefficients of (e^r - 1 - r - r^2/2) / r^3: c[i] = 1 / (i + 3)!, each the
// correctly rounded quotient of 1 by an exactly representable factorial (<= 14!).
// Truncation after r^14/14! leaves |r|^15 / 15! < 2^-61 |r| for |r| <= 0.347.
inline constexpr double expm1_taylor[] = {
    1.0 / 6,               // 1/3!
    1.0 / 24,              // 1/4!
    1.0 / 120,             // 1/5!
    1.0 / 720,             // 1/6!
    1.0 / 5040,            // 1/7!
    1.0 / 40320,           // 1/8!
    1.0 / 362880,          // 1/9!
    1.0 / 3628800,         // 1/10!
    1.0 / 39916800,        // 1/11!
    1.0 / 479001600,       // 1/12!
    1.0 / 6227020800,      // 1/13!
    1.0 / 87178291200,     // 1/14!
};

// e^r - 1 for r = r.hi + r.lo, |r| <= 0.35, as a double-double with relative error about
// 2^-58: r + r^2/2 are carried exactly and only the cubic tail (< r/50) is rounded.
constexpr double_double expm1_kernel(double_double r) noexcept {
    const double_double square = two_prod(r.hi, r.hi);  // r.hi^2 exactly
    const double_double head = fast_two_sum(r.hi, 0.5 * square.hi);  // |r.hi| > r.hi^2/2
    const double cubic = r.hi * square.hi * horner(expm1_taylor, r.hi);
    // r.lo enters through the derivative e^r.hi = 1 + (e^r.hi - 1): r.lo + r.lo * (...).
    const double low = r.lo * (head.hi + cubic);
    const double tail = head.lo + (r.lo + (0.5 * square.lo + (low + cubic)));
    return fast_two_sum(head.hi, tail);
}

// e^(hi + lo) = 2^k * (s.hi + s.lo) with s in [0.7, 1.42] and relative error below 2^-58.
struct exp_scaled {
    int k;
    double_double s;
};

constexpr exp_scaled exp_kernel(double hi, double lo) noexcept {
    const exp_reduction red = exp_reduce(hi, lo);
    const double_double m = expm1_kernel(red.r);
    const double_double one_plus = two_sum(1.0, m.hi);
    return {red.k, fast_two_sum(one_plus.hi, one_plus.lo + m.lo)};
}

// e^x - 1 for x in [-38, exp_overflow] as a double-double (relative error < 2^-57).
constexpr double_double expm1_dd(double x) noexcept {
    const exp_reduction red = exp_reduce(x, 0.0);
    if (red.k == 0) {
        return expm1_kernel(red.r);  // |x| <= ln(2)/2: no cancellation against 1
    }
    const double_double m = expm1_kernel(red.r);
    const double_double one_plus = two_sum(1.0, m.hi);
    const double_double s = fast_two_sum(one_plus.hi, one_plus.lo + m.lo);
    // 2^k s - 1; for k != 0 the result is at least 0.29 in magnitude.
    const double_double big = two_sum(scale2(s.hi, red.k), -1.0);
    return fast_two_sum(big.hi, big.lo + scale2(s.lo, red.k));
}

// e^x, the constant-evaluation path of ctnet::math::exp for double.
// Method: x = k ln 2 + r, e^r = 1 + r + r^2/2 + r^3 P(r) (Taylor, degree 14) summed as a
// double-double, rounded once, then scaled by 2^k exactly. Error: the double-double is
// good to ~2^-58, so normal results are within 0.53 ulp (measured); subnormal results
// are rounded twice, within 1 ulp (0.75 measured). Constexpr, noexcept.
constexpr double exp_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    if (x > exp_overflow) {
        return infinity<double>();  // includes +inf
    }
    if (x < exp_underflow) {
        return 0.0;  // includes -inf
    }
    const exp_scaled e = exp_kernel(x, 0.0);
    return scale2(e.s.hi, e.k);
}

// e^x - 1, the constant-evaluation path of ctnet::math::expm1 for double.
// Method: expm1_dd (above), rounded once. Error 0.58 ulp measured: the final rounding
// plus the rounding of the cubic Taylor term, doubled by 2 e^r - 1 when k = 1.
// Constexpr, noexcept.
constexpr double expm1_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    if (x > exp_overflow) {
        return infinity<double>();
    }
    if (x < expm1_saturation) {
        return -1.0;  // includes -inf
    }
    // |x| < 2^-54: e^x - 1 = x (1 + x/2 + ...) rounds to x; also keeps the sign of -0.
    if (abs_value(x) < 0x1p-54) {
        return x;
    }
    return expm1_dd(x).hi;
}

// float: evaluated in double (error < 2^-50 float ulp) and rounded once more.
constexpr float exp_impl(float x) noexcept {
    return to_float(exp_impl(static_cast<double>(x)));
}

constexpr float expm1_impl(float x) noexcept {
    return to_float(expm1_impl(static_cast<double>(x)));
}

}  // namespace ctnet::math::detail
