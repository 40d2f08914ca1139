// The benchmark topologies T1-T5, their deterministic weights and inputs, and a double-precision
// reference (forward pass and one SGD training step) that every implementation's results are
// checked against before anything is timed. Plain C++17 (the LibTorch benchmark uses it too).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

enum class Activation { none, relu, tanh, sigmoid, softmax };

/// A fully connected layer in -> out followed by an activation.
struct DenseLayer {
    std::size_t in;
    std::size_t out;
    Activation activation;
};

struct Topology {
    const char* name;
    std::size_t in;
    std::vector<DenseLayer> layers;

    std::size_t out() const { return layers.back().out; }
    /// Scalars in PyTorch state_dict order (per layer: weight[out][in], then bias[out]).
    std::size_t parameter_count() const {
        std::size_t n = 0;
        for (const auto& l : layers) n += l.in * l.out + l.out;
        return n;
    }
    /// Multiply-adds of one sample's forward pass.
    std::size_t macs() const {
        std::size_t n = 0;
        for (const auto& l : layers) n += l.in * l.out;
        return n;
    }
};

inline Topology topology(int k) {
    using A = Activation;
    switch (k) {
        case 1: return {"T1", 10, {{10, 20, A::relu}, {20, 1, A::none}}};
        case 2: return {"T2", 2, {{2, 8, A::tanh}, {8, 8, A::tanh}, {8, 1, A::none}}};
        case 3: return {"T3", 16, {{16, 64, A::relu}, {64, 64, A::relu}, {64, 8, A::none}}};
        case 4: return {"T4", 64, {{64, 128, A::relu}, {128, 128, A::relu}, {128, 10, A::softmax}}};
        default: {
            Topology t{"T5", 32, {}};
            for (int i = 0; i < 8; ++i) t.layers.push_back({32, 32, A::sigmoid});
            t.layers.push_back({32, 1, A::none});
            return t;
        }
    }
}

/// A small deterministic generator (SplitMix64), the same on every platform.
struct Random {
    std::uint64_t state;
    double uniform(double lo, double hi) {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return lo + (hi - lo) * static_cast<double>(z >> 11) * 0x1.0p-53;
    }
};

/// Weights as PyTorch's default nn.Linear initialisation draws them: U(-1/sqrt(in), 1/sqrt(in)).
/// Values are rounded to float, so float implementations start from exactly these numbers.
inline std::vector<double> make_parameters(const Topology& t, std::uint64_t seed = 1) {
    Random rng{seed};
    std::vector<double> p;
    for (const auto& l : t.layers) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(l.in));
        for (std::size_t k = 0; k < l.in * l.out + l.out; ++k)
            p.push_back(static_cast<float>(rng.uniform(-bound, bound)));
    }
    return p;
}

/// count x width values in [-1, 1], rounded to float.
inline std::vector<double> make_inputs(std::size_t count, std::size_t width, std::uint64_t seed) {
    Random rng{seed};
    std::vector<double> x(count * width);
    for (auto& v : x) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    return x;
}

inline double activate(Activation a, double v) {
    switch (a) {
        case Activation::relu: return v > 0 ? v : 0.0;
        case Activation::tanh: return std::tanh(v);
        case Activation::sigmoid: return 1.0 / (1.0 + std::exp(-v));
        default: return v;
    }
}

/// Forward pass of `batch` samples (row-major batch x in); keeps every layer's output when `trace`.
inline std::vector<double> forward(const Topology& t, const std::vector<double>& params, const double* x,
                                   std::size_t batch, std::vector<std::vector<double>>* trace = nullptr) {
    std::vector<double> a(x, x + batch * t.in);
    if (trace) trace->push_back(a);
    std::size_t offset = 0;
    for (const auto& l : t.layers) {
        const double* w = params.data() + offset;
        const double* bias = w + l.in * l.out;
        offset += l.in * l.out + l.out;
        std::vector<double> y(batch * l.out);
        for (std::size_t b = 0; b < batch; ++b) {
            for (std::size_t o = 0; o < l.out; ++o) {
                double s = bias[o];
                for (std::size_t i = 0; i < l.in; ++i) s += w[o * l.in + i] * a[b * l.in + i];
                y[b * l.out + o] = activate(l.activation, s);
            }
            if (l.activation == Activation::softmax) {
                double m = y[b * l.out];
                for (std::size_t o = 1; o < l.out; ++o) m = std::max(m, y[b * l.out + o]);
                double sum = 0;
                for (std::size_t o = 0; o < l.out; ++o) sum += (y[b * l.out + o] = std::exp(y[b * l.out + o] - m));
                for (std::size_t o = 0; o < l.out; ++o) y[b * l.out + o] /= sum;
            }
        }
        a = std::move(y);
        if (trace) trace->push_back(a);
    }
    return a;
}

/// The training losses: MSE (mean over batch x out, torch.nn.MSELoss) for networks with a linear
/// output, cross-entropy on the softmax output with class labels (mean over the batch,
/// torch.nn.NLLLoss on log p) for T4.
enum class Loss { mse, cross_entropy };

inline Loss loss_of(const Topology& t) {
    return t.layers.back().activation == Activation::softmax ? Loss::cross_entropy : Loss::mse;
}

/// Targets of the training benchmarks: regression values in [-1, 1] (MSE) or class labels.
inline std::vector<double> make_targets(const Topology& t, std::size_t count, std::uint64_t seed) {
    Random rng{seed};
    std::vector<double> target(loss_of(t) == Loss::mse ? count * t.out() : count);
    for (auto& v : target)
        v = loss_of(t) == Loss::mse ? static_cast<double>(static_cast<float>(rng.uniform(-1, 1)))
                                    : std::floor(rng.uniform(0, static_cast<double>(t.out())));
    return target;
}

struct StepResult {
    double loss;
    std::vector<double> parameters;
};

/// One SGD step (no momentum): forward, loss, backward, p -= lr dL/dp. As torch.optim.SGD.
inline StepResult train_step(const Topology& t, std::vector<double> params, const double* x, const double* target,
                             std::size_t batch, double learning_rate) {
    std::vector<std::vector<double>> acts;
    const std::vector<double> y = forward(t, params, x, batch, &acts);
    const std::size_t n_out = t.out();
    std::vector<double> dy(batch * n_out);
    double loss = 0;
    if (loss_of(t) == Loss::mse) {
        for (std::size_t k = 0; k < batch * n_out; ++k) {
            const double d = y[k] - target[k];
            loss += d * d / static_cast<double>(batch * n_out);
            dy[k] = 2 * d / static_cast<double>(batch * n_out);
        }
    } else {
        for (std::size_t b = 0; b < batch; ++b) {
            const std::size_t label = static_cast<std::size_t>(target[b]);
            loss -= std::log(y[b * n_out + label]) / static_cast<double>(batch);
            dy[b * n_out + label] = -1.0 / (y[b * n_out + label] * static_cast<double>(batch));
        }
    }
    std::vector<double> grad(params.size());
    std::size_t offset = params.size();
    for (std::size_t li = t.layers.size(); li-- > 0;) {
        const auto& l = t.layers[li];
        offset -= l.in * l.out + l.out;
        const std::vector<double>& a = acts[li];      // layer input
        const std::vector<double>& h = acts[li + 1];  // layer output (after activation)
        std::vector<double> dz(batch * l.out);
        for (std::size_t b = 0; b < batch; ++b) {
            if (l.activation == Activation::softmax) {
                double dot = 0;
                for (std::size_t o = 0; o < l.out; ++o) dot += dy[b * l.out + o] * h[b * l.out + o];
                for (std::size_t o = 0; o < l.out; ++o) dz[b * l.out + o] = h[b * l.out + o] * (dy[b * l.out + o] - dot);
            } else {
                for (std::size_t o = 0; o < l.out; ++o) {
                    const double v = h[b * l.out + o], g = dy[b * l.out + o];
                    switch (l.activation) {
                        case Activation::relu: dz[b * l.out + o] = v > 0 ? g : 0.0; break;
                        case Activation::tanh: dz[b * l.out + o] = g * (1 - v * v); break;
                        case Activation::sigmoid: dz[b * l.out + o] = g * v * (1 - v); break;
                        default: dz[b * l.out + o] = g;
                    }
                }
            }
        }
        std::vector<double> dx(batch * l.in);
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t o = 0; o < l.out; ++o) {
                const double g = dz[b * l.out + o];
                for (std::size_t i = 0; i < l.in; ++i) {
                    grad[offset + o * l.in + i] += g * a[b * l.in + i];
                    dx[b * l.in + i] += g * params[offset + o * l.in + i];
                }
                grad[offset + l.in * l.out + o] += g;
            }
        dy = std::move(dx);
    }
    for (std::size_t k = 0; k < params.size(); ++k) params[k] -= learning_rate * grad[k];
    return {loss, params};
}

/// Compares `got` (any float type) with the reference: |got - expected| <= atol + rtol |expected|
/// for every element. Prints the worst element when it fails.
template <class U>
bool check_close(const char* what, const U* got, const std::vector<double>& expected, double atol, double rtol) {
    double worst = 0;
    std::size_t worst_at = 0;
    bool ok = true;
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const double g = static_cast<double>(got[k]);
        const double excess = std::abs(g - expected[k]) - (atol + rtol * std::abs(expected[k]));
        if (!(excess <= 0)) ok = false;
        if (!(excess <= worst)) {
            worst = excess;
            worst_at = k;
        }
    }
    if (!ok)
        std::fprintf(stderr, "%s: mismatch at %zu: got %.9g, expected %.9g (atol %g, rtol %g)\n", what, worst_at,
                     static_cast<double>(got[worst_at]), expected[worst_at], atol, rtol);
    return ok;
}

/// Tolerances of the checks: float sums of up to 128 products in another order, a few ulp of
/// float (6e-8) times the number of terms and layers; training compares the updated parameters.
inline constexpr double inference_atol = 2e-5;
inline constexpr double inference_rtol = 1e-4;
inline constexpr double training_atol = 1e-6;
inline constexpr double training_rtol = 1e-5;

/// Learning rate of the training benchmarks: small, so that millions of steps on the same data
/// stay finite (each implementation checks its final loss is finite).
inline constexpr double learning_rate = 1e-3;

/// Inputs rotate over this many samples (batch 1) or batches (batch 32).
inline constexpr std::size_t rotating_inputs = 64;
inline constexpr std::size_t rotating_batches = 4;

inline std::size_t rotation(std::size_t batch) { return batch == 1 ? rotating_inputs : rotating_batches; }

/// "infer/T1/b1/ctnet" and the like.
inline std::string benchmark_name(const char* kind, const Topology& t, std::size_t batch, const char* impl) {
    return std::string(kind) + "/" + t.name + "/b" + std::to_string(batch) + "/" + impl;
}

}  // namespace bench
