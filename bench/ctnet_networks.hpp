// ctnet's side of bench/networks.cpp: inference and training-step benchmarks of T1-T5, each
// checked against the double-precision reference (bench/reference.hpp) before it is registered.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "ctnet_topologies.hpp"
#include "reference.hpp"

namespace bench::ctnet_nets {

template <class Net>
std::unique_ptr<Net> load_network(const Topology& t) {
    const std::vector<double> reference = make_parameters(t);
    const std::vector<float> flat(reference.begin(), reference.end());
    auto net = std::make_unique<Net>();
    if (net->load(std::span<const float>(flat)) != ctnet::Status::ok) {
        std::fprintf(stderr, "ctnet: loading %s failed\n", t.name);
        std::exit(1);
    }
    return net;
}

/// `count` batches of B samples, from the same values as the reference's inputs.
template <class Net, std::size_t B>
std::vector<ctnet::Matrix<float, B, Net::in_size>> batches(const std::vector<double>& x, std::size_t count) {
    std::vector<ctnet::Matrix<float, B, Net::in_size>> out(count);
    for (std::size_t k = 0; k < count; ++k)
        for (std::size_t j = 0; j < B * Net::in_size; ++j) out[k][j] = static_cast<float>(x[k * B * Net::in_size + j]);
    return out;
}

template <class Net, std::size_t B>
std::vector<TargetOf<Net, B>> targets(const std::vector<double>& t, std::size_t count) {
    std::vector<TargetOf<Net, B>> out(count);
    for (std::size_t k = 0; k < count; ++k) {
        if constexpr (std::is_same_v<TargetOf<Net, B>, ctnet::Labels<B>>) {
            for (std::size_t b = 0; b < B; ++b) out[k].index[b] = static_cast<std::size_t>(t[k * B + b]);
        } else {
            for (std::size_t j = 0; j < B * Net::out_size; ++j) out[k][j] = static_cast<float>(t[k * B * Net::out_size + j]);
        }
    }
    return out;
}

template <int K, std::size_t B>
void register_inference() {
    using Net = typename NetworkOf<K>::type;
    const bench::Topology t = bench::topology(K);
    const std::size_t count = rotation(B);
    const std::vector<double> x = make_inputs(count * B, t.in, 100 + K);
    std::shared_ptr<const Net> net = load_network<Net>(t);
    auto inputs = std::make_shared<const std::vector<ctnet::Matrix<float, B, Net::in_size>>>(batches<Net, B>(x, count));

    // The check: every rotating input against the reference, before any timing.
    const std::vector<double> params = make_parameters(t);
    for (std::size_t k = 0; k < count; ++k) {
        const auto y = net->forward((*inputs)[k]);
        const std::vector<double> expected = forward(t, params, x.data() + k * B * t.in, B);
        if (!check_close(benchmark_name("infer", t, B, "ctnet").c_str(), y.data, expected, inference_atol, inference_rtol))
            std::exit(1);
    }

    benchmark::RegisterBenchmark(benchmark_name("infer", t, B, "ctnet").c_str(), [net, inputs](benchmark::State& state) {
        const auto& in = *inputs;
        std::size_t k = 0;
        for (auto _ : state) {
            auto y = net->forward(in[k]);
            benchmark::DoNotOptimize(y);
            benchmark::ClobberMemory();
            if (++k == in.size()) k = 0;
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B));
    });
}

template <int K, std::size_t B>
void register_training() {
    using Net = typename NetworkOf<K>::type;
    const bench::Topology t = bench::topology(K);
    const std::size_t count = rotation(B);
    const std::vector<double> x = make_inputs(count * B, t.in, 200 + K);
    const std::vector<double> target = make_targets(t, count * B, 300 + K);
    std::shared_ptr<const Net> initial = load_network<Net>(t);
    auto inputs = std::make_shared<const std::vector<ctnet::Matrix<float, B, Net::in_size>>>(batches<Net, B>(x, count));
    auto goals = std::make_shared<const std::vector<TargetOf<Net, B>>>(targets<Net, B>(target, count));

    // The check: one step from the initial weights gives the reference's loss and parameters.
    {
        Net net = *initial;
        ctnet::SGD<Net> sgd{.learning_rate = learning_rate};
        const auto result = ctnet::train_step(net, sgd, LossOf<Net>{}, (*inputs)[0], (*goals)[0]);
        const StepResult expected = train_step(t, make_parameters(t), x.data(), target.data(), B, learning_rate);
        const auto flat = net.to_flat();
        const std::string name = benchmark_name("train", t, B, "ctnet");
        const float loss[1] = {result.loss};
        if (result.status != ctnet::Status::ok ||
            !check_close((name + " loss").c_str(), loss, {expected.loss}, training_atol, training_rtol) ||
            !check_close((name + " parameters").c_str(), flat.data(), expected.parameters, training_atol, training_rtol))
            std::exit(1);
    }

    benchmark::RegisterBenchmark(
        benchmark_name("train", t, B, "ctnet").c_str(), [initial, inputs, goals](benchmark::State& state) {
            auto net = std::make_unique<Net>(*initial);
            auto sgd = std::make_unique<ctnet::SGD<Net>>();
            sgd->learning_rate = learning_rate;
            const auto& in = *inputs;
            const auto& goal = *goals;
            std::size_t k = 0;
            bool ok = true;
            for (auto _ : state) {
                const auto result = ctnet::train_step(*net, *sgd, LossOf<Net>{}, in[k], goal[k]);
                ok = ok && result.status == ctnet::Status::ok;
                benchmark::DoNotOptimize(result);
                benchmark::ClobberMemory();
                if (++k == in.size()) k = 0;
            }
            if (!ok) state.SkipWithError("a training step was refused (non-finite values)");
            state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B));
        });
}



/// Where ctnet::train_step's time goes, for the analysis in bench/RESULTS.md (not a comparison):
/// parts/<T>/b<B>/<part> with part forward (training mode, filling the workspace), backward
/// (backward_overwrite: writing the gradients), gradient_norm (clip.hpp; train_step's finiteness
/// test too) and sgd_step (optimizers.hpp): the general path; and, at batch 1, rank_one_sgd_step
/// (Network::rank_one_sgd_step: what train_step runs instead of the last three for plain SGD).
template <int K, std::size_t B>
void register_parts() {
    using Net = typename NetworkOf<K>::type;
    const bench::Topology t = bench::topology(K);
    std::shared_ptr<const Net> net = load_network<Net>(t);
    const std::vector<double> x = make_inputs(B, t.in, 400 + K);
    auto input = std::make_shared<const ctnet::Matrix<float, B, Net::in_size>>(batches<Net, B>(x, 1)[0]);
    const auto name = [&](const char* part) { return "parts/" + std::string(t.name) + "/b" + std::to_string(B) + "/" + part; };
    benchmark::RegisterBenchmark(name("forward").c_str(), [net, input](benchmark::State& state) {
        auto ws = std::make_unique<typename Net::template Workspace<B>>();
        for (auto _ : state) {
            auto y = net->forward(*input, *ws);
            benchmark::DoNotOptimize(y);
            benchmark::ClobberMemory();
        }
    });
    benchmark::RegisterBenchmark(name("backward").c_str(), [net, input](benchmark::State& state) {
        auto ws = std::make_unique<typename Net::template Workspace<B>>();
        const auto dy = net->forward(*input, *ws);
        auto grads = std::make_unique<typename Net::Gradients>();
        for (auto _ : state) {
            net->backward_overwrite(*ws, dy, *grads);
            benchmark::ClobberMemory();
        }
    });
    benchmark::RegisterBenchmark(name("gradient_norm").c_str(), [net](benchmark::State& state) {
        auto grads = std::make_unique<typename Net::Gradients>(net->parameters);
        for (auto _ : state) {
            benchmark::DoNotOptimize(grads.get());
            float norm = ctnet::gradient_norm<Net>(*grads);
            benchmark::DoNotOptimize(norm);
        }
    });
    if constexpr (B == 1 && Net::Chain::rank_one_gradients) {
        // What train_step runs for plain SGD at batch 1: backward without gradients, the norm
        // from the factors and the rank-one update (learning rate 0: the same work, no drift).
        benchmark::RegisterBenchmark(name("rank_one_sgd_step").c_str(), [net, input](benchmark::State& state) {
            auto copy = std::make_unique<Net>(*net);
            auto ws = std::make_unique<typename Net::template Workspace<B>>();
            auto grads = std::make_unique<typename Net::Gradients>();  // written only if the norm is not finite
            const auto dy = copy->forward(*input, *ws);
            for (auto _ : state) {
                float norm = copy->rank_one_sgd_step(*ws, dy, 0.0f, *grads);
                benchmark::DoNotOptimize(norm);
                benchmark::ClobberMemory();
            }
        });
    }
    benchmark::RegisterBenchmark(name("sgd_step").c_str(), [net](benchmark::State& state) {
        auto copy = std::make_unique<Net>(*net);
        auto grads = std::make_unique<typename Net::Gradients>();  // zero: the parameters do not drift
        auto sgd = std::make_unique<ctnet::SGD<Net>>();
        sgd->learning_rate = learning_rate;
        for (auto _ : state) {
            auto status = sgd->step(copy->parameters, *grads);
            benchmark::DoNotOptimize(status);
            benchmark::ClobberMemory();
        }
    });
}

}  // namespace bench::ctnet_nets
