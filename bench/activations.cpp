// The element-wise activations on their own: a batch of 32 x 64 values through a network of one
// activation layer, forward (act/<A>/b32/forward) and its input gradient from the output
// (act/<A>/b32/backward: the training-mode forward that fills the workspace is outside the timed
// loop). Every activation runs a packed kernel (include/ctnet/kernels/). Each is checked against
// its formula in double precision before timing.
#include <benchmark/benchmark.h>

#include <ctnet/ctnet.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr std::size_t kBatch = 32, kWidth = 64;
using Batch = ctnet::Matrix<float, kBatch, kWidth>;

/// Values in [-4, 4] and gradients in [-1, 1] from a linear congruential generator, about half of
/// the values negative (both sides of every activation's kink, in no predictable order).
Batch make_batch(std::uint64_t state, float scale) {
    Batch m;
    for (float& v : m) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        v = scale * (static_cast<float>(state >> 40) * 0x1.0p-23f - 1.0f);
    }
    return m;
}

template <class A>
bool check(const char* name, const Batch& x, const Batch& y, const Batch& dx, const Batch& dy) {
    for (std::size_t k = 0; k < x.size; ++k) {
        const double xv = x[k], yv = A::value(xv);
        const double gv = dy[k] * ctnet::derivative<A>(xv);
        const double y_tolerance = 1e-6 * (1 + std::abs(yv)), g_tolerance = 1e-6 * (1 + std::abs(gv));
        if (!(std::abs(y[k] - yv) <= y_tolerance) || !(std::abs(dx[k] - gv) <= g_tolerance)) {
            std::fprintf(stderr, "act/%s: at x = %g, y = %g (expected %g), dL/dx = %g (expected %g)\n", name,
                         static_cast<double>(x[k]), static_cast<double>(y[k]), yv, static_cast<double>(dx[k]), gv);
            return false;
        }
    }
    return true;
}

template <class A>
void register_activation(const std::string& name) {
    using Net = ctnet::Network<float, ctnet::Input<kWidth>, A>;
    static const Net net{};
    static const Batch x = make_batch(17, 4.0f), dy = make_batch(29, 1.0f);
    static typename Net::template Workspace<kBatch> ws;
    static typename Net::Gradients grads{};
    const Batch y = net.forward(x, ws);
    if (!check<A>(name.c_str(), x, y, net.backward_with_input_gradient(ws, dy, grads), dy)) std::exit(1);

    benchmark::RegisterBenchmark(("act/" + name + "/b32/forward").c_str(), [](benchmark::State& state) {
        for (auto _ : state) {
            auto out = net.forward(x);
            benchmark::DoNotOptimize(out);
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * x.size));
    });
    benchmark::RegisterBenchmark(("act/" + name + "/b32/backward").c_str(), [](benchmark::State& state) {
        for (auto _ : state) {
            auto dx = net.backward_with_input_gradient(ws, dy, grads);
            benchmark::DoNotOptimize(dx);
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * x.size));
    });
}

const bool registered = [] {
    register_activation<ctnet::ReLU>("ReLU");
    register_activation<ctnet::LeakyReLU<>>("LeakyReLU");
    register_activation<ctnet::Sigmoid>("Sigmoid");
    register_activation<ctnet::Tanh>("Tanh");
    register_activation<ctnet::ELU<>>("ELU");
    register_activation<ctnet::GELU>("GELU");
    register_activation<ctnet::SiLU>("SiLU");
    register_activation<ctnet::GELUTanh>("GELUTanh");
    register_activation<ctnet::HardSigmoid>("HardSigmoid");
    register_activation<ctnet::Softplus>("Softplus");
    return true;
}();

}  // namespace
