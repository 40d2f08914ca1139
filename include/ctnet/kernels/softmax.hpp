// Kernels for the row-wise softmax and its backward pass.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::kernels {

namespace detail {
/// exp_shifted_row of the kernels' copy for policy P on a row of a batch of B (see
/// kernels/dispatch.hpp, may_dispatch); this copy's inlined where not dispatched.
template <class P, class T, std::size_t B, std::size_t N>
[[gnu::always_inline]] inline T run_exp_shifted_row(const T* x, T* y) noexcept {
    if constexpr (dispatched<P>) {
        return x86_64_v3::detail::exp_shifted_row<DispatchPolicy, T, N>(x, y);
    } else {
        if constexpr (may_dispatch<P, B>) {
            if (on_dispatch_copy<P>()) return x86_64_v3::detail::exp_shifted_row<DispatchPolicy, T, N>(x, y);
        }
        return exp_shifted_row_inline<P, T, N>(x, y);
    }
}
}  // namespace detail

/// y[b][:] = softmax(x[b][:]), shifted by the row maximum so no exponential overflows. At run
/// time the exponentials are simd::exp (<= 1 ulp) in packs; in a constant expression
/// ctnet::math::exp, summed left to right.
template <simd::LanePolicy Policy = simd::Native, class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> softmax_rows(const Matrix<T, B, N>& x) noexcept {
    Matrix<T, B, N> y;
    for (std::size_t b = 0; b < B; ++b) {
        const T* xr = x.row(b);
        T* yr = y.row(b);
        T sum = T(0);
        if (CTNET_CONSTANT_EVALUATED()) {
            T largest = xr[0];
            for (std::size_t i = 1; i < N; ++i) largest = xr[i] > largest ? xr[i] : largest;
            for (std::size_t i = 0; i < N; ++i) {
                yr[i] = math::exp(xr[i] - largest);
                sum += yr[i];
            }
        } else {
            sum = detail::run_exp_shifted_row<Policy, T, B, N>(xr, yr);
        }
        for (std::size_t i = 0; i < N; ++i) yr[i] /= sum;  // divide, as torch does, for parity
    }
    return y;
}

/// dx[b][i] = y[b][i] (dy[b][i] - sum_j dy[b][j] y[b][j]): the vector-Jacobian product of softmax.
template <class T, std::size_t B, std::size_t N>
[[nodiscard]] constexpr Matrix<T, B, N> softmax_rows_backward(const Matrix<T, B, N>& y,
                                                              const Matrix<T, B, N>& dy) noexcept {
    Matrix<T, B, N> dx;
    for (std::size_t b = 0; b < B; ++b) {
        const T* yr = y.row(b);
        const T* dyr = dy.row(b);
        T dot = T(0);
        for (std::size_t i = 0; i < N; ++i) dot += dyr[i] * yr[i];
        T* dxr = dx.row(b);
        for (std::size_t i = 0; i < N; ++i) dxr[i] = yr[i] * (dyr[i] - dot);
    }
    return dx;
}

}  // namespace ctnet::kernels
