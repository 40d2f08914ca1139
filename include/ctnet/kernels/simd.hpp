// ctnet::kernels::simd: the lane policies (Scalar, Vector<Bytes>, Native) and the few operations
// the kernels perform on a pack of lanes (load, store, splat, multiply-add, horizontal sums).
//
// A policy is a template parameter of every kernel (default simd::Native), never an `#if` that
// changes what a kernel means. Packs of more than one lane are GCC/Clang vector-extension types
// (`vector_size`), so one source serves SSE2, AVX2, AVX-512 and NEON, and the compiler sees the
// lanes explicitly: no kernel relies on the auto-vectoriser reassociating a sum, so the fast form
// is the natural one at -O2 as at -O3, without -ffast-math.
//
// Multiply-add is written `a * b + c`: GCC contracts it to one FMA instruction in C++ (its default
// -ffp-contract=fast applies to every C++ dialect) and Clang does within one expression (its
// default -ffp-contract=on), wherever the target has FMA; elsewhere it is a multiply and an add.
//
// Why vector extensions rather than std::experimental::simd: they are the same in GCC and Clang
// (libstdc++ 12's simd targets GCC first), shuffles are available to both as
// __builtin_shufflevector (GCC >= 12), and a pack of N lanes for any N is one type, which the
// kernels use for the columns that do not fill a register. simd::Scalar needs none of it: it is
// plain C++, the path for a Cortex-M (arm-none-eabi-g++ selects it) or any other compiler.
//
// Nothing here is constexpr: Clang 16 cannot evaluate vector types in constant expressions. The
// kernels take another path there (CTNET_CONSTANT_EVALUATED()); see kernels/dense.hpp.
//
// The definitions are in kernels/packed/simd.inc, as are the other pack-level kernels
// (packed/simd_math.inc, elementwise.inc, pieces.inc, dense.inc): kernels/dispatch.hpp includes
// them a second time, compiled for AVX2 and FMA, for the run-time dispatch.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include <ctnet/detail/target.hpp>

// Marks a lambda's call operator always-inline (GCC and Clang), for the small lambdas a kernel
// hands to a visitor: at -O2 GCC otherwise keeps some of them as calls, once per piece.
#if defined(__GNUC__)
#define CTNET_INLINE_LAMBDA __attribute__((always_inline))
#else
#define CTNET_INLINE_LAMBDA
#endif

// Marks a function that exists to be compiled once (a shared out-of-line helper): never inlined,
// and under GCC not cloned either (`noipa`). GCC's -O3 otherwise may specialise such a helper for
// its call sites' constant arguments: in a translation unit with one network's training step,
// the SGD update's helper (then per tensor) came out as three clones (6.1, 2.7 and 0.1 KB), each vectorised anew.
// Clang has no `noipa`; `noinline` keeps the one copy there.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNET_ONE_COPY gnu::noipa
#else
#define CTNET_ONE_COPY gnu::noinline
#endif

namespace ctnet::kernels {
#include <ctnet/kernels/packed/simd.inc>
}  // namespace ctnet::kernels

