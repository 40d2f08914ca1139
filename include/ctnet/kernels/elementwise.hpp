// Kernels for element-wise maps over fixed-size matrices.
#pragma once

#include <cstddef>

#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

/// out[k] = f(x[k]) for every element.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& x, F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(x[k]);
    return out;
}

/// out[k] = f(a[k], b[k]) for every element.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b,
                                                  F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(a[k], b[k]);
    return out;
}

/// out[k] = f(a[k], b[k], c[k]) for every element.
template <class T, std::size_t Rows, std::size_t Cols, class F>
[[nodiscard]] constexpr Matrix<T, Rows, Cols> map(const Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b,
                                                  const Matrix<T, Rows, Cols>& c, F f) noexcept {
    Matrix<T, Rows, Cols> out;
    for (std::size_t k = 0; k < Rows * Cols; ++k) out[k] = f(a[k], b[k], c[k]);
    return out;
}

/// a[k] = f(a[k], b[k]) in place (used to update parameters from gradients and state).
template <class T, std::size_t Rows, std::size_t Cols, class F>
constexpr void update(Matrix<T, Rows, Cols>& a, const Matrix<T, Rows, Cols>& b, F f) noexcept {
    for (std::size_t k = 0; k < Rows * Cols; ++k) a[k] = f(a[k], b[k]);
}

}  // namespace ctnet::kernels
