// The layer protocol: what a layer description is, and what it gives once bound to a scalar and width.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// Where an activation's derivative is cheapest to compute from. The workspace of a network keeps
/// only what its backward pass reads: for `output` activations (sigma' = y(1 - y),
/// tanh' = 1 - y^2) the pre-activation is never stored.
enum class DerivativeFrom : unsigned char { input, output, none };

/// How a backward pass writes parameter gradients: added to what the gradient buffer holds (as
/// PyTorch's autograd does), or written over it (the buffer need not be initialised; what
/// train_step uses, saving a pass that zeroes it and one that reads it back).
enum class GradientWrite : unsigned char { accumulate, overwrite };

/// Marker for "this boundary or cache is not kept": an empty type that takes no storage.
struct NotStored {
    friend constexpr bool operator==(NotStored, NotStored) noexcept = default;
};

/// A layer description is an empty type users write in a topology (`Dense<20>`, `ReLU`). It
/// becomes a layer once bound to a scalar and an input width: `D::bind<T, In>` is then a type
/// with the members listed under BoundLayer.
namespace detail {
/// Names a `bind` member template without instantiating it (a Residual checks widths when bound).
template <template <class, std::size_t> class Bind>
struct BindTemplate {};
}  // namespace detail

template <class D>
concept LayerDescription = std::is_class_v<D> && std::is_empty_v<D> && requires {
    typename detail::BindTemplate<D::template bind>;
};

/// What a bound layer provides:
/// - `scalar`, `in_size`, `out_size`;
/// - `Parameters`: a trivially copyable aggregate (empty for activations), and
///   `parameter_count`, its number of scalars in the flat PyTorch `state_dict` interchange;
/// - `Cache<B>`: what backward needs beyond the layer's input and output (NotStored if nothing);
/// - `backward_needs_input`, `backward_needs_output`: which boundaries the network must keep;
/// - `forward(params, x)` (inference) and `forward(params, x, cache)` (training) on a batch;
/// - `backward<WantInputGradient>(params, grads, cache, x, y, dy)`: accumulates into `grads`
///   and returns dL/dx (or NotStored when not wanted); x and y are NotStored when not kept.
///   Optionally, with `static constexpr bool overwrites_gradients = true`,
///   `backward<WantInputGradient, GradientWrite::overwrite>(...)` writes `grads` instead (every
///   trainable tensor, without reading it); for layers without it the network zeroes their
///   gradients and accumulates;
/// - `for_each_tensor(f, params...)`: calls `f` on each trainable tensor of the given
///   Parameters objects side by side (what optimizers and clipping iterate over), as
///   `f(ps.tensor...)` for each tensor, so that with no Parameters objects it calls `f()` once per
///   tensor (how the network counts its tensors, detail::tensor_count);
/// - `write_flat(params, out)` / `read_flat(params, in)`: the state_dict-order interchange.
template <class L>
concept BoundLayer = requires {
    typename L::scalar;
    typename L::Parameters;
    { L::in_size } -> std::convertible_to<std::size_t>;
    { L::out_size } -> std::convertible_to<std::size_t>;
    { L::parameter_count } -> std::convertible_to<std::size_t>;
    { L::backward_needs_input } -> std::convertible_to<bool>;
    { L::backward_needs_output } -> std::convertible_to<bool>;
    requires std::is_trivially_copyable_v<typename L::Parameters>;
};

namespace detail {

/// The common part of every layer without parameters (activations, Softmax).
template <class T, std::size_t In, std::size_t Out>
struct ParameterFreeLayer {
    using scalar = T;
    static constexpr std::size_t in_size = In;
    static constexpr std::size_t out_size = Out;
    struct Parameters {
        friend constexpr bool operator==(const Parameters&, const Parameters&) noexcept = default;
    };
    static constexpr std::size_t parameter_count = 0;
    template <std::size_t B>
    using Cache = NotStored;

    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&&, Ps&...) noexcept {}
    static constexpr void write_flat(const Parameters&, T*) noexcept {}
    template <class U>
    static constexpr void read_flat(Parameters&, const U*) noexcept {}
};

/// Inference forward on the kernels' lane policy Policy: `L::forward<Policy>(params, x)` where
/// the layer takes a policy (ctnet's own layers do), else `L::forward(params, x)`. A policy other
/// than simd::Native appears only inside a function compiled for a wider target (Network's
/// dispatched forward, kernels/dispatch.hpp), where a layer without the parameter still computes
/// the right values, on its default lanes.
template <class L, class Policy, std::size_t B>
[[gnu::always_inline]] constexpr auto forward_inference(const typename L::Parameters& params,
                                                        const Matrix<typename L::scalar, B, L::in_size>& x) noexcept {
    if constexpr (requires { L::template forward<Policy>(params, x); }) {
        return L::template forward<Policy>(params, x);
    } else {
        return L::forward(params, x);
    }
}

/// Calls F::run(args...) from a function of its own, compiled once per F and argument types,
/// never inlined: what a network runs for the batch-1 steps of a layer whose type it holds
/// several times (Chain::shares_layer_code; F: ForwardStep here, the backward steps in Chain).
/// Flattened, as Network's forward pass is: without it GCC kept the Dense kernel's block loop as a
/// call of its own, and T5's inference took ~10% longer instead of ~7%.
template <class F, class... A>
[[gnu::noinline, gnu::flatten]] auto run_out_of_line(A&&... args) noexcept {
    return F::run(args...);
}

/// F::run(args...), or at run time run_out_of_line<F> where Shared says so. Deliberately not
/// always_inline (nor the run functions): with that attribute GCC inlined such a wrapper early, as
/// a function of the baseline target, left the AVX2 copy's kernels inside it as calls ("target
/// specific option mismatch"), and `flatten` on the dispatched batch-1 step then kept them as
/// calls (T1's -O2 training step 40 -> 60 ns).
template <class F, bool Shared, class... A>
constexpr auto run_here_or_shared(A&&... args) noexcept {
    if constexpr (Shared) {
        if (!CTNET_CONSTANT_EVALUATED()) return run_out_of_line<F>(args...);
    }
    return F::run(args...);
}

/// forward_inference as a step for run_here_or_shared.
template <class L, class Policy>
struct ForwardStep {
    template <std::size_t B>
    static constexpr auto run(const typename L::Parameters& params,
                              const Matrix<typename L::scalar, B, L::in_size>& x) noexcept {
        return forward_inference<L, Policy>(params, x);
    }
};

/// forward_inference, or at run time ForwardStep's out-of-line copy where Shared says so: as
/// run_here_or_shared<ForwardStep<L, Policy>, Shared>, but always inlined and calling
/// forward_inference itself. Through those two levels, which must not be always_inline (see
/// above), GCC -Os kept calls: the residual firmware model's forward pass took 840 bytes of stack
/// under QEMU, against 744 here (tools/footprint.sh). This one wraps only baseline-target layer
/// code, so its always_inline does not meet that problem (the dispatched T1 step calls only sqrtf).
template <class L, class Policy, bool Shared, std::size_t B>
[[gnu::always_inline]] constexpr auto forward_here_or_shared(
    const typename L::Parameters& params, const Matrix<typename L::scalar, B, L::in_size>& x) noexcept {
    if constexpr (Shared) {
        if (!CTNET_CONSTANT_EVALUATED()) return run_out_of_line<ForwardStep<L, Policy>>(params, x);
    }
    return forward_inference<L, Policy>(params, x);
}

/// Training-mode forward: the layer's own if it has one, else its inference forward on Policy
/// (out of line where Shared says so, see forward_here_or_shared).
template <class L, class Policy = kernels::simd::Native, bool Shared = false, std::size_t B, class Cache>
constexpr auto forward_train(const typename L::Parameters& params,
                             const Matrix<typename L::scalar, B, L::in_size>& x, Cache&& cache) noexcept {
    if constexpr (requires { L::forward(params, x, cache); }) {
        return L::forward(params, x, cache);
    } else {
        return forward_here_or_shared<L, Policy, Shared>(params, x);
    }
}

}  // namespace detail
}  // namespace ctnet
