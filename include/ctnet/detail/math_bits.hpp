// Bit-level helpers for ctnet::math: IEEE-754 encodings, exact scaling by powers of two,
// rounding to integers and polynomial evaluation, all usable in constant expressions.
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>

namespace ctnet::math::detail {

// ctnet::math implements float and double (IEEE-754 binary32 and binary64) only.
template <class T>
inline constexpr bool is_supported_float = std::same_as<T, float> || std::same_as<T, double>;

template <class T>
struct float_layout;

template <>
struct float_layout<float> {
    using bits = std::uint32_t;
    static constexpr bits sign_mask = 0x8000'0000u;      // bit 31
    static constexpr bits exponent_mask = 0x7f80'0000u;  // bits 23..30
};

template <>
struct float_layout<double> {
    using bits = std::uint64_t;
    static constexpr bits sign_mask = 0x8000'0000'0000'0000u;      // bit 63
    static constexpr bits exponent_mask = 0x7ff0'0000'0000'0000u;  // bits 52..62
};

// The encoding of x. std::bit_cast is a constant expression for float and double in
// GCC >= 11 and Clang >= 14, NaN included.
template <class T>
constexpr typename float_layout<T>::bits to_bits(T x) noexcept {
    return std::bit_cast<typename float_layout<T>::bits>(x);
}

template <class T>
constexpr bool is_nan(T x) noexcept {
    // NaN: all exponent bits set and a non-zero significand, whatever the sign.
    return (to_bits(x) & ~float_layout<T>::sign_mask) > float_layout<T>::exponent_mask;
}

template <class T>
constexpr bool is_finite(T x) noexcept {
    return (to_bits(x) & float_layout<T>::exponent_mask) != float_layout<T>::exponent_mask;
}

template <class T>
constexpr bool sign_bit(T x) noexcept {
    return (to_bits(x) & float_layout<T>::sign_mask) != 0;
}

template <class T>
constexpr T abs_value(T x) noexcept {
    return std::bit_cast<T>(static_cast<typename float_layout<T>::bits>(
        to_bits(x) & ~float_layout<T>::sign_mask));
}

template <class T>
constexpr T copy_sign(T magnitude, T sign_source) noexcept {
    return sign_bit(sign_source) ? -abs_value(magnitude) : abs_value(magnitude);
}

template <class T>
constexpr T infinity() noexcept {
    return std::numeric_limits<T>::infinity();
}

template <class T>
constexpr T quiet_nan() noexcept {
    return std::numeric_limits<T>::quiet_NaN();
}

// 2^k for k in [-1022, 1023], built from its encoding (exact).
constexpr double pow2(int k) noexcept {
    return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);  // 1023: bias
}

// x * 2^k for k in [-2044, 2046] (ldexp). Exact when x and the result are normal; when
// the result is subnormal it is rounded once, provided x * 2^(k + 1022) is normal. The
// caller must keep the result finite: no overflow is ever produced, since GCC rejects a
// constant expression that overflows.
constexpr double scale2(double x, int k) noexcept {
    if (k > 1023) {
        x *= pow2(1023);
        k -= 1023;
    } else if (k < -1022) {
        x *= pow2(k + 1022);  // exact by the precondition
        k = -1022;            // the last multiplication does the one rounding
    }
    return x * pow2(k);
}

// The integer nearest to x (halfway cases away from zero), for |x| < 2^62.
constexpr double nearest_integer(double x) noexcept {
    return static_cast<double>(static_cast<std::int64_t>(x < 0 ? x - 0.5 : x + 0.5));
}

// Horner's scheme: c[0] + c[1] t + ... + c[degree] t^degree.
template <std::size_t N>
constexpr double horner(const double (&c)[N], double t, std::size_t degree = N - 1) noexcept {
    double p = c[degree];
    for (std::size_t i = degree; i-- > 0;) {
        p = p * t + c[i];
    }
    return p;
}

// double -> float with round to nearest; results beyond the float range become +-inf
// explicitly, because a converted value outside the range is undefined behaviour (and
// so not a constant expression).
constexpr float to_float(double x) noexcept {
    // 0x1.ffffffp127 is FLT_MAX plus half an ulp: from there on, round to nearest gives inf.
    constexpr double float_overflow = 0x1.ffffffp127;
    if (x >= float_overflow) {
        return infinity<float>();
    }
    if (x <= -float_overflow) {
        return -infinity<float>();
    }
    return static_cast<float>(x);
}

}  // namespace ctnet::math::detail
