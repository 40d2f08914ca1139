// Kernels for fully connected layers: the affine map (matrix-vector at batch 1, matrix-matrix at
// batch B), the transposed product (input gradient) and the rank-B weight-gradient update.
//
// Weights are kept input-major (`wt[i][o]`, the transpose of PyTorch's `weight[o][i]`), unpadded:
// the layer's Parameters are exactly In * Out values (the flat PyTorch order stays the interchange,
// see layers/dense.hpp). Two loop shapes cover every product, both written on explicit packs of
// lanes (kernels/simd.hpp), so neither needs the compiler to reassociate a floating-point sum:
//
// - "axpy" (detail::gemm_axpy): C[r][n] = start + sum_k A(r, k) B[k][n], vectorised along n. A
//   register block holds MR rows x NB packs of C; each k broadcasts A(r, k) and adds it times one
//   row of B. At batch 1 (MR = 1) a block holds up to 8 packs of a row and the k range is split
//   into S interleaved partial sums (at least two k each), so there are always about 8
//   independent multiply-add chains (FMA latency x throughput; without FMA the add's). Columns
//   that do not fill a pack ride along in the same pass in narrower packs (a row of 20: one pack
//   of 16 and one of 4; of 10: 8 and 2, both held in 8 lanes). A block narrower than B's rows
//   reads B in strided strips; for a B larger than half an L1 those are prefetched a few rows
//   ahead. Short k loops of one-row blocks are unrolled, so that in a flattened batch-1 forward
//   pass (Network::forward) small layers pass their values in registers, at -O2 as at -O3.
// - "dot" (detail::gemm_dot): C[m][r] = sum_l A[r][l] V[m][l], vectorised along l, G rows at a
//   time, whose accumulators are reduced together by a transposing reduction (simd::store_row_sums).
//
// forward: y = x wt + b is axpy (K = In), except for one output (a dot product per sample);
// input gradient: dx = dy wt^T is dot (rows of wt against rows of dy), except for one output;
// weight gradient: gwt += x^T dy is axpy with K = B (for B = 1 a rank-1 update).
//
// Every kernel is constexpr, noexcept and allocation-free. In a constant expression it runs the
// plain loops of detail::reference_* (Clang cannot evaluate vector types there); at run time it
// runs the packed kernels of its lane policy (simd::Native by default, simd::Scalar anywhere; they
// are in kernels/packed/dense.inc, and on DispatchPolicy the AVX2 copy of kernels/dispatch.hpp). The
// two paths sum in different orders, so results may differ in the last bits.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

namespace detail {

// ---- the constant-evaluation path: plain loops, strict left-to-right sums -----------------------
// On pointers and run-time sizes: one instantiation per scalar type, not one per shape. The
// public functions below name these in their `CTNET_CONSTANT_EVALUATED()` branch, so at run
// time every shape would otherwise compile its own reference loops only to discard them.

template <bool HasBias, class T>
constexpr void reference_forward(const T* x, const T* wt, const T* bias, T* y, std::size_t batch, std::size_t in,
                                 std::size_t out) noexcept {
    for (std::size_t b = 0; b < batch; ++b) {
        T* yr = y + b * out;
        for (std::size_t o = 0; o < out; ++o) yr[o] = HasBias ? bias[o] : T(0);
        for (std::size_t i = 0; i < in; ++i) {
            const T xi = x[b * in + i];
            const T* wr = wt + i * out;
            for (std::size_t o = 0; o < out; ++o) yr[o] += xi * wr[o];
        }
    }
}

template <class T>
constexpr void reference_input_gradient(const T* dy, const T* wt, T* dx, std::size_t batch, std::size_t in,
                                        std::size_t out) noexcept {
    for (std::size_t b = 0; b < batch; ++b) {
        const T* dyr = dy + b * out;
        for (std::size_t i = 0; i < in; ++i) {
            const T* wr = wt + i * out;
            T sum = T(0);
            for (std::size_t o = 0; o < out; ++o) sum += dyr[o] * wr[o];
            dx[b * in + i] = sum;
        }
    }
}

/// gwt += x^T dy (after zeroing gwt first when Zero).
template <bool Zero, class T>
constexpr void reference_weight_gradient(T* gwt, const T* x, const T* dy, std::size_t batch, std::size_t in,
                                         std::size_t out) noexcept {
    if (Zero)
        for (std::size_t k = 0; k < in * out; ++k) gwt[k] = T(0);
    for (std::size_t b = 0; b < batch; ++b) {
        const T* dyr = dy + b * out;
        for (std::size_t i = 0; i < in; ++i) {
            const T xi = x[b * in + i];
            T* gr = gwt + i * out;
            for (std::size_t o = 0; o < out; ++o) gr[o] += xi * dyr[o];
        }
    }
}

/// gbias += the column sums of dy (after zeroing gbias first when Zero).
template <bool Zero, class T>
constexpr void reference_bias_gradient(T* gbias, const T* dy, std::size_t batch, std::size_t out) noexcept {
    if (Zero)
        for (std::size_t o = 0; o < out; ++o) gbias[o] = T(0);
    for (std::size_t b = 0; b < batch; ++b) {
        const T* dyr = dy + b * out;
        for (std::size_t o = 0; o < out; ++o) gbias[o] += dyr[o];
    }
}

}  // namespace detail

#include <ctnet/kernels/packed/dense.inc>

namespace detail {

/// The entry points of the kernels' copy for policy P (see kernels/dispatch.hpp, may_dispatch):
/// the AVX2 copy for DispatchPolicy, and for a batch on the default policy where the processor
/// has AVX2 and FMA; this copy otherwise.
template <class P, bool HasBias, class T, std::size_t B, std::size_t In, std::size_t Out>
[[gnu::always_inline]] inline void run_forward(const T* x, const T* wt, const T* bias, T* y) noexcept {
    if constexpr (may_dispatch<P, B>) {
        if (on_dispatch_copy<P>())
            return x86_64_v3::detail::packed_forward<DispatchPolicy, HasBias, T, B, In, Out>(x, wt, bias, y);
    }
    if constexpr (!dispatched<P>)
        run_here<B, &packed_forward<P, HasBias, T, B, In, Out>, (In * Out >= out_of_line_work)>(x, wt, bias, y);
}

template <Start S, class P, class T, std::size_t B, std::size_t In, std::size_t Out>
[[gnu::always_inline]] inline void run_weight_gradient(const T* x, const T* dy, T* gwt) noexcept {
    if constexpr (may_dispatch<P, B>) {
        constexpr auto start = static_cast<x86_64_v3::detail::Start>(S);
        if (on_dispatch_copy<P>())
            return x86_64_v3::detail::packed_weight_gradient<start, DispatchPolicy, T, B, In, Out>(x, dy, gwt);
    }
    if constexpr (!dispatched<P>) run_here<B, &packed_weight_gradient<S, P, T, B, In, Out>>(x, dy, gwt);
}

template <Start S, class P, class T, std::size_t B, std::size_t Out>
[[gnu::always_inline]] inline void run_bias_gradient(const T* dy, T* gbias) noexcept {
    if constexpr (may_dispatch<P, B>) {
        constexpr auto start = static_cast<x86_64_v3::detail::Start>(S);
        if (on_dispatch_copy<P>())
            return x86_64_v3::detail::packed_bias_gradient<start, DispatchPolicy, T, B, Out>(dy, gbias);
    }
    if constexpr (!dispatched<P>) run_here<B, &packed_bias_gradient<S, P, T, B, Out>>(dy, gbias);
}

template <class P, class T, std::size_t B, std::size_t In, std::size_t Out>
[[gnu::always_inline]] inline void run_input_gradient(const T* dy, const T* wt, T* dx) noexcept {
    if constexpr (may_dispatch<P, B>) {
        if (on_dispatch_copy<P>())
            return x86_64_v3::detail::packed_input_gradient<DispatchPolicy, T, B, In, Out>(dy, wt, dx);
    }
    if constexpr (!dispatched<P>)
        run_here<B, &packed_input_gradient<P, T, B, In, Out>, (In * Out >= out_of_line_training_work)>(dy, wt, dx);
}

}  // namespace detail

/// y[b][o] = bias[o] + sum_i x[b][i] wt[i][o]: the affine map of a batch (matrix-vector product
/// at B = 1, matrix-matrix at B > 1). Constexpr, noexcept, allocation-free.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> affine(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt,
                                                 const Vector<T, Out>& bias) noexcept {
    Matrix<T, B, Out> y;
    if (CTNET_CONSTANT_EVALUATED()) {
        detail::reference_forward<true>(x.data, wt.data, bias.data, y.data, B, In, Out);
    } else {
        detail::run_forward<Policy, true, T, B, In, Out>(x.data, wt.data, bias.data, y.data);
    }
    return y;
}

/// y[b][o] = sum_i x[b][i] wt[i][o] (no bias).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> linear(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, Out> y;
    if (CTNET_CONSTANT_EVALUATED()) {
        detail::reference_forward<false>(x.data, wt.data, static_cast<const T*>(nullptr), y.data, B, In, Out);
    } else {
        detail::run_forward<Policy, false, T, B, In, Out>(x.data, wt.data, nullptr, y.data);
    }
    return y;
}

/// dx[b][i] = sum_o dy[b][o] wt[i][o]: the input gradient of y = x wt (the transposed product).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, In> linear_input_gradient(const Matrix<T, B, Out>& dy,
                                                               const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, In> dx;
    if (CTNET_CONSTANT_EVALUATED()) {
        detail::reference_input_gradient(dy.data, wt.data, dx.data, B, In, Out);
    } else {
        detail::run_input_gradient<Policy, T, B, In, Out>(dy.data, wt.data, dx.data);
    }
    return dx;
}

namespace detail {

/// gwt = (Overwrite) or += (accumulate) x^T dy, and the same for the bias; see the public names below.
template <Start S, class Policy, class T, std::size_t B, std::size_t In, std::size_t Out>
constexpr void weight_gradient(Matrix<T, In, Out>& gwt, const Matrix<T, B, In>& x, const Matrix<T, B, Out>& dy) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        reference_weight_gradient<S == Start::zero>(gwt.data, x.data, dy.data, B, In, Out);
    } else {
        run_weight_gradient<S, Policy, T, B, In, Out>(x.data, dy.data, gwt.data);
    }
}

template <Start S, class Policy, class T, std::size_t B, std::size_t Out>
constexpr void bias_gradient(Vector<T, Out>& gbias, const Matrix<T, B, Out>& dy) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        reference_bias_gradient<S == Start::zero>(gbias.data, dy.data, B, Out);
    } else {
        run_bias_gradient<S, Policy, T, B, Out>(dy.data, gbias.data);
    }
}

}  // namespace detail

/// gwt[i][o] += sum_b x[b][i] dy[b][o]: accumulates the weight gradient of y = x wt (a rank-1
/// update, an outer product, at B = 1).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
constexpr void accumulate_weight_gradient(Matrix<T, In, Out>& gwt, const Matrix<T, B, In>& x,
                                          const Matrix<T, B, Out>& dy) noexcept {
    detail::weight_gradient<detail::Start::accumulate, Policy>(gwt, x, dy);
}

/// gwt[i][o] = sum_b x[b][i] dy[b][o]: writes the weight gradient (gwt's old contents, even
/// uninitialised ones, are not read). The same numbers as accumulating into zeros.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
constexpr void store_weight_gradient(Matrix<T, In, Out>& gwt, const Matrix<T, B, In>& x,
                                     const Matrix<T, B, Out>& dy) noexcept {
    detail::weight_gradient<detail::Start::zero, Policy>(gwt, x, dy);
}

/// gbias[o] += sum_b dy[b][o]: accumulates the bias gradient.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t Out>
constexpr void accumulate_bias_gradient(Vector<T, Out>& gbias, const Matrix<T, B, Out>& dy) noexcept {
    detail::bias_gradient<detail::Start::accumulate, Policy>(gbias, dy);
}

/// gbias[o] = sum_b dy[b][o]: writes the bias gradient.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t Out>
constexpr void store_bias_gradient(Vector<T, Out>& gbias, const Matrix<T, B, Out>& dy) noexcept {
    detail::bias_gradient<detail::Start::zero, Policy>(gbias, dy);
}

}  // namespace ctnet::kernels
