// Optimizers with state sized at compile time: SGD (momentum, Nesterov, weight decay), Adam, AdamW.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/detail/tensor_list.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/math.hpp>
#include <ctnet/status.hpp>

namespace ctnet {

namespace detail {

/// SGD's scalars for one update pass (the flags say which terms apply).
template <class T>
struct SgdCoefficients {
    T lr, mu, wd, damp;
    bool decay, momentum, nesterov, first;
};

/// SGD over n values: the per-element formula of SGD::step, with its branches decided once per
/// pass, so each case is one plain loop. The constant-evaluation path; at run time
/// sgd_update_tensors applies the same formula on packs.
template <class T>
constexpr void sgd_update(T* p, const T* g, T* v, std::size_t n, const SgdCoefficients<T>& c) noexcept {
    if (!c.momentum && !c.decay) {  // p <- p - lr g
        for (std::size_t k = 0; k < n; ++k) p[k] = p[k] - c.lr * g[k];
        return;
    }
    if (!c.momentum) {  // weight decay only: p <- p - lr (g + wd p)
        for (std::size_t k = 0; k < n; ++k) {
            T d = g[k];
            d += c.wd * p[k];
            p[k] -= c.lr * d;
        }
        return;
    }
    for (std::size_t k = 0; k < n; ++k) {
        T d = g[k];
        if (c.decay) d += c.wd * p[k];
        v[k] = c.first ? d : c.mu * v[k] + c.damp * d;
        d = c.nesterov ? d + c.mu * v[k] : v[k];
        p[k] -= c.lr * d;
    }
}

/// sgd_update's formula on one piece of a tensor (kernels::for_each_piece_at_run_time), on packs.
template <class T>
struct SgdPiece {
    T* p;
    const T* g;
    T* v;
    SgdCoefficients<T> c;
    template <class Width, class Chain>
    [[gnu::always_inline]] void operator()(std::size_t offset, Width, Chain) const noexcept {
        using kernels::simd::load, kernels::simd::splat, kernels::simd::store;
        constexpr std::size_t n = Width::value;
        const auto w = load<n>(p + offset);
        auto d = load<n>(g + offset);
        if (c.decay) d = d + splat<n>(c.wd) * w;
        if (c.momentum) {
            const auto vk = c.first ? d : splat<n>(c.mu) * load<n>(v + offset) + splat<n>(c.damp) * d;
            store(v + offset, vk);
            d = c.nesterov ? d + splat<n>(c.mu) * vk : vk;
        }
        store(p + offset, w - splat<n>(c.lr) * d);
    }
};

/// sgd_update at run time over every tensor of a network (`count` of them; state1 is the
/// velocity): explicit packs, each tensor as one flat run of values (as the gradient norm reads
/// them, see kernels::detail::sum_of_squares_of_tensors), out of line, one copy per scalar type.
/// Plain SGD, the common case, has a loop of its own, without SgdPiece's tests of the flags on
/// every piece. As a scalar loop per tensor, GCC -O3 vectorised the update twice over (512- and 256-bit,
/// each with an aliasing check): 6.5 KB of code, against 2 KB on packs.
template <class T>
[[CTNET_ONE_COPY]] inline void sgd_update_tensors(const UpdateRef<T>* tensors, std::size_t count,
                                                  SgdCoefficients<T> c) noexcept {
    constexpr std::size_t lanes = kernels::simd::lanes<kernels::simd::Native, T>;
    if (!c.momentum && !c.decay) {
        for (std::size_t i = 0; i < count; ++i) {
            const UpdateRef<T>& t = tensors[i];
            kernels::for_each_piece_at_run_time<lanes>(
                1, t.size, kernels::detail::SubtractScaledPiece<T>{t.parameter, t.gradient, c.lr});
        }
        return;
    }
    for (std::size_t i = 0; i < count; ++i) {
        const UpdateRef<T>& t = tensors[i];
        kernels::for_each_piece_at_run_time<lanes>(1, t.size, SgdPiece<T>{t.parameter, t.gradient, t.state1, c});
    }
}

/// Adam's scalars for one update pass.
template <class T>
struct AdamCoefficients {
    T step_size, b1, b2, one_minus_b1, one_minus_b2, wd, eps, bc2, decay;
};

/// Adam (Decoupled: AdamW) over n values, the per-element formula of AdamOptimizer::step.
template <bool Decoupled, class T>
constexpr void adam_update(T* p, const T* g, T* m, T* v, std::size_t n, bool weight_decay,
                           const AdamCoefficients<T>& c) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        T grad = g[k];
        if (weight_decay) {
            if constexpr (Decoupled) {
                p[k] *= c.decay;
            } else {
                grad += c.wd * p[k];
            }
        }
        m[k] = m[k] * c.b1 + c.one_minus_b1 * grad;
        v[k] = v[k] * c.b2 + c.one_minus_b2 * grad * grad;
        const T denominator = math::sqrt(v[k]) / c.bc2 + c.eps;
        p[k] -= c.step_size * (m[k] / denominator);
    }
}

/// adam_update over every tensor of a network (state1, state2: the moments), in constant
/// evaluation.
template <bool Decoupled, class T>
constexpr void adam_update_tensors(const UpdateRef<T>* tensors, std::size_t count, bool weight_decay,
                                   const AdamCoefficients<T>& c) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        const UpdateRef<T>& t = tensors[i];
        adam_update<Decoupled>(t.parameter, t.gradient, t.state1, t.state2, t.size, weight_decay, c);
    }
}

/// adam_update's formula on one piece of a tensor, on packs, each operation in the same order
/// (so the same bits: simd::sqrt is correctly rounded, as std::sqrt).
template <bool Decoupled, class T>
struct AdamPiece {
    T* p;
    const T* g;
    T* m;
    T* v;
    bool weight_decay;
    AdamCoefficients<T> c;
    template <class Width, class Chain>
    [[gnu::always_inline]] void operator()(std::size_t offset, Width, Chain) const noexcept {
        using kernels::simd::load, kernels::simd::splat, kernels::simd::store;
        constexpr std::size_t n = Width::value;
        auto w = load<n>(p + offset);
        auto grad = load<n>(g + offset);
        if (weight_decay) {
            if constexpr (Decoupled) {
                w = w * splat<n>(c.decay);
            } else {
                grad = grad + splat<n>(c.wd) * w;
            }
        }
        const auto mk = load<n>(m + offset) * splat<n>(c.b1) + splat<n>(c.one_minus_b1) * grad;
        const auto vk = load<n>(v + offset) * splat<n>(c.b2) + splat<n>(c.one_minus_b2) * grad * grad;
        store(m + offset, mk);
        store(v + offset, vk);
        const auto denominator = kernels::simd::sqrt<T, n>(vk) / splat<n>(c.bc2) + splat<n>(c.eps);
        store(p + offset, w - splat<n>(c.step_size) * (mk / denominator));
    }
};

/// adam_update at run time over every tensor of a network: explicit packs, each tensor as one
/// flat run (see sgd_update_tensors), out of line, one copy per scalar type. As a scalar loop it
/// was not vectorised at all (std::sqrt may set errno): two divisions and a square root per value
/// one at a time, T4's update ~50x its SGD step.
template <bool Decoupled, class T>
[[CTNET_ONE_COPY]] inline void adam_update_tensors_out_of_line(const UpdateRef<T>* tensors, std::size_t count,
                                                               bool weight_decay, AdamCoefficients<T> c) noexcept {
    constexpr std::size_t lanes = kernels::simd::lanes<kernels::simd::Native, T>;
    for (std::size_t i = 0; i < count; ++i) {
        const UpdateRef<T>& t = tensors[i];
        kernels::for_each_piece_at_run_time<lanes>(
            1, t.size, AdamPiece<Decoupled, T>{t.parameter, t.gradient, t.state1, t.state2, weight_decay, c});
    }
}

}  // namespace detail

/// Stochastic gradient descent, step for step torch.optim.SGD:
///   g <- g + weight_decay p;  v <- g (first step) or momentum v + (1 - dampening) g;
///   d <- g + momentum v (Nesterov) or v (momentum) or g (plain);  p <- p - lr d.
/// State: one velocity tensor per parameter, `state_bytes` at compile time. Hyper-parameters
/// are doubles (as in Python) and are cast to the network's scalar where they are used.
template <class Net>
struct SGD {
    using T = typename Net::scalar;
    double learning_rate = 0.01;
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false;
    typename Net::Parameters velocity{};  // PyTorch's momentum_buffer
    std::uint64_t steps = 0;

    static constexpr std::size_t state_bytes = sizeof(typename Net::Parameters);

    /// Status::invalid_argument (and nothing changes) for a negative or non-finite learning
    /// rate, momentum or weight decay, a non-finite dampening, or Nesterov without momentum /
    /// with dampening (as torch).
    [[nodiscard]] constexpr Status validate() const noexcept {
        if (!(learning_rate >= 0.0) || !(momentum >= 0.0) || !(weight_decay >= 0.0) || !math::isfinite(learning_rate) ||
            !math::isfinite(momentum) || !math::isfinite(weight_decay) || !math::isfinite(dampening))
            return Status::invalid_argument;
        if (nesterov && (momentum <= 0.0 || dampening != 0.0)) return Status::invalid_argument;
        return Status::ok;
    }

    /// One update of `params` from `grads`.
    constexpr Status step(typename Net::Parameters& params, const typename Net::Gradients& grads) noexcept {
        if (const Status s = validate(); s != Status::ok) return s;
        const T lr = static_cast<T>(learning_rate), mu = static_cast<T>(momentum);
        const T wd = static_cast<T>(weight_decay), damp = static_cast<T>(1.0 - dampening);
        const detail::SgdCoefficients<T> c{
            lr, mu, wd, damp, weight_decay != 0.0, momentum != 0.0, nesterov, steps == 0};
        const auto tensors = detail::update_refs<Net>(params, grads, velocity);
        if (CTNET_CONSTANT_EVALUATED()) {
            for (const auto& t : tensors) detail::sgd_update(t.parameter, t.gradient, t.state1, t.size, c);
        } else {
            detail::sgd_update_tensors(tensors.data(), tensors.size(), c);
        }
        ++steps;
        return Status::ok;
    }
};

/// Adam (Kingma & Ba 2015), step for step torch.optim.Adam; with `decoupled_weight_decay` it is
/// AdamW (Loshchilov & Hutter 2019), torch.optim.AdamW:
///   AdamW: p <- p (1 - lr wd);  Adam: g <- g + wd p;
///   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
///   p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// Bias corrections are computed in double, as PyTorch does in Python. Use the aliases Adam and
/// AdamW: `ctnet::Adam<Net> opt{.learning_rate = 1e-3};`.
template <class Net, bool DecoupledWeightDecay>
struct AdamOptimizer {
    using T = typename Net::scalar;
    double learning_rate = 0.001;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = DecoupledWeightDecay ? 0.01 : 0.0;  // torch's defaults for AdamW and Adam
    static constexpr bool decoupled_weight_decay = DecoupledWeightDecay;
    typename Net::Parameters first_moment{};   // PyTorch's exp_avg
    typename Net::Parameters second_moment{};  // PyTorch's exp_avg_sq
    std::uint64_t steps = 0;
    double beta1_power = 1.0;  // beta1^steps, kept as a running product
    double beta2_power = 1.0;

    static constexpr std::size_t state_bytes = 2 * sizeof(typename Net::Parameters);

    [[nodiscard]] constexpr Status validate() const noexcept {
        if (!(learning_rate >= 0.0) || !math::isfinite(learning_rate) || !(epsilon >= 0.0) || !math::isfinite(epsilon) ||
            !(weight_decay >= 0.0) || !math::isfinite(weight_decay))
            return Status::invalid_argument;
        if (!(beta1 >= 0.0 && beta1 < 1.0) || !(beta2 >= 0.0 && beta2 < 1.0)) return Status::invalid_argument;
        return Status::ok;
    }

    constexpr Status step(typename Net::Parameters& params, const typename Net::Gradients& grads) noexcept {
        if (const Status s = validate(); s != Status::ok) return s;
        ++steps;
        beta1_power *= beta1;
        beta2_power *= beta2;
        const double bias_correction1 = 1.0 - beta1_power;
        const double bias_correction2_sqrt = math::sqrt(1.0 - beta2_power);
        const T step_size = static_cast<T>(learning_rate / bias_correction1);
        const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
        const T one_minus_b1 = static_cast<T>(1.0 - beta1), one_minus_b2 = static_cast<T>(1.0 - beta2);
        const T wd = static_cast<T>(weight_decay), eps = static_cast<T>(epsilon);
        const T bc2 = static_cast<T>(bias_correction2_sqrt);
        const T decay = static_cast<T>(1.0 - learning_rate * weight_decay);
        const detail::AdamCoefficients<T> c{step_size, b1, b2, one_minus_b1, one_minus_b2, wd, eps, bc2, decay};
        const auto tensors = detail::update_refs<Net>(params, grads, first_moment, second_moment);
        if (CTNET_CONSTANT_EVALUATED()) {
            detail::adam_update_tensors<decoupled_weight_decay>(tensors.data(), tensors.size(), weight_decay != 0.0, c);
        } else {
            detail::adam_update_tensors_out_of_line<decoupled_weight_decay>(tensors.data(), tensors.size(),
                                                                            weight_decay != 0.0, c);
        }
        return Status::ok;
    }
};

/// Adam: L2 penalty added to the gradient (torch.optim.Adam).
template <class Net>
using Adam = AdamOptimizer<Net, false>;

/// AdamW: decoupled weight decay, default 0.01 (torch.optim.AdamW).
template <class Net>
using AdamW = AdamOptimizer<Net, true>;

}  // namespace ctnet
