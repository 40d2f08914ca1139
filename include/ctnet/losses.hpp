// Loss functions: MSE, BCEWithLogits, SoftmaxCrossEntropy, CrossEntropy, Huber (value and gradient).
//
// Each loss is a small aggregate (its options as members) with two constexpr noexcept members:
// `value(y, target)` and `gradient(y, target, dy)`, which writes dL/dy and returns the value.
// Reductions follow PyTorch's defaults: element-wise losses (MSE, BCE, Huber) average over all
// B * N elements; cross-entropies average over the B samples.
#pragma once

#include <array>
#include <cstddef>
#include <limits>

#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// How a loss reduces over the batch (PyTorch's `reduction=`).
enum class Reduction : unsigned char { mean, sum };

/// Class indices, one per sample: the target form of PyTorch's CrossEntropyLoss(logits, labels).
template <std::size_t B>
struct Labels {
    std::size_t index[B];
    [[nodiscard]] constexpr std::size_t operator[](std::size_t b) const noexcept { return index[b]; }
};

namespace detail {
template <class T>
constexpr T reduction_scale(Reduction reduction, std::size_t count) noexcept {
    return reduction == Reduction::mean ? T(1) / static_cast<T>(count) : T(1);
}
}  // namespace detail

/// Mean squared error: L = mean((y - t)^2); dL/dy = 2 (y - t) / (B N). As torch.nn.MSELoss.
struct MSE {
    Reduction reduction = Reduction::mean;

    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& y, const Matrix<T, B, N>& target) const noexcept {
        T sum = T(0);
        for (std::size_t k = 0; k < B * N; ++k) sum += (y[k] - target[k]) * (y[k] - target[k]);
        return sum * detail::reduction_scale<T>(reduction, B * N);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& y, const Matrix<T, B, N>& target, Matrix<T, B, N>& dy) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B * N);
        for (std::size_t k = 0; k < B * N; ++k) dy[k] = T(2) * (y[k] - target[k]) * scale;
        return value(y, target);
    }
};

/// Binary cross-entropy on logits x with targets t in [0, 1], computed without overflow as
/// max(x, 0) - x t + log1p(e^-|x|); dL/dx = sigmoid(x) - t. As torch.nn.BCEWithLogitsLoss.
struct BCEWithLogits {
    Reduction reduction = Reduction::mean;

    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& x, const Matrix<T, B, N>& target) const noexcept {
        T sum = T(0);
        for (std::size_t k = 0; k < B * N; ++k) {
            const T positive = x[k] > T(0) ? x[k] : T(0);
            sum += positive - x[k] * target[k] + math::log1p(math::exp(-math::abs(x[k])));
        }
        return sum * detail::reduction_scale<T>(reduction, B * N);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& x, const Matrix<T, B, N>& target, Matrix<T, B, N>& dx) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B * N);
        for (std::size_t k = 0; k < B * N; ++k) dx[k] = (math::sigmoid(x[k]) - target[k]) * scale;
        return value(x, target);
    }
};

/// Softmax cross-entropy on logits (torch.nn.CrossEntropyLoss): per sample
/// L = -sum_i t_i log softmax(x)_i, with log softmax = x - logsumexp(x) (no overflow).
/// The gradient is fused: dL/dx_i = softmax(x)_i sum_j t_j - t_i, which is p - t for
/// probability targets. Targets are probabilities (Matrix) or class indices (Labels).
struct SoftmaxCrossEntropy {
    Reduction reduction = Reduction::mean;

    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& x, const Matrix<T, B, N>& target) const noexcept {
        T sum = T(0);
        for (std::size_t b = 0; b < B; ++b) {
            const T lse = log_sum_exp(x.row(b), N);
            for (std::size_t i = 0; i < N; ++i) sum -= target(b, i) * (x(b, i) - lse);
        }
        return sum * detail::reduction_scale<T>(reduction, B);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& x, const Matrix<T, B, N>& target, Matrix<T, B, N>& dx) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B);
        for (std::size_t b = 0; b < B; ++b) {
            const T lse = log_sum_exp(x.row(b), N);
            T mass = T(0);
            for (std::size_t i = 0; i < N; ++i) mass += target(b, i);
            for (std::size_t i = 0; i < N; ++i) dx(b, i) = (math::exp(x(b, i) - lse) * mass - target(b, i)) * scale;
        }
        return value(x, target);
    }

    /// Class-index targets; an index >= N makes the loss NaN (a training step then refuses it).
    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& x, const Labels<B>& labels) const noexcept {
        T sum = T(0);
        for (std::size_t b = 0; b < B; ++b) {
            if (labels[b] >= N) return std::numeric_limits<T>::quiet_NaN();
            sum += log_sum_exp(x.row(b), N) - x(b, labels[b]);
        }
        return sum * detail::reduction_scale<T>(reduction, B);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& x, const Labels<B>& labels, Matrix<T, B, N>& dx) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B);
        for (std::size_t b = 0; b < B; ++b) {
            const T lse = log_sum_exp(x.row(b), N);
            for (std::size_t i = 0; i < N; ++i)
                dx(b, i) = (math::exp(x(b, i) - lse) - (i == labels[b] ? T(1) : T(0))) * scale;
        }
        return value(x, labels);
    }

    template <class T>
    [[nodiscard]] static constexpr T log_sum_exp(const T* x, std::size_t n) noexcept {
        T largest = x[0];
        for (std::size_t i = 1; i < n; ++i) largest = x[i] > largest ? x[i] : largest;
        T sum = T(0);
        for (std::size_t i = 0; i < n; ++i) sum += math::exp(x[i] - largest);
        return largest + math::log(sum);
    }
};

/// Cross-entropy on probabilities p (the output of a Softmax layer): per sample
/// L = -sum_i t_i log p_i, dL/dp_i = -t_i / p_i; mean over samples. This is PyTorch's
/// NLLLoss(log(p)). Prefer SoftmaxCrossEntropy on logits: it cannot overflow and its gradient
/// does not divide by p.
struct CrossEntropy {
    Reduction reduction = Reduction::mean;

    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& p, const Matrix<T, B, N>& target) const noexcept {
        T sum = T(0);
        for (std::size_t k = 0; k < B * N; ++k)
            if (target[k] != T(0)) sum -= target[k] * math::log(p[k]);
        return sum * detail::reduction_scale<T>(reduction, B);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& p, const Matrix<T, B, N>& target, Matrix<T, B, N>& dp) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B);
        for (std::size_t k = 0; k < B * N; ++k) dp[k] = target[k] != T(0) ? -target[k] / p[k] * scale : T(0);
        return value(p, target);
    }
    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& p, const Labels<B>& labels) const noexcept {
        T sum = T(0);
        for (std::size_t b = 0; b < B; ++b) {
            if (labels[b] >= N) return std::numeric_limits<T>::quiet_NaN();
            sum -= math::log(p(b, labels[b]));
        }
        return sum * detail::reduction_scale<T>(reduction, B);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& p, const Labels<B>& labels, Matrix<T, B, N>& dp) const noexcept {
        const T scale = detail::reduction_scale<T>(reduction, B);
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t i = 0; i < N; ++i) dp(b, i) = i == labels[b] ? -scale / p(b, i) : T(0);
        return value(p, labels);
    }
};

/// Huber loss with threshold delta (torch.nn.HuberLoss): 0.5 d^2 where |d| <= delta, else
/// delta (|d| - 0.5 delta), d = y - t; dL/dy = d clipped to [-delta, delta]; mean over elements.
struct Huber {
    double delta = 1.0;
    Reduction reduction = Reduction::mean;

    template <class T, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr T value(const Matrix<T, B, N>& y, const Matrix<T, B, N>& target) const noexcept {
        const T d_max = static_cast<T>(delta);
        T sum = T(0);
        for (std::size_t k = 0; k < B * N; ++k) {
            const T d = y[k] - target[k];
            const T a = math::abs(d);
            sum += a <= d_max ? T(0.5) * d * d : d_max * (a - T(0.5) * d_max);
        }
        return sum * detail::reduction_scale<T>(reduction, B * N);
    }
    template <class T, std::size_t B, std::size_t N>
    constexpr T gradient(const Matrix<T, B, N>& y, const Matrix<T, B, N>& target, Matrix<T, B, N>& dy) const noexcept {
        const T d_max = static_cast<T>(delta);
        const T scale = detail::reduction_scale<T>(reduction, B * N);
        for (std::size_t k = 0; k < B * N; ++k) {
            const T d = y[k] - target[k];
            dy[k] = (d > d_max ? d_max : d < -d_max ? -d_max : d) * scale;
        }
        return value(y, target);
    }
};

}  // namespace ctnet
