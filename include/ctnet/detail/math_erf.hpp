// Constexpr error function for ctnet::math: erf_impl, the constant-evaluation path of
// ctnet::math::erf.
#pragma once

#include "ctnet/detail/math_bits.hpp"
#include "ctnet/detail/math_dd.hpp"
#include "ctnet/detail/math_erf_tables.hpp"
#include "ctnet/detail/math_exp.hpp"

namespace ctnet::math::detail {

// Up to this, erf uses its small-argument polynomial (the end of the fit of
// erf_tables::small); beyond, 1 - erfc, where erfc <= 0.077 scales its error down.
inline constexpr double erf_small_end = 1.25;
// Beyond this, erfc|x| < 2^-54 and erf rounds to +-1 (erfc(5.9216) = 2^-54).
inline constexpr double erf_saturation = 6.0;

// erf(x) for double. Method, with a = |x| and the sign restored at the end:
// - a <= 1.25: erf(a) = a + a P(a^2), P a degree-14 fit (math_erf_tables.hpp) evaluated
//   in double-double from the exact a^2.
// - 1.25 < a < 6: erf(a) = 1 - erfc(a), erfc(a) = e^(-a^2) G_j(a - j - 1.5) with G_j a
//   degree 13..17 fit of erfcx on [j + 1, j + 2]; a^2 is exact as a double-double and
//   e^(-a^2) is evaluated from it (exp_kernel); erfc(a) <= 0.077 shrinks its error.
// - a >= 6: +-1.
// Error 0.68 ulp measured (< 1 ulp: coefficient rounding ~0.15 ulp, erfc's few ulp scaled
// by erfc / erf <= 0.08, plus the final rounding). Constexpr, noexcept.
constexpr double erf_impl(double x) noexcept {
    if (is_nan(x)) {
        return x;
    }
    const double a = abs_value(x);
    if (a <= erf_small_end) {
        if (a < 0x1p-60) {
            // x P(x^2) would underflow into subnormals; erf(x) = x + 0.128 x rounds as
            // 2/sqrt(pi) x does (0x1.20dd750429b6dp0, 2/sqrt(pi) rounded). Keeps -0.
            return x * 0x1.20dd750429b6dp0;
        }
        // In double-double, with x^2 exact: the rounding of the coefficients (< 2^-55
        // relative) and the final rounding remain.
        const double_double p = horner_dd(erf_tables::small, two_prod(x, x));
        const double_double correction = two_prod(x, p.hi);
        const double_double sum = two_sum(x, correction.hi);
        return sum.hi + (sum.lo + (correction.lo + x * p.lo));
    }
    if (a >= erf_saturation) {
        return copy_sign(1.0, x);  // includes +-inf
    }
    const int row = static_cast<int>(a) - 1;  // a in [row + 1, row + 2)
    const double t = a - (row + 1.5);           // exact: a and row + 1.5 within a factor 2
    const double g = horner(erf_tables::tail[row], t,
                            static_cast<std::size_t>(erf_tables::tail_degree[row]));
    const double_double square = two_prod(a, a);
    const exp_scaled e = exp_kernel(-square.hi, -square.lo);  // e^-a^2, a normal number
    const double erfc = scale2(e.s.hi, e.k) * g + scale2(e.s.lo, e.k) * g;
    return copy_sign(1.0 - erfc, x);
}

// float: evaluated in double (error < 2^-50 float ulp) and rounded once more.
constexpr float erf_impl(float x) noexcept {
    return static_cast<float>(erf_impl(static_cast<double>(x)));
}

}  // namespace ctnet::math::detail
