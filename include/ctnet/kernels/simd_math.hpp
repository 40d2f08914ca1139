// ctnet::kernels::simd::exp, sigmoid, tanh and erf on packs of lanes: branch-free polynomial forms
// that compile to vector code without -ffast-math (std::exp is a scalar library call).
//
// Error bounds against the long-double values rounded to T, asserted by tests/runtime/kernels.cpp
// on 400,000-point grids (exp over its whole range, results from subnormal to near overflow;
// sigmoid on [-100, 40]; tanh on [-20, 20]; and dense grids near 0), in the test builds (x86-64
// baseline, no FMA) and, checked by hand on 2,000,000-point grids, with -march=native (AVX-512, FMA):
//   exp      <= 1 ulp  (float: Cephes expf's polynomial; double: Taylor series to degree 13)
//   sigmoid  <= 2 ulp  (measured 2 on 0.1% of points; two multiply-adds from e^r - 1, one division)
//   tanh     <= 2 ulp  (-e / (2 + e), e = e^-2|x| - 1 for every x; tools/ulp_sweep.cpp tanh: every
//                       float 1.96 ulp with FMA, 1.99 without; 2e7 doubles 2.08, 2.09)
//   erf      <= 2 ulp  (on [-7, 7], near its branch point 1 and near 0; tools/ulp_sweep.cpp erf:
//                       every float 0.99 ulp with FMA, 1.26 without; 2e7 doubles 1.16, 1.24)
// for float and double. Special values: NaN in, NaN out; exp(+inf) = +inf, exp(-inf) = +0;
// sigmoid(+-inf) = 1, +0; tanh(+-inf) = erf(+-inf) = +-1; tanh(-0) = erf(-0) = -0; results that
// underflow are 0 or subnormal, rounded once.
//
// Latency matters as much as throughput here: in a network at batch 1 each activation sits on
// the dependency chain between two layers. llvm-mca -mcpu=znver4 (AMD Zen 4), one 8-float pack
// fed back into itself: exp ~37 cycles, sigmoid ~51, tanh ~48 (a multiply-add is 4, the division
// 11). The critical path of each is: range reduction, the polynomial (3 multiply-adds deep after
// r^2), then for sigmoid and tanh one multiply-add and the division; everything that depends
// only on k (2^k, 1 + 2^k, range checks) is computed beside it. At batch 1 the instruction count
// matters too: successive inferences overlap in the out-of-order window, as many as it holds
// (tanh: 39 instructions for 8 floats with AVX2, 54 in its earlier two-formula form, at the same
// latency by llvm-mca -mcpu=znver3; T2's inference 28.2 -> 22.9 ns on a Zen 3).
//
// Not constexpr (vector types); kernels/elementwise.hpp calls ctnet::math in constant expressions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <ctnet/detail/simd_erf_tables.hpp>
#include <ctnet/kernels/simd.hpp>

namespace ctnet::kernels {
#include <ctnet/kernels/packed/simd_math.inc>
}  // namespace ctnet::kernels

