// ctnet::detail::native_simd_bytes and native_simd_registers: the vector unit the compiler
// targets, read from its predefined macros. Shared by the kernels' lane policy (simd::Native) and
// the storage alignment of ctnet::Matrix (no vector unit: no padding for alignment).
#pragma once

#include <cstddef>

namespace ctnet::detail {

// The widest registers the compiler targets (as std::experimental::simd_abi::native reads
// them). CTNET_SIMD_BYTES overrides: 0 forces the scalar kernels and packed storage (for
// instance to compare, or on a target whose vector unit is slow for this work). It must be the
// same in every translation unit of a program: it changes types' layouts.
#if defined(CTNET_SIMD_BYTES)
inline constexpr std::size_t native_simd_bytes = CTNET_SIMD_BYTES;
#elif !defined(__GNUC__)  // no vector extensions (MSVC): the portable path
inline constexpr std::size_t native_simd_bytes = 0;
#elif defined(__AVX512F__)
inline constexpr std::size_t native_simd_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t native_simd_bytes = 32;
#elif defined(__SSE2__) || defined(__ARM_NEON) || defined(__VSX__) || defined(__wasm_simd128__)
inline constexpr std::size_t native_simd_bytes = 16;
#else  // e.g. Cortex-M: scalar code
inline constexpr std::size_t native_simd_bytes = 0;
#endif

#if defined(__AVX512F__) || defined(__aarch64__)
inline constexpr std::size_t native_simd_registers = 32;
#else
inline constexpr std::size_t native_simd_registers = 16;
#endif

}  // namespace ctnet::detail
