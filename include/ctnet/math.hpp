// ctnet/math.hpp defines ctnet::math: exp, expm1, log, log1p, tanh, sqrt, erf and sigmoid
// for float and double, usable in constant expressions with GCC and Clang alike, plus
// the floating-point helpers abs, isnan, isfinite, signbit and ulp_distance.
//
// Two paths, one result contract:
// - In a constant expression each function runs ctnet's own implementation
//   (ctnet::math::detail::*_impl, range reduction plus polynomial, no <cmath>): Clang
//   rejects std::exp and friends there, GCC only accepts them as an extension.
// - At run time exp, expm1, log, log1p, tanh, sqrt and erf call the C library, as std::exp and
//   friends do (through the compiler's builtins, without <cmath>: see detail::libm), so they
//   are exactly as fast as std:: and as accurate as the C library; sigmoid uses its exp.
// The documented error bounds (docs/math_accuracy.md, enforced by
// tests/runtime/math_accuracy.cpp) are measured on the constexpr implementations, called
// at run time; a constant and a run-time evaluation of the same call may therefore
// differ, each within its bound. Special values (NaN, +-inf, +-0, overflow, underflow,
// domain errors) are the same on both paths and follow C's Annex F.
//
// Guarantees of every function here: constexpr, noexcept, no allocation, no exceptions.
// Constant evaluation never produces NaN or inf by arithmetic (they come from
// std::numeric_limits), which both compilers would reject, and has no errno. At run time
// the C library calls keep the C library's errno behaviour (glibc sets ERANGE on overflow
// and on underflow to zero, EDOM on domain errors); abs, isnan, isfinite, signbit and
// ulp_distance never touch it. Only float and double are accepted.
//
//     constexpr float e = ctnet::math::exp(1.0f);                   // 2.7182817f
//     static_assert(ctnet::math::sqrt(2.0) == 1.4142135623730951);  // correctly rounded
//     static_assert(ctnet::math::sigmoid(-1000.0) == 0.0);          // no overflow
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "ctnet/detail/constant_evaluated.hpp"
#include "ctnet/detail/math_bits.hpp"
#include "ctnet/detail/math_erf.hpp"
#include "ctnet/detail/math_exp.hpp"
#include "ctnet/detail/math_log.hpp"
#include "ctnet/detail/math_sqrt.hpp"
#include "ctnet/detail/math_tanh.hpp"

namespace ctnet::math::detail {

/// The C library's functions for float and double at run time, as <cmath>'s std::exp and
/// friends call them (the same builtins, which GCC and Clang also fold for constants), without
/// including <cmath>: with its special functions that header costs g++ -O3 -march=native 0.67
/// billion instructions to compile, some 3% of bench/compile_cost's TU.
struct libm {
#define CTNET_LIBM_UNARY(name)                                  \
    template <class T>                                          \
    static T name(T x) noexcept {                               \
        if constexpr (sizeof(T) == sizeof(float)) {             \
            return __builtin_##name##f(x);                      \
        } else {                                                \
            return __builtin_##name(x);                         \
        }                                                       \
    }
    CTNET_LIBM_UNARY(exp)
    CTNET_LIBM_UNARY(expm1)
    CTNET_LIBM_UNARY(log)
    CTNET_LIBM_UNARY(log1p)
    CTNET_LIBM_UNARY(tanh)
    CTNET_LIBM_UNARY(sqrt)
    CTNET_LIBM_UNARY(erf)
#undef CTNET_LIBM_UNARY
};

}  // namespace ctnet::math::detail

namespace ctnet::math {

namespace detail {
// Instantiated only for a type other than float and double, from the `else` of an
// `if constexpr`, so that such a call gives this one error and no cascade.
template <class T, class Result = T>
constexpr Result unsupported_float() noexcept {
    static_assert(is_supported_float<T>,
                  "ctnet: ctnet::math supports float and double only; convert the argument "
                  "to double (for long double use <cmath>)");
    return Result{};
}
}  // namespace detail

// |x|: clears the sign bit, so abs(-0.0) == +0.0 and abs(NaN) is a NaN. Exact.
template <std::floating_point T>
constexpr T abs(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        return detail::abs_value(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// Whether x is a NaN (any payload, either sign). Reads the encoding, so it holds under
// -ffast-math too.
template <std::floating_point T>
constexpr bool isnan(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        return detail::is_nan(x);
    } else {
        return detail::unsupported_float<T, bool>();
    }
}

// Whether x is neither infinite nor NaN.
template <std::floating_point T>
constexpr bool isfinite(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        return detail::is_finite(x);
    } else {
        return detail::unsupported_float<T, bool>();
    }
}

// Whether the sign bit of x is set (true for -0.0 and negative NaNs).
template <std::floating_point T>
constexpr bool signbit(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        return detail::sign_bit(x);
    } else {
        return detail::unsupported_float<T, bool>();
    }
}

// How many representable values of T lie between a and b, counting one end: 0 when
// a == b (+0 and -0 are 0 apart), 1 between neighbours, 1 between the largest finite
// value and infinity. Two NaNs are 0 apart; a NaN and a non-NaN are the maximum distance.
template <std::floating_point T>
constexpr std::uint64_t ulp_distance(T a, T b) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        const bool a_nan = detail::is_nan(a);
        const bool b_nan = detail::is_nan(b);
        if (a_nan || b_nan) {
            return a_nan && b_nan ? 0 : UINT64_MAX;
        }
        // Map the encodings onto a line, order preserving: -x below +0 by |x|'s encoding.
        const auto key = [](T v) {
            const auto magnitude =
                static_cast<std::int64_t>(detail::to_bits(detail::abs_value(v)));
            return detail::sign_bit(v) ? -magnitude : magnitude;
        };
        const std::int64_t ka = key(a);
        const std::int64_t kb = key(b);
        // The true difference is below 2^64, so unsigned wrap-around gives it exactly.
        return ka >= kb ? static_cast<std::uint64_t>(ka) - static_cast<std::uint64_t>(kb)
                        : static_cast<std::uint64_t>(kb) - static_cast<std::uint64_t>(ka);
    } else {
        return detail::unsupported_float<T, std::uint64_t>();
    }
}

// e^x.
// Constexpr path: detail::exp_impl: x = k ln 2 + r, |r| <= ln(2)/2, e^r by its Taylor
// series to degree 14 summed in double-double, rounded once, scaled by 2^k exactly.
// Error (docs/math_accuracy.md, 1e7 points per type, whole domain, subnormal results
// included): double <= 1 ulp from the correctly rounded result (max 0.75 ulp, 0.51 for
// normal results); float 0 ulp measured (computed in double), bound 1.
// Finite results for x in [-745.13, 709.78] (double), [-103.97, 88.72] (float).
// Special values: exp(NaN) = NaN, exp(+inf) = +inf, exp(-inf) = +0, overflow -> +inf,
// underflow -> +0. Run time: std::exp.
template <std::floating_point T>
constexpr T exp(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::exp_impl(x);
        }
        return detail::libm::exp(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// e^x - 1, accurate for x near 0 where exp(x) - 1 would cancel.
// Constexpr path: detail::expm1_impl: the exp reduction with e^r - 1 kept as a
// double-double and 2^k (1 + y) - 1 formed with error-free sums, rounded once.
// Error (docs/math_accuracy.md): double <= 1 ulp (max 0.58 ulp, just past the
// reduction boundary ln(2)/2); float 0 ulp measured, bound 1; all x.
// Special values: expm1(+-0) = +-0, expm1(NaN) = NaN, expm1(+inf) = +inf,
// expm1(-inf) = -1, overflow -> +inf. Run time: std::expm1.
template <std::floating_point T>
constexpr T expm1(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::expm1_impl(x);
        }
        return detail::libm::expm1(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// Natural logarithm.
// Constexpr path: detail::log_impl: x = 2^k m, m in [sqrt(2)/2, sqrt(2)),
// log m = 2 atanh(f / (2 + f)) with f = m - 1 exact (Taylor series in s^2 to s^23),
// k ln 2 added in two parts. Error (docs/math_accuracy.md): double <= 1 ulp (max 0.83
// ulp, near x = sqrt(2)/2); float 0 ulp measured, bound 1; all positive x, subnormals included.
// Special values: log(+-0) = -inf, log(x < 0) = NaN, log(+inf) = +inf, log(NaN) = NaN,
// log(1) = +0. Run time: std::log.
template <std::floating_point T>
constexpr T log(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::log_impl(x);
        }
        return detail::libm::log(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// log(1 + x), accurate for x near 0 where log(1 + x) would lose x's low bits.
// Constexpr path: detail::log1p_impl: u = 1 + x with its rounding error e carried
// exactly, log1p(x) = log(u) + e/u by the log method. Error (docs/math_accuracy.md):
// double <= 1 ulp (max 0.83 ulp); float 0 ulp measured, bound 1; all x > -1.
// Special values: log1p(+-0) = +-0, log1p(-1) = -inf, log1p(x < -1) = NaN,
// log1p(+inf) = +inf, log1p(NaN) = NaN. Run time: std::log1p.
template <std::floating_point T>
constexpr T log1p(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::log1p_impl(x);
        }
        return detail::libm::log1p(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// Hyperbolic tangent.
// Constexpr path: detail::tanh_impl: tanh|x| = E / (E + 2) with E = expm1(2|x|) in
// double-double and the quotient in double-double, so there is no cancellation near 0
// nor near saturation. Error (docs/math_accuracy.md): double <= 1 ulp (max 0.55 ulp);
// float 0 ulp measured, bound 1; all x.
// Special values: tanh(+-0) = +-0, tanh(+-inf) = +-1 (and +-1 from |x| > 22),
// tanh(NaN) = NaN. Run time: std::tanh.
template <std::floating_point T>
constexpr T tanh(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::tanh_impl(x);
        }
        return detail::libm::tanh(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// Square root, correctly rounded on both paths (IEEE-754 requires it of std::sqrt).
// Constexpr path: detail::sqrt_impl: exact digit-by-digit integer square root of the
// significand with a rounding and a sticky bit; float through double, which is exact
// for sqrt. Error: 0 ulp (checked against std::sqrt on 1e7 points per type).
// Special values: sqrt(+-0) = +-0, sqrt(x < 0) = NaN, sqrt(+inf) = +inf,
// sqrt(NaN) = NaN. Run time: std::sqrt.
template <std::floating_point T>
constexpr T sqrt(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::sqrt_impl(x);
        }
        return detail::libm::sqrt(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

// Error function, erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt.
// Constexpr path: detail::erf_impl: |x| <= 1.25: x + x P(x^2) in double-double;
// 1.25 < |x| < 6: 1 - e^(-x^2) G(|x|) with G a piecewise polynomial fit of erfcx and x^2
// exact; |x| >= 6: +-1. Coefficients from tools/math_coefficients.py (mpmath).
// Error (docs/math_accuracy.md): double <= 1 ulp (max 0.68 ulp); float 0 ulp measured,
// bound 1; all x.
// Special values: erf(+-0) = +-0, erf(+-inf) = +-1, erf(NaN) = NaN. Run time: std::erf.
template <std::floating_point T>
constexpr T erf(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::erf_impl(x);
        }
        return detail::libm::erf(x);
    } else {
        return detail::unsupported_float<T>();
    }
}

namespace detail {

// Where float has a fused multiply-add in hardware but double has no hardware at all (the
// single-precision FPUs of Cortex-M4F, M33, M7 without the double option: __ARM_FP lacks bit 3),
// sigmoid<float> must not divide in double: that would link libgcc's software double
// arithmetic (~2 KB of flash) and cost hundreds of cycles per call.
#if defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && !(__ARM_FP & 8)
inline constexpr bool sigmoid_float_in_float = true;
#else
inline constexpr bool sigmoid_float_in_float = false;
#endif

// The run-time sigmoid<float> of those targets, in float alone; compiled everywhere so that the
// host tests measure it (tests/runtime/math_accuracy.cpp, with the host's expf). e = e^-|x|,
// n = 1 (x >= 0) or e (x < 0). 1 + e = s + t exactly (Fast2Sum: 1 >= e, so s - 1 is exact and
// t = e - (s - 1) is the rounding error of s). q = n / s is rounded once, r = n - q s is exact
// (one fused multiply-add), and n / (s + t) = q + (r - q t) / (s + t); 1 / (1 + e) is q itself
// for x >= 0 and 1 - q for x < 0, so the correction costs no second division. What remains is
// std::exp's own error and the final rounding: measured 1.46 ulp with glibc's expf on every
// 7th float of [-110, 40], the same as the double quotient.
inline float sigmoid_in_float(float x) noexcept {
    const float e = libm::exp(-abs_value(x));  // in [0, 1]
    const float s = 1.0f + e;
    const float t = e - (s - 1.0f);
    const float n = x >= 0.0f ? 1.0f : e;
    const float q = n / s;
    const float r = __builtin_fmaf(-q, s, n);
    const float inverse_s = x >= 0.0f ? q : 1.0f - q;
    return __builtin_fmaf(r - q * t, inverse_s, q);
}

}  // namespace detail

// Logistic sigmoid, 1 / (1 + e^-x), computed without overflow for any x: for x >= 0 as
// 1 / (1 + e^-x), for x < 0 as e^x / (1 + e^x), so the exponential is never above 1.
// Constexpr path: detail::sigmoid_impl, e^-|x| and the quotient in double-double.
// Error (docs/math_accuracy.md): double <= 1 ulp (max 0.76 ulp for x < -700, where the
// result nears the subnormal range; 0.52 elsewhere); float 0 ulp measured, bound 1. Run-time path: the same two
// formulas with std::exp; documented bounds 2 ulp (float, quotient in double, or in float with
// a compensated quotient on targets without double hardware: detail::sigmoid_in_float) and 3 ulp
// (double), see docs/math_accuracy.md for the measured values.
// Special values: sigmoid(+inf) = 1, sigmoid(-inf) = +0, sigmoid(NaN) = NaN,
// sigmoid(0) = 0.5 exactly.
template <std::floating_point T>
constexpr T sigmoid(T x) noexcept {
    if constexpr (detail::is_supported_float<T>) {
        if (CTNET_CONSTANT_EVALUATED()) {
            return detail::sigmoid_impl(x);
        }
        const T e = detail::libm::exp(-detail::abs_value(x));  // in [0, 1]: cannot overflow
        if constexpr (std::is_same_v<T, float> && detail::sigmoid_float_in_float) {
            return detail::sigmoid_in_float(x);
        } else if constexpr (std::is_same_v<T, float>) {
            // 1 + e is exact in double and the quotient rounds once more: error < 1.51
            // float ulp (std::expf's own error, amplified at most 2x by e / (1 + e), plus
            // the final rounding), at the cost of std::expf and a double division.
            const double numerator = x >= 0.0f ? 1.0 : static_cast<double>(e);
            return static_cast<float>(numerator / (1.0 + static_cast<double>(e)));
        } else {
            // Three roundings (std::exp, 1 + e, the quotient): error <= 2.4 ulp, as
            // cheap as the naive 1 / (1 + std::exp(-x)). Compensating 1 + e would bring
            // it under 2 ulp for about 6% more time.
            const T numerator = x >= T(0) ? T(1) : e;
            return numerator / (T(1) + e);
        }
    } else {
        return detail::unsupported_float<T>();
    }
}

}  // namespace ctnet::math
