// The LibTorch baseline of the network benchmarks (bench/networks.cpp has ctnet and Eigen):
//   infer/<T>/b<B>/torch, train/<T>/b<B>/torch
// nn::Sequential of Linear and activation modules, one intra-op and one inter-op thread, inference
// under NoGradGuard, training with torch::optim::SGD. Built only with LibTorch found and
// -DCTNET_BENCH_WITH_TORCH=ON (bench/CMakeLists.txt), as C++17 with g++ (Debian's libtorch-dev).
// Results are checked against bench/reference.hpp before anything is timed (exit 1 on mismatch).
#include <torch/torch.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "reference.hpp"

namespace {

using bench::Activation;

torch::nn::Sequential build(const bench::Topology& t) {
    torch::nn::Sequential net;
    for (const auto& l : t.layers) {
        net->push_back(torch::nn::Linear(static_cast<std::int64_t>(l.in), static_cast<std::int64_t>(l.out)));
        switch (l.activation) {
            case Activation::relu: net->push_back(torch::nn::ReLU()); break;
            case Activation::tanh: net->push_back(torch::nn::Tanh()); break;
            case Activation::sigmoid: net->push_back(torch::nn::Sigmoid()); break;
            case Activation::softmax: net->push_back(torch::nn::Softmax(1)); break;
            case Activation::none: break;
        }
    }
    // The reference's weights, in state_dict order (weight, bias per Linear).
    const std::vector<double> flat = bench::make_parameters(t);
    torch::NoGradGuard no_grad;
    std::size_t at = 0;
    for (auto& p : net->parameters()) {
        auto values = p.view({-1});
        for (std::int64_t k = 0; k < values.numel(); ++k) values[k] = static_cast<float>(flat[at++]);
    }
    return net;
}

std::vector<double> flatten(torch::nn::Sequential& net) {
    std::vector<double> out;
    for (auto& p : net->parameters()) {
        auto values = p.detach().contiguous().view({-1});
        const float* data = values.data_ptr<float>();
        out.insert(out.end(), data, data + values.numel());
    }
    return out;
}

/// `count` tensors of [batch, width] from the reference's values.
std::vector<torch::Tensor> batches(const std::vector<double>& x, std::size_t count, std::size_t batch, std::size_t width) {
    std::vector<torch::Tensor> out;
    for (std::size_t k = 0; k < count; ++k) {
        auto t = torch::empty({static_cast<std::int64_t>(batch), static_cast<std::int64_t>(width)});
        float* data = t.data_ptr<float>();
        for (std::size_t j = 0; j < batch * width; ++j) data[j] = static_cast<float>(x[k * batch * width + j]);
        out.push_back(t);
    }
    return out;
}

void register_inference(int k, std::size_t batch) {
    const bench::Topology t = bench::topology(k);
    const std::size_t count = bench::rotation(batch);
    const std::vector<double> x = bench::make_inputs(count * batch, t.in, 100 + static_cast<std::uint64_t>(k));
    auto net = std::make_shared<torch::nn::Sequential>(build(t));
    auto inputs = std::make_shared<std::vector<torch::Tensor>>(batches(x, count, batch, t.in));
    const std::string name = bench::benchmark_name("infer", t, batch, "torch");
    {
        torch::NoGradGuard no_grad;
        const std::vector<double> params = bench::make_parameters(t);
        for (std::size_t i = 0; i < count; ++i) {
            const torch::Tensor y = (*net)->forward((*inputs)[i]).contiguous();
            const std::vector<double> expected = bench::forward(t, params, x.data() + i * batch * t.in, batch);
            if (!bench::check_close(name.c_str(), y.data_ptr<float>(), expected, bench::inference_atol,
                                    bench::inference_rtol))
                std::exit(1);
        }
    }
    benchmark::RegisterBenchmark(name.c_str(), [net, inputs, batch](benchmark::State& state) {
        torch::NoGradGuard no_grad;
        const auto& in = *inputs;
        std::size_t i = 0;
        for (auto _ : state) {
            torch::Tensor y = (*net)->forward(in[i]);
            benchmark::DoNotOptimize(y.data_ptr<float>());
            benchmark::ClobberMemory();
            if (++i == in.size()) i = 0;
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
    });
}

/// One SGD step; MSE (mean) or NLL of log(softmax output) with class labels, as the reference.
torch::Tensor step(torch::nn::Sequential& net, torch::optim::SGD& sgd, bench::Loss loss, const torch::Tensor& x,
                   const torch::Tensor& target) {
    sgd.zero_grad();
    const torch::Tensor y = net->forward(x);
    torch::Tensor value = loss == bench::Loss::mse ? torch::mse_loss(y, target) : torch::nll_loss(torch::log(y), target);
    value.backward();
    sgd.step();
    return value;
}

void register_training(int k, std::size_t batch) {
    const bench::Topology t = bench::topology(k);
    const bench::Loss loss = bench::loss_of(t);
    const std::size_t count = bench::rotation(batch);
    const std::vector<double> x = bench::make_inputs(count * batch, t.in, 200 + static_cast<std::uint64_t>(k));
    const std::vector<double> target = bench::make_targets(t, count * batch, 300 + static_cast<std::uint64_t>(k));
    auto inputs = std::make_shared<std::vector<torch::Tensor>>(batches(x, count, batch, t.in));
    auto goals = std::make_shared<std::vector<torch::Tensor>>();
    if (loss == bench::Loss::mse) {
        *goals = batches(target, count, batch, t.out());
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            auto labels = torch::empty({static_cast<std::int64_t>(batch)}, torch::kLong);
            for (std::size_t b = 0; b < batch; ++b)
                labels.data_ptr<std::int64_t>()[b] = static_cast<std::int64_t>(target[i * batch + b]);
            goals->push_back(labels);
        }
    }
    const std::string name = bench::benchmark_name("train", t, batch, "torch");
    {
        torch::nn::Sequential net = build(t);
        torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(bench::learning_rate));
        const float value = step(net, sgd, loss, (*inputs)[0], (*goals)[0]).item<float>();
        const bench::StepResult expected =
            bench::train_step(t, bench::make_parameters(t), x.data(), target.data(), batch, bench::learning_rate);
        const float losses[1] = {value};
        const std::vector<double> params = flatten(net);
        if (!bench::check_close((name + " loss").c_str(), losses, {expected.loss}, bench::training_atol,
                                bench::training_rtol) ||
            !bench::check_close((name + " parameters").c_str(), params.data(), expected.parameters,
                                bench::training_atol, bench::training_rtol))
            std::exit(1);
    }
    benchmark::RegisterBenchmark(name.c_str(), [t, loss, inputs, goals, batch](benchmark::State& state) {
        torch::nn::Sequential net = build(t);
        torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(bench::learning_rate));
        std::size_t i = 0;
        float last = 0;
        for (auto _ : state) {
            torch::Tensor value = step(net, sgd, loss, (*inputs)[i], (*goals)[i]);
            benchmark::DoNotOptimize(value.data_ptr<float>());
            benchmark::ClobberMemory();
            if (++i == inputs->size()) {
                i = 0;
                last = value.item<float>();
            }
        }
        if (!std::isfinite(last)) state.SkipWithError("the loss became non-finite");
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
    });
}

const bool registered = [] {
    torch::set_num_threads(1);
    torch::set_num_interop_threads(1);
    for (int k = 1; k <= 5; ++k) {
        register_inference(k, 1);
        register_inference(k, 32);
        if (k == 1 || k == 4) {
            register_training(k, 1);
            register_training(k, 32);
        }
    }
    return true;
}();

}  // namespace
