// The vanishing/exploding-gradient experiment shared by examples/vanishing_gradients.cpp (the
// flagship demo) and tests/runtime/vanishing_demo.cpp (which runs it small and checks the order).
//
// Seven deep networks learn the same synthetic regression task. For each, the gradient norms of
// every weight layer are measured at initialisation (where the document's claims live: how much
// of the loss gradient reaches the first layer), then the network trains and its final loss says
// whether it learned.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>

#include <ctnet/ctnet.hpp>

namespace vanishing {

using ctnet::Dense;
using ctnet::Input;

/// Network<T, Ds..., More...>.
template <class Net, class... More>
struct Append;
template <class T, class... Ds, class... More>
struct Append<ctnet::Network<T, Ds...>, More...> {
    using type = ctnet::Network<T, Ds..., More...>;
};
/// Net followed by Count copies of Block...
template <class Net, std::size_t Count, class... Block>
struct Repeat {
    using type = typename Repeat<typename Append<Net, Block...>::type, Count - 1, Block...>::type;
};
template <class Net, class... Block>
struct Repeat<Net, 0, Block...> {
    using type = Net;
};

inline constexpr std::size_t input_width = 8;
inline constexpr std::size_t width = 16;
inline constexpr std::size_t batch = 32;
inline constexpr std::size_t samples = 256;
using Start = ctnet::Network<float, Input<input_width>>;

/// Depth hidden layers of width 16 with activation Act, then a linear output: Depth + 1 weight layers.
template <std::size_t Depth, class Act>
using Plain = typename Append<typename Repeat<Start, Depth, Dense<width>, Act>::type, Dense<1>>::type;
/// The same with BatchNorm between each Dense and its activation.
template <std::size_t Depth, class Act>
using Normalized = typename Append<typename Repeat<Start, Depth, Dense<width>, ctnet::BatchNorm<>, Act>::type, Dense<1>>::type;
/// A Dense stem, then Depth - 1 pre-activation residual blocks x + W sigma(x) + b, then the output.
template <std::size_t Depth, class Act>
using ResidualNet = typename Append<
    typename Repeat<typename Append<Start, Dense<width>>::type, Depth - 1, ctnet::Residual<Act, Dense<width>>>::type,
    Dense<1>>::type;

/// The task: y = sin(x0) + x1 x2 / 2 - 0.3 x3 + 0.2 x4^2 (a smooth, mildly nonlinear target), on
/// `samples` fixed inputs from N(0, 1).
struct Task {
    ctnet::Matrix<float, samples, input_width> x;
    ctnet::Matrix<float, samples, 1> y;
    float target_variance;
};
inline Task make_task() {
    Task task{};
    ctnet::Random rng(2024);
    for (auto& v : task.x) v = rng.normal(0.0f, 1.0f);
    float mean = 0;
    for (std::size_t s = 0; s < samples; ++s) {
        const float* r = task.x.row(s);
        task.y[s] = std::sin(r[0]) + 0.5f * r[1] * r[2] - 0.3f * r[3] + 0.2f * r[4] * r[4];
        mean += task.y[s];
    }
    mean /= samples;
    float var = 0;
    for (float v : task.y) var += (v - mean) * (v - mean);
    task.target_variance = var / samples;
    return task;
}

/// Batch `index` of the task (cycling through the samples).
template <class T>
void fill_batch(const Task& task, std::size_t index, ctnet::Matrix<T, batch, input_width>& x, ctnet::Matrix<T, batch, 1>& y) {
    for (std::size_t b = 0; b < batch; ++b) {
        const std::size_t s = (index * batch + b) % samples;
        for (std::size_t i = 0; i < input_width; ++i) x(b, i) = task.x(s, i);
        y[b] = task.y[s];
    }
}

inline constexpr std::size_t max_weight_layers = 64;

/// What one configuration measured.
struct Outcome {
    const char* name = "";
    std::size_t weight_layers = 0;
    std::array<double, max_weight_layers> gradient_norm{};  // per weight layer, input side first, at initialisation
    double first_norm = 0, last_norm = 0, ratio = 0;         // first / last weight layer
    double initial_loss = 0, final_loss = 0;
    double largest_update_norm = 0;  // largest gradient norm the optimizer was handed (after clipping)
    std::size_t refused_steps = 0;   // steps refused as non-finite
    bool learned = false;            // final loss below half the target variance (the loss of predicting the mean)
};

/// Measures Net initialised with `scheme`, then trains it for `steps` SGD-momentum steps.
template <class Net, class Scheme, class Clipping = ctnet::NoClipping>
Outcome run(const char* name, const Task& task, const Scheme& scheme, std::size_t steps, double learning_rate,
            const Clipping& clipping = {}, bool verbose = true) {
    Outcome out;
    out.name = name;
    Net net = ctnet::initialized<Net>(scheme, 7);
    ctnet::Matrix<float, batch, input_width> x;
    ctnet::Matrix<float, batch, 1> y;

    fill_batch(task, 0, x, y);
    const auto report = ctnet::gradient_report(net, x, y, ctnet::MSE{});
    for (const auto& layer : report.layers) {
        const bool weights = layer.name[0] == 'D' || layer.name[0] == 'R';  // Dense or Residual
        if (weights && out.weight_layers < max_weight_layers) out.gradient_norm[out.weight_layers++] = layer.parameter_gradient_norm;
    }
    out.first_norm = out.gradient_norm[0];
    out.last_norm = out.gradient_norm[out.weight_layers - 1];
    out.ratio = out.first_norm / out.last_norm;

    ctnet::SGD<Net> optimizer{.learning_rate = learning_rate, .momentum = 0.9};
    double first_epoch_loss = 0, last_epoch_loss = 0;
    const std::size_t batches_per_epoch = samples / batch;
    for (std::size_t step = 0; step < steps; ++step) {
        fill_batch(task, step, x, y);
        const auto result = ctnet::train_step(net, optimizer, ctnet::MSE{}, x, y, clipping);
        if (result.status != ctnet::Status::ok) ++out.refused_steps;
        double handed = result.gradient_norm;
        if constexpr (requires { clipping.max_norm; })
            handed = handed > clipping.max_norm ? clipping.max_norm : handed;
        if (result.status == ctnet::Status::ok && handed > out.largest_update_norm) out.largest_update_norm = handed;
        const double loss = ctnet::math::isfinite(result.loss) ? result.loss : 1e30;
        if (step < batches_per_epoch) first_epoch_loss += loss / batches_per_epoch;
        if (step + batches_per_epoch >= steps) last_epoch_loss += loss / batches_per_epoch;
        if (verbose && (step + 1) % (steps / 4) == 0) {
            std::printf("  %-28s step %4zu/%zu  loss %.4g%s\n", name, step + 1, steps, loss,
                        result.status == ctnet::Status::ok ? "" : "  (step refused: non-finite)");
            std::fflush(stdout);
        }
    }
    out.initial_loss = first_epoch_loss;
    out.final_loss = last_epoch_loss;
    out.learned = out.final_loss < 0.5 * task.target_variance;
    return out;
}

/// The seven configurations at depth Depth. Index order is fixed (the test relies on it):
/// 0 sigmoid, 1 tanh, 2 ReLU + He, 3 sigmoid + BatchNorm, 4 sigmoid + Residual,
/// 5 exploding (ReLU, init too large), 6 the same with global-norm clipping.
inline constexpr std::size_t configurations = 7;
inline constexpr double clip_max_norm = 1.0;

template <std::size_t Depth>
std::array<Outcome, configurations> run_all(std::size_t steps, bool verbose = true) {
    const Task task = make_task();
    if (verbose) std::printf("Training %zu configurations, %zu weight layers each, %zu SGD steps of batch %zu:\n",
                             configurations, Depth + 1, steps, batch);
    const ctnet::init::XavierNormal glorot{};
    const ctnet::init::HeNormal he{};
    // 1.5 sqrt(2): each ReLU layer then grows the signal and the gradient by 1.5 (He's sqrt(2)
    // keeps them level), 1.5^20 = 3300 over the stack.
    const ctnet::init::HeNormal too_large{.gain = 2.1213203435596424};
    return {
        run<Plain<Depth, ctnet::Sigmoid>>("sigmoid", task, glorot, steps, 0.05, {}, verbose),
        run<Plain<Depth, ctnet::Tanh>>("tanh", task, glorot, steps, 0.01, {}, verbose),
        run<Plain<Depth, ctnet::ReLU>>("relu + He init", task, he, steps, 0.002, {}, verbose),
        run<Normalized<Depth, ctnet::Sigmoid>>("sigmoid + BatchNorm", task, glorot, steps, 0.05, {}, verbose),
        run<ResidualNet<Depth, ctnet::Sigmoid>>("sigmoid + Residual", task, glorot, steps, 0.002, {}, verbose),
        run<Plain<Depth, ctnet::ReLU>>("exploding (init x1.5 per layer)", task, too_large, steps, 0.002, {}, verbose),
        run<Plain<Depth, ctnet::ReLU>>("exploding + clip norm 1", task, too_large, steps, 0.002,
                                       ctnet::ClipByNorm{.max_norm = clip_max_norm}, verbose),
    };
}

/// The readable table.
inline void print_table(const std::array<Outcome, configurations>& outcomes) {
    std::printf("\n%-32s %12s %12s %12s %12s %12s %8s\n", "configuration", "|g| first", "|g| last", "first/last",
                "final loss", "max |g| used", "learned");
    for (const auto& o : outcomes) {
        std::printf("%-32s %12.3e %12.3e %12.3e %12.4g %12.3e %8s", o.name, o.first_norm, o.last_norm, o.ratio,
                    o.final_loss, o.largest_update_norm, o.learned ? "yes" : "no");
        if (o.refused_steps > 0) std::printf("  (%zu steps refused: non-finite)", o.refused_steps);
        std::printf("\n");
    }
}

}  // namespace vanishing
