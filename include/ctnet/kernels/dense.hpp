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
// runs the packed kernels of its lane policy (simd::Native by default, simd::Scalar anywhere). The
// two paths sum in different orders, so results may differ in the last bits.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctnet/kernels/simd.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

namespace detail {

// ---- the constant-evaluation path: plain loops, strict left-to-right sums -----------------------
// On pointers and run-time sizes: one instantiation per scalar type, not one per shape. The
// public functions below name these in their `std::is_constant_evaluated()` branch, so at run
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

// ---- the run-time path: packed kernels --------------------------------------------------------

/// Register-block sizes for policy P and scalar T.
template <class P, class T>
struct Blocking {
    static constexpr std::size_t lanes = simd::lanes<P, T>;
    /// Accumulators a block may hold: 24 of 32 registers, 12 of 16 (the rest hold operands).
    static constexpr std::size_t accumulators = P::registers >= 32 ? 24 : 12;
    /// Independent multiply-add chains wanted: FMA latency (4 cycles) x 2 FMA per cycle.
    static constexpr std::size_t chains = 8;
};

constexpr std::size_t min_size(std::size_t a, std::size_t b) noexcept { return a < b ? a : b; }
constexpr std::size_t max_size(std::size_t a, std::size_t b) noexcept { return a > b ? a : b; }

/// Where a C block starts from: zero, a bias row (the same for every row), or C itself (+=).
enum class Start { zero, bias, accumulate };

/// The columns of an axpy register block: NB packs of P lanes, then the Tail (< P) columns after
/// them in chunks of decreasing powers of two (20 = 16 + 4, 10 = 8 + 2), each chunk held in a pack
/// of TW lanes (the largest chunk's width; smaller chunks are zero-extended). One pass over k thus
/// serves every column of the block, and the broadcast of A(r, k) is shared.
template <std::size_t P, std::size_t NB, std::size_t Tail>
struct Columns {
    static constexpr std::size_t tail_chunks = static_cast<std::size_t>(std::popcount(Tail));
    static constexpr std::size_t tail_width = Tail == 0 ? 1 : std::bit_floor(Tail);
    /// Width and first column of tail chunk t (largest first).
    static constexpr std::size_t chunk_width(std::size_t t) noexcept {
        std::size_t rest = Tail;
        for (std::size_t i = 0; i < t; ++i) rest -= std::bit_floor(rest);
        return std::bit_floor(rest);
    }
    static constexpr std::size_t chunk_offset(std::size_t t) noexcept {
        std::size_t offset = NB * P, rest = Tail;
        for (std::size_t i = 0; i < t; ++i) {
            offset += std::bit_floor(rest);
            rest -= std::bit_floor(rest);
        }
        return offset;
    }
    static constexpr std::size_t count = NB + tail_chunks;
};

/// The first N lanes of v.
template <std::size_t N, class T, std::size_t W>
[[nodiscard, gnu::always_inline]] inline simd::pack<T, N> narrow(simd::pack<T, W> v) noexcept {
    if constexpr (N == W) {
        return v;
    } else if constexpr (N == 1) {
        return v[0];
    } else {
        return [v]<std::size_t... I>(std::index_sequence<I...>) CTNET_INLINE_LAMBDA {
            return __builtin_shufflevector(v, v, static_cast<int>(I)...);
        }(std::make_index_sequence<N>{});
    }
}

/// The accumulators of one partial sum of an axpy register block: MR rows of NB full packs and
/// of the tail chunks.
template <class T, std::size_t P, std::size_t NB, std::size_t Tail, std::size_t MR>
struct AxpyAccumulators {
    using C = Columns<P, NB, Tail>;
    simd::pack<T, P> full[MR][NB > 0 ? NB : 1];
    simd::pack<T, C::tail_width> tail[MR][C::tail_chunks > 0 ? C::tail_chunks : 1];
};

/// Rows of B read ahead by a one-row block whose columns are a strip narrower than B's rows.
inline constexpr std::size_t prefetch_rows = 6;

/// Prefetches the `Bytes` bytes at `row`, prefetch_rows rows of `ld` values further on. A batch-1
/// block whose columns are a strip of the row (SSE2, AVX2: a row of 128 floats is several strips)
/// reads B with a stride of a row: the hardware prefetchers follow such a stream late, and a large
/// layer (T4: 96 KiB of weights, read from L2) waited on its loads. The address is formed as an
/// integer: past the last row it is still a valid prefetch (of whatever follows), never an
/// out-of-range pointer.
template <std::size_t Bytes, class T>
[[gnu::always_inline]] inline void prefetch_strip([[maybe_unused]] const T* row, [[maybe_unused]] std::size_t ld) noexcept {
#if defined(__GNUC__)
    constexpr std::size_t line = 64;  // bytes per cache line (x86-64, most ARM cores)
    const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(row) + prefetch_rows * ld * sizeof(T);
#pragma GCC unroll 8
    for (std::size_t offset = 0; offset < Bytes; offset += line) __builtin_prefetch(reinterpret_cast<const void*>(ahead + offset));
#endif
}

/// acc += A(m, k) B[k][columns]: one k of an axpy register block (MR rows); acc = the products
/// when `first` (a partial sum's first k: no add into zero).
template <std::size_t AR, std::size_t AK, std::size_t LDB, bool Prefetch, class T, std::size_t P, std::size_t NB, std::size_t Tail,
          std::size_t MR>
[[gnu::always_inline]] inline void axpy_step(AxpyAccumulators<T, P, NB, Tail, MR>& acc, const T* a, const T* b,
                                             std::size_t k, bool first = false) noexcept {
    using C = Columns<P, NB, Tail>;
    constexpr std::size_t TW = C::tail_width, NT = C::tail_chunks;
    using V = simd::pack<T, P>;
    using VT = simd::pack<T, TW>;
    V bk[NB > 0 ? NB : 1];
    VT bt[NT > 0 ? NT : 1];
    if constexpr (Prefetch) prefetch_strip<NB * P * sizeof(T)>(b + k * LDB, LDB);
#pragma GCC unroll 16
    for (std::size_t j = 0; j < NB; ++j) bk[j] = simd::load<P>(b + k * LDB + j * P);
    simd::unroll<NT>([&](auto t) {
        constexpr std::size_t ti = decltype(t)::value, width = C::chunk_width(ti);
        bt[ti] = simd::widen<TW, T, width>(simd::load<width>(b + k * LDB + C::chunk_offset(ti)));
    });
#pragma GCC unroll 16
    for (std::size_t m = 0; m < MR; ++m) {
        const V ak = simd::splat<P>(a[m * AR + k * AK]);
#pragma GCC unroll 16
        for (std::size_t j = 0; j < NB; ++j) acc.full[m][j] = first ? ak * bk[j] : ak * bk[j] + acc.full[m][j];
        if constexpr (NT > 0) {
            const VT akt = narrow<TW, T, P>(ak);
#pragma GCC unroll 4
            for (std::size_t t = 0; t < NT; ++t) acc.tail[m][t] = first ? akt * bt[t] : akt * bt[t] + acc.tail[m][t];
        }
    }
}

/// acc[0] = acc[0] + ... + acc[S - 1] as a tree (s += s + h for h = 8, 4, 2, 1): log2 S adds deep.
template <std::size_t S, class V>
[[gnu::always_inline]] inline V sum_splits(V (&acc)[S]) noexcept {
    static_assert(S <= 16);
    if constexpr (S > 8) {
#pragma GCC unroll 8
        for (std::size_t s = 0; s < S - 8; ++s) acc[s] = acc[s] + acc[s + 8];
    }
    if constexpr (S > 4) {
        constexpr std::size_t pairs = S - 4 < 4 ? S - 4 : 4;
#pragma GCC unroll 4
        for (std::size_t s = 0; s < pairs; ++s) acc[s] = acc[s] + acc[s + 4];
    }
    if constexpr (S > 2) {
        constexpr std::size_t pairs = S - 2 < 2 ? S - 2 : 2;
#pragma GCC unroll 2
        for (std::size_t s = 0; s < pairs; ++s) acc[s] = acc[s] + acc[s + 2];
    }
    if constexpr (S > 1) acc[0] = acc[0] + acc[1];
    return acc[0];
}

/// One register block of the axpy product: rows [0, MR) of C (row stride LDC) and the columns of
/// Columns<P, NB, Tail>: C[r][n] = start + sum_{k < K} A(r, k) B[k][n], A(r, k) = a[r AR + k AK],
/// B row stride LDB. The k range is split into S interleaved partial sums, added as a tree at the
/// end. The loops over S, MR and the columns have constant trip counts and are unrolled
/// (`#pragma GCC unroll`, which Clang honours too), so the accumulator arrays live in registers
/// at -O2 as at -O3; plain loops keep the number of template instantiations, and so compile
/// time, low.
template <class T, std::size_t P, std::size_t NB, std::size_t Tail, std::size_t MR, std::size_t S, std::size_t K,
          std::size_t AR, std::size_t AK, std::size_t LDB, std::size_t LDC, Start From>
[[gnu::always_inline]] inline void axpy_block(const T* a, const T* b, const T* bias, T* c) noexcept {
    using C = Columns<P, NB, Tail>;
    constexpr std::size_t TW = C::tail_width, NT = C::tail_chunks;
    using V = simd::pack<T, P>;
    using VT = simd::pack<T, TW>;
    AxpyAccumulators<T, P, NB, Tail, MR> acc[S];
#pragma GCC unroll 16
    for (std::size_t s = 0; s < S; ++s)
#pragma GCC unroll 16
        for (std::size_t m = 0; m < MR; ++m) {
#pragma GCC unroll 16
            for (std::size_t j = 0; j < NB; ++j) {
                if (From == Start::accumulate && s == 0) {
                    acc[s].full[m][j] = simd::load<P>(c + m * LDC + j * P);
                } else if (From == Start::bias && s == 0) {
                    acc[s].full[m][j] = simd::load<P>(bias + j * P);
                } else {
                    acc[s].full[m][j] = V{};
                }
            }
            simd::unroll<NT>([&](auto t) {
                constexpr std::size_t ti = decltype(t)::value, width = C::chunk_width(ti);
                if (From == Start::accumulate && s == 0) {
                    acc[s].tail[m][ti] = simd::widen<TW, T, width>(simd::load<width>(c + m * LDC + C::chunk_offset(ti)));
                } else if (From == Start::bias && s == 0) {
                    acc[s].tail[m][ti] = simd::widen<TW, T, width>(simd::load<width>(bias + C::chunk_offset(ti)));
                } else {
                    acc[s].tail[m][ti] = VT{};
                }
            });
        }
    constexpr std::size_t k_split = K / S * S;
    // Software prefetch (see prefetch_strip) for a one-row block reading a strip of B's rows, when
    // B is larger than half an L1 (T4's layers; T3's 16 KiB stay in L1, and there the prefetches
    // only cost instructions).
    constexpr bool prefetch = MR == 1 && NB * P + Tail < LDB && K * LDB * sizeof(T) > 16 * 1024;
    // The first round apart: without FMA, partial sums 1 ... S-1 start from their first products
    // (adding them to zeros would cost an add each; partial 0 keeps its start, as a lone partial
    // would). With FMA the add is free, and the uniform form measured slightly faster. Scalar code
    // (a Cortex-M at -Os) keeps one loop: the round apart is a second copy of the step.
    constexpr std::size_t k_first = P > 1 ? S : 0;
    if constexpr (P > 1) {
#pragma GCC unroll 16
        for (std::size_t s = 0; s < S; ++s) axpy_step<AR, AK, LDB, prefetch>(acc[s], a, b, s, !simd::has_fma && s > 0);
    }
    // A short k loop (at most 8 rounds) is unrolled completely, at -O2 as at -O3: every A(r, k)
    // is then read at a constant offset, so when the previous layer's output is still in registers
    // (Network::forward is flattened) it stays there, instead of a store and a reload per layer
    // on the critical path of a small network. Longer loops, and blocks of several rows (batches:
    // throughput, not latency), stay rolled (code size, compile time).
    if constexpr (MR == 1 && K / S <= 8 && P > 1) {
#pragma GCC unroll 8
        for (std::size_t k = k_first; k < k_split; k += S)
#pragma GCC unroll 16
            for (std::size_t s = 0; s < S; ++s) axpy_step<AR, AK, LDB, prefetch>(acc[s], a, b, k + s);
    } else {
        for (std::size_t k = k_first; k < k_split; k += S)
#pragma GCC unroll 16
            for (std::size_t s = 0; s < S; ++s) axpy_step<AR, AK, LDB, prefetch>(acc[s], a, b, k + s);
    }
    if constexpr (K > k_split) {
#pragma GCC unroll 16
        for (std::size_t s = 0; s < K - k_split; ++s) axpy_step<AR, AK, LDB, prefetch>(acc[s], a, b, k_split + s);
    }
#pragma GCC unroll 16
    for (std::size_t m = 0; m < MR; ++m) {
#pragma GCC unroll 16
        for (std::size_t j = 0; j < NB; ++j) {
            V partial[S];
#pragma GCC unroll 16
            for (std::size_t s = 0; s < S; ++s) partial[s] = acc[s].full[m][j];
            simd::store(c + m * LDC + j * P, sum_splits(partial));
        }
        simd::unroll<NT>([&](auto t) {
            constexpr std::size_t ti = decltype(t)::value;
            VT partial[S];
#pragma GCC unroll 16
            for (std::size_t s = 0; s < S; ++s) partial[s] = acc[s].tail[m][ti];
            simd::store(c + m * LDC + C::chunk_offset(ti), narrow<C::chunk_width(ti), T, TW>(sum_splits(partial)));
        });
    }
}

/// The axpy product over all R rows for the columns Columns<P, NB, Tail> starting at `column`.
template <class Pol, class T, std::size_t P, std::size_t NB, std::size_t Tail, std::size_t R, std::size_t K,
          std::size_t AR, std::size_t AK, std::size_t LDB, std::size_t LDC, Start From>
inline void axpy_columns(const T* a, const T* b, const T* bias, T* c, std::size_t column) noexcept {
    using Bl = Blocking<Pol, T>;
    constexpr std::size_t cols = Columns<P, NB, Tail>::count;
    // Rows per block: as many as the accumulators allow, at most 8 (each needs a broadcast).
    constexpr std::size_t MR = min_size(R, min_size(8, max_size(1, Bl::accumulators / cols)));
    // Partial sums over k per block: enough independent chains for the FMA pipes (throughput),
    // and at batch 1 chains of about 4 multiply-adds (latency: a layer's output feeds the next).
    constexpr auto splits = [](std::size_t rows) {
        const std::size_t per_split = rows * cols;
        const std::size_t throughput = (Bl::chains + per_split - 1) / per_split;
        const std::size_t latency = 1;
        const std::size_t wanted = max_size(throughput, latency);
        // At least two k per partial sum: a partial of one k is a multiply-add into zero and one
        // more add in the final tree (T2's 8 x 8 layer: 8 partials, 7 adds for 8 multiply-adds).
        return max_size(1, min_size(min_size(wanted, Bl::accumulators / per_split), min_size(max_size(K / 2, 1), 16)));
    };
    constexpr std::size_t full_blocks = R / MR;
    const T* bias_columns = From == Start::bias ? bias + column : nullptr;  // no offset on a null pointer
    for (std::size_t r = 0; r < full_blocks * MR; r += MR)
        axpy_block<T, P, NB, Tail, MR, splits(MR), K, AR, AK, LDB, LDC, From>(a + r * AR, b + column, bias_columns,
                                                                                c + r * LDC + column);
    if constexpr (R % MR != 0) {
        constexpr std::size_t r = full_blocks * MR, rest = R % MR;
        axpy_block<T, P, NB, Tail, rest, splits(rest), K, AR, AK, LDB, LDC, From>(a + r * AR, b + column, bias_columns,
                                                                                   c + r * LDC + column);
    }
}

/// C[r][n] = start + sum_k A(r, k) B[k][n] for r < R, n < N: A(r, k) = a[r AR + k AK], B row-major
/// (row stride LDB), C row-major (row stride LDC); start is zero, bias[n] or C[r][n].
template <class Pol, class T, std::size_t R, std::size_t K, std::size_t N, std::size_t AR, std::size_t AK,
          std::size_t LDB, std::size_t LDC, Start From>
inline void gemm_axpy(const T* a, const T* b, const T* bias, T* c) noexcept {
    constexpr std::size_t P = Blocking<Pol, T>::lanes;
    constexpr std::size_t packs = N / P, tail = N % P;
    // Columns in blocks of NB packs: at batch 1 up to 8, whatever the register count (8
    // independent chains without splitting k, and as few strips of B as possible: a row of 128
    // floats is one strip on AVX-512, four at SSE2, where 8 blocks of 4 packs measured 10-15%
    // slower on T4 and T3 than 4 of 8). At batch B up to 4 (2 with 16 registers) so that several
    // rows share each load of B. The last block also takes the columns that do not fill a pack.
    // Scalar code (a Cortex-M) keeps blocks of 4 values at batch 1: code size.
    constexpr std::size_t nb_max = R == 1 ? (P > 1 ? 8 : 4) : (Pol::registers >= 32 ? 4 : 2);
    constexpr std::size_t NB = min_size(packs, nb_max);
    if constexpr (NB == 0) {
        axpy_columns<Pol, T, P, 0, tail, R, K, AR, AK, LDB, LDC, From>(a, b, bias, c, 0);
    } else {
        constexpr std::size_t blocks = packs / NB, last = packs % NB;
        // Blocks done without the tail: all, unless the tail joins the last full block.
        constexpr std::size_t plain = (last == 0 && tail != 0) ? blocks - 1 : blocks;
        for (std::size_t j = 0; j < plain; ++j)
            axpy_columns<Pol, T, P, NB, 0, R, K, AR, AK, LDB, LDC, From>(a, b, bias, c, j * NB * P);
        if constexpr (last != 0) {
            axpy_columns<Pol, T, P, last, tail, R, K, AR, AK, LDB, LDC, From>(a, b, bias, c, blocks * NB * P);
        } else if constexpr (tail != 0) {
            axpy_columns<Pol, T, P, NB, tail, R, K, AR, AK, LDB, LDC, From>(a, b, bias, c, plain * NB * P);
        }
    }
}

/// The last L - Offset values of the dot products of dot_block, a power of two at a time, each
/// widened to W lanes with zeros so it adds into the same accumulators.
template <class T, std::size_t W, std::size_t G, std::size_t MV, std::size_t Offset, std::size_t L, std::size_t LDA,
          std::size_t LDV>
[[gnu::always_inline]] inline void dot_tail(simd::pack<T, W> (&acc)[MV][G], const T* a, const T* v) noexcept {
    if constexpr (Offset < L) {
        using Pk = simd::pack<T, W>;
        constexpr std::size_t width = std::bit_floor(L - Offset);
        Pk vl[MV];
#pragma GCC unroll 16
        for (std::size_t m = 0; m < MV; ++m) vl[m] = simd::widen<W, T, width>(simd::load<width>(v + m * LDV + Offset));
#pragma GCC unroll 16
        for (std::size_t g = 0; g < G; ++g) {
            const Pk al = simd::widen<W, T, width>(simd::load<width>(a + g * LDA + Offset));
#pragma GCC unroll 16
            for (std::size_t m = 0; m < MV; ++m) acc[m][g] = al * vl[m] + acc[m][g];
        }
        dot_tail<T, W, G, MV, Offset + width, L, LDA, LDV>(acc, a, v);
    }
}

/// One block of the dot product: G rows of A (row stride LDA) against MV vectors V (row stride
/// LDV), L values each, in packs of W lanes; C[m][r] = sum_l A[r][l] V[m][l] (+ offset), stored
/// at c + m LDC + r. G is a power of two (for the transposing reduction).
template <class T, std::size_t W, std::size_t G, std::size_t MV, std::size_t L, std::size_t LDA, std::size_t LDV,
          std::size_t LDC, bool AddOffset>
[[gnu::always_inline]] inline void dot_block(const T* a, const T* v, T* c, T offset) noexcept {
    using Pk = simd::pack<T, W>;
    Pk acc[MV][G];
#pragma GCC unroll 16
    for (std::size_t m = 0; m < MV; ++m)
#pragma GCC unroll 16
        for (std::size_t g = 0; g < G; ++g) acc[m][g] = Pk{};
    constexpr std::size_t packs = L / W;
    // Unrolled (completely up to 8 packs) for constant offsets, as axpy_block's short k loops.
#pragma GCC unroll 8
    for (std::size_t l = 0; l < packs * W; l += W) {
        Pk vl[MV];
#pragma GCC unroll 16
        for (std::size_t m = 0; m < MV; ++m) vl[m] = simd::load<W>(v + m * LDV + l);
#pragma GCC unroll 16
        for (std::size_t g = 0; g < G; ++g) {
            const Pk al = simd::load<W>(a + g * LDA + l);
#pragma GCC unroll 16
            for (std::size_t m = 0; m < MV; ++m) acc[m][g] = al * vl[m] + acc[m][g];
        }
    }
    dot_tail<T, W, G, MV, packs * W, L, LDA, LDV>(acc, a, v);
#pragma GCC unroll 16
    for (std::size_t m = 0; m < MV; ++m) simd::store_row_sums<W, AddOffset, T, W, G>(acc[m], c + m * LDC, offset);
}

/// dot_block over all M vectors for G rows of A starting at row `row`.
template <class T, std::size_t W, std::size_t G, std::size_t MV, std::size_t M, std::size_t L, std::size_t LDA,
          std::size_t LDV, std::size_t LDC, bool AddOffset>
inline void dot_rows(const T* a, const T* v, T* c, T offset, std::size_t row) noexcept {
    for (std::size_t m = 0; m < M / MV * MV; m += MV)
        dot_block<T, W, G, MV, L, LDA, LDV, LDC, AddOffset>(a + row * LDA, v + m * LDV, c + m * LDC + row, offset);
    if constexpr (M % MV != 0) {
        constexpr std::size_t m = M / MV * MV;
        dot_block<T, W, G, 1, L, LDA, LDV, LDC, AddOffset>(a + row * LDA, v + m * LDV, c + m * LDC + row, offset);
    }
}

/// Rows [Row, R) that do not fill a block: a power of two at a time.
template <class T, std::size_t W, std::size_t MV, std::size_t Row, std::size_t R, std::size_t M, std::size_t L,
          std::size_t LDA, std::size_t LDV, std::size_t LDC, bool AddOffset>
[[gnu::always_inline]] inline void dot_tail_rows(const T* a, const T* v, T* c, T offset) noexcept {
    if constexpr (Row < R) {
        constexpr std::size_t rows = std::bit_floor(R - Row);
        dot_rows<T, W, rows, MV, M, L, LDA, LDV, LDC, AddOffset>(a, v, c, offset, Row);
        dot_tail_rows<T, W, MV, Row + rows, R, M, L, LDA, LDV, LDC, AddOffset>(a, v, c, offset);
    }
}

/// C[m][r] = sum_l A[r][l] V[m][l] (+ offset) for r < R, m < M: A row-major (row stride LDA),
/// V row-major (row stride LDV), C[m][r] at c + m LDC + r.
template <class P, class T, std::size_t R, std::size_t M, std::size_t L, std::size_t LDA, std::size_t LDV,
          std::size_t LDC, bool AddOffset>
inline void gemm_dot(const T* a, const T* v, T* c, T offset) noexcept {
    using Bl = Blocking<P, T>;
    // Lanes: the policy's, or fewer for short rows (8 values need no 16-lane pack).
    constexpr std::size_t W = min_size(Bl::lanes, std::bit_ceil(L));
    // Vectors per block: two share each load of A when there are two or more.
    constexpr std::size_t MV = M >= 2 ? 2 : 1;
    // Rows per block: a power of two, at least 8 independent chains, at most a register's lanes
    // (more adds nothing to the reduction) and within the accumulator budget.
    constexpr std::size_t G = std::bit_floor(min_size(max_size(W, Bl::chains), Bl::accumulators / MV));
    constexpr std::size_t blocks = R / G;
    for (std::size_t r = 0; r < blocks * G; r += G)
        dot_rows<T, W, G, MV, M, L, LDA, LDV, LDC, AddOffset>(a, v, c, offset, r);
    dot_tail_rows<T, W, MV, blocks * G, R, M, L, LDA, LDV, LDC, AddOffset>(a, v, c, offset);
}

// ---- the layer-level operations on the run-time path ------------------------------------------

template <class P, bool HasBias, class T, std::size_t B, std::size_t In, std::size_t Out>
inline void packed_forward(const T* x, const T* wt, const T* bias, T* y) noexcept {
    if constexpr (Out == 1) {
        // One output per sample: y[b] = bias + <x[b], w>, a dot product per row of x.
        gemm_dot<P, T, B, 1, In, In, In, B, HasBias>(x, wt, y, HasBias ? bias[0] : T(0));
    } else {
        gemm_axpy<P, T, B, In, Out, In, 1, Out, Out, HasBias ? Start::bias : Start::zero>(x, wt, bias, y);
    }
}

}  // namespace detail

/// y[b][o] = bias[o] + sum_i x[b][i] wt[i][o]: the affine map of a batch (matrix-vector product
/// at B = 1, matrix-matrix at B > 1). Constexpr, noexcept, allocation-free.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> affine(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt,
                                                 const Vector<T, Out>& bias) noexcept {
    Matrix<T, B, Out> y;
    if (std::is_constant_evaluated()) {
        detail::reference_forward<true>(x.data, wt.data, bias.data, y.data, B, In, Out);
    } else {
        detail::packed_forward<Policy, true, T, B, In, Out>(x.data, wt.data, bias.data, y.data);
    }
    return y;
}

/// y[b][o] = sum_i x[b][i] wt[i][o] (no bias).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> linear(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, Out> y;
    if (std::is_constant_evaluated()) {
        detail::reference_forward<false>(x.data, wt.data, static_cast<const T*>(nullptr), y.data, B, In, Out);
    } else {
        detail::packed_forward<Policy, false, T, B, In, Out>(x.data, wt.data, nullptr, y.data);
    }
    return y;
}

/// dx[b][i] = sum_o dy[b][o] wt[i][o]: the input gradient of y = x wt (the transposed product).
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, In> linear_input_gradient(const Matrix<T, B, Out>& dy,
                                                               const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, In> dx;
    if (std::is_constant_evaluated()) {
        detail::reference_input_gradient(dy.data, wt.data, dx.data, B, In, Out);
    } else if constexpr (Out == 1) {
        // dx[b] = dy[b][0] w: the weight column times a scalar, vectorised along i.
        detail::gemm_axpy<Policy, T, B, 1, In, 1, 1, In, In, detail::Start::zero>(dy.data, wt.data, nullptr, dx.data);
    } else {
        // Rows of wt against rows of dy: C[b][i] = <wt[i], dy[b]>.
        detail::gemm_dot<Policy, T, In, B, Out, Out, Out, In, false>(wt.data, dy.data, dx.data, T(0));
    }
    return dx;
}

namespace detail {

/// gwt = (Overwrite) or += (accumulate) x^T dy, and the same for the bias; see the public names below.
template <Start S, class Policy, class T, std::size_t B, std::size_t In, std::size_t Out>
constexpr void weight_gradient(Matrix<T, In, Out>& gwt, const Matrix<T, B, In>& x, const Matrix<T, B, Out>& dy) noexcept {
    if (std::is_constant_evaluated()) {
        reference_weight_gradient<S == Start::zero>(gwt.data, x.data, dy.data, B, In, Out);
    } else if constexpr (Out == 1) {
        // gwt is one column: gwt^T = dy^T x, vectorised along i.
        gemm_axpy<Policy, T, 1, B, In, 0, 1, In, In, S>(dy.data, x.data, nullptr, gwt.data);
    } else {
        // A(i, b) = x[b][i], B = dy.
        gemm_axpy<Policy, T, In, B, Out, 1, In, Out, Out, S>(x.data, dy.data, nullptr, gwt.data);
    }
}

template <Start S, class Policy, class T, std::size_t B, std::size_t Out>
constexpr void bias_gradient(Vector<T, Out>& gbias, const Matrix<T, B, Out>& dy) noexcept {
    if (std::is_constant_evaluated()) {
        reference_bias_gradient<S == Start::zero>(gbias.data, dy.data, B, Out);
    } else {
        // The axpy product with A = 1: gbias = 1^T dy (a multiply by one is exact).
        const T one = T(1);
        gemm_axpy<Policy, T, 1, B, Out, 0, 0, Out, Out, S>(&one, dy.data, nullptr, gbias.data);
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
