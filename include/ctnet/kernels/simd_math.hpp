// ctnet::kernels::simd::exp, sigmoid and tanh on packs of lanes: branch-free polynomial forms
// that compile to vector code without -ffast-math (std::exp is a scalar library call).
//
// Error bounds against the long-double values rounded to T, asserted by tests/runtime/kernels.cpp
// on 400,000-point grids (exp over its whole range, results from subnormal to near overflow;
// sigmoid on [-100, 40]; tanh on [-20, 20]; and dense grids near 0), in the test builds (x86-64
// baseline, no FMA) and, checked by hand on 3,000,000 points, with -march=native (AVX-512, FMA):
//   exp      <= 1 ulp  (float: Cephes expf's polynomial; double: Taylor series to degree 13)
//   sigmoid  <= 2 ulp  (exp, one add, one division)
//   tanh     <= 2 ulp  (measured 1; |x| < 0.625: Cephes tanhf / tanh, else from exp)
// for float and double. Special values: NaN in, NaN out; exp(+inf) = +inf, exp(-inf) = +0;
// sigmoid(+-inf) = 1, +0; tanh(+-inf) = +-1; tanh(-0) = -0; results that underflow are 0 or
// subnormal (2^k is applied in two exact steps, so a subnormal result is rounded once).
//
// Latency matters as much as throughput here: in a network at batch 1 each activation sits on
// the dependency chain between two layers. Measured on AMD Zen 4, one 16-float pack: exp ~45
// cycles, sigmoid ~58, tanh ~68 (a multiply-add is 4).
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
    static constexpr double round_magic = 6755399441055744.0;  // 1.5 2^52
    static constexpr double lowest = -746.0;
    static constexpr double highest = 710.0;
    static constexpr int mantissa_bits = 52;
    static constexpr int exponent_bias = 1023;
    static constexpr int smallest_scale = -1021;
    static constexpr int largest_scale = 1023;
};

/// q(r) with e^r - 1 = r + r^2 q(r) for |r| <= ln(2)/2 (r2 = r^2).
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> exp_tail_polynomial(pack<T, N> r, pack<T, N> r2) noexcept {
    using V = pack<T, N>;
    if constexpr (sizeof(T) == 4) {
        // Cephes expf's polynomial: relative error of e^r below 1.2e-7 (about 1 ulp) on
        // [-ln2/2, ln2/2]. Evaluated by Estrin's scheme (pairs, then r^2 and r^4) rather than
        // Horner's: 3 dependent multiply-adds instead of 5 (the latency of a sigmoid layer).
        const V r4 = r2 * r2;
        const V q01 = splat<N>(1.6666665459e-1f) * r + splat<N>(5.0000001201e-1f);
        const V q23 = splat<N>(8.3334519073e-3f) * r + splat<N>(4.1665795894e-2f);
        const V q45 = splat<N>(1.9875691500e-4f) * r + splat<N>(1.3981999507e-3f);
        return q45 * r4 + (q23 * r2 + q01);
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
        return q * r + splat<N>(0.5);
    }
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
    const V r2 = r * r;
    const V tail = detail::exp_tail_polynomial<T, N>(r, r2) * r2 + r;  // e^r - 1
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
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> sigmoid(pack<T, N> x) noexcept {
    using V = pack<T, N>;
    using U = pack<uint_of<T>, N>;
    const U sign_bit = splat<N>(static_cast<uint_of<T>>(uint_of<T>(1) << (8 * sizeof(T) - 1)));
    const V one = splat<N>(T(1));
    const V e = exp<T, N>(std::bit_cast<V>(std::bit_cast<U>(x) | sign_bit));
    return (x >= V{} ? one : e) / (one + e);
}

/// tanh lane by lane, computed on |x| and given x's sign bit (so tanh(-0) = -0). |x| < 0.625: an
/// odd polynomial (float) or rational function (double), exact near 0; otherwise
/// 1 - 2 / (e^(2|x|) + 1), which there loses under one bit to cancellation.
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline pack<T, N> tanh(pack<T, N> x) noexcept {
    using V = pack<T, N>;
    using I = pack<uint_of<T>, N>;
    const I sign_bit = splat<N>(static_cast<uint_of<T>>(uint_of<T>(1) << (8 * sizeof(T) - 1)));
    const I x_bits = std::bit_cast<I>(x);
    const V a = std::bit_cast<V>(x_bits & ~sign_bit);
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
    const V one = splat<N>(T(1));
    const V large = one - splat<N>(T(2)) / (exp<T, N>(a + a) + one);
    const V magnitude = a < splat<N>(T(0.625)) ? small : large;  // NaN takes `large`, a NaN
    return std::bit_cast<V>(std::bit_cast<I>(magnitude) | (x_bits & sign_bit));
}

}  // namespace ctnet::kernels::simd
