// Gradient clipping by value and by global norm, with PyTorch's semantics.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/math.hpp>

namespace ctnet {

/// The global L2 norm of all gradients, as PyTorch's clip_grad_norm_ computes it: the norm of
/// the per-tensor norms, that is the square root of the sum of all squares. NaN or infinity if
/// any gradient is (a finite result thus proves every gradient finite; an infinite one may also
/// be the overflow of finite gradients). At run time the squares of all tensors are summed
/// lane-wise in several partial sums and reduced once (kernels::SquareSum); in constant
/// evaluation tensor by tensor, left to right, each tensor's norm squared as PyTorch does.
template <class Net>
[[nodiscard]] constexpr typename Net::scalar gradient_norm(const typename Net::Gradients& grads) noexcept {
    using T = typename Net::scalar;
    if (std::is_constant_evaluated()) {
        T sum_of_norms_squared = T(0);
        Net::for_each_tensor(
            [&](const auto& tensor) noexcept {
                const T norm = math::sqrt(kernels::detail::sum_of_squares_values(tensor.data, tensor.size));
                sum_of_norms_squared += norm * norm;
            },
            grads);
        return math::sqrt(sum_of_norms_squared);
    } else {
        kernels::SquareSum<T> sum;
        Net::for_each_tensor([&sum](const auto& tensor) noexcept { sum.add(tensor); }, grads);
        return math::sqrt(sum.total());
    }
}

/// True if every gradient is finite.
template <class Net>
[[nodiscard]] constexpr bool gradients_finite(const typename Net::Gradients& grads) noexcept {
    bool finite = true;
    Net::for_each_tensor(
        [&](const auto& tensor) noexcept { finite = finite && kernels::detail::all_finite_values(tensor.data, tensor.size); },
        grads);
    return finite;
}

namespace detail {
/// Scales all gradients by min(1, max_norm / (total + 1e-6)), clip_grad_norm_'s rule, for a
/// `total` norm computed beforehand.
template <class Net>
constexpr void scale_to_norm(typename Net::Gradients& grads, typename Net::scalar total, double max_norm) noexcept {
    using T = typename Net::scalar;
    const T coefficient = static_cast<T>(max_norm) / (total + T(1e-6));
    if (coefficient < T(1)) {
        Net::for_each_tensor(
            [&](auto& tensor) noexcept {
                for (auto& g : tensor) g *= coefficient;
            },
            grads);
    }
}
}  // namespace detail

/// torch.nn.utils.clip_grad_norm_(max_norm): scales all gradients by
/// min(1, max_norm / (total_norm + 1e-6)) and returns total_norm (before clipping). The 1e-6 is
/// PyTorch's guard against division by zero; keeping it keeps the same numbers.
template <class Net>
constexpr typename Net::scalar clip_gradient_norm(typename Net::Gradients& grads, double max_norm) noexcept {
    const typename Net::scalar total = gradient_norm<Net>(grads);
    detail::scale_to_norm<Net>(grads, total, max_norm);
    return total;
}

/// torch.nn.utils.clip_grad_value_(clip_value): clamps every gradient to [-clip, clip].
template <class Net>
constexpr void clip_gradient_value(typename Net::Gradients& grads, double clip_value) noexcept {
    using T = typename Net::scalar;
    const T c = static_cast<T>(clip_value);
    Net::for_each_tensor(
        [&](auto& tensor) noexcept {
            for (auto& g : tensor) g = g > c ? c : (g < -c ? -c : g);
        },
        grads);
}

/// Clipping policies for train_step.
struct NoClipping {};
/// Clip each gradient to [-clip_value, clip_value] (clip_grad_value_).
struct ClipByValue {
    double clip_value = 1.0;
};
/// Rescale so the global L2 norm is at most max_norm (clip_grad_norm_).
struct ClipByNorm {
    double max_norm = 1.0;
};

}  // namespace ctnet
