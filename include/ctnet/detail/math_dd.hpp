// Double-double building blocks for ctnet::math: error-free sums and products and a
// double-double quotient, usable in constant expressions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctnet/detail/math_bits.hpp"

namespace ctnet::math::detail {

// The unevaluated sum hi + lo, with |lo| <= ulp(hi) / 2 when normalised.
struct double_double {
    double hi;
    double lo;
};

// a + b exactly, when |a| >= |b| or a == 0 (Dekker's Fast2Sum).
constexpr double_double fast_two_sum(double a, double b) noexcept {
    const double s = a + b;
    return {s, b - (s - a)};
}

// a + b exactly, for any order of magnitude (Knuth's TwoSum).
constexpr double_double two_sum(double a, double b) noexcept {
    const double s = a + b;
    const double b_part = s - a;
    return {s, (a - (s - b_part)) + (b - b_part)};
}

// a = hi + lo with hi and lo of at most 26 significant bits each, so that products of the
// halves are exact. Rounds the significand to 26 bits with integer arithmetic instead of
// Veltkamp's multiply by 2^27 + 1, which FMA contraction (-ffp-contract=fast with FMA
// hardware) would silently break at run time. Needs |a| < 2^1023.
constexpr double_double split26(double a) noexcept {
    // Adding 2^26 to the encoding then clearing its low 27 bits rounds the 53-bit
    // significand to 26 bits (half away from zero); a carry into the exponent is fine.
    constexpr std::uint64_t half = std::uint64_t{1} << 26;
    constexpr std::uint64_t low_bits = (std::uint64_t{1} << 27) - 1;
    const double hi = std::bit_cast<double>((to_bits(a) + half) & ~low_bits);
    return {hi, a - hi};  // exact: the difference fits in 27 bits with its sign
}

// a * b exactly as hi + lo (Dekker's product), for |a|, |b| < 2^1023 and no underflow.
// Every partial product is exact, so FMA contraction cannot change the result.
constexpr double_double two_prod(double a, double b) noexcept {
    const double p = a * b;
    const double_double x = split26(a);
    const double_double y = split26(b);
    return {p, ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo};
}

// c[0] + c[1] u + ... + c[N-1] u^(N-1) in double-double arithmetic (Horner's scheme with
// error-free products and sums), for a double-double u: the result carries about 2^-100
// relative error plus the rounding of the coefficients themselves.
template <std::size_t N>
constexpr double_double horner_dd(const double (&c)[N], double_double u) noexcept {
    double_double p = {c[N - 1], 0.0};
    for (std::size_t i = N - 1; i-- > 0;) {
        const double_double product = two_prod(p.hi, u.hi);
        const double cross = p.hi * u.lo + p.lo * u.hi;  // first-order low parts
        const double_double sum = two_sum(product.hi, c[i]);
        p = fast_two_sum(sum.hi, sum.lo + (product.lo + cross));
    }
    return p;
}

// n / d rounded to double, with n and d double-doubles: one correctly computed
// remainder step, so the error before the final rounding is about 2^-100 relative.
constexpr double dd_divide(double_double n, double_double d) noexcept {
    const double q = n.hi / d.hi;
    const double_double p = two_prod(q, d.hi);
    // n.hi - p.hi is exact (Sterbenz): q * d.hi is within an ulp of n.hi.
    const double remainder = (((n.hi - p.hi) - p.lo) + n.lo) - q * d.lo;
    return q + remainder / d.hi;
}

}  // namespace ctnet::math::detail
