// XOR learnt twice by the same function: once by the compiler (the trained network is a
// `constexpr` value, its weights in read-only data) and once at run time.
//
//     ./train_xor          # both from seed 0; exit code 0 if both classify XOR
//     ./train_xor 7        # the run-time one from another seed
//
// The network is 2-4-1 with a Tanh hidden layer, trained on the four points as one batch with
// BCEWithLogits and SGD (learning rate 2, momentum 0.9): the optimizer and settings that learn XOR
// in the fewest steps, so the compile-time run fits in Clang's default constexpr budget
// (-fconstexpr-steps=1048576; this run takes about a quarter of it). The two runs print the same
// losses to about 1e-12: at compile time ctnet::math evaluates its own exp/tanh, at run time the
// C library's, each within an ulp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <ctnet/ctnet.hpp>

namespace {

using XorNet = ctnet::Network<double, ctnet::Input<2>, ctnet::Dense<4>, ctnet::Tanh, ctnet::Dense<1>>;

constexpr ctnet::Matrix<double, 4, 2> inputs{{0, 0, 0, 1, 1, 0, 1, 1}};
constexpr ctnet::Matrix<double, 4, 1> targets{{0, 1, 1, 0}};
constexpr std::size_t steps = 25;

struct Training {
    XorNet net;
    std::array<double, steps> loss;  // the loss before each update
    bool all_steps_ok;
};

/// The whole training run: initialise, then `steps` full-batch steps. Constexpr, no heap.
constexpr Training train(std::uint64_t seed) noexcept {
    Training t{ctnet::initialized<XorNet>(ctnet::init::XavierUniform{}, seed), {}, true};
    ctnet::SGD<XorNet> optimizer{.learning_rate = 2.0, .momentum = 0.9};
    for (std::size_t step = 0; step < steps; ++step) {
        const auto result = ctnet::train_step(t.net, optimizer, ctnet::BCEWithLogits{}, inputs, targets);
        t.loss[step] = result.loss;
        t.all_steps_ok = t.all_steps_ok && result.status == ctnet::Status::ok;
    }
    return t;
}

/// True if every point's logit has the sign of its XOR label.
constexpr bool classifies_xor(const XorNet& net) noexcept {
    const auto logits = net.forward(inputs);
    for (std::size_t k = 0; k < 4; ++k)
        if ((logits[k] > 0) != (targets[k] > 0.5)) return false;
    return true;
}

// Trained by the compiler. If it had not learnt XOR, the program would not compile.
constexpr Training compile_time = train(0);
static_assert(compile_time.all_steps_ok && classifies_xor(compile_time.net));

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 0;
    const Training run_time = train(seed);  // the same function, now at run time

    std::printf("XOR, 2-4-1 Tanh network, BCEWithLogits, SGD(lr 2, momentum 0.9), %zu full-batch steps\n", steps);
    std::printf("compile time: seed 0; run time: seed %llu\n\n", static_cast<unsigned long long>(seed));
    std::printf(" step   loss (compile time)   loss (run time)\n");
    for (std::size_t step = 0; step < steps; ++step)
        if (step % 4 == 0 || step + 1 == steps)
            std::printf("%5zu   %19.12f   %15.12f\n", step, compile_time.loss[step], run_time.loss[step]);
    std::printf("\n");

    const auto p_compile = compile_time.net.forward(inputs);
    const auto p_run = run_time.net.forward(inputs);
    std::printf(" x1 x2  target   p (compile time)   p (run time)\n");
    for (std::size_t k = 0; k < 4; ++k)
        std::printf("  %.0f  %.0f     %.0f       %12.6f   %12.6f\n", inputs(k, 0), inputs(k, 1), targets[k],
                    ctnet::math::sigmoid(p_compile[k]), ctnet::math::sigmoid(p_run[k]));

    const bool compile_ok = compile_time.all_steps_ok && classifies_xor(compile_time.net);
    const bool run_ok = run_time.all_steps_ok && classifies_xor(run_time.net);
    std::printf("\ncompile-time network: %s\nrun-time network:     %s\n", compile_ok ? "learnt XOR" : "FAILED",
                run_ok ? "learnt XOR" : "FAILED");
    return compile_ok && run_ok ? 0 : 1;
}
