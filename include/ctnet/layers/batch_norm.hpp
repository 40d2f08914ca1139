// ctnet::BatchNorm: batch normalisation over the samples of a batch (PyTorch's nn.BatchNorm1d).
#pragma once

#include <cstddef>
#include <ratio>

#include <ctnet/kernels/batchnorm.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

namespace detail {

template <std::size_t B>
constexpr void reject_batch_norm_batch_of_one() noexcept {
    static_assert(B >= 2,
                  "ctnet: BatchNorm needs a batch of at least 2 samples in training (the statistics of one "
                  "sample are undefined); train with Workspace<B> / Matrix<T, B, N> inputs with B >= 2");
}

/// BatchNorm over N features bound to scalar T.
template <class T, std::size_t N, class Epsilon, class Momentum>
struct BatchNormLayer {
    using scalar = T;
    static constexpr const char* name = "BatchNorm";
    static constexpr std::size_t in_size = N;
    static constexpr std::size_t out_size = N;
    static constexpr T epsilon = static_cast<T>(Epsilon::num) / static_cast<T>(Epsilon::den);
    static constexpr T momentum = static_cast<T>(Momentum::num) / static_cast<T>(Momentum::den);

    /// state_dict order: weight (gamma), bias (beta), running_mean, running_var.
    struct Parameters {
        Vector<T, N> weight;
        Vector<T, N> bias;
        Vector<T, N> running_mean;
        Vector<T, N> running_var;
        friend constexpr bool operator==(const Parameters&, const Parameters&) noexcept = default;
    };
    static constexpr std::size_t parameter_count = 4 * N;

    /// What training-mode backward and the running-statistics update read.
    template <std::size_t B>
    struct Cache {
        Matrix<T, B, N> normalized;  // xhat
        Vector<T, N> inv_std;        // 1 / sqrt(var + eps), biased batch variance
        Vector<T, N> mean;
        Vector<T, N> variance;  // biased; the running variance takes the unbiased one
    };
    static constexpr bool backward_needs_input = false;
    static constexpr bool backward_needs_output = false;

    /// Inference (eval mode): running statistics.
    template <std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, N> forward(const Parameters& p, const Matrix<T, B, N>& x) noexcept {
        Vector<T, N> scale;
        for (std::size_t f = 0; f < N; ++f) scale[f] = p.weight[f] / math::sqrt(p.running_var[f] + epsilon);
        return kernels::scale_shift(x, p.running_mean, scale, p.bias);
    }

    /// Training mode: batch statistics (B >= 2).
    template <std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, N> forward(const Parameters& p, const Matrix<T, B, N>& x,
                                                           Cache<B>& cache) noexcept {
        if constexpr (B < 2) {
            reject_batch_norm_batch_of_one<B>();
            return x;
        } else {
            kernels::batch_mean_variance(x, cache.mean, cache.variance);
            for (std::size_t f = 0; f < N; ++f) cache.inv_std[f] = T(1) / math::sqrt(cache.variance[f] + epsilon);
            const Vector<T, N> zero = Vector<T, N>::filled(T(0));
            cache.normalized = kernels::scale_shift(x, cache.mean, cache.inv_std, zero);
            return kernels::scale_shift(cache.normalized, zero, p.weight, p.bias);
        }
    }

    template <bool WantInputGradient, std::size_t B, class X, class Y>
    static constexpr auto backward(const Parameters& p, Parameters& g, const Cache<B>& cache, const X&, const Y&,
                                   const Matrix<T, B, N>& dy) noexcept {
        auto dx = kernels::batch_norm_backward<WantInputGradient>(cache.normalized, cache.inv_std, p.weight, dy,
                                                                  g.weight, g.bias);
        if constexpr (WantInputGradient) {
            return dx;
        } else {
            return NotStored{};
        }
    }

    /// running = (1 - momentum) running + momentum batch, with the unbiased batch variance (as torch).
    template <std::size_t B>
    static constexpr void update_state(Parameters& p, const Cache<B>& cache) noexcept {
        const T unbias = static_cast<T>(B) / static_cast<T>(B > 1 ? B - 1 : 1);
        for (std::size_t f = 0; f < N; ++f) {
            p.running_mean[f] = (T(1) - momentum) * p.running_mean[f] + momentum * cache.mean[f];
            p.running_var[f] = (T(1) - momentum) * p.running_var[f] + momentum * cache.variance[f] * unbias;
        }
    }

    /// gamma = 1, beta = 0, running mean 0, running variance 1 (torch's reset_parameters).
    template <class Scheme, class Rng>
    static constexpr void initialize(Parameters& p, const Scheme&, Rng&) noexcept {
        p.weight = Vector<T, N>::filled(T(1));
        p.bias = Vector<T, N>::filled(T(0));
        p.running_mean = Vector<T, N>::filled(T(0));
        p.running_var = Vector<T, N>::filled(T(1));
    }

    /// Trainable tensors: gamma and beta (the running statistics are state, not parameters).
    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        f(ps.weight...);
        f(ps.bias...);
    }

    static constexpr void write_flat(const Parameters& p, T* out) noexcept {
        for (std::size_t f = 0; f < N; ++f) {
            out[f] = p.weight[f];
            out[N + f] = p.bias[f];
            out[2 * N + f] = p.running_mean[f];
            out[3 * N + f] = p.running_var[f];
        }
    }
    template <class U>
    static constexpr void read_flat(Parameters& p, const U* in) noexcept {
        for (std::size_t f = 0; f < N; ++f) {
            p.weight[f] = static_cast<T>(in[f]);
            p.bias[f] = static_cast<T>(in[N + f]);
            p.running_mean[f] = static_cast<T>(in[2 * N + f]);
            p.running_var[f] = static_cast<T>(in[3 * N + f]);
        }
    }
};

}  // namespace detail

/// Batch normalisation (Ioffe & Szegedy 2015), as torch.nn.BatchNorm1d(N, eps, momentum):
/// training mode normalises each feature by its batch mean and biased batch variance,
/// y = gamma (x - mean) / sqrt(var + eps) + beta, and (through Network::update_statistics or
/// train_step) moves the running mean and the unbiased running variance by `Momentum`;
/// inference uses the running statistics. Training needs a compile-time batch B >= 2.
/// Eps and Momentum are std::ratio (torch defaults 1e-5 and 0.1).
template <class Epsilon = std::ratio<1, 100000>, class Momentum = std::ratio<1, 10>>
struct BatchNorm {
    template <class T, std::size_t In>
    using bind = detail::BatchNormLayer<T, In, Epsilon, Momentum>;
};

}  // namespace ctnet
