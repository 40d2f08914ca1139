// ctnet::Matrix and ctnet::Vector: fixed-size, SIMD-aligned, trivially copyable storage.
#pragma once

#include <bit>
#include <cstddef>
#include <type_traits>

#include <ctnet/detail/target.hpp>

namespace ctnet {

namespace detail {

/// Alignment of a block of `count` values of `T`: the largest power of two not above its byte
/// size, capped at 64 bytes (one cache line, one AVX-512 register) and never below alignof(T).
/// Small blocks stay small (a Vector<float, 3> is 8-byte aligned, not padded to 64 bytes); blocks
/// of a full SIMD register or more start on a register boundary, so no register load of the
/// kernels straddles two cache lines.
/// Without a vector unit (a Cortex-M; CTNET_SIMD_BYTES=0) there are no such loads and no cache
/// lines worth the padding: blocks are aligned as T alone, and a model's parameters take
/// sizeof(T) x parameter_count bytes of flash.
template <class T>
constexpr std::size_t storage_alignment(std::size_t count) noexcept {
    const std::size_t bytes = sizeof(T) * count;
    if (native_simd_bytes == 0) return alignof(T);
    std::size_t alignment = bytes == 0 ? alignof(T) : std::bit_floor(bytes);
    if (alignment > 64) alignment = 64;
    if (alignment < alignof(T)) alignment = alignof(T);
    return alignment;
}

}  // namespace detail

/// A `Rows` x `Cols` row-major matrix of `T` held by value.
///
/// Guarantees: aggregate, trivially copyable, standard layout, no heap, usable in constant
/// expressions; `alignof` follows detail::storage_alignment. A batch of `B` samples of width `N`
/// is a `Matrix<T, B, N>` (one sample per row); a single sample is a `Vector<T, N>`, which is
/// `Matrix<T, 1, N>`, so every layer has one code path for batch 1 and batch B.
///
///     constexpr ctnet::Matrix<float, 2, 3> m{{1, 2, 3, 4, 5, 6}};
///     static_assert(m(1, 0) == 4);
template <class T, std::size_t Rows, std::size_t Cols>
struct Matrix {
    static_assert(std::is_arithmetic_v<T>, "ctnet: Matrix holds arithmetic values; use float or double");
    static_assert(Rows > 0 && Cols > 0, "ctnet: a Matrix needs at least one row and one column; check the sizes");

    using value_type = T;
    static constexpr std::size_t rows = Rows;
    static constexpr std::size_t cols = Cols;
    static constexpr std::size_t size = Rows * Cols;

    // One element when a size is 0: the static_assert above is then the only error (a zero-length
    // array is an extension, an error of its own under -Wpedantic -Werror).
    alignas(detail::storage_alignment<T>(Rows * Cols)) T data[Rows * Cols > 0 ? Rows * Cols : 1];

    [[nodiscard]] constexpr T& operator()(std::size_t row, std::size_t col) noexcept { return data[row * Cols + col]; }
    [[nodiscard]] constexpr const T& operator()(std::size_t row, std::size_t col) const noexcept {
        return data[row * Cols + col];
    }
    /// Flat, row-major element access.
    [[nodiscard]] constexpr T& operator[](std::size_t index) noexcept { return data[index]; }
    [[nodiscard]] constexpr const T& operator[](std::size_t index) const noexcept { return data[index]; }

    [[nodiscard]] constexpr T* row(std::size_t r) noexcept { return data + r * Cols; }
    [[nodiscard]] constexpr const T* row(std::size_t r) const noexcept { return data + r * Cols; }

    [[nodiscard]] constexpr T* begin() noexcept { return data; }
    [[nodiscard]] constexpr T* end() noexcept { return data + Rows * Cols; }
    [[nodiscard]] constexpr const T* begin() const noexcept { return data; }
    [[nodiscard]] constexpr const T* end() const noexcept { return data + Rows * Cols; }

    /// A matrix with every element equal to `value`.
    [[nodiscard]] static constexpr Matrix filled(T value) noexcept {
        Matrix m;
        for (auto& element : m.data) element = value;
        return m;
    }

    friend constexpr bool operator==(const Matrix&, const Matrix&) noexcept = default;
};

/// One sample of width `N`: a one-row Matrix.
template <class T, std::size_t N>
using Vector = Matrix<T, 1, N>;

/// True for every ctnet::Matrix specialisation (Vector included).
template <class M>
inline constexpr bool is_matrix_v = false;
template <class T, std::size_t Rows, std::size_t Cols>
inline constexpr bool is_matrix_v<Matrix<T, Rows, Cols>> = true;

}  // namespace ctnet
