// ctnet::detail::Chain: a sequence of bound layers that is itself a bound layer.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/fold_right.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <ctnet/detail/pack.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet::detail {

namespace hana = boost::hana;

/// An observer that sees nothing (the default of Chain's forward and backward).
struct NoObserver {
    template <class K, class M>
    constexpr void forward_output(K, const M&) const noexcept {}
    template <class K, class M>
    constexpr void backward_output_gradient(K, const M&) const noexcept {}
};

/// Whether layer L can write its gradients instead of accumulating (GradientWrite::overwrite).
template <class L>
constexpr bool overwrites_gradients() noexcept {
    if constexpr (requires { L::overwrites_gradients; }) {
        return L::overwrites_gradients;
    } else {
        return false;
    }
}

/// Whether layer L's parameter gradient at batch 1 is the rank-one product of its input and dL/dy.
template <class L>
constexpr bool has_rank_one_gradient() noexcept {
    if constexpr (requires { L::rank_one_gradient; }) {
        return L::rank_one_gradient;
    } else {
        return false;
    }
}

/// A layer's bound on |dy/dx| from its activation alone (1 for layers without one).
template <class L>
constexpr double layer_derivative_bound() noexcept {
    if constexpr (requires { L::derivative_bound; }) {
        return L::derivative_bound;
    } else {
        return 1.0;
    }
}

/// Layers L0 ... Ln-1 applied in order. Boost.Hana holds the bound layer types and folds over
/// them: forward is a left fold, backward a right fold (the chain rule, last layer first).
///
/// Boundary k is the value between layer k-1 and layer k. The chain keeps boundary k (0 < k < n)
/// only if layer k reads its input or layer k-1 reads its output in backward; boundary 0 (the
/// chain's input) and boundary n (its output) belong to whoever holds the chain.
template <class... Ls>
struct Chain {
    static_assert(sizeof...(Ls) > 0);
    static constexpr std::size_t layer_count = sizeof...(Ls);
    static constexpr auto layers = hana::tuple_t<Ls...>;
    template <std::size_t K>
    using layer = typename decltype(+hana::at_c<K>(layers))::type;

    using scalar = typename layer<0>::scalar;
    using T = scalar;
    static constexpr std::size_t in_size = layer<0>::in_size;
    static constexpr std::size_t out_size = layer<layer_count - 1>::out_size;

    using Parameters = Pack<typename Ls::Parameters...>;
    static constexpr std::size_t parameter_count = (std::size_t{0} + ... + Ls::parameter_count);

    static constexpr bool backward_needs_input = layer<0>::backward_needs_input;
    static constexpr bool backward_needs_output = layer<layer_count - 1>::backward_needs_output;

    /// True if boundary K (0 < K < n) is kept for the backward pass.
    template <std::size_t K>
    static constexpr bool keeps_boundary() noexcept {
        if constexpr (K == 0 || K >= layer_count) {
            return false;  // the chain's own input and output are kept by its owner
        } else {
            return layer<K>::backward_needs_input || layer<K - 1>::backward_needs_output;
        }
    }

    template <std::size_t B, std::size_t K>
    using BoundarySlot = std::conditional_t<keeps_boundary<K>(), Matrix<T, B, layer<K>::in_size>, NotStored>;

    template <std::size_t B, std::size_t... K>
    static auto boundary_pack(std::index_sequence<K...>) -> Pack<BoundarySlot<B, K + 1>...>;

    template <std::size_t B>
    using Boundaries = decltype(boundary_pack<B>(std::make_index_sequence<layer_count - 1>{}));

    /// What a training-mode forward pass keeps for backward: the inner boundaries that are read
    /// (get<0>, indexed by boundary - 1), and each layer's own cache (get<1>).
    template <std::size_t B>
    using Cache = Pack<Boundaries<B>, Pack<typename Ls::template Cache<B>...>>;

    static constexpr auto indices = hana::make_range(hana::size_c<0>, hana::size_c<layer_count>);

    /// Inference: y = Ln-1(... L0(x)).
    template <std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p,
                                                                  const Matrix<T, B, in_size>& x) noexcept {
        return hana::fold_left(indices, x, [&p](const auto& xk, auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            return layer<K>::forward(p.template get<K>(), xk);
        });
    }

    /// Training-mode forward: as inference, and fills `cache` with what backward reads.
    /// `cache` is a Cache<B> (an rvalue when Cache<B> is empty and so holds nothing). The
    /// observer, if any, sees each layer's output: `observer.forward_output(k, y_k)`.
    template <std::size_t B, class CacheRef, class Observer = NoObserver>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p, const Matrix<T, B, in_size>& x,
                                                                  CacheRef&& cache, Observer&& observer = {}) noexcept {
        return hana::fold_left(indices, x, [&p, &cache, &observer](const auto& xk, auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (keeps_boundary<K>()) cache.template get<0>().template get<K - 1>() = xk;
            auto yk = forward_train<layer<K>>(p.template get<K>(), xk, cache.template get<1>().template get<K>());
            observer.forward_output(k, yk);
            return yk;
        });
    }

    /// Backward: from dL/dy, accumulates every layer's parameter gradients into `g` and returns
    /// dL/dx when WantInputGradient (else NotStored, and the first layer skips that product).
    /// `x` and `y` are the chain's input and output, or NotStored where the chain does not read them.
    /// The observer, if any, sees the gradient arriving at each layer's output:
    /// `observer.backward_output_gradient(k, dL/dy_k)`.
    /// With GradientWrite::overwrite the gradients are written instead: every layer's, without
    /// reading `g` (layers that cannot write theirs get them zeroed first).
    template <bool WantInputGradient, GradientWrite Write = GradientWrite::accumulate, std::size_t B, class C, class X,
              class Y, class Observer = NoObserver>
    static constexpr auto backward(const Parameters& p, Parameters& g, const C& cache, const X& x, const Y& y,
                                   const Matrix<T, B, out_size>& dy, Observer&& observer = {}) noexcept {
        return hana::fold_right(indices, dy, [&](auto k, const auto& dyk) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            using L = layer<K>;
            observer.backward_output_gradient(k, dyk);
            decltype(auto) xk = input_of<K>(cache, x);
            decltype(auto) yk = output_of<K>(cache, y);
            constexpr bool want = K > 0 || WantInputGradient;
            auto& gk = g.template get<K>();
            const auto& ck = cache.template get<1>().template get<K>();
            if constexpr (Write == GradientWrite::accumulate || L::parameter_count == 0) {
                return L::template backward<want>(p.template get<K>(), gk, ck, xk, yk, dyk);
            } else if constexpr (overwrites_gradients<L>()) {
                return L::template backward<want, GradientWrite::overwrite>(p.template get<K>(), gk, ck, xk, yk, dyk);
            } else {
                gk = typename L::Parameters{};
                return L::template backward<want>(p.template get<K>(), gk, ck, xk, yk, dyk);
            }
        });
    }

    /// After a training-mode forward: lets each layer with running state (BatchNorm's running
    /// mean and variance) fold in what that pass saw.
    template <class CacheRef>
    static constexpr void update_state(Parameters& p, const CacheRef& cache) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (requires { layer<K>::update_state(p.template get<K>(), cache.template get<1>().template get<K>()); })
                layer<K>::update_state(p.template get<K>(), cache.template get<1>().template get<K>());
        });
    }

    /// The largest product of activation-derivative bounds along any path through the chain:
    /// layers without a `derivative_bound` (Dense, BatchNorm) count as 1.
    static constexpr double derivative_bound = (1.0 * ... * layer_derivative_bound<Ls>());

    /// Calls f on each trainable tensor of every layer, side by side across `ps`.
    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            layer<K>::for_each_tensor(f, ps.template get<K>()...);
        });
    }

    /// Initialises every layer that has parameters from `scheme`, drawing from `rng` in layer order.
    template <class Scheme, class Rng>
    static constexpr void initialize(Parameters& p, const Scheme& scheme, Rng& rng) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (requires { layer<K>::initialize(p.template get<K>(), scheme, rng); })
                layer<K>::initialize(p.template get<K>(), scheme, rng);
        });
    }

    /// Offset of layer K's parameters in the flat interchange.
    template <std::size_t K>
    static constexpr std::size_t flat_offset = [] {
        std::size_t offset = 0;
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<K>),
                       [&](auto j) { offset += layer<decltype(j)::value>::parameter_count; });
        return offset;
    }();

    static constexpr void write_flat(const Parameters& p, T* out) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            layer<K>::write_flat(p.template get<K>(), out + flat_offset<K>);
        });
    }

    template <class U>
    static constexpr void read_flat(Parameters& p, const U* in) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            layer<K>::read_flat(p.template get<K>(), in + flat_offset<K>);
        });
    }

    // ---- plain SGD from rank-one gradients (train_step's path at batch 1) ----------------------

    /// True if every layer with parameters has a rank-one gradient at batch 1 (`rank_one_gradient`:
    /// Dense, where dL/dW^T = x^T dy and dL/db = dy). train_step then applies plain SGD straight
    /// from x and dy, without writing the gradients out and reading them back.
    static constexpr bool rank_one_gradients = ((Ls::parameter_count == 0 || has_rank_one_gradient<Ls>()) && ...);

    /// dL/dy at the output of every layer with parameters (NotStored for the others), batch 1.
    using Deltas = Pack<std::conditional_t<(Ls::parameter_count > 0), Matrix<T, 1, Ls::out_size>, NotStored>...>;

    /// The backward pass without parameter gradients: records each parameter layer's dL/dy in
    /// `deltas` and carries dL/dx down the chain (the first layer computes none).
    template <class C, class X, class Y>
    static constexpr void backward_deltas(const Parameters& p, const C& cache, const X& x, const Y& y,
                                          const Matrix<T, 1, out_size>& dy, Deltas& deltas) noexcept {
        (void)hana::fold_right(indices, dy, [&](auto k, const auto& dyk) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            using L = layer<K>;
            if constexpr (L::parameter_count > 0) {
                deltas.template get<K>() = dyk;
                if constexpr (K > 0) {
                    return L::input_gradient(p.template get<K>(), dyk);
                } else {
                    return NotStored{};
                }
            } else {
                typename L::Parameters none{};
                return L::template backward<(K > 0)>(p.template get<K>(), none, cache.template get<1>().template get<K>(),
                                                     input_of<K>(cache, x), output_of<K>(cache, y), dyk);
            }
        });
    }

    /// The squared global norm of the gradients `deltas` stand for (sum over layers of
    /// |x|^2 |dy|^2, plus |dy|^2 for a bias). Finite only if every gradient element is finite:
    /// |x_i dy_j|^2 <= |x|^2 |dy|^2. Not finite also when the values are merely large: the
    /// caller then takes the general path.
    template <class C, class X>
    static constexpr T rank_one_norm_squared(const C& cache, const X& x, const Deltas& deltas) noexcept {
        T total = T(0);
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (layer<K>::parameter_count > 0)
                total += layer<K>::rank_one_norm_squared(input_of<K>(cache, x), deltas.template get<K>());
        });
        return total;
    }

    /// p <- p - lr g for every layer, g formed element by element from x and dy as backward
    /// would (the same roundings as writing g out and then running SGD::step).
    template <class C, class X>
    static constexpr void rank_one_sgd(Parameters& p, const C& cache, const X& x, const Deltas& deltas, T lr) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (layer<K>::parameter_count > 0)
                layer<K>::rank_one_sgd(p.template get<K>(), input_of<K>(cache, x), deltas.template get<K>(), lr);
        });
    }

    /// Writes the gradients `deltas` stand for, as `backward` with GradientWrite::overwrite
    /// writes them at batch 1 (Dense: x^T dy and dy, each element formed as the kernels form it).
    template <class C, class X>
    static constexpr void rank_one_write_gradients(Parameters& g, const C& cache, const X& x,
                                                   const Deltas& deltas) noexcept {
        hana::for_each(indices, [&](auto k) noexcept {
            constexpr std::size_t K = decltype(k)::value;
            if constexpr (layer<K>::parameter_count > 0)
                layer<K>::rank_one_write_gradient(g.template get<K>(), input_of<K>(cache, x), deltas.template get<K>());
        });
    }

private:
    template <std::size_t K, class C, class X>
    static constexpr decltype(auto) input_of(const C& cache, const X& x) noexcept {
        if constexpr (K == 0) {
            return x;
        } else {
            return cache.template get<0>().template get<K - 1>();
        }
    }
    template <std::size_t K, class C, class Y>
    static constexpr decltype(auto) output_of(const C& cache, const Y& y) noexcept {
        if constexpr (K + 1 == layer_count) {
            return y;
        } else {
            return cache.template get<0>().template get<K>();
        }
    }
};

/// Binds a list of layer descriptions to scalar T, starting at width In: each description's
/// input width is the previous one's output width.
template <class T, std::size_t In, class Bound, class... Ds>
struct BindLayers;

template <class T, std::size_t In, class... Bound>
struct BindLayers<T, In, Chain<Bound...>> {
    using type = Chain<Bound...>;
};

template <class T, std::size_t In, class... Bound, class D, class... Rest>
struct BindLayers<T, In, Chain<Bound...>, D, Rest...> {
    using head = typename D::template bind<T, In>;
    using type = typename BindLayers<T, head::out_size, Chain<Bound..., head>, Rest...>::type;
};

/// The chain of descriptions Ds bound to scalar T and input width In.
template <class T, std::size_t In, class... Ds>
using bind_chain = typename BindLayers<T, In, Chain<>, Ds...>::type;

}  // namespace ctnet::detail
