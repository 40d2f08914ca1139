// Gradient clipping by value and by global norm, with PyTorch's semantics.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/detail/tensor_list.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/math.hpp>
#include <ctnet/status.hpp>

namespace ctnet {

/// The global L2 norm of all gradients, as PyTorch's clip_grad_norm_ computes it: the norm of
/// the per-tensor norms, that is the square root of the sum of all squares. NaN or infinity if
/// any gradient is (a finite result thus proves every gradient finite; an infinite one may also
/// be the overflow of finite gradients). At run time the squares of all tensors are summed
/// lane-wise in several partial sums and reduced once (kernels::detail::sum_of_squares_of_tensors);
/// in constant evaluation tensor by tensor, left to right, each tensor's norm squared as PyTorch
/// does.
template <class Net>
[[nodiscard]] constexpr typename Net::scalar gradient_norm(const typename Net::Gradients& grads) noexcept {
    using T = typename Net::scalar;
    const auto tensors = detail::tensor_refs<Net>(grads);
    if (CTNET_CONSTANT_EVALUATED()) {
        T sum_of_norms_squared = T(0);
        for (const auto& tensor : tensors) {
            const T norm = math::sqrt(kernels::detail::sum_of_squares_values(tensor.data, tensor.size));
            sum_of_norms_squared += norm * norm;
        }
        return math::sqrt(sum_of_norms_squared);
    } else {
        return math::sqrt(kernels::detail::sum_of_squares_of_tensors(tensors.data(), tensors.size()));
    }
}

/// True if every gradient is finite.
template <class Net>
[[nodiscard]] constexpr bool gradients_finite(const typename Net::Gradients& grads) noexcept {
    for (const auto& tensor : detail::tensor_refs<Net>(grads))
        if (!kernels::detail::all_finite_values(tensor.data, tensor.size)) return false;
    return true;
}

namespace detail {
/// Every value of `count` tensors times `c`.
template <class T>
constexpr void scale_tensors(const kernels::TensorRef<T>* tensors, std::size_t count, T c) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t k = 0; k < tensors[i].size; ++k) tensors[i].data[k] *= c;
}

/// Every value of `count` tensors clamped to [-c, c] as torch.clamp does (NaN kept): in packs at
/// run time (kernels::detail::clamp_values_of_tensors), one value at a time in constant evaluation.
template <class T>
constexpr void clamp_tensors(const kernels::TensorRef<T>* tensors, std::size_t count, T c) noexcept {
    if (CTNET_CONSTANT_EVALUATED()) {
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t k = 0; k < tensors[i].size; ++k)
                tensors[i].data[k] = kernels::detail::clamp_value(tensors[i].data[k], c);
    } else {
        kernels::detail::clamp_values_of_tensors(tensors, count, c);
    }
}

/// Clamps every gradient to [-clip_value, clip_value] (torch.clamp), for a bound validated
/// beforehand (clip_gradient_value, train_step).
template <class Net>
constexpr void clamp_to_value(typename Net::Gradients& grads, double clip_value) noexcept {
    const auto tensors = tensor_refs<Net>(grads);
    clamp_tensors(tensors.data(), tensors.size(), static_cast<typename Net::scalar>(clip_value));
}

/// Scales all gradients by min(1, max_norm / (total + 1e-6)), clip_grad_norm_'s rule, for a
/// `total` norm computed beforehand.
template <class Net>
constexpr void scale_to_norm(typename Net::Gradients& grads, typename Net::scalar total, double max_norm) noexcept {
    using T = typename Net::scalar;
    const T coefficient = static_cast<T>(max_norm) / (total + T(1e-6));
    if (coefficient < T(1)) {
        const auto tensors = tensor_refs<Net>(grads);
        scale_tensors(tensors.data(), tensors.size(), coefficient);
    }
}
}  // namespace detail

namespace detail {
/// A clipping bound's domain: 0 or more (+inf: no clipping); negative and NaN are refused.
[[nodiscard]] constexpr Status validate_clip_bound(double bound) noexcept {
    return bound >= 0.0 ? Status::ok : Status::invalid_argument;  // NaN compares false
}
}  // namespace detail

/// clip_gradient_norm's result: the global norm before clipping (torch's return value) and whether
/// the gradients were clipped as asked.
template <class T>
struct NormClipResult {
    T total_norm;   ///< computed in either case
    Status status;  ///< invalid_argument for a negative or NaN max_norm: the gradients are unchanged
};

/// torch.nn.utils.clip_grad_norm_(max_norm): scales all gradients by
/// min(1, max_norm / (total_norm + 1e-6)) and returns total_norm (before clipping). The 1e-6 is
/// PyTorch's guard against division by zero; keeping it keeps the same numbers. A negative or NaN
/// max_norm (torch would scale by a negative factor, turning every gradient around) is refused:
/// Status::invalid_argument, nothing changed.
template <class Net>
[[nodiscard]] constexpr NormClipResult<typename Net::scalar> clip_gradient_norm(typename Net::Gradients& grads,
                                                                                double max_norm) noexcept {
    const typename Net::scalar total = gradient_norm<Net>(grads);
    const Status status = detail::validate_clip_bound(max_norm);
    if (status == Status::ok) detail::scale_to_norm<Net>(grads, total, max_norm);
    return {total, status};
}

/// torch.nn.utils.clip_grad_value_(clip_value): clamps every gradient to [-clip, clip] (a NaN
/// gradient stays NaN, as in torch.clamp). A negative or NaN clip_value is refused:
/// Status::invalid_argument, nothing changed (torch would set every gradient to clip_value).
template <class Net>
[[nodiscard]] constexpr Status clip_gradient_value(typename Net::Gradients& grads, double clip_value) noexcept {
    if (const Status s = detail::validate_clip_bound(clip_value); s != Status::ok) return s;
    detail::clamp_to_value<Net>(grads, clip_value);
    return Status::ok;
}

/// Clipping policies for train_step. validate() is Status::invalid_argument for a bound outside
/// its domain (negative or NaN), which train_step refuses before changing anything.
struct NoClipping {
    [[nodiscard]] constexpr Status validate() const noexcept { return Status::ok; }
};
/// Clip each gradient to [-clip_value, clip_value] (clip_grad_value_); +inf clips nothing.
struct ClipByValue {
    double clip_value = 1.0;
    [[nodiscard]] constexpr Status validate() const noexcept { return detail::validate_clip_bound(clip_value); }
};
/// Rescale so the global L2 norm is at most max_norm (clip_grad_norm_); +inf rescales nothing.
struct ClipByNorm {
    double max_norm = 1.0;
    [[nodiscard]] constexpr Status validate() const noexcept { return detail::validate_clip_bound(max_norm); }
};

}  // namespace ctnet
