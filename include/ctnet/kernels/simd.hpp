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
// kernels take another path there (std::is_constant_evaluated()); see kernels/dense.hpp.
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

namespace ctnet::kernels::simd {

/// One lane: plain scalar code with several independent accumulators. Portable to any C++20
/// compiler and target (a Cortex-M without a vector unit, MSVC); Native where no vector unit is
/// known.
struct Scalar {
    static constexpr std::size_t bytes = 0;
    static constexpr std::size_t registers = 16;  // a guess that only sizes register blocks
};

/// Vector registers of `Bytes` bytes (16: SSE2, NEON; 32: AVX; 64: AVX-512), `Registers` of
/// them, through GCC/Clang vector extensions. Registers sizes the kernels' register blocks.
template <std::size_t Bytes, std::size_t Registers = 16>
struct Vector {
    static_assert(Bytes >= 8 && std::has_single_bit(Bytes), "ctnet: simd::Vector<Bytes> needs a power of two >= 8 bytes");
    static constexpr std::size_t bytes = Bytes;
    static constexpr std::size_t registers = Registers;
};

/// A lane policy: Scalar or Vector<Bytes, Registers>, or anything shaped like them.
template <class P>
concept LanePolicy = requires {
    { P::bytes } -> std::convertible_to<std::size_t>;
    { P::registers } -> std::convertible_to<std::size_t>;
};

/// Lanes of T in one register of policy P (1 for Scalar and for registers narrower than 2 T).
template <LanePolicy P, class T>
inline constexpr std::size_t lanes = P::bytes >= 2 * sizeof(T) ? P::bytes / sizeof(T) : 1;

// The widest registers the compiler targets and how many (detail/target.hpp; CTNET_SIMD_BYTES
// overrides, 0 forces Scalar).
inline constexpr std::size_t native_bytes = ctnet::detail::native_simd_bytes;
inline constexpr std::size_t native_registers = ctnet::detail::native_simd_registers;

/// Whether the target has fused multiply-add, from the predefined macros: there `a * b + c` is
/// one instruction (see above), and a product added to zero costs no more than the product.
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
inline constexpr bool has_fma = true;
#else
inline constexpr bool has_fma = false;
#endif

/// The policy for the compiler's target: Vector<native_bytes> or Scalar.
using Native = std::conditional_t<native_bytes == 0, Scalar, Vector<(native_bytes == 0 ? 16 : native_bytes), native_registers>>;

namespace detail {
template <class T, std::size_t N>
struct PackType {
#if defined(__GNUC__)
    typedef T type __attribute__((vector_size(N * sizeof(T))));
#endif
};
template <class T>
struct PackType<T, 1> {
    using type = T;
};
}  // namespace detail

/// N lanes of T: T itself for N = 1, else a vector-extension type (arithmetic, comparisons and
/// `?:` act lane by lane, as on T).
template <class T, std::size_t N>
using pack = typename detail::PackType<T, N>::type;

/// The signed and unsigned integers of T's width (for bit manipulation in the math kernels).
template <class T>
using int_of = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
template <class T>
using uint_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

/// N lanes loaded from p (no alignment required).
template <std::size_t N, class T>
[[nodiscard, gnu::always_inline]] inline pack<T, N> load(const T* p) noexcept {
    pack<T, N> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Stores the lanes of v at p.
template <class T, class V>
[[gnu::always_inline]] inline void store(T* p, const V& v) noexcept {
    std::memcpy(p, &v, sizeof v);
}

/// N copies of x.
template <std::size_t N, class T>
[[nodiscard, gnu::always_inline]] inline pack<T, N> splat(T x) noexcept {
    if constexpr (N == 1) {
        return x;
    } else {
        return [x]<std::size_t... I>(std::index_sequence<I...>) CTNET_INLINE_LAMBDA { return pack<T, N>{((void)I, x)...}; }(
            std::make_index_sequence<N>{});
    }
}

namespace detail {
/// Lane indices for __builtin_shufflevector, as a structural type (a non-type template argument).
template <std::size_t N>
struct Lanes {
    int index[N];
};

template <Lanes Indices, std::size_t... I, class V>
[[gnu::always_inline]] inline auto shuffle(V a, V b, std::index_sequence<I...>) noexcept {
    return __builtin_shufflevector(a, b, Indices.index[I]...);
}

/// The vector holds Width / M rows of M lanes each. First (Upper = false) or second (Upper =
/// true) half of every row, from a, then (Pair) from b: Width lanes for a pair, Width / 2 alone.
template <std::size_t Width, std::size_t M, bool Upper, bool Pair>
constexpr auto half_rows() noexcept {
    constexpr std::size_t rows = Width / M;
    Lanes<Pair ? Width : Width / 2> lanes{};
    std::size_t k = 0;
    for (std::size_t source = 0; source < (Pair ? 2u : 1u); ++source)
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t t = 0; t < M / 2; ++t)
                lanes.index[k++] = static_cast<int>(source * Width + r * M + t + (Upper ? M / 2 : 0));
    return lanes;
}
}  // namespace detail

/// The vector holds Width / M rows of M lanes: returns Width / 2 lanes, each row's two halves
/// added (rows of M / 2 lanes).
template <std::size_t M, class T, std::size_t Width>
[[nodiscard, gnu::always_inline]] inline auto fold_rows(pack<T, Width> v) noexcept {
    if constexpr (Width == 2) {
        return T(v[0] + v[1]);
    } else {
        constexpr auto seq = std::make_index_sequence<Width / 2>{};
        return detail::shuffle<detail::half_rows<Width, M, false, false>()>(v, v, seq) +
               detail::shuffle<detail::half_rows<Width, M, true, false>()>(v, v, seq);
    }
}

/// a and b hold Width / M rows of M lanes: returns a's rows then b's rows, each folded to M / 2
/// lanes (one step of a transposing reduction).
template <std::size_t M, class T, std::size_t Width>
[[nodiscard, gnu::always_inline]] inline pack<T, Width> fold_row_pairs(pack<T, Width> a, pack<T, Width> b) noexcept {
    constexpr auto seq = std::make_index_sequence<Width>{};
    return detail::shuffle<detail::half_rows<Width, M, false, true>()>(a, b, seq) +
           detail::shuffle<detail::half_rows<Width, M, true, true>()>(a, b, seq);
}

/// The sum of v's N lanes, halves first (log2 N adds).
template <class T, std::size_t N>
[[nodiscard, gnu::always_inline]] inline T sum_lanes(pack<T, N> v) noexcept {
    if constexpr (N == 1) {
        return v;
    } else {
        return sum_lanes<T, N / 2>(fold_rows<N, T, N>(v));
    }
}

/// v (W lanes) in the low lanes of a pack of N lanes, the rest zero. Doubled one step at a time
/// (v, 0): each step is a plain zero-extension, where GCC 12 compiles a one-step shuffle through
/// the stack.
template <std::size_t N, class T, std::size_t W>
[[nodiscard, gnu::always_inline]] inline pack<T, N> widen(pack<T, W> v) noexcept {
    if constexpr (W == N) {
        return v;
    } else if constexpr (W == 1) {
        return widen<N, T, 2>(pack<T, 2>{v, T(0)});
    } else {
        const pack<T, 2 * W> doubled = [v]<std::size_t... I>(std::index_sequence<I...>) CTNET_INLINE_LAMBDA {
            return __builtin_shufflevector(v, pack<T, W>{}, static_cast<int>(I)...);
        }(std::make_index_sequence<2 * W>{});
        return widen<N, T, 2 * W>(doubled);
    }
}

/// Calls f(std::integral_constant<std::size_t, I>{}) for I = 0 ... N-1, unrolled at compile time
/// (so arrays of packs indexed by I stay in registers at -O2 as well).
template <std::size_t N, class F>
[[gnu::always_inline]] inline void unroll(F&& f) noexcept {
    [&f]<std::size_t... I>(std::index_sequence<I...>) CTNET_INLINE_LAMBDA { (f(std::integral_constant<std::size_t, I>{}), ...); }(
        std::make_index_sequence<N>{});
}

/// Sums acc[Lo] ... acc[Hi - 1] as a balanced tree (shorter dependency chains than left to right).
template <std::size_t Lo, std::size_t Hi, class V, std::size_t Count>
[[nodiscard, gnu::always_inline]] inline V tree_sum(const V (&acc)[Count]) noexcept {
    if constexpr (Hi - Lo == 1) {
        return acc[Lo];
    } else {
        constexpr std::size_t mid = Lo + (Hi - Lo) / 2;
        return tree_sum<Lo, mid>(acc) + tree_sum<mid, Hi>(acc);
    }
}

/// R row accumulators of N lanes each (R a power of two) -> the R row sums (plus `offset` when
/// AddOffset), stored at out[0..R). Call as store_row_sums<N, AddOffset, T, N, R>. A transposing reduction: vectors are folded
/// in pairs (R - 1 vector adds in all, plus log2 N for R < N) instead of log2 N adds per row.
/// Each vector holds N / M rows of M lanes.
template <std::size_t M, bool AddOffset, class T, std::size_t N, std::size_t R>
[[gnu::always_inline]] inline void store_row_sums(const pack<T, N> (&rows)[R], T* out, T offset) noexcept {
    if constexpr (M == 1) {
        unroll<R>([&](auto k) {
            constexpr std::size_t i = decltype(k)::value;
            if constexpr (AddOffset) {
                store(out + i * N, rows[i] + splat<N>(offset));
            } else {
                store(out + i * N, rows[i]);
            }
        });
    } else if constexpr (R == 1) {
        const pack<T, N / 2> next[1] = {fold_rows<M, T, N>(rows[0])};
        store_row_sums<M / 2, AddOffset, T, N / 2, 1>(next, out, offset);
    } else {
        pack<T, N> next[R / 2];
        unroll<R / 2>([&](auto k) {
            constexpr std::size_t i = decltype(k)::value;
            next[i] = fold_row_pairs<M, T, N>(rows[2 * i], rows[2 * i + 1]);
        });
        store_row_sums<M / 2, AddOffset, T, N, R / 2>(next, out, offset);
    }
}

}  // namespace ctnet::kernels::simd
