// ctnet::Softmax: the normalised exponential over each sample's vector.
#pragma once

#include <cstddef>

#include <ctnet/kernels/softmax.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

namespace detail {

/// Softmax bound to scalar T and width N.
template <class T, std::size_t N>
struct SoftmaxLayer : ParameterFreeLayer<T, N, N> {
    using typename ParameterFreeLayer<T, N, N>::Parameters;
    static constexpr const char* name = "Softmax";
    static constexpr bool backward_needs_input = false;
    static constexpr bool backward_needs_output = true;  // dx = y * (dy - <dy, y>)
    static constexpr double derivative_bound = 0.5;

    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, N> forward(const Parameters&, const Matrix<T, B, N>& x) noexcept {
        return kernels::softmax_rows<Policy>(x);
    }

    template <bool WantInputGradient, std::size_t B, class X>
    static constexpr auto backward(const Parameters&, Parameters&, const NotStored&, const X&,
                                   const Matrix<T, B, N>& y, const Matrix<T, B, N>& dy) noexcept {
        if constexpr (WantInputGradient) {
            return kernels::softmax_rows_backward(y, dy);
        } else {
            return NotStored{};
        }
    }
};

}  // namespace detail

/// Softmax over each sample: y_i = e^(x_i - m) / sum_j e^(x_j - m) with m = max_j x_j, so no
/// exponential overflows. Its Jacobian diag(y) - y y^T has spectral norm at most 1/2 (each
/// Gershgorin disc lies in [0, 2 y_i (1 - y_i)]), the `derivative_bound` used for
/// vanishing-gradient bounds. Backward reads only the output: dx = y (dy - <dy, y>).
struct Softmax {
    template <class T, std::size_t In>
    using bind = detail::SoftmaxLayer<T, In>;
    static constexpr double derivative_bound = 0.5;
};

}  // namespace ctnet
