// ctnet::train_step: forward, loss, backward, optional clipping and one optimizer step.
#pragma once

#include <cstddef>
#include <type_traits>

#include <ctnet/clip.hpp>
#include <ctnet/detail/constant_evaluated.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/optimizers.hpp>
#include <ctnet/status.hpp>

namespace ctnet {

/// What a training step did.
template <class T>
struct StepResult {
    T loss;           ///< the loss before the update
    T gradient_norm;  ///< the global L2 norm of the gradients, before clipping
    Status status;    ///< anything but ok: nothing was changed
};

namespace detail {
template <class Target>
constexpr bool target_finite(const Target& target) noexcept {
    if constexpr (is_matrix_v<Target>) {
        return kernels::all_finite(target);
    } else {
        return true;  // class indices: checked by the loss (an index out of range gives NaN)
    }
}

/// The clipping policies train_step applies (clip.hpp); any other type would clip nothing.
template <class Clipping>
inline constexpr bool known_clipping = std::is_same_v<Clipping, NoClipping> || std::is_same_v<Clipping, ClipByValue> ||
                                       std::is_same_v<Clipping, ClipByNorm>;

/// Whether train_step takes the plain-SGD path at batch 1 (see there) for these types.
template <class Net, class Optimizer, class Clipping, std::size_t B>
inline constexpr bool plain_sgd_path = B == 1 && Net::Chain::rank_one_gradients &&
                                       std::is_same_v<Optimizer, SGD<Net>> && std::is_same_v<Clipping, NoClipping>;

/// train_step's general path once the gradients are written: their norm, the refusal of a
/// non-finite gradient, clipping and the optimizer's step. StepResult::loss is left zero for the
/// caller. Never inlined: train_step's batch-1 and batch-B instantiations for one network,
/// optimizer and clipping share one copy (a pass over every tensor is code per tensor).
template <class Net, class Optimizer, class Clipping>
[[gnu::noinline]] constexpr StepResult<typename Net::scalar> apply_gradients(Net& net, Optimizer& optimizer,
                                                                             typename Net::Gradients& grads,
                                                                             const Clipping& clipping) noexcept {
    using T = typename Net::scalar;
    // One pass over the gradients in the common case: a finite norm proves them all finite.
    const T norm = gradient_norm<Net>(grads);
    if (!math::isfinite(norm) && !gradients_finite<Net>(grads)) return {T(0), T(0), Status::non_finite_gradient};
    if constexpr (std::is_same_v<Clipping, ClipByNorm>) {
        scale_to_norm<Net>(grads, norm, clipping.max_norm);
    } else if constexpr (std::is_same_v<Clipping, ClipByValue>) {
        clamp_to_value<Net>(grads, clipping.clip_value);
    }
    return {T(0), norm, optimizer.step(net.parameters, grads)};
}

#if CTNET_DISPATCH
/// train_step's plain-SGD path at batch 1 (forward, loss, the deltas, the norm from them, the
/// update), compiled for AVX2 and FMA, its layers on kernels::DispatchPolicy: the batch-1
/// counterpart of Network's dispatched forward pass (kernels/dispatch.hpp), every call inlined.
/// Returns false, having changed nothing, when the gradients' norm is not finite: the caller's
/// general path then tells non-finite gradients from merely large ones. Else `result` is the step's.
template <class Net, class Loss, class Target>
[[gnu::flatten, gnu::target("avx2,fma")]] bool plain_sgd_step_dispatched(
    Net& net, const Loss& loss, const Vector<typename Net::scalar, Net::in_size>& x, const Target& target,
    typename Net::scalar learning_rate, StepResult<typename Net::scalar>& result) noexcept {
    using T = typename Net::scalar;
    using P = kernels::DispatchPolicy;
    typename Net::template Workspace<1> ws;
    const auto y = net.template forward<P>(x, ws);
    Vector<T, Net::out_size> dy;
    const T value = loss.gradient(y, target, dy);
    if (!math::isfinite(value)) {
        result = {value, T(0), Status::non_finite_loss};
        return true;
    }
    typename Net::RankOneDeltas deltas;
    net.template rank_one_deltas<P>(ws, dy, deltas);
    const T squares = net.template rank_one_sgd_if_finite<P>(ws, deltas, learning_rate);
    if (!math::isfinite(squares)) return false;
    net.update_statistics(ws);
    result = {value, math::sqrt(squares), Status::ok};
    return true;
}
#endif

}  // namespace detail

/// One training step on a batch of B samples (B = 1: a Vector):
/// forward, loss and dL/dy, backward writing fresh gradients, clipping (NoClipping, ClipByValue or
/// ClipByNorm), then `optimizer.step`.
///
/// Refusals change nothing (parameters, optimizer state): non-finite inputs or targets
/// (Status::non_finite_input), a non-finite loss (Status::non_finite_loss), a non-finite
/// gradient (Status::non_finite_gradient), an invalid optimizer setting or clipping bound (negative
/// or NaN; Status::invalid_argument).
/// The workspace and gradients live on the stack: sizeof(Net::Workspace<B>) +
/// sizeof(Net::Gradients) bytes. Constexpr, noexcept, allocation-free.
///
/// Plain SGD (no momentum, no weight decay, no clipping) at batch 1 on a network whose layers
/// with parameters are all Dense updates straight from each layer's input and dL/dy
/// (Network::rank_one_sgd_step): the same parameters, bit for bit, without writing the
/// gradients out; StepResult::gradient_norm is then computed from those factors (equal up to
/// rounding). In an x86-64 baseline build that step runs the kernels' AVX2 copy where the
/// processor has AVX2 and FMA (kernels/dispatch.hpp): the same formulas on 8 lanes with fused
/// multiply-adds, so the parameters may differ from the baseline's in the last bits.
template <class Net, class Optimizer, class Loss, std::size_t B, class Target, class Clipping = NoClipping>
constexpr StepResult<typename Net::scalar> train_step(Net& net, Optimizer& optimizer, const Loss& loss,
                                                      const Matrix<typename Net::scalar, B, Net::in_size>& x,
                                                      const Target& target, const Clipping& clipping = {}) noexcept {
    using T = typename Net::scalar;
    static_assert(detail::known_clipping<Clipping>,
                  "ctnet: train_step's clipping is not one of ctnet's; pass ctnet::NoClipping, ctnet::ClipByValue "
                  "or ctnet::ClipByNorm (or nothing)");
    if (const Status s = optimizer.validate(); s != Status::ok) return {T(0), T(0), s};
    if constexpr (detail::known_clipping<Clipping>) {
        if (const Status s = clipping.validate(); s != Status::ok) return {T(0), T(0), s};
    }
    if (!kernels::all_finite(x) || !detail::target_finite(target)) return {T(0), T(0), Status::non_finite_input};

#if CTNET_DISPATCH
    // The plain-SGD path at batch 1 on the kernels' AVX2 copy, where the processor runs it
    // (kernels/dispatch.hpp); batches reach the copy kernel by kernel.
    if constexpr (detail::plain_sgd_path<Net, Optimizer, Clipping, B>) {
        if (!CTNET_CONSTANT_EVALUATED() && optimizer.momentum == 0.0 && optimizer.weight_decay == 0.0 &&
            kernels::dispatch_available()) {
            StepResult<T> result{};
            if (detail::plain_sgd_step_dispatched(net, loss, x, target, static_cast<T>(optimizer.learning_rate),
                                                  result)) {
                if (result.status == Status::ok) ++optimizer.steps;
                return result;
            }
        }
    }
#endif

    // Neither buffer is read before it is written: the forward pass fills the workspace, the
    // backward pass writes every gradient (no passes zeroing them on every step).
    typename Net::template Workspace<B> ws;
    const auto y = net.forward(x, ws);
    Matrix<T, B, Net::out_size> dy;
    const T value = loss.gradient(y, target, dy);
    if (!math::isfinite(value)) return {value, T(0), Status::non_finite_loss};

    // Plain SGD at batch 1 on a network of Dense layers: the update straight from the backward
    // pass (as Network::rank_one_sgd_step, the same parameters as the general path below). Its
    // norm is computed from the factors; a non-finite one falls through to the general path,
    // which tells non-finite gradients (refused) from merely large ones. Any other batch-1 step
    // on such a network writes its gradients from the same factors (as
    // Network::rank_one_backward_overwrite, bit for bit what backward_overwrite writes), so the
    // batch-1 weight-gradient products are never compiled. The backward pass for the factors
    // (the deltas) runs once, before the choice, and so is compiled once.
    typename Net::Gradients grads;
    if constexpr (B == 1 && Net::Chain::rank_one_gradients) {
        typename Net::RankOneDeltas deltas;
        net.rank_one_deltas(ws, dy, deltas);
        if constexpr (detail::plain_sgd_path<Net, Optimizer, Clipping, B>) {
            if (optimizer.momentum == 0.0 && optimizer.weight_decay == 0.0) {
                const T squares = net.rank_one_sgd_if_finite(ws, deltas, static_cast<T>(optimizer.learning_rate));
                if (math::isfinite(squares)) {
                    ++optimizer.steps;
                    net.update_statistics(ws);
                    return {value, math::sqrt(squares), Status::ok};
                }
            }
        }
        net.rank_one_write_gradients(ws, deltas, grads);
    } else {
        net.backward_overwrite(ws, dy, grads);
    }
    StepResult<T> result = detail::apply_gradients(net, optimizer, grads, clipping);
    result.loss = value;
    if (result.status == Status::ok) net.update_statistics(ws);
    return result;
}

}  // namespace ctnet
