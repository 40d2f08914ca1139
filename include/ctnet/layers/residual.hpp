// ctnet::Residual and ctnet::ProjectedResidual: skip connections y = x + f(x) and y = P x + f(x).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <ctnet/detail/chain.hpp>
#include <ctnet/detail/pack.hpp>
#include <ctnet/kernels/dense.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/stack.hpp>

namespace ctnet {

namespace detail {

template <std::size_t InnerOut, std::size_t In>
constexpr void reject_residual_width() noexcept {
    static_assert(InnerOut == In,
                  "ctnet: the layers inside Residual must give back their input width; end them with "
                  "Dense<in width> or use ProjectedResidual (the note below shows InnerOut and In)");
}

/// A residual block around the chain Inner, bound to width In: y = x + f(x), or with Projected,
/// y = P x + f(x) where P is a bias-free Dense from In to f's output width.
template <class Inner, bool Projected>
struct ResidualLayer {
    using scalar = typename Inner::scalar;
    using T = scalar;
    static constexpr const char* name = Projected ? "ProjectedResidual" : "Residual";
    static constexpr std::size_t in_size = Inner::in_size;
    static constexpr std::size_t out_size = Inner::out_size;
    using Projection = DenseLayer<T, in_size, out_size, Bias::none>;

    /// state_dict order: f's parameters, then the projection's weight.
    using Parameters = std::conditional_t<Projected, Pack<typename Inner::Parameters, typename Projection::Parameters>,
                                          Pack<typename Inner::Parameters>>;
    static constexpr std::size_t parameter_count = Inner::parameter_count + (Projected ? in_size * out_size : 0);

    static constexpr bool keeps_inner_output = Inner::backward_needs_output;
    template <std::size_t B>
    using Cache = Pack<typename Inner::template Cache<B>,
                       std::conditional_t<keeps_inner_output, Matrix<T, B, out_size>, NotStored>>;
    static constexpr bool backward_needs_input = Inner::backward_needs_input || Projected;
    static constexpr bool backward_needs_output = false;
    /// Stack bytes of an inference forward beyond the block's output (see ctnet/stack.hpp): the
    /// values inside f, and f(x) or the projection P x held beside them.
    template <std::size_t B>
    static constexpr std::size_t forward_stack_bytes =
        chain_value_bytes<Inner, B>(std::make_index_sequence<Inner::layer_count>{}) + sizeof(Matrix<T, B, out_size>);
    /// The skip path carries the gradient with gain 1 whatever f does.
    static constexpr double derivative_bound = Inner::derivative_bound > 1.0 ? Inner::derivative_bound : 1.0;

    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p,
                                                                  const Matrix<T, B, in_size>& x) noexcept {
        return add(Inner::template forward<Policy>(p.template get<0>(), x), skip<Policy>(p, x));
    }

    template <std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p, const Matrix<T, B, in_size>& x,
                                                                  Cache<B>& cache) noexcept {
        const auto fx = Inner::forward(p.template get<0>(), x, cache.template get<0>());
        if constexpr (keeps_inner_output) cache.template get<1>() = fx;
        return add(fx, skip(p, x));
    }

    static constexpr bool overwrites_gradients = true;  // the inner chain's and the projection's

    template <bool WantInputGradient, GradientWrite Write = GradientWrite::accumulate, std::size_t B, class X, class Y>
    static constexpr auto backward(const Parameters& p, Parameters& g, const Cache<B>& cache, const X& x, const Y&,
                                   const Matrix<T, B, out_size>& dy) noexcept {
        const auto dfx = Inner::template backward<WantInputGradient, Write>(p.template get<0>(), g.template get<0>(),
                                                                             cache.template get<0>(), x,
                                                                             cache.template get<1>(), dy);
        if constexpr (Projected) {
            if constexpr (Write == GradientWrite::overwrite) {
                kernels::store_weight_gradient(g.template get<1>().weight_t, x, dy);
            } else {
                kernels::accumulate_weight_gradient(g.template get<1>().weight_t, x, dy);
            }
        }
        if constexpr (!WantInputGradient) {
            return NotStored{};
        } else if constexpr (Projected) {
            return add(dfx, kernels::linear_input_gradient(dy, p.template get<1>().weight_t));
        } else {
            return add(dfx, dy);
        }
    }

    template <std::size_t B>
    static constexpr void update_state(Parameters& p, const Cache<B>& cache) noexcept {
        Inner::update_state(p.template get<0>(), cache.template get<0>());
    }

    template <class Scheme, class Rng>
    static constexpr void initialize(Parameters& p, const Scheme& scheme, Rng& rng) noexcept {
        Inner::initialize(p.template get<0>(), scheme, rng);
        if constexpr (Projected) Projection::initialize(p.template get<1>(), scheme, rng);
    }

    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        Inner::for_each_tensor(f, ps.template get<0>()...);
        if constexpr (Projected) Projection::for_each_tensor(f, ps.template get<1>()...);
    }

    static constexpr void write_flat(const Parameters& p, T* out) noexcept {
        Inner::write_flat(p.template get<0>(), out);
        if constexpr (Projected) Projection::write_flat(p.template get<1>(), out + Inner::parameter_count);
    }
    template <class U>
    static constexpr void read_flat(Parameters& p, const U* in) noexcept {
        Inner::read_flat(p.template get<0>(), in);
        if constexpr (Projected) Projection::read_flat(p.template get<1>(), in + Inner::parameter_count);
    }

private:
    template <std::size_t B, std::size_t N>
    static constexpr Matrix<T, B, N> add(const Matrix<T, B, N>& a, const Matrix<T, B, N>& b) noexcept {
        return kernels::map(a, b, [](T u, T v) noexcept { return u + v; });
    }
    template <class Policy = kernels::simd::Native, std::size_t B>
    static constexpr Matrix<T, B, out_size> skip(const Parameters& p, const Matrix<T, B, in_size>& x) noexcept {
        if constexpr (Projected) {
            return kernels::linear<Policy>(x, p.template get<1>().weight_t);
        } else {
            return x;
        }
    }
};

/// Binds Residual<Ls...> at width In, rejecting a chain that changes the width.
template <class T, std::size_t In, bool Projected, class... Ls>
struct BindResidual {
    using inner = bind_chain<T, In, Ls...>;
    static constexpr bool widths_match = Projected || inner::out_size == In;
    static constexpr bool check() noexcept {
        if constexpr (!widths_match) reject_residual_width<inner::out_size, In>();
        return widths_match;
    }
    using type = std::conditional_t<check(), ResidualLayer<inner, Projected>,
                                    ResidualLayer<bind_chain<T, In, Dense<In>>, Projected>>;
};

}  // namespace detail

/// A residual block y = x + f(x) (He et al. 2016), f the chain Layers...; f must give back its
/// input width (a compile error says otherwise, with both widths). The skip path passes the
/// gradient on unchanged, which is why deep residual stacks keep learning.
///
///     using Net = ctnet::Network<float, ctnet::Input<16>,
///                                ctnet::Residual<ctnet::Dense<16>, ctnet::Tanh, ctnet::Dense<16>>, ctnet::ReLU>;
template <class... Layers>
struct Residual {
    static_assert(sizeof...(Layers) > 0, "ctnet: Residual needs at least one layer inside; write Residual<Dense<N>, ...>");
    template <class T, std::size_t In>
    using bind = typename detail::BindResidual<T, In, false, Layers...>::type;
};

/// A residual block whose skip path is a learned bias-free linear map: y = P x + f(x), for an f
/// that changes the width. P's weight follows f's parameters in the flat order.
template <class... Layers>
struct ProjectedResidual {
    static_assert(sizeof...(Layers) > 0,
                  "ctnet: ProjectedResidual needs at least one layer inside; write ProjectedResidual<Dense<N>, ...>");
    template <class T, std::size_t In>
    using bind = typename detail::BindResidual<T, In, true, Layers...>::type;
};

}  // namespace ctnet
