// One optimizer step over T4's parameters (26,122 floats: 64 -> 128 -> 128 -> 10), gradients
// given: what each optimizer's update costs apart from the forward and backward passes.
//   optimizer/<name>/T4         ctnet's step (SGD, SGD with momentum, Adam, AdamW)
//   optimizer/adam_scalar/T4    the same Adam formula as a plain loop per tensor (std::sqrt; the
//                               compiler may not vectorise it: std::sqrt may set errno), for scale
//   clip/value/T4, clip/norm/T4 clip_gradient_value (a quarter of the gradients cut) and
//                               clip_gradient_norm (the norm below the bound: nothing scaled)
// Not part of bench/RESULTS.md; run the executable (bench preset for -march=native).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <memory>

#include <ctnet/ctnet.hpp>

#include "ctnet_topologies.hpp"

namespace {

using Net = bench::ctnet_nets::T4;

struct State {
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 4);
    Net::Gradients grads{};
    State() {
        ctnet::Random rng(5);
        Net::for_each_tensor([&](auto& t) { for (auto& g : t) g = static_cast<float>(rng.uniform(-1e-3, 1e-3)); },
                             grads);
    }
};

template <class Optimizer>
void step(benchmark::State& state, Optimizer optimizer) {
    auto s = std::make_unique<State>();
    for (auto _ : state) {
        const ctnet::Status status = optimizer.step(s->net.parameters, s->grads);
        benchmark::DoNotOptimize(status);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Net::parameter_count));
}

/// Adam's update (torch.optim.Adam, no weight decay) as a plain loop over each tensor.
void adam_scalar(benchmark::State& state) {
    auto s = std::make_unique<State>();
    auto m = std::make_unique<Net::Parameters>();
    auto v = std::make_unique<Net::Parameters>();
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, step_size = 1e-3f / 0.1f, bc2 = std::sqrt(0.001f);
    for (auto _ : state) {
        Net::for_each_tensor(
            [&](auto& p, const auto& g, auto& mt, auto& vt) {
                for (std::size_t k = 0; k < p.size; ++k) {
                    mt[k] = mt[k] * b1 + (1 - b1) * g[k];
                    vt[k] = vt[k] * b2 + (1 - b2) * g[k] * g[k];
                    p[k] -= step_size * (mt[k] / (std::sqrt(vt[k]) / bc2 + eps));
                }
            },
            s->net.parameters, s->grads, *m, *v);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Net::parameter_count));
}

/// Gradient clipping over T4's gradients: by value at 7.5e-4 (gradients uniform in +-1e-3: a
/// quarter cut; the clamp is idempotent, so every iteration does the same work), and by norm with
/// a bound above the norm (the norm alone: what a step pays when nothing is cut).
void clip_value(benchmark::State& state) {
    auto s = std::make_unique<State>();
    for (auto _ : state) {
        const ctnet::Status status = ctnet::clip_gradient_value<Net>(s->grads, 7.5e-4);
        benchmark::DoNotOptimize(status);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Net::parameter_count));
}

void clip_norm(benchmark::State& state) {
    auto s = std::make_unique<State>();
    for (auto _ : state) {
        const auto clipped = ctnet::clip_gradient_norm<Net>(s->grads, 1.0);
        benchmark::DoNotOptimize(clipped);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Net::parameter_count));
}

}  // namespace

BENCHMARK_CAPTURE(step, sgd, ctnet::SGD<Net>{.learning_rate = 1e-3})->Name("optimizer/sgd/T4");
BENCHMARK_CAPTURE(step, sgd_momentum, ctnet::SGD<Net>{.learning_rate = 1e-3, .momentum = 0.9})
    ->Name("optimizer/sgd_momentum/T4");
BENCHMARK_CAPTURE(step, adam, ctnet::Adam<Net>{.learning_rate = 1e-3})->Name("optimizer/adam/T4");
BENCHMARK_CAPTURE(step, adamw, ctnet::AdamW<Net>{.learning_rate = 1e-3})->Name("optimizer/adamw/T4");
BENCHMARK(adam_scalar)->Name("optimizer/adam_scalar/T4");
BENCHMARK(clip_value)->Name("clip/value/T4");
BENCHMARK(clip_norm)->Name("clip/norm/T4");
