// Gradient clipping by value and by global norm, with PyTorch's semantics.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/math.hpp>

namespace ctnet {

namespace detail {
/// sum_k p[k]^2 for k < n, strictly left to right: kernels::sum_of_squares's constant-evaluation
/// path, on a pointer and a count, so that gradient_norm's constant-evaluation branch
/// instantiates one function per scalar type, not one per tensor shape (each of which would
/// also compile kernels::sum_of_squares's run-time path, only to discard it).
template <class T>
constexpr T sum_of_squares_left_to_right(const T* p, std::size_t n) noexcept {
    T sum = T(0);
    for (std::size_t k = 0; k < n; ++k) sum += p[k] * p[k];
    return sum;
}
}  // namespace detail

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
                const T norm = math::sqrt(detail::sum_of_squares_left_to_right(tensor.data, tensor.size));
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

namespace detail {
/// True if p[0] ... p[n - 1] are all finite: the test of kernels::all_finite (x - x is 0 for
/// finite x, NaN otherwise; one comparison of the sum) over a pointer and a count, in packs of
/// the native lanes with four accumulators, then one value at a time. One function per scalar
/// type, called for every tensor: gradients_finite is train_step's rare path (after a
/// non-finite norm), so per-shape copies of all_finite (about 2,400 statements of optimised
/// code for T1-T5) are not worth their compile time.
template <class T>
[[gnu::noinline]] bool all_finite_values(const T* p, std::size_t n) noexcept {
    constexpr std::size_t lanes = kernels::simd::lanes<kernels::simd::Native, T>;
    using V = kernels::simd::pack<T, lanes>;
    V acc[4] = {};
    std::size_t k = 0;
    for (; k + 4 * lanes <= n; k += 4 * lanes) {
        for (std::size_t j = 0; j < 4; ++j) {
            const V v = kernels::simd::load<lanes>(p + k + j * lanes);
            acc[j] = acc[j] + (v - v);
        }
    }
    for (; k + lanes <= n; k += lanes) {
        const V v = kernels::simd::load<lanes>(p + k);
        acc[0] = acc[0] + (v - v);
    }
    T rest = T(0);
    for (; k < n; ++k) rest += p[k] - p[k];
    return kernels::simd::sum_lanes<T, lanes>(kernels::simd::tree_sum<0, 4>(acc)) + rest == T(0);  // NaN compares unequal
}
}  // namespace detail

/// True if every gradient is finite.
template <class Net>
[[nodiscard]] constexpr bool gradients_finite(const typename Net::Gradients& grads) noexcept {
    bool finite = true;
    Net::for_each_tensor(
        [&](const auto& tensor) noexcept {
            if (std::is_constant_evaluated()) {
                for (std::size_t k = 0; k < tensor.size; ++k) finite = finite && math::isfinite(tensor.data[k]);
            } else {
                finite = finite && detail::all_finite_values(tensor.data, tensor.size);
            }
        },
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
