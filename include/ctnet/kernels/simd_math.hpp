// ctnet::kernels::simd::exp, sigmoid and tanh on packs of lanes: branch-free polynomial forms
// that compile to vector code without -ffast-math (std::exp is a scalar library call).
//
// Error bounds against the long-double values rounded to T, asserted by tests/runtime/kernels.cpp
// on 400,000-point grids (exp over its whole range, results from subnormal to near overflow;
// sigmoid on [-100, 40]; tanh on [-20, 20]; and dense grids near 0), in the test builds (x86-64
// baseline, no FMA) and, checked by hand on 2,000,000-point grids, with -march=native (AVX-512, FMA):
//   exp      <= 1 ulp  (float: Cephes expf's polynomial; double: Taylor series to degree 13)
//   sigmoid  <= 2 ulp  (measured 2 on 0.1% of points; two multiply-adds from e^r - 1, one division)
//   tanh     <= 2 ulp  (measured: float 1, double 2 on 0.01% of points; |x| < 0.625: Cephes tanhf
//                       / tanh, else 1 - 2e / (1 + e) from e = e^-2|x|)
// for float and double. Special values: NaN in, NaN out; exp(+inf) = +inf, exp(-inf) = +0;
// sigmoid(+-inf) = 1, +0; tanh(+-inf) = +-1; tanh(-0) = -0; results that underflow are 0 or
// subnormal, rounded once.
//
// Latency matters as much as throughput here: in a network at batch 1 each activation sits on
// the dependency chain between two layers. llvm-mca -mcpu=znver4 (AMD Zen 4), one 8-float pack
// fed back into itself: exp ~37 cycles, sigmoid ~51, tanh ~48 (a multiply-add is 4, the division
// 11). The critical path of each is: range reduction, the polynomial (3 multiply-adds deep after
// r^2), then for sigmoid and tanh one multiply-add and the division; everything that depends
// only on k (2^k, 1 + 2^k, range checks) is computed beside it.
//
// Not constexpr (vector types); kernels/elementwise.hpp calls ctnet::math in constant expressions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <ctnet/kernels/simd.hpp>

namespace ctnet::kernels::simd {

namespace detail {

template <class T>
struct ExpConstants;

template <>
struct ExpConstants<float> {
    static constexpr float log2e = 1.44269504088896341f;
    // ln 2 = ln2_hi + ln2_lo with ln2_hi exact in 9 bits, so k ln2_hi is exact for |k| < 2^15
    // (Cody and Waite; Cephes expf).
    static constexpr float ln2_hi = 0.693359375f;
    static constexpr float ln2_lo = -2.12194440e-4f;
    static constexpr float ln2 = 0.693147180559945309f;  // rounded to float
    // 1.5 2^23: t + round_magic - round_magic rounds |t| < 2^22 to the nearest integer, and the
    // low bits of t + round_magic hold that integer (no float-to-int conversion, which is UB for NaN).
    static constexpr float round_magic = 12582912.0f;
    // Beyond [lowest, highest] e^x is 0 or +inf in float (the result is set to those at the end).
    static constexpr float lowest = -104.0f;
    static constexpr float highest = 89.0f;
    static constexpr int mantissa_bits = 23;
    static constexpr int exponent_bias = 127;
    // 2^k is built as 2^k1 2^k2, k1 = k clamped to [smallest_scale, largest_scale]: both factors
    // and the product of 2^k1 with e^r (in [0.7, 1.42]) stay normal for every k of the range.
    static constexpr int smallest_scale = -125;
    static constexpr int largest_scale = 127;
};

template <>
struct ExpConstants<double> {
    static constexpr double log2e = 1.4426950408889634074;
    static constexpr double ln2_hi = 6.93145751953125e-1;  // exact in 21 bits (Cephes exp)
    static constexpr double ln2_lo = 1.42860682030941723212e-6;
    static constexpr double ln2 = 0.693147180559945309417;
    static constexpr double round_magic = 6755399441055744.0;  // 1.5 2^52
    static constexpr double lowest = -746.0;
    static constexpr double highest = 710.0;
    static constexpr int mantissa_bits = 52;
    static constexpr int exponent_bias = 1023;
    static constexpr int smallest_scale = -1021;
    static constexpr int largest_scale = 1023;
};

/// e^r - 1 for |r| <= ln(2)/2 (slightly beyond is fine): r + r^2 q(r), r2 = r^2.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> expm1_reduced(pack<T, N> r, pack<T, N> r2) noexcept {
    using V = pack<T, N>;
    if constexpr (sizeof(T) == 4) {
        // Cephes expf's polynomial q = c0 + c1 r + ... + c5 r^5 (relative error of e^r below
        // 1.2e-7 on [-ln2/2, ln2/2]), regrouped so that the chain after r2 is two multiply-adds:
        //   r + r^2 q = (r + r^2 (c0 + c1 r)) + r^4 ((c2 + c3 r) + r^2 (c4 + c5 r)).
        // The pairs and r^4 are computed while r^2 is; Horner's scheme would be 6 deep.
        const V r4 = r2 * r2;
        const V q01 = splat<N>(1.6666665459e-1f) * r + splat<N>(5.0000001201e-1f);
        const V q23 = splat<N>(8.3334519073e-3f) * r + splat<N>(4.1665795894e-2f);
        const V q45 = splat<N>(1.9875691500e-4f) * r + splat<N>(1.3981999507e-3f);
        const V low = q01 * r2 + r;
        const V high = q45 * r2 + q23;
        return high * r4 + low;
    } else {
        // Taylor series to r^13: the remainder is below |r|^14 / 14! = 4.1e-18 relative to e^r.
        V q = splat<N>(1.0 / 6227020800.0);  // 1/13!
        q = q * r + splat<N>(1.0 / 479001600.0);
        q = q * r + splat<N>(1.0 / 39916800.0);
        q = q * r + splat<N>(1.0 / 3628800.0);
        q = q * r + splat<N>(1.0 / 362880.0);
        q = q * r + splat<N>(1.0 / 40320.0);
        q = q * r + splat<N>(1.0 / 5040.0);
        q = q * r + splat<N>(1.0 / 720.0);
        q = q * r + splat<N>(1.0 / 120.0);
        q = q * r + splat<N>(1.0 / 24.0);
        q = q * r + splat<N>(1.0 / 6.0);
        q = q * r + splat<N>(0.5);
        return q * r2 + r;
    }
}

/// 2^k for integers k in [smallest_scale - mantissa_bits - 1, 0] (subnormal powers included, so
/// that a product with 2^k rounds once), from t, which holds k + round_magic. Off the critical
/// path of its callers: k is known long before the polynomial is.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> pow2_nonpositive(pack<T, N> t) noexcept {
    using C = ExpConstants<T>;
    using V = pack<T, N>;
    using U = pack<uint_of<T>, N>;
    // 2^(k + shift) is normal for every such k; the product with the constant 2^-shift is exact
    // (a power of two, subnormal or not), or rounds to 0 or the least subnormal below that.
    constexpr int shift = C::mantissa_bits + 2;
    const U biased = std::bit_cast<U>(t) - std::bit_cast<U>(splat<N>(C::round_magic)) +
                     splat<N>(static_cast<uint_of<T>>(C::exponent_bias + shift));
    const V scaled = std::bit_cast<V>(biased << C::mantissa_bits);
    const V unscale = std::bit_cast<V>(splat<N>(static_cast<uint_of<T>>(C::exponent_bias - shift) << C::mantissa_bits));
    return scaled * unscale;
}

}  // namespace detail

/// e^x lane by lane: x = k ln2 + r, e^r = 1 + r + r^2 q(r), times 2^k built in the exponent bits.
/// The dependency chain runs through x, k, r, the polynomial and two products; the range checks
/// (results beyond T's range; a NaN passes through) are applied at the end, off that chain.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> exp(pack<T, N> x) noexcept {
    using C = detail::ExpConstants<T>;
    using V = pack<T, N>;
    using I = pack<int_of<T>, N>;
    using U = pack<uint_of<T>, N>;
    const V magic = splat<N>(C::round_magic);
    const V t = x * splat<N>(C::log2e) + magic;
    const V k = t - magic;
    const V r = (x - k * splat<N>(C::ln2_hi)) - k * splat<N>(C::ln2_lo);
    const V tail = detail::expm1_reduced<T, N>(r, r * r);  // e^r - 1
    // k from t's low bits (no float-to-int conversion, undefined for NaN), in unsigned arithmetic:
    // a huge x gives garbage here, which the final selections discard.
    const I ki = std::bit_cast<I>(std::bit_cast<U>(t) - std::bit_cast<U>(magic));
    const I lo = splat<N>(static_cast<int_of<T>>(C::smallest_scale));
    const I hi = splat<N>(static_cast<int_of<T>>(C::largest_scale));
    const I k1 = ki < lo ? lo : (ki > hi ? hi : ki);
    const U k2 = std::bit_cast<U>(ki) - std::bit_cast<U>(k1);
    const U bias = splat<N>(static_cast<uint_of<T>>(C::exponent_bias));
    const V s1 = std::bit_cast<V>((std::bit_cast<U>(k1) + bias) << C::mantissa_bits);
    const V s2 = std::bit_cast<V>((k2 + bias) << C::mantissa_bits);
    // 2^k1 e^r in one FMA (one rounding, a normal number); 2^k2 is 1 unless e^x is subnormal
    // (then this product rounds once more, to the subnormal) or within a factor 2 of overflow.
    const V result = (tail * s1 + s1) * s2;
    const V capped = x > splat<N>(C::highest) ? splat<N>(std::numeric_limits<T>::infinity()) : result;
    return x < splat<N>(C::lowest) ? V{} : capped;
}

/// 1 / (1 + e^-x) lane by lane, with the exponential never above 1: e = e^-|x|, then 1 / (1 + e)
/// for x >= 0 and e / (1 + e) for x < 0 (the formulas of ctnet::math::sigmoid). -|x| is x with
/// its sign bit set (one bit operation, where a comparison and a blend would lengthen the chain).
///
/// e = 2^k (1 + p), p = e^r - 1, is never formed on its own: the numerator 2^k + 2^k p and the
/// denominator (1 + 2^k) + 2^k p are each one multiply-add from p, with 2^k and 1 + 2^k (exact:
/// k <= 0) ready long before p. 2^k is the exact power of two, subnormal ones included, so the
/// numerator rounds once, also where e^-|x| is subnormal. Critical path: the reduction, the
/// polynomial, one multiply-add and the division.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> sigmoid(pack<T, N> x) noexcept {
    using C = detail::ExpConstants<T>;
    using V = pack<T, N>;
    using U = pack<uint_of<T>, N>;
    const U sign_bit = splat<N>(static_cast<uint_of<T>>(uint_of<T>(1) << (8 * sizeof(T) - 1)));
    const V one = splat<N>(T(1));
    const V m = std::bit_cast<V>(std::bit_cast<U>(x) | sign_bit);  // -|x|
    const V magic = splat<N>(C::round_magic);
    const V t = m * splat<N>(C::log2e) + magic;
    const V k = t - magic;
    const V r = (m - k * splat<N>(C::ln2_hi)) - k * splat<N>(C::ln2_lo);
    const V p = detail::expm1_reduced<T, N>(r, r * r);
    const V scale = detail::pow2_nonpositive<T, N>(t);
    const V numerator = x >= V{} ? one : p * scale + scale;
    const V denominator = p * scale + (scale + one);
    // Below `lowest`, e^-|x| is 0 in T (and the reduction above is not valid): 1 for x >= 0, 0 for
    // x < 0. A NaN fails both comparisons and stays NaN.
    const V far = x >= V{} ? one : V{};
    return m < splat<N>(C::lowest) ? far : numerator / denominator;
}

namespace detail {
/// tanh |x| beyond which tanh rounds to 1 in T, and with 2^-2|x| still normal below it.
template <class T>
inline constexpr T tanh_saturation = sizeof(T) == 4 ? T(40) : T(350);
}  // namespace detail

/// tanh lane by lane. |x| < 0.625: an odd polynomial (float) or rational function (double) of x,
/// exact near 0 (tanh(-0) = -0). Otherwise (1 - e) / (1 + e) with e = e^-2|x| <= 0.29, given x's
/// sign: as in sigmoid, the numerator (1 - 2^k) - 2^k p and denominator (1 + 2^k) + 2^k p are
/// one multiply-add each from p = e^r - 1. The reduction 2|x| = k ln2 + r takes one step with ln2
/// rounded to T: the error that leaves in r, |k| times ln2's rounding error, is multiplied by
/// about 2e in the result, where e = 2^k, so it stays below 0.02 ulp for every k (and with FMA
/// the step is exact). Critical path: the reduction, the polynomial, a multiply-add, the division.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> tanh(pack<T, N> x) noexcept {
    using C = detail::ExpConstants<T>;
    using V = pack<T, N>;
    using U = pack<uint_of<T>, N>;
    const U sign_bit = splat<N>(static_cast<uint_of<T>>(uint_of<T>(1) << (8 * sizeof(T) - 1)));
    const U x_sign = std::bit_cast<U>(x) & sign_bit;
    const V a = std::bit_cast<V>(std::bit_cast<U>(x) & ~sign_bit);
    const V one = splat<N>(T(1));
    const V signed_one = std::bit_cast<V>(std::bit_cast<U>(one) | x_sign);
    // The small branch, on a, given x's sign bit at the end (off the critical path).
    const V s = a * a;
    V small;
    if constexpr (sizeof(T) == 4) {
        // Cephes tanhf: relative error below 1.3e-7 on |x| < 0.625.
        V q = splat<N>(-5.70498872745e-3f);
        q = q * s + splat<N>(2.06390887954e-2f);
        q = q * s + splat<N>(-5.37397155531e-2f);
        q = q * s + splat<N>(1.33314422036e-1f);
        q = q * s + splat<N>(-3.33332819422e-1f);
        small = (q * s) * a + a;
    } else {
        // Cephes tanh: x + x^3 P(x^2) / Q(x^2), relative error below 3e-17 on |x| < 0.625.
        V p = splat<N>(-9.64399179425052238628e-1);
        p = p * s + splat<N>(-9.92877231001918586564e1);
        p = p * s + splat<N>(-1.61468768441708447952e3);
        V q = s + splat<N>(1.12811678491632931402e2);
        q = q * s + splat<N>(2.23548839060100448583e3);
        q = q * s + splat<N>(4.84406305325125486048e3);
        small = a * (s * p / q) + a;
    }
    // The large branch: e^-2a = 2^k (1 + p).
    const V magic = splat<N>(C::round_magic);
    const V t = a * splat<N>(T(-2) * C::log2e) + magic;
    const V k = t - magic;
    const V r = k * splat<N>(-C::ln2) - (a + a);
    const V p = detail::expm1_reduced<T, N>(r, r * r);
    const U scale_bits = (std::bit_cast<U>(t) - std::bit_cast<U>(magic) +
                          splat<N>(static_cast<uint_of<T>>(C::exponent_bias)))
                         << C::mantissa_bits;
    const V scale = std::bit_cast<V>(scale_bits);
    // tanh a = 1 - 2e / (1 + e): the quotient (at most 0.45) is within an ulp or two, and the
    // subtraction from 1 shrinks that error (a single quotient (1 - e) / (1 + e) would not).
    const V twice = scale + scale;
    const V numerator = std::bit_cast<V>(std::bit_cast<U>(p * twice + twice) | x_sign);
    const V denominator = p * scale + (one + scale);
    const V large = a > splat<N>(detail::tanh_saturation<T>) ? signed_one : signed_one - numerator / denominator;
    const V signed_small = std::bit_cast<V>(std::bit_cast<U>(small) | x_sign);
    return a < splat<N>(T(0.625)) ? signed_small : large;  // NaN takes `large`: a NaN
}

}  // namespace ctnet::kernels::simd
