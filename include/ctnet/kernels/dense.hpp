// Kernels for fully connected layers: affine map, transposed product, gradient accumulation.
//
// Weights are kept input-major (`wt[i][o]`, the transpose of PyTorch's `weight[o][i]`): every
// inner loop then runs over the output index with unit stride and no reduction, which compilers
// vectorise without reassociating floating-point sums (no -ffast-math needed).
#pragma once

#include <cstddef>

#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

/// y[b][o] = bias[o] + sum_i x[b][i] * wt[i][o]. Allocation-free, constexpr, noexcept.
template <class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> affine(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt,
                                                 const Vector<T, Out>& bias) noexcept {
    Matrix<T, B, Out> y;
    for (std::size_t b = 0; b < B; ++b) {
        T* yr = y.row(b);
        for (std::size_t o = 0; o < Out; ++o) yr[o] = bias[o];
        for (std::size_t i = 0; i < In; ++i) {
            const T xi = x(b, i);
            const T* wr = wt.row(i);
            for (std::size_t o = 0; o < Out; ++o) yr[o] += xi * wr[o];
        }
    }
    return y;
}

/// y[b][o] = sum_i x[b][i] * wt[i][o] (no bias).
template <class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, Out> linear(const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, Out> y;
    for (std::size_t b = 0; b < B; ++b) {
        T* yr = y.row(b);
        for (std::size_t o = 0; o < Out; ++o) yr[o] = T(0);
        for (std::size_t i = 0; i < In; ++i) {
            const T xi = x(b, i);
            const T* wr = wt.row(i);
            for (std::size_t o = 0; o < Out; ++o) yr[o] += xi * wr[o];
        }
    }
    return y;
}

/// dx[b][i] = sum_o dy[b][o] * wt[i][o]: the input gradient of y = x wt.
template <class T, std::size_t B, std::size_t In, std::size_t Out>
[[nodiscard]] constexpr Matrix<T, B, In> linear_input_gradient(const Matrix<T, B, Out>& dy,
                                                               const Matrix<T, In, Out>& wt) noexcept {
    Matrix<T, B, In> dx;
    for (std::size_t b = 0; b < B; ++b) {
        const T* dyr = dy.row(b);
        for (std::size_t i = 0; i < In; ++i) {
            const T* wr = wt.row(i);
            T sum = T(0);
            for (std::size_t o = 0; o < Out; ++o) sum += dyr[o] * wr[o];
            dx(b, i) = sum;
        }
    }
    return dx;
}

/// gwt[i][o] += sum_b x[b][i] * dy[b][o]: accumulates the weight gradient of y = x wt.
template <class T, std::size_t B, std::size_t In, std::size_t Out>
constexpr void accumulate_weight_gradient(Matrix<T, In, Out>& gwt, const Matrix<T, B, In>& x,
                                          const Matrix<T, B, Out>& dy) noexcept {
    for (std::size_t b = 0; b < B; ++b) {
        const T* dyr = dy.row(b);
        for (std::size_t i = 0; i < In; ++i) {
            const T xi = x(b, i);
            T* gr = gwt.row(i);
            for (std::size_t o = 0; o < Out; ++o) gr[o] += xi * dyr[o];
        }
    }
}

/// gbias[o] += sum_b dy[b][o]: accumulates the bias gradient.
template <class T, std::size_t B, std::size_t Out>
constexpr void accumulate_bias_gradient(Vector<T, Out>& gbias, const Matrix<T, B, Out>& dy) noexcept {
    for (std::size_t b = 0; b < B; ++b) {
        const T* dyr = dy.row(b);
        for (std::size_t o = 0; o < Out; ++o) gbias[o] += dyr[o];
    }
}

}  // namespace ctnet::kernels
