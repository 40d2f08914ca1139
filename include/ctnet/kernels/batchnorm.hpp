// Kernels for batch normalisation over the samples of a batch (one statistic per feature).
#pragma once

#include <cstddef>

#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

/// mean[f] = (1/B) sum_b x[b][f] and the biased variance var[f] = (1/B) sum_b (x[b][f] - mean[f])^2
/// (two passes, which stays accurate when the mean is large against the spread).
template <class T, std::size_t B, std::size_t N>
constexpr void batch_mean_variance(const Matrix<T, B, N>& x, Vector<T, N>& mean, Vector<T, N>& variance) noexcept {
    for (std::size_t f = 0; f < N; ++f) mean[f] = T(0);
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t f = 0; f < N; ++f) mean[f] += x(b, f);
    for (std::size_t f = 0; f < N; ++f) mean[f] /= static_cast<T>(B);
    for (std::size_t f = 0; f < N; ++f) variance[f] = T(0);
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t f = 0; f < N; ++f) variance[f] += (x(b, f) - mean[f]) * (x(b, f) - mean[f]);
    for (std::size_t f = 0; f < N; ++f) variance[f] /= static_cast<T>(B);
}

/// y[b][f] = scale[f] * (x[b][f] - shift[f]) + offset[f].
template <class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> scale_shift(const Matrix<T, B, N>& x, const Vector<T, N>& shift,
                                                    const Vector<T, N>& scale, const Vector<T, N>& offset) noexcept {
    Matrix<T, B, N> y;
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t f = 0; f < N; ++f) y(b, f) = scale[f] * (x(b, f) - shift[f]) + offset[f];
    return y;
}

/// The batch-norm backward pass for y = gamma xhat + beta, xhat = (x - mean) inv_std:
/// dgamma += sum_b dy xhat; dbeta += sum_b dy;
/// dx = gamma inv_std / B (B dy - sum_b dy - xhat sum_b dy xhat), returned when WantDx.
template <bool WantDx, class T, std::size_t B, std::size_t N>
constexpr auto batch_norm_backward(const Matrix<T, B, N>& xhat, const Vector<T, N>& inv_std, const Vector<T, N>& gamma,
                                   const Matrix<T, B, N>& dy, Vector<T, N>& dgamma, Vector<T, N>& dbeta) noexcept {
    Vector<T, N> sum_dy{}, sum_dy_xhat{};
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t f = 0; f < N; ++f) {
            sum_dy[f] += dy(b, f);
            sum_dy_xhat[f] += dy(b, f) * xhat(b, f);
        }
    for (std::size_t f = 0; f < N; ++f) {
        dgamma[f] += sum_dy_xhat[f];
        dbeta[f] += sum_dy[f];
    }
    if constexpr (WantDx) {
        Matrix<T, B, N> dx;
        const T batch = static_cast<T>(B);
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t f = 0; f < N; ++f)
                dx(b, f) = gamma[f] * inv_std[f] / batch * (batch * dy(b, f) - sum_dy[f] - xhat(b, f) * sum_dy_xhat[f]);
        return dx;
    } else {
        return 0;
    }
}

}  // namespace ctnet::kernels
