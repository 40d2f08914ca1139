// Vanishing/exploding-gradient diagnostics: a per-layer report after a backward pass, and a
// compile-time bound from the activation chain.
#pragma once

#include <array>
#include <cstddef>
#include <ratio>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// When a layer's parameter-gradient norm counts as vanishing (below) or exploding (above).
struct GradientThresholds {
    double vanishing = 1e-6;
    double exploding = 1e3;
};

/// One layer's line in a GradientReport.
template <class T>
struct LayerGradientReport {
    const char* name = "";             ///< the layer's kind: "Dense", "BatchNorm", "Residual", ...
    bool has_parameters = false;
    T parameter_gradient_norm = T(0);  ///< L2 norm of dL/dparameters of this layer
    T output_gradient_norm = T(0);     ///< L2 norm of dL/dy arriving at this layer's output
    T output_mean = T(0);              ///< mean of the layer's outputs over the batch
    T output_stddev = T(0);            ///< their standard deviation
    T output_zero_fraction = T(0);     ///< share of outputs exactly 0 (dead ReLUs)
    bool vanishing = false;            ///< has parameters and parameter_gradient_norm < thresholds.vanishing
    bool exploding = false;            ///< parameter_gradient_norm > thresholds.exploding
};

/// A per-layer report of one forward and backward pass: fixed size, no heap, usable on a device.
template <class Net>
struct GradientReport {
    using T = typename Net::scalar;
    T loss = T(0);
    std::array<LayerGradientReport<T>, Net::layer_count> layers{};

    /// Parameter-gradient norm of the first and of the last layer with parameters.
    [[nodiscard]] constexpr T first_parameter_gradient_norm() const noexcept {
        for (const auto& l : layers)
            if (l.has_parameters) return l.parameter_gradient_norm;
        return T(0);
    }
    [[nodiscard]] constexpr T last_parameter_gradient_norm() const noexcept {
        for (std::size_t k = layers.size(); k-- > 0;)
            if (layers[k].has_parameters) return layers[k].parameter_gradient_norm;
        return T(0);
    }
    /// first / last: far below 1 when gradients vanish towards the input, far above when they explode.
    [[nodiscard]] constexpr T first_to_last_ratio() const noexcept {
        const T last = last_parameter_gradient_norm();
        return last > T(0) ? first_parameter_gradient_norm() / last : T(0);
    }
    [[nodiscard]] constexpr bool any_vanishing() const noexcept {
        for (const auto& l : layers)
            if (l.vanishing) return true;
        return false;
    }
    [[nodiscard]] constexpr bool any_exploding() const noexcept {
        for (const auto& l : layers)
            if (l.exploding) return true;
        return false;
    }
};

namespace detail {

template <class Report>
struct ReportObserver {
    Report& report;
    template <class K, class M>
    constexpr void forward_output(K, const M& y) const noexcept {
        using T = typename M::value_type;
        auto& line = report.layers[K::value];
        T sum = T(0), zeros = T(0);
        for (const T v : y) {
            sum += v;
            zeros += v == T(0) ? T(1) : T(0);
        }
        const T mean = sum / static_cast<T>(M::size);
        T squares = T(0);
        for (const T v : y) squares += (v - mean) * (v - mean);
        line.output_mean = mean;
        line.output_stddev = math::sqrt(squares / static_cast<T>(M::size));
        line.output_zero_fraction = zeros / static_cast<T>(M::size);
    }
    template <class K, class M>
    constexpr void backward_output_gradient(K, const M& dy) const noexcept {
        using T = typename M::value_type;
        T squares = T(0);
        for (const T v : dy) squares += v * v;
        report.layers[K::value].output_gradient_norm = math::sqrt(squares);
    }
};

}  // namespace detail

/// Runs a training-mode forward and backward pass of `loss` on (x, target) and reports, per
/// layer, the parameter-gradient norm, the norm of the gradient at its output, simple output
/// statistics, and vanishing/exploding flags against `thresholds`. Changes nothing in `net`.
/// Constexpr, noexcept, allocation-free (a Workspace<B> and a Gradients on the stack).
template <class Net, class Loss, std::size_t B, class Target>
[[nodiscard]] constexpr GradientReport<Net> gradient_report(const Net& net,
                                                            const Matrix<typename Net::scalar, B, Net::in_size>& x,
                                                            const Target& target, const Loss& loss,
                                                            const GradientThresholds& thresholds = {}) noexcept {
    using T = typename Net::scalar;
    GradientReport<Net> report;
    detail::ReportObserver<GradientReport<Net>> observer{report};
    typename Net::template Workspace<B> ws{};
    const auto y = net.forward(x, ws, observer);
    Matrix<T, B, Net::out_size> dy;
    report.loss = loss.gradient(y, target, dy);
    typename Net::Gradients grads{};
    net.backward(ws, dy, grads, observer);

    namespace hana = boost::hana;
    hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<Net::layer_count>), [&](auto k) noexcept {
        constexpr std::size_t K = decltype(k)::value;
        using L = typename Net::Chain::template layer<K>;
        auto& line = report.layers[K];
        line.has_parameters = L::parameter_count > 0;
        if constexpr (requires { L::name; }) line.name = L::name;
        T squares = T(0);
        L::for_each_tensor(
            [&](const auto& tensor) noexcept {
                for (const T g : tensor) squares += g * g;
            },
            grads.template get<K>());
        line.parameter_gradient_norm = math::sqrt(squares);
        line.vanishing = line.has_parameters && line.parameter_gradient_norm < static_cast<T>(thresholds.vanishing);
        line.exploding = line.parameter_gradient_norm > static_cast<T>(thresholds.exploding);
    });
    return report;
}

namespace detail {
template <bool Vanishes>
struct ActivationChainCheck {
    static constexpr bool ok = true;
};
template <>
struct [[deprecated(
    "ctnet: the activations of this network can shrink a gradient below the threshold (see "
    "Network::activation_derivative_bound); use ReLU-like activations, BatchNorm or Residual blocks")]]
ActivationChainCheck<true> {
    static constexpr bool ok = false;
};
}  // namespace detail

/// True if the network's activations alone can shrink a gradient below Threshold (a
/// std::ratio): Net::activation_derivative_bound < Threshold. For a static_assert:
///     static_assert(!ctnet::activations_may_vanish<Net, std::ratio<1, 1000000>>);
template <class Net, class Threshold = std::ratio<1, 1000000>>
inline constexpr bool activations_may_vanish =
    Net::activation_derivative_bound < static_cast<double>(Threshold::num) / static_cast<double>(Threshold::den);

/// Instantiate to be warned (a deprecation warning carrying a ctnet: message) instead:
///     constexpr bool checked = ctnet::warn_if_activations_may_vanish<Net>;
template <class Net, class Threshold = std::ratio<1, 1000000>>
inline constexpr bool warn_if_activations_may_vanish =
    detail::ActivationChainCheck<activations_may_vanish<Net, Threshold>>::ok;

}  // namespace ctnet
