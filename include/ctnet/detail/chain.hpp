// ctnet::detail::Chain: a sequence of bound layers that is itself a bound layer.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_right.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <ctnet/detail/pack.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/simd.hpp>
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

/// Whether an observer is NoObserver (whose calls Chain leaves out rather than instantiate).
template <class Observer>
inline constexpr bool is_no_observer = std::is_same_v<std::remove_cvref_t<Observer>, NoObserver>;

/// The positions k with Keep_k true, in order, as a std::index_sequence.
template <bool... Keep>
struct IndexFilter {
    static constexpr std::size_t count = (std::size_t{0} + ... + static_cast<std::size_t>(Keep));
    struct Positions {
        std::size_t at[count + 1];  // + 1: never a zero-length array
    };
    static constexpr Positions positions = [] {
        constexpr bool keep[] = {Keep..., false};
        Positions out{};
        std::size_t n = 0;
        for (std::size_t k = 0; k < sizeof...(Keep); ++k)
            if (keep[k]) out.at[n++] = k;
        return out;
    }();
    template <std::size_t... I>
    static auto select(std::index_sequence<I...>) -> std::index_sequence<positions.at[I]...>;
    using type = decltype(select(std::make_index_sequence<count>{}));
};
template <bool... Keep>
using indices_where = typename IndexFilter<Keep...>::type;

/// Whether layer L folds what a training-mode pass saw into running state (BatchNorm).
template <class L, class P, class C>
inline constexpr bool has_update_state = requires(P& p, const C& c) { L::update_state(p, c); };

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

/// Layers L0 ... Ln-1 applied in order. Boost.Hana holds the bound layer types (`layers`, a
/// hana::tuple_t; `layer<K>` is its K-th element) and backward is a hana::fold_right over them
/// (the chain rule, last layer first). The other passes do not iterate with Hana's algorithms:
/// forward is a left fold written as a recursion over K (forward_from<K> applies layer K and
/// hands its output to forward_from<K + 1>), and the per-layer visits (for_each_tensor,
/// update_state, the rank-one SGD path) are one C++17 fold expression each over a
/// std::index_sequence of the layers concerned (layers without parameters are left out, not
/// visited with an empty body). hana::fold_left/for_each instantiated a lambda per layer and per
/// operation plus Hana's own helpers for each: for bench/compile_cost (T1-T5, inference and SGD
/// steps at batch 1 and 32) about 3,500 instead of 4,900 functions went through GCC's early
/// passes (with the non-recursive Pack), -0.6 s at -O0, -0.1 s at -O3. Backward stays a Hana
/// fold: written as the same kind of recursion it compiled to code 2-3% slower at batch 32
/// (T4's backward pass, 31.3 -> 32.2 us), and no faster to compile.
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

    /// Whether layer K runs its batch-1 steps out of line, one copy shared by every layer of its
    /// type (detail::run_out_of_line): the forward pass and, in train_step's batch-1 step, dL/dx of
    /// a parameter-free layer, the norm and the plain-SGD update from the layer's factors. Where
    /// the chain holds that type three times or more and the pass is on a policy of the baseline's
    /// copy (a function compiled for the AVX2 copy inlines all its layers: kernels/dispatch.hpp).
    /// T5's eight Dense 32 -> 32 layers and eight Sigmoids then compile once for its inference and
    /// its training step. Cachegrind on bench/compile_cost/topologies.cpp,
    /// g++ -O3 native: 25.5 -> 22.9 G for the forward pass (T5's forward code 11.5 KB -> 1.8 KB,
    /// forward_one and the two shared layers), -> 22.6 G for the backward steps (T5's batch-1 step
    /// 6.2 -> 3.1 KB). It costs T5's inference ~7% (A/B medians: 217-227 -> 234-240 ns). A type
    /// held twice stays inline (T2's Tanhs, T3's and T4's ReLUs): sharing those saved 0.2 G, for a
    /// call on a latency-bound path.
    template <std::size_t K, class Policy, std::size_t B>
    static constexpr bool shares_layer_code =
        B == 1 && !kernels::dispatched<Policy> && ((std::is_same_v<layer<K>, Ls> ? 1 : 0) + ...) >= 3;

    /// Layers K with parameters, as a std::index_sequence.
    using parameter_layers = indices_where<(Ls::parameter_count > 0)...>;

    /// Inference: y = Ln-1(... L0(x)), each layer's kernels on lane policy Policy (where the
    /// layer takes one, see forward_inference).
    template <class Policy = kernels::simd::Native, std::size_t B>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p,
                                                                  const Matrix<T, B, in_size>& x) noexcept {
        return forward_from<0, Policy>(p, x);
    }

    /// Training-mode forward: as inference, and fills `cache` with what backward reads.
    /// `cache` is a Cache<B> (an rvalue when Cache<B> is empty and so holds nothing). The
    /// observer, if any, sees each layer's output: `observer.forward_output(k, y_k)`. Policy as
    /// for inference (layers with a training-mode forward of their own run it on their lanes).
    template <class Policy = kernels::simd::Native, std::size_t B, class CacheRef, class Observer = NoObserver>
    [[nodiscard]] static constexpr Matrix<T, B, out_size> forward(const Parameters& p, const Matrix<T, B, in_size>& x,
                                                                  CacheRef&& cache, Observer&& observer = {}) noexcept {
        return forward_train_from<0, Policy>(p, x, cache, observer);
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
            if constexpr (!is_no_observer<Observer>) observer.backward_output_gradient(k, dyk);
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
        using Caches = std::remove_cvref_t<decltype(cache.template get<1>())>;
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (layer<K>::update_state(p.template get<K>(), cache.template get<1>().template get<K>()), ...);
        }(decltype(state_layers<Caches>(std::make_index_sequence<layer_count>{})){});
    }

    /// The largest product of activation-derivative bounds along any path through the chain:
    /// layers without a `derivative_bound` (Dense, BatchNorm) count as 1.
    static constexpr double derivative_bound = (1.0 * ... * layer_derivative_bound<Ls>());

    /// Calls f on each trainable tensor of every layer, side by side across `ps`.
    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (layer_tensors<K>(f, ps...), ...);
        }(parameter_layers{});
    }

    /// Initialises every layer that has parameters from `scheme`, drawing from `rng` in layer order.
    template <class Scheme, class Rng>
    static constexpr void initialize(Parameters& p, const Scheme& scheme, Rng& rng) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (initialize_layer<K>(p, scheme, rng), ...);
        }(std::make_index_sequence<layer_count>{});
    }

    /// Offset of layer K's parameters in the flat interchange.
    template <std::size_t K>
    static constexpr std::size_t flat_offset = [] {
        constexpr std::size_t counts[] = {Ls::parameter_count...};
        std::size_t offset = 0;
        for (std::size_t j = 0; j < K; ++j) offset += counts[j];
        return offset;
    }();

    static constexpr void write_flat(const Parameters& p, T* out) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (layer<K>::write_flat(p.template get<K>(), out + flat_offset<K>), ...);
        }(std::make_index_sequence<layer_count>{});
    }

    template <class U>
    static constexpr void read_flat(Parameters& p, const U* in) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (layer<K>::read_flat(p.template get<K>(), in + flat_offset<K>), ...);
        }(std::make_index_sequence<layer_count>{});
    }

    // ---- plain SGD from rank-one gradients (train_step's path at batch 1) ----------------------

    /// True if every layer with parameters has a rank-one gradient at batch 1 (`rank_one_gradient`:
    /// Dense, where dL/dW^T = x^T dy and dL/db = dy). train_step then applies plain SGD straight
    /// from x and dy, without writing the gradients out and reading them back.
    static constexpr bool rank_one_gradients = ((Ls::parameter_count == 0 || has_rank_one_gradient<Ls>()) && ...);

    /// dL/dy at the output of every layer with parameters (NotStored for the others), batch 1.
    using Deltas = Pack<std::conditional_t<(Ls::parameter_count > 0), Matrix<T, 1, Ls::out_size>, NotStored>...>;

    /// The backward pass without parameter gradients: records each parameter layer's dL/dy in
    /// `deltas` and carries dL/dx down the chain (the first layer computes none). Policy: the
    /// kernels' lane policy where a layer takes one (train_step's dispatched batch-1 step).
    template <class Policy = kernels::simd::Native, class C, class X, class Y>
    static constexpr void backward_deltas(const Parameters& p, const C& cache, const X& x, const Y& y,
                                          const Matrix<T, 1, out_size>& dy, Deltas& deltas) noexcept {
        deltas_from<layer_count - 1, Policy>(p, cache, x, y, dy, deltas);
    }

    /// The squared global norm of the gradients `deltas` stand for (sum over layers of
    /// |x|^2 |dy|^2, plus |dy|^2 for a bias). Finite only if every gradient element is finite:
    /// |x_i dy_j|^2 <= |x|^2 |dy|^2. Not finite also when the values are merely large: the
    /// caller then takes the general path.
    template <class Policy = kernels::simd::Native, class C, class X>
    static constexpr T rank_one_norm_squared(const C& cache, const X& x, const Deltas& deltas) noexcept {
        T total = T(0);
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            ((total += rank_one_layer_norm_squared<K, Policy>(input_of<K>(cache, x), deltas.template get<K>())), ...);
        }(parameter_layers{});
        return total;
    }

    /// p <- p - lr g for every layer, g formed element by element from x and dy as backward
    /// would (the same roundings as writing g out and then running SGD::step).
    template <class Policy = kernels::simd::Native, class C, class X>
    static constexpr void rank_one_sgd(Parameters& p, const C& cache, const X& x, const Deltas& deltas, T lr) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (rank_one_layer_sgd<K, Policy>(p.template get<K>(), input_of<K>(cache, x), deltas.template get<K>(), lr), ...);
        }(parameter_layers{});
    }

    /// Writes the gradients `deltas` stand for, as `backward` with GradientWrite::overwrite
    /// writes them at batch 1 (Dense: x^T dy and dy, each element formed as the kernels form it).
    template <class C, class X>
    static constexpr void rank_one_write_gradients(Parameters& g, const C& cache, const X& x,
                                                   const Deltas& deltas) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) noexcept {
            (layer<K>::rank_one_write_gradient(g.template get<K>(), input_of<K>(cache, x), deltas.template get<K>()), ...);
        }(parameter_layers{});
    }

private:
    /// Layers K whose update_state takes their slot of Caches (a Pack<Ls::Cache<B>...>).
    template <class Caches, std::size_t... K>
    static auto state_layers(std::index_sequence<K...>)
        -> indices_where<has_update_state<layer<K>, typename layer<K>::Parameters,
                                          std::remove_cvref_t<decltype(std::declval<const Caches&>().template get<K>())>>...>;

    template <std::size_t K, class F, class... Ps>
    static constexpr void layer_tensors(F& f, Ps&... ps) noexcept {
        layer<K>::for_each_tensor(f, ps.template get<K>()...);
    }

    template <std::size_t K, class Scheme, class Rng>
    static constexpr void initialize_layer(Parameters& p, const Scheme& scheme, Rng& rng) noexcept {
        if constexpr (requires { layer<K>::initialize(p.template get<K>(), scheme, rng); })
            layer<K>::initialize(p.template get<K>(), scheme, rng);
    }

    /// Layers K, K + 1, ... of inference, from layer K's input.
    template <std::size_t K, class Policy, std::size_t B>
    static constexpr Matrix<T, B, out_size> forward_from(const Parameters& p,
                                                         const Matrix<T, B, layer<K>::in_size>& xk) noexcept {
        constexpr bool shared = shares_layer_code<K, Policy, B>;
        if constexpr (K + 1 == layer_count) {
            return forward_here_or_shared<layer<K>, Policy, shared>(p.template get<K>(), xk);
        } else {
            return forward_from<K + 1, Policy>(
                p, forward_here_or_shared<layer<K>, Policy, shared>(p.template get<K>(), xk));
        }
    }

    /// Layers K, K + 1, ... of the training-mode forward pass, from layer K's input.
    template <std::size_t K, class Policy, std::size_t B, class CacheRef, class Observer>
    static constexpr Matrix<T, B, out_size> forward_train_from(const Parameters& p,
                                                               const Matrix<T, B, layer<K>::in_size>& xk,
                                                               CacheRef& cache, Observer& observer) noexcept {
        if constexpr (keeps_boundary<K>()) cache.template get<0>().template get<K - 1>() = xk;
        constexpr bool shared = shares_layer_code<K, Policy, B>;
        auto& ck = cache.template get<1>().template get<K>();
        if constexpr (K + 1 == layer_count && is_no_observer<Observer>) {
            return forward_train<layer<K>, Policy, shared>(p.template get<K>(), xk, ck);
        } else {
            auto yk = forward_train<layer<K>, Policy, shared>(p.template get<K>(), xk, ck);
            if constexpr (!is_no_observer<Observer>) observer.forward_output(hana::size_c<K>, yk);
            if constexpr (K + 1 == layer_count) {
                return yk;
            } else {
                return forward_train_from<K + 1, Policy>(p, yk, cache, observer);
            }
        }
    }

    // The batch-1 steps of layer K on lane policy Policy where the layer takes one (ctnet's own
    // layers do), else on its default lanes (see forward_inference).

    template <std::size_t K, class Policy, class Dy>
    static constexpr auto rank_one_input_gradient(const typename layer<K>::Parameters& pk, const Dy& dyk) noexcept {
        if constexpr (requires { layer<K>::template input_gradient<Policy>(pk, dyk); }) {
            return layer<K>::template input_gradient<Policy>(pk, dyk);
        } else {
            return layer<K>::input_gradient(pk, dyk);
        }
    }

    // Each step of a layer as a type with a static run(), so that a layer whose type the chain
    // holds several times runs one out-of-line copy of it (run_here_or_shared, shares_layer_code).

    template <class L, class Policy>
    struct NormSquaredStep {
        template <class Xk, class Dy>
        static constexpr T run(const Xk& xk, const Dy& dyk) noexcept {
            if constexpr (requires { L::template rank_one_norm_squared<Policy>(xk, dyk); }) {
                return L::template rank_one_norm_squared<Policy>(xk, dyk);
            } else {
                return L::rank_one_norm_squared(xk, dyk);
            }
        }
    };

    template <class L, class Policy>
    struct SgdStep {
        template <class Xk, class Dy>
        static constexpr void run(typename L::Parameters& pk, const Xk& xk, const Dy& dyk, const T& lr) noexcept {
            if constexpr (requires { L::template rank_one_sgd<Policy>(pk, xk, dyk, lr); }) {
                L::template rank_one_sgd<Policy>(pk, xk, dyk, lr);
            } else {
                L::rank_one_sgd(pk, xk, dyk, lr);
            }
        }
    };

    template <class L, class Policy>
    struct InputGradientStep {
        template <class Ck, class Xk, class Yk, class Dy>
        static constexpr auto run(const typename L::Parameters& pk, const Ck& ck, const Xk& xk, const Yk& yk,
                                  const Dy& dyk) noexcept {
            typename L::Parameters none{};
            if constexpr (requires { L::template backward<true, Policy>(pk, none, ck, xk, yk, dyk); }) {
                return L::template backward<true, Policy>(pk, none, ck, xk, yk, dyk);
            } else {
                return L::template backward<true>(pk, none, ck, xk, yk, dyk);
            }
        }
    };

    template <std::size_t K, class Policy, class Xk, class Dy>
    static constexpr T rank_one_layer_norm_squared(const Xk& xk, const Dy& dyk) noexcept {
        return run_here_or_shared<NormSquaredStep<layer<K>, Policy>, shares_layer_code<K, Policy, 1>>(xk, dyk);
    }

    template <std::size_t K, class Policy, class Xk, class Dy>
    static constexpr void rank_one_layer_sgd(typename layer<K>::Parameters& pk, const Xk& xk, const Dy& dyk,
                                             T lr) noexcept {
        run_here_or_shared<SgdStep<layer<K>, Policy>, shares_layer_code<K, Policy, 1>>(pk, xk, dyk, lr);
    }

    /// dL/dx of parameter-free layer K (batch 1), as above.
    template <std::size_t K, class Policy, class C, class X, class Y, class Dy>
    static constexpr auto parameter_free_input_gradient(const Parameters& p, const C& cache, const X& x, const Y& y,
                                                        const Dy& dyk) noexcept {
        return run_here_or_shared<InputGradientStep<layer<K>, Policy>, shares_layer_code<K, Policy, 1>>(
            p.template get<K>(), cache.template get<1>().template get<K>(), input_of<K>(cache, x),
            output_of<K>(cache, y), dyk);
    }

    /// Layers K, K - 1, ..., 0 of backward_deltas, from dL/dy of layer K.
    template <std::size_t K, class Policy, class C, class X, class Y, class Dy>
    static constexpr void deltas_from(const Parameters& p, const C& cache, const X& x, const Y& y, const Dy& dyk,
                                      Deltas& deltas) noexcept {
        using L = layer<K>;
        if constexpr (L::parameter_count > 0) {
            deltas.template get<K>() = dyk;
            if constexpr (K > 0)
                deltas_from<K - 1, Policy>(p, cache, x, y, rank_one_input_gradient<K, Policy>(p.template get<K>(), dyk),
                                           deltas);
        } else if constexpr (K > 0) {
            deltas_from<K - 1, Policy>(p, cache, x, y, parameter_free_input_gradient<K, Policy>(p, cache, x, y, dyk),
                                       deltas);
        }
    }

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
