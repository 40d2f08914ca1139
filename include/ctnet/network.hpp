// ctnet::Network: a neural network whose topology is its type.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include <ctnet/detail/chain.hpp>
#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/detail/topology.hpp>
#include <ctnet/input.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/layer.hpp>
#include <ctnet/layers/activations.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/status.hpp>

namespace ctnet {

namespace detail {

template <std::size_t Got, std::size_t Expected>
constexpr void reject_input_width() noexcept {
    static_assert(Got == Expected,
                  "ctnet: the input passed to forward has the wrong width; pass Vector<T, in_size> "
                  "(the note below shows Got and Expected)");
}
template <class Got, class Expected>
constexpr void reject_input_scalar() noexcept {
    static_assert(std::is_same_v<Got, Expected>,
                  "ctnet: the input's scalar type is not the network's; convert the input to the network "
                  "scalar (the note below shows Got and Expected)");
}
template <std::size_t Got, std::size_t Expected>
constexpr void reject_flat_size() noexcept {
    static_assert(Got == Expected,
                  "ctnet: the flat parameter array has the wrong length; pass parameter_count values in "
                  "PyTorch state_dict order (the note below shows Got and Expected)");
}

/// Tells the compiler that `object` may have changed here, so that values it loaded from it before
/// are loaded again after instead of being kept in registers (or spilled to the stack) across the
/// code in between: an empty asm statement that reads and writes `object`, no instruction. At run
/// time, with GNU C++ compilers; nothing in constant evaluation or elsewhere.
template <class T>
[[gnu::always_inline]] constexpr void reload_from_memory([[maybe_unused]] T& object) noexcept {
#if defined(__GNUC__)
    if (!CTNET_CONSTANT_EVALUATED()) asm volatile("" : "+m"(object));
#endif
}

/// Stand-in for a topology that failed its checks, so one mistake gives one error (it keeps the
/// requested scalar when that is valid, so code using the network's types adds no errors).
template <class T>
struct InvalidTopology {
    using type = bind_chain<std::conditional_t<std::floating_point<T>, T, double>, 1, Identity>;
};

template <class T, class... Ds>
struct BindTopology;
template <class T, std::size_t In, class... Ls>
struct BindTopology<T, Input<In>, Ls...> {
    using type = bind_chain<T, In, Ls...>;
};

}  // namespace detail

/// A feed-forward network: `Network<T, Input<N>, Layer...>`, T float or double.
///
/// The type carries the whole topology: widths are inferred layer to layer and every size is a
/// compile-time constant. An object holds only the parameters (one trivially copyable
/// aggregate), so a `constexpr` Network lives in read-only memory and can be copied as bytes.
/// Every operation is constexpr, noexcept and allocation-free.
///
///     using MyModel = ctnet::Network<float, ctnet::Input<10>, ctnet::Dense<20>, ctnet::ReLU, ctnet::Dense<1>>;
///     static_assert(MyModel::parameter_count == 241);
///     constexpr MyModel model = MyModel::from_flat(weights);   // PyTorch state_dict order
///     ctnet::Vector<float, 1> y = model.forward(ctnet::Vector<float, 10>{...});
template <class T, class... Topology>
struct Network {
    static constexpr bool valid = detail::check_topology<T, Topology...>();
    using Chain = typename std::conditional_t<valid, detail::BindTopology<T, Topology...>,
                                              detail::InvalidTopology<T>>::type;

    using scalar = typename Chain::scalar;
    using Parameters = typename Chain::Parameters;
    /// Gradients have the parameters' shape; `backward` accumulates into a zero-initialised one
    /// (`{}`), `backward_overwrite` writes any.
    using Gradients = Parameters;

    static constexpr std::size_t layer_count = Chain::layer_count;
    static constexpr std::size_t in_size = Chain::in_size;
    static constexpr std::size_t out_size = Chain::out_size;
    /// Scalars in the flat interchange (PyTorch state_dict order).
    static constexpr std::size_t parameter_count = Chain::parameter_count;
    /// Bytes of the parameters object (padding for SIMD alignment included).
    static constexpr std::size_t parameter_bytes = sizeof(Parameters);

    /// What a training-mode forward pass keeps for backward on a batch of B samples: only the
    /// boundaries some layer's backward reads, and the layers' own caches.
    /// Slots: get<0>() the network's input (if read), get<1>() its output (if read), get<2>()
    /// the chain's cache.
    template <std::size_t B = 1>
    using Workspace = detail::Pack<std::conditional_t<Chain::backward_needs_input, Matrix<scalar, B, in_size>, NotStored>,
                                   std::conditional_t<Chain::backward_needs_output, Matrix<scalar, B, out_size>, NotStored>,
                                   typename Chain::template Cache<B>>;
    template <std::size_t B>
    static constexpr std::size_t workspace_bytes_for = sizeof(Workspace<B>);
    static constexpr std::size_t workspace_bytes = sizeof(Workspace<1>);

    Parameters parameters;

    // ---- forward ---------------------------------------------------------------------------

    /// Inference on a batch of B samples (B = 1: one Vector). Nothing is kept.
    template <class U, std::size_t B, std::size_t N>
    [[nodiscard]] constexpr Matrix<scalar, B, out_size> forward(const Matrix<U, B, N>& x) const noexcept {
        if constexpr (!input_ok<U, N>()) {
            return {};
        } else {
#if CTNET_DISPATCH
            // One sample: forward_one's flattened AVX2 copy where the processor runs it
            // (kernels/dispatch.hpp). A batch's kernels hand their work to the kernels' AVX2 copy by
            // themselves (kernels::dispatched_at_run_time), each a call into it: one flattened copy
            // per batch size would cost compile time.
            if constexpr (B == 1) {
                if (!CTNET_CONSTANT_EVALUATED() && kernels::dispatch_available()) return forward_one_dispatched(x);
            }
#endif
            if constexpr (B == 1 && parameter_count > flatten_above && detail::native_simd_bytes != 0) {
                return forward_one(x);
            } else {
                return Chain::forward(parameters, x);
            }
        }
    }

    /// Inference on one sample given as a std::array.
    template <class U, std::size_t N>
    [[nodiscard]] constexpr std::array<scalar, out_size> forward(const std::array<U, N>& x) const noexcept {
        std::array<scalar, out_size> out{};
        if constexpr (input_ok<U, N>()) {
            Vector<scalar, in_size> v;
            for (std::size_t i = 0; i < in_size; ++i) v[i] = x[i];
            const auto y = forward(v);
            for (std::size_t i = 0; i < out_size; ++i) out[i] = y[i];
        }
        return out;
    }

    /// Training-mode forward: as inference, and fills `ws` with what backward reads.
    /// An observer (see ctnet/diagnostics.hpp) may watch each layer's output. Policy is the
    /// kernels' lane policy (train_step's dispatched batch-1 step names kernels::DispatchPolicy,
    /// inside a function compiled for it; leave the default elsewhere).
    template <class Policy = kernels::simd::Native, class U, std::size_t B, std::size_t N,
              class Observer = detail::NoObserver>
    [[nodiscard]] constexpr Matrix<scalar, B, out_size> forward(const Matrix<U, B, N>& x, Workspace<B>& ws,
                                                                Observer&& observer = {}) const noexcept {
        if constexpr (!input_ok<U, N>()) {
            return {};
        } else {
            if constexpr (Chain::backward_needs_input) ws.template get<0>() = x;
            auto y = Chain::template forward<Policy>(parameters, x, ws.template get<2>(), observer);
            if constexpr (Chain::backward_needs_output) ws.template get<1>() = y;
            return y;
        }
    }

    // ---- backward --------------------------------------------------------------------------

    /// From dL/dy of the batch last passed through `forward(x, ws)`, adds dL/dparameters to
    /// `grads` (gradients accumulate, as in PyTorch; start from `Gradients{}`).
    /// An observer (see ctnet/diagnostics.hpp) may watch the gradient at each layer's output.
    template <std::size_t B, class Observer = detail::NoObserver>
    constexpr void backward(const Workspace<B>& ws, const Matrix<scalar, B, out_size>& dy, Gradients& grads,
                            Observer&& observer = {}) const noexcept {
        (void)Chain::template backward<false>(parameters, grads, ws.template get<2>(), ws.template get<0>(),
                                              ws.template get<1>(), dy, observer);
    }

    /// As backward, but writes dL/dparameters into `grads` instead of adding to them: `grads`
    /// need not be initialised (`Gradients grads;`). What train_step uses: no pass to zero the
    /// gradients, none to read them back while accumulating. The same numbers as `backward` into
    /// `Gradients{}`.
    template <std::size_t B>
    constexpr void backward_overwrite(const Workspace<B>& ws, const Matrix<scalar, B, out_size>& dy,
                                      Gradients& grads) const noexcept {
        (void)Chain::template backward<false, GradientWrite::overwrite>(parameters, grads, ws.template get<2>(),
                                                                        ws.template get<0>(), ws.template get<1>(), dy);
    }

    /// Plain SGD (p <- p - lr g) at batch 1 straight from the backward pass, for networks whose
    /// layers with parameters are all Dense (`Chain::rank_one_gradients`): each gradient is the
    /// outer product of a layer's input and its dL/dy, so it is never written out and read back;
    /// every element is formed and rounded as `backward` forms it, giving the same parameters as
    /// backward + `SGD::step`. Returns the gradients' global norm (from |x|^2 |dy|^2 per layer).
    /// When that norm is not finite (non-finite or very large gradients) nothing changes and
    /// `grads` receives the gradients, exactly as backward_overwrite writes them, for the caller
    /// to decide element by element (train_step: refuse non-finite ones, apply merely large ones);
    /// otherwise `grads` is not touched.
    [[nodiscard]] constexpr scalar rank_one_sgd_step(const Workspace<1>& ws, const Matrix<scalar, 1, out_size>& dy,
                                                     scalar learning_rate, Gradients& grads) noexcept
        requires Chain::rank_one_gradients
    {
        RankOneDeltas deltas;
        rank_one_deltas(ws, dy, deltas);
        const scalar squares = rank_one_sgd_if_finite(ws, deltas, learning_rate);
        if (!math::isfinite(squares)) {
            rank_one_write_gradients(ws, deltas, grads);
            return squares;
        }
        return math::sqrt(squares);
    }

    /// backward_overwrite at batch 1 for networks whose layers with parameters are all Dense:
    /// the same gradients, bit for bit, written from each layer's input and dL/dy (the backward
    /// pass without the weight-gradient products).
    constexpr void rank_one_backward_overwrite(const Workspace<1>& ws, const Matrix<scalar, 1, out_size>& dy,
                                               Gradients& grads) const noexcept
        requires Chain::rank_one_gradients
    {
        RankOneDeltas deltas;
        rank_one_deltas(ws, dy, deltas);
        rank_one_write_gradients(ws, deltas, grads);
    }

    // The parts of the two above, which train_step calls itself so that its batch-1 step runs
    // (and compiles) the backward pass for the deltas once, whichever way it then goes. Policy
    // as for the training-mode forward.

    /// dL/dy at the output of every layer with parameters (batch 1).
    using RankOneDeltas = typename Chain::Deltas;

    /// The backward pass at batch 1 without parameter gradients: fills `deltas`.
    template <class Policy = kernels::simd::Native>
    constexpr void rank_one_deltas(const Workspace<1>& ws, const Matrix<scalar, 1, out_size>& dy,
                                   RankOneDeltas& deltas) const noexcept
        requires Chain::rank_one_gradients
    {
        Chain::template backward_deltas<Policy>(parameters, ws.template get<2>(), ws.template get<0>(),
                                                ws.template get<1>(), dy, deltas);
    }

    /// The squared global norm of the gradients `deltas` stand for (not finite if any is not).
    template <class Policy = kernels::simd::Native>
    [[nodiscard]] constexpr scalar rank_one_norm_squared(const Workspace<1>& ws, const RankOneDeltas& deltas) const noexcept
        requires Chain::rank_one_gradients
    {
        return Chain::template rank_one_norm_squared<Policy>(ws.template get<2>(), ws.template get<0>(), deltas);
    }

    /// p <- p - lr g for the gradients `deltas` stand for (rank_one_sgd_step's update).
    ///
    /// The update reads the weights again rather than reusing what the forward pass loaded
    /// (detail::reload_from_memory): where a whole step is inlined into one function, GCC -O3
    /// otherwise kept T1's forward-pass weights live across the loss and the backward pass, spilled
    /// to the stack and reloaded (44 vector stores to the stack in the step instead of 4), 577
    /// instructions per step instead of 443 (Clang: 445); a loop of T1 steps in a TU of its own
    /// (g++ -O3 -march=native, Zen 3) took 86-96 ns per step before, 63-65 ns after, Clang 52-55.
    template <class Policy = kernels::simd::Native>
    constexpr void rank_one_sgd(const Workspace<1>& ws, const RankOneDeltas& deltas, scalar learning_rate) noexcept
        requires Chain::rank_one_gradients
    {
        detail::reload_from_memory(parameters);
        Chain::template rank_one_sgd<Policy>(parameters, ws.template get<2>(), ws.template get<0>(), deltas,
                                             learning_rate);
    }

    /// rank_one_sgd when the gradients `deltas` stand for have a finite norm; returns their squared
    /// norm (rank_one_norm_squared). When it is not finite, nothing changes.
    template <class Policy = kernels::simd::Native>
    [[nodiscard]] constexpr scalar rank_one_sgd_if_finite(const Workspace<1>& ws, const RankOneDeltas& deltas,
                                                          scalar learning_rate) noexcept
        requires Chain::rank_one_gradients
    {
        const scalar squares = rank_one_norm_squared<Policy>(ws, deltas);
        if (math::isfinite(squares)) rank_one_sgd<Policy>(ws, deltas, learning_rate);
        return squares;
    }

    /// Writes the gradients `deltas` stand for, as backward_overwrite writes them.
    constexpr void rank_one_write_gradients(const Workspace<1>& ws, const RankOneDeltas& deltas,
                                            Gradients& grads) const noexcept
        requires Chain::rank_one_gradients
    {
        Chain::rank_one_write_gradients(grads, ws.template get<2>(), ws.template get<0>(), deltas);
    }

    /// As backward, and also returns dL/dx (the vector-Jacobian product with the input).
    template <std::size_t B>
    [[nodiscard]] constexpr Matrix<scalar, B, in_size> backward_with_input_gradient(
        const Workspace<B>& ws, const Matrix<scalar, B, out_size>& dy, Gradients& grads) const noexcept {
        return Chain::template backward<true>(parameters, grads, ws.template get<2>(), ws.template get<0>(), ws.template get<1>(), dy);
    }

    /// After a training-mode `forward(x, ws)`: folds the batch statistics into running state
    /// (BatchNorm's running mean and variance, as PyTorch does in train mode). train_step calls
    /// it once the update is accepted; a refused step leaves the running state alone too.
    template <class W>  // a Workspace<B> (an alias B cannot be deduced through)
    constexpr void update_statistics(const W& ws) noexcept {
        Chain::update_state(parameters, ws.template get<2>());
    }

    /// Product of the activations' |f'| bounds along the deepest path (Dense and BatchNorm
    /// count as 1; a residual block as at least 1): how far the activations alone can shrink a
    /// gradient. A 20-layer sigmoid stack gives 0.25^20 = 9.1e-13.
    static constexpr double activation_derivative_bound = Chain::derivative_bound;

    // ---- parameters in and out (PyTorch state_dict order) -----------------------------------

    /// A network whose parameters are `flat`, in PyTorch `state_dict` order: per layer, weight
    /// [out][in] row-major, then bias. The length is checked at compile time.
    template <class U, std::size_t N>
    [[nodiscard]] static constexpr Network from_flat(const U (&flat)[N]) noexcept {
        return from_flat(std::span<const U, N>(flat));
    }
    template <class U, std::size_t N>
    [[nodiscard]] static constexpr Network from_flat(const std::array<U, N>& flat) noexcept {
        return from_flat(std::span<const U, N>(flat));
    }
    template <class U, std::size_t N>
        requires(N != std::dynamic_extent)
    [[nodiscard]] static constexpr Network from_flat(std::span<const U, N> flat) noexcept {
        Network net{};
        if constexpr (N != parameter_count) {
            detail::reject_flat_size<N, parameter_count>();
        } else {
            Chain::read_flat(net.parameters, flat.data());
        }
        return net;
    }

    /// Replaces the parameters with `flat` (state_dict order). Refuses a wrong length
    /// (Status::size_mismatch) or a NaN/infinity (Status::non_finite_input), changing nothing.
    template <class U>
    [[nodiscard]] constexpr Status load(std::span<const U> flat) noexcept {
        if (flat.size() != parameter_count) return Status::size_mismatch;
        for (const U value : flat)
            if (!math::isfinite(static_cast<scalar>(value))) return Status::non_finite_input;
        Chain::read_flat(parameters, flat.data());
        return Status::ok;
    }
    template <class U, std::size_t N>
    [[nodiscard]] constexpr Status load(const std::array<U, N>& flat) noexcept {
        return load(std::span<const U>(flat));
    }

    /// The parameters as one flat array in state_dict order.
    [[nodiscard]] constexpr std::array<scalar, parameter_count> to_flat() const noexcept {
        std::array<scalar, parameter_count> flat{};
        Chain::write_flat(parameters, flat.data());
        return flat;
    }

    /// Writes the parameters into `out` (state_dict order); Status::size_mismatch if its length
    /// is not parameter_count, and nothing is written.
    [[nodiscard]] constexpr Status save(std::span<scalar> out) const noexcept {
        if (out.size() != parameter_count) return Status::size_mismatch;
        Chain::write_flat(parameters, out.data());
        return Status::ok;
    }

    /// The gradients as one flat array in state_dict order.
    [[nodiscard]] static constexpr std::array<scalar, parameter_count> gradients_to_flat(const Gradients& g) noexcept {
        std::array<scalar, parameter_count> flat{};
        Chain::write_flat(g, flat.data());
        return flat;
    }

    /// Calls `f(tensor...)` for each trainable tensor (a ctnet::Matrix), taken side by side from
    /// each of `ps` (Parameters or Gradients objects): what optimizers and clipping iterate over.
    template <class F, class... Ps>
    static constexpr void for_each_tensor(F&& f, Ps&... ps) noexcept {
        Chain::for_each_tensor(f, ps...);
    }

    friend constexpr bool operator==(const Network&, const Network&) noexcept = default;

private:
    /// Networks of at most this many parameters are not flattened: their whole forward pass is
    /// small enough for the compiler's own inlining, which at -O3 puts it into the caller (a
    /// loop over samples then loads the activations' constants once, not once per call: T2, 105
    /// parameters, 23.6 ns flattened against 21.5 ns, g++ -O3 -march=native); at -O2 it measured
    /// 45 ns flattened and 49 ns not.
    static constexpr std::size_t flatten_above = 128;

    /// Inference on one sample, flattened (every call inside inlined): at -O2 GCC otherwise keeps
    /// each layer's kernel as a call, and every layer boundary becomes a store and a reload (a
    /// Matrix returned through memory), a large part of a small network's time. In one function
    /// the boundaries of a small network stay in registers (the kernels read them at constant
    /// offsets). Batches keep the calls: there the products dominate, and flattening them costs
    /// compile time for nothing. Nor is it done without a vector unit (a Cortex-M, -Os): there it
    /// multiplied the code (the every-activation firmware: 8 KB of .text became 18 KB).
    [[nodiscard, gnu::flatten]] constexpr Vector<scalar, out_size> forward_one(const Vector<scalar, in_size>& x) const noexcept {
        return Chain::forward(parameters, x);
    }

#if CTNET_DISPATCH
    /// forward_one compiled for AVX2 and FMA, its layers on 8-lane packs (kernels/dispatch.hpp).
    /// Flattened whatever the size: the kernels' AVX2 copy is inlined into it, and so are the
    /// layers' glue and any layer without a lane policy (compiled here for AVX2 too).
    [[nodiscard, gnu::flatten, gnu::target("avx2,fma")]] Vector<scalar, out_size> forward_one_dispatched(
        const Vector<scalar, in_size>& x) const noexcept {
        return Chain::template forward<kernels::DispatchPolicy>(parameters, x);
    }
#endif

    template <class U, std::size_t N>
    static constexpr bool input_ok() noexcept {
        if constexpr (!valid) {
            return false;
        } else if constexpr (!std::is_same_v<U, scalar>) {
            detail::reject_input_scalar<U, scalar>();
            return false;
        } else if constexpr (N != in_size) {
            detail::reject_input_width<N, in_size>();
            return false;
        } else {
            return true;
        }
    }
};

}  // namespace ctnet
