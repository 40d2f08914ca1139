// Constexpr logarithm kernels for ctnet::math: log_impl and log1p_impl, the
// constant-evaluation paths of ctnet::math::log and ctnet::math::log1p.
#pragma once

#include <cstdint>

#include "ctnet/detail/math_bits.hpp"
#include "ctnet/detail/math_dd.hpp"
#include "ctnet/detail/math_exp.hpp"  // ln2_hi, ln2_lo

namespace ctnet::math::detail {

// Taylor coefficients of 2 atanh(s) = 2s + s R(s^2): R(z) = sum_{n>=1} 2 z^n / (2n + 1),
// here c[i] = 2 / (2i + 3), i.e. R(z) = z (c[0] + c[1] z + ...). Each is a correctly
// rounded quotient. With |s| <= 3 - 2 sqrt(2) = 0.1716, z <= 0.0295 and the first term
// left out, 2 z^12 / 25, is below 2^-64.
inline constexpr double log_atanh_taylor[] = {
    2.0 / 3,   // n = 1
    2.0 / 5,   // n = 2
    2.0 / 7,   // n = 3
    2.0 / 9,   // n = 4
    2.0 / 11,  // n = 5
    2.0 / 13,  // n = 6
    2.0 / 15,  // n = 7
    2.0 / 17,  // n = 8
    2.0 / 19,  // n = 9
    2.0 / 21,  // n = 10
    2.0 / 23,  // n = 11
};

// log(u) + c for u positive and finite (subnormal allowed), |c| <= 2^-52.
// Method: u = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1 (exact), s = f / (2 + f);
// log(m) = 2 atanh(s) = f - (f^2/2 - s (f^2/2 + R(s^2))): the exact f carries the result
// and the rounded correction is at most 0.2 of it. k ln 2 is added in two parts.
constexpr double log_core(double u, double c) noexcept {
    int k = 0;
    std::uint64_t bits = to_bits(u);
    if ((bits >> 52) == 0) {  // subnormal: scale by 2^54 (exact) first
        bits = to_bits(u * 0x1p54);
        k = -54;
    }
    k += static_cast<int>(bits >> 52) - 1023;  // 1023: exponent bias
    std::uint64_t significand = bits & 0x000f'ffff'ffff'ffffu;  // m - 1 in units of 2^-52
    // 0x6a09e667f3bcd: the stored significand of sqrt(2) (0x1.6a09e667f3bcdp0).
    if (significand >= 0x6'a09e'667f'3bcdu) {
        ++k;  // m / 2 in [sqrt(2)/2, 1): exponent -1
        significand |= std::uint64_t{1022} << 52;
    } else {
        significand |= std::uint64_t{1023} << 52;
    }
    const double f = std::bit_cast<double>(significand) - 1.0;  // exact (Sterbenz)
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double r = z * horner(log_atanh_taylor, z);
    const double half_f2 = 0.5 * f * f;
    const double kd = static_cast<double>(k);
    // k * ln2_hi is exact; everything small is summed before the two large terms meet.
    return kd * ln2_hi + (f - (half_f2 - (s * (half_f2 + r) + (kd * ln2_lo + c))));
}

// log(x), the constant-evaluation path of ctnet::math::log for double.
// Error 0.83 ulp measured (< 1 ulp: the rounded correction term adds at most ~0.35 ulp
// to the final rounding). Constexpr, noexcept.
constexpr double log_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    if (x < 0.0) {
        return quiet_nan<double>();  // includes -inf
    }
    if (x == 0.0) {
        return -infinity<double>();  // +0 and -0
    }
    if (!is_finite(x)) {
        return x;  // +inf
    }
    return log_core(x, 0.0);
}

// log(1 + x), the constant-evaluation path of ctnet::math::log1p for double.
// Method: u = fl(1 + x) with its rounding error e exact (TwoSum); log1p(x) =
// log(u) + e/u + O(2^-106), so log_core(u, e/u). Error 0.85 ulp measured (< 1 ulp, as
// log). Constexpr, noexcept.
constexpr double log1p_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    if (x < -1.0) {
        return quiet_nan<double>();  // includes -inf
    }
    if (x == -1.0) {
        return -infinity<double>();
    }
    if (!is_finite(x)) {
        return x;  // +inf
    }
    // |x| < 2^-54: log1p(x) = x (1 - x/2 + ...) rounds to x; also keeps the sign of -0.
    if (abs_value(x) < 0x1p-54) {
        return x;
    }
    const double_double u = two_sum(1.0, x);  // u.hi >= 2^-53 > 0 since x > -1
    return log_core(u.hi, u.lo / u.hi);
}

// float: evaluated in double (error < 2^-50 float ulp) and rounded once more.
constexpr float log_impl(float x) noexcept {
    return static_cast<float>(log_impl(static_cast<double>(x)));
}

constexpr float log1p_impl(float x) noexcept {
    return static_cast<float>(log1p_impl(static_cast<double>(x)));
}

}  // namespace ctnet::math::detail
