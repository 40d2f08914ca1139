// Constexpr square root for ctnet::math: sqrt_impl, the constant-evaluation path of
// ctnet::math::sqrt, correctly rounded by an exact integer method.
#pragma once

#include <bit>
#include <cstdint>

#include "ctnet/detail/math_bits.hpp"

namespace ctnet::math::detail {

// sqrt(x), correctly rounded (round to nearest even), for double.
// Method: x = m 2^e with e even and m < 2^54 an integer; the digit-by-digit (restoring)
// square root of m 2^54 gives floor(2 sqrt(m 2^52)): the 53-bit result, one rounding bit
// and, from the remainder, a sticky bit. All integer, so exact. 54 iterations.
// Constexpr, noexcept.
constexpr double sqrt_impl(double x) noexcept {
    if (is_nan(x) || x == 0.0) {
        return x;  // sqrt(-0) = -0
    }
    if (x < 0.0) {
        return quiet_nan<double>();
    }
    if (!is_finite(x)) {
        return x;  // +inf
    }
    const std::uint64_t bits = to_bits(x);
    int exponent = static_cast<int>(bits >> 52);
    std::uint64_t m = bits & 0x000f'ffff'ffff'ffffu;  // stored significand
    if (exponent == 0) {  // subnormal: move the leading 1 to bit 52
        const int shift = std::countl_zero(m) - 11;
        m <<= shift;
        exponent = 1 - shift;
    } else {
        m |= std::uint64_t{1} << 52;  // implicit bit
    }
    exponent -= 1023;  // x = m 2^(exponent - 52), m in [2^52, 2^53)
    if ((exponent & 1) != 0) {
        m <<= 1;  // m in [2^53, 2^54): the exponent becomes even
        --exponent;
    }
    // Radicand m 2^54 (108 bits): the top 27 bit pairs come from m, the rest are zero.
    std::uint64_t root = 0;
    std::uint64_t remainder = 0;  // stays below 2 root + 1 < 2^55
    for (int pair = 0; pair < 54; ++pair) {
        const std::uint64_t digits = pair < 27 ? (m >> (52 - 2 * pair)) & 3u : 0u;
        remainder = (remainder << 2) | digits;
        root <<= 1;
        const std::uint64_t trial = (root << 1) | 1u;
        if (remainder >= trial) {
            remainder -= trial;
            root |= 1u;
        }
    }
    // root = floor(2 sqrt(m 2^52)) in [2^53, 2^54): significand and rounding bit.
    std::uint64_t significand = root >> 1;
    const bool round_bit = (root & 1u) != 0;
    const bool sticky = remainder != 0;
    if (round_bit && (sticky || (significand & 1u) != 0)) {
        ++significand;  // may carry to 2^53: the exponent field absorbs it below
    }
    const auto biased = static_cast<std::uint64_t>(exponent / 2 + 1023);
    return std::bit_cast<double>((biased << 52) + (significand - (std::uint64_t{1} << 52)));
}

// float: the double square root rounded to float is correctly rounded, because
// 53 >= 2 * 24 + 2 (double rounding is innocuous for sqrt; Figueroa 1995).
constexpr float sqrt_impl(float x) noexcept {
    return static_cast<float>(sqrt_impl(static_cast<double>(x)));
}

}  // namespace ctnet::math::detail
