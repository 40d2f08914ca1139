// ctnet::Dense: the fully connected layer y = x W^T + b (PyTorch's nn.Linear).
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/kernels/dense.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// Whether a Dense layer learns a bias (PyTorch's `bias=True/False`).
enum class Bias : bool { none = false, learned = true };

namespace detail {

/// Dense<Out> bound to scalar T and input width In.
///
/// Parameters keep the weight input-major (`weight_t(i, o)` is PyTorch's `weight[o][i]`) so the
/// kernels' inner loops run over outputs with unit stride; the flat interchange
/// (write_flat/read_flat) is PyTorch's `weight[out][in]` row-major, then `bias[out]`.
template <class T, std::size_t In, std::size_t Out, Bias HasBias>
struct DenseLayer {
    using scalar = T;
    static constexpr std::size_t in_size = In;
    static constexpr std::size_t out_size = Out;
    static constexpr bool has_bias = HasBias == Bias::learned;
    static constexpr const char* name = "Dense";

    struct ParametersWithBias {
        Matrix<T, In, Out> weight_t;
        Vector<T, Out> bias;
        friend constexpr bool operator==(const ParametersWithBias&, const ParametersWithBias&) noexcept = default;
    };
    struct ParametersWithoutBias {
        Matrix<T, In, Out> weight_t;
        friend constexpr bool operator==(const ParametersWithoutBias&, const ParametersWithoutBias&) noexcept = default;
    };
    using Parameters = std::conditional_t<has_bias, ParametersWithBias, ParametersWithoutBias>;
    static constexpr std::size_t parameter_count = In * Out + (has_bias ? Out : 0);

    template <std::size_t B>
    using Cache = NotStored;
    static constexpr bool backward_needs_input = true;  // dL/dW = x^T dy
    static constexpr bool backward_needs_output = false;

    /// Inference; Policy is the kernels' lane policy (see ctnet::detail::forward_inference).
    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, Out> forward(const Parameters& p, const Matrix<T, B, In>& x) noexcept {
        if constexpr (has_bias) {
            return kernels::affine<Policy>(x, p.weight_t, p.bias);
        } else {
            return kernels::linear<Policy>(x, p.weight_t);
        }
    }

    static constexpr bool overwrites_gradients = true;

    template <bool WantInputGradient, GradientWrite Write = GradientWrite::accumulate, std::size_t B, class Y>
    static constexpr auto backward(const Parameters& p, Parameters& g, const NotStored&, const Matrix<T, B, In>& x,
                                   const Y&, const Matrix<T, B, Out>& dy) noexcept {
        if constexpr (Write == GradientWrite::overwrite) {
            kernels::store_weight_gradient(g.weight_t, x, dy);
            if constexpr (has_bias) kernels::store_bias_gradient(g.bias, dy);
        } else {
            kernels::accumulate_weight_gradient(g.weight_t, x, dy);
            if constexpr (has_bias) kernels::accumulate_bias_gradient(g.bias, dy);
        }
        if constexpr (WantInputGradient) {
            return input_gradient(p, dy);
        } else {
            return NotStored{};
        }
    }

    // Batch 1: dL/dW^T = x^T dy (rank one), dL/db = dy. What train_step's plain-SGD path uses.
    static constexpr bool rank_one_gradient = true;

    // Policy: the kernels' lane policy, as for forward (train_step's dispatched batch-1 step).
    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, In> input_gradient(const Parameters& p, const Matrix<T, B, Out>& dy) noexcept {
        return kernels::linear_input_gradient<Policy>(dy, p.weight_t);
    }

    /// |x^T dy|^2 + |dy|^2 (the bias) = |x|^2 |dy|^2 + |dy|^2.
    template <class Policy = kernels::simd::Native>
    [[nodiscard]] static constexpr T rank_one_norm_squared(const Matrix<T, 1, In>& x, const Matrix<T, 1, Out>& dy) noexcept {
        const T dy_squares = kernels::sum_of_squares<Policy>(dy);
        return kernels::sum_of_squares<Policy>(x) * dy_squares + (has_bias ? dy_squares : T(0));
    }

    template <class Policy = kernels::simd::Native>
    static constexpr void rank_one_sgd(Parameters& p, const Matrix<T, 1, In>& x, const Matrix<T, 1, Out>& dy, T lr) noexcept {
        kernels::subtract_scaled_outer<Policy>(p.weight_t, x, dy, lr);
        if constexpr (has_bias) kernels::subtract_scaled<Policy>(p.bias, dy, lr);
    }

    /// Writes the batch-1 gradients from x and dy as `backward` (GradientWrite::overwrite) writes
    /// them: each element the product plus zero, as the gradient kernels form it (a zero-started
    /// multiply-add, so -0 becomes +0 there too). At run time one out-of-line loop for every
    /// layer shape (kernels::detail::write_rank_one_gradient): only train_step's batch-1 path
    /// with momentum, weight decay, clipping or very large gradients gets here.
    static constexpr void rank_one_write_gradient(Parameters& g, const Matrix<T, 1, In>& x,
                                                  const Matrix<T, 1, Out>& dy) noexcept {
        T* bias = nullptr;
        if constexpr (has_bias) bias = g.bias.data;
        if (!CTNET_CONSTANT_EVALUATED()) {
            kernels::detail::write_rank_one_gradient<kernels::simd::Native>(g.weight_t.data, bias, x.data, In, dy.data, Out);
            return;
        }
        for (std::size_t i = 0; i < In; ++i) {
            T* row = g.weight_t.row(i);
            const T xi = x[i];
            for (std::size_t o = 0; o < Out; ++o) row[o] = xi * dy[o] + T(0);
        }
        if constexpr (has_bias)
            for (std::size_t o = 0; o < Out; ++o) g.bias[o] = dy[o] + T(0);
    }

    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        f(ps.weight_t...);
        if constexpr (has_bias) f(ps.bias...);
    }

    /// Draws the weights (in PyTorch's [out][in] order) and the bias from `scheme` with
    /// fan_in = In and fan_out = Out.
    template <class Scheme, class Rng>
    static constexpr void initialize(Parameters& p, const Scheme& scheme, Rng& rng) noexcept {
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < In; ++i) p.weight_t(i, o) = scheme.template weight<T>(rng, In, Out);
        if constexpr (has_bias)
            for (std::size_t o = 0; o < Out; ++o) p.bias[o] = scheme.template bias<T>(rng, In, Out);
    }

    static constexpr void write_flat(const Parameters& p, T* out) noexcept {
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < In; ++i) out[o * In + i] = p.weight_t(i, o);
        if constexpr (has_bias)
            for (std::size_t o = 0; o < Out; ++o) out[In * Out + o] = p.bias[o];
    }

    template <class U>
    static constexpr void read_flat(Parameters& p, const U* in) noexcept {
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < In; ++i) p.weight_t(i, o) = static_cast<T>(in[o * In + i]);
        if constexpr (has_bias)
            for (std::size_t o = 0; o < Out; ++o) p.bias[o] = static_cast<T>(in[In * Out + o]);
    }
};

}  // namespace detail

/// A fully connected layer with `Out` outputs: y = x W^T + b, W of shape [Out][in], as
/// PyTorch's `nn.Linear(in, Out, bias)`. The input width is inferred from the previous layer.
///
///     using Net = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU,
///                                ctnet::Dense<1, ctnet::Bias::none>>;
namespace detail {
/// Carrier of Dense's width rule, reached when the network reads Dense::valid. A static_assert in
/// Dense's own body would make Clang 16 treat the class as broken (no members), and the network
/// would then add "not a layer" to the real message.
template <std::size_t Out>
constexpr bool check_dense_width() noexcept {
    static_assert(Out > 0, "ctnet: Dense<0> has no outputs; give Dense a width of at least 1");
    return Out > 0;
}
}  // namespace detail

template <std::size_t Out, Bias HasBias = Bias::learned>
struct Dense {
    static constexpr bool valid = detail::check_dense_width<Out>();
    static constexpr std::size_t out_size = Out;

    template <class T, std::size_t In>
    using bind = detail::DenseLayer<T, In, (Out > 0 ? Out : 1), HasBias>;
};

}  // namespace ctnet
