// ctnet_test definitions shared by tests/static/training_static.cpp and its run-time twin
// tests/runtime/training_static_twins.cpp: the XOR training run and the HardSigmoid/SiLU/Softplus
// gradient-check network. One definition, so the twin runs exactly what the static test proves
// (at run time ctnet::math takes its <cmath> path, within an ulp or two of the constexpr one) and
// can print the numbers a failed static_assert cannot.
#pragma once

#include <cstddef>

#include <ctnet/ctnet.hpp>

namespace ctnet_test {

// ---- XOR, trained in a constant expression ------------------------------------------------------
//
// 2-4-1, Tanh hidden, BCEWithLogits on the output logit; full batch of the four points, SGD with
// momentum. Chosen for the fewest steps within Clang 16's default -fconstexpr-steps=1048576 (the
// tighter of the two compilers' limits): one step of this network costs about 10k Clang steps
// (forward, loss, backward, the gradient norm's five square roots, update), Adam about 18.5k (a
// square root per parameter). Measured at run time over 50 seeds, SGD(lr 2, momentum 0.9)
// classifies XOR with margin after ~14 steps on average, Adam (lr 0.1 to 0.3) after ~60 with
// some seeds stuck; 25 SGD steps from XavierUniform seed 0 leave every |logit| above 3 and cost
// 261k Clang steps, a quarter of the limit (every seed in 0..40 learns XOR in 25 steps, so the
// seed is not a lucky pick). GCC 12 needs under 4M of its default -fconstexpr-ops-limit=33554432.
// No limit flag is needed on this target.

using XorNet = ctnet::Network<double, ctnet::Input<2>, ctnet::Dense<4>, ctnet::Tanh, ctnet::Dense<1>>;
inline constexpr ctnet::Matrix<double, 4, 2> xor_inputs{{0, 0, 0, 1, 1, 0, 1, 1}};
inline constexpr ctnet::Matrix<double, 4, 1> xor_targets{{0, 1, 1, 0}};
inline constexpr std::size_t xor_steps = 25;

struct XorRun {
    XorNet net;
    double first_loss;
    double last_loss;  // loss before the last update
    bool all_steps_ok;
    double losses[xor_steps];  // the loss before each step: the twin prints the curve
};

constexpr XorRun train_xor() {
    XorRun run{ctnet::initialized<XorNet>(ctnet::init::XavierUniform{}, 0), 0.0, 0.0, true, {}};
    ctnet::SGD<XorNet> optimizer{.learning_rate = 2.0, .momentum = 0.9};
    for (std::size_t step = 0; step < xor_steps; ++step) {
        const auto result = ctnet::train_step(run.net, optimizer, ctnet::BCEWithLogits{}, xor_inputs, xor_targets);
        run.all_steps_ok = run.all_steps_ok && result.status == ctnet::Status::ok;
        if (step == 0) run.first_loss = result.loss;
        run.last_loss = result.loss;
        run.losses[step] = result.loss;
    }
    return run;
}

/// True if the sign of every logit is the XOR of the inputs, with |logit| >= margin.
constexpr bool classifies_xor(const XorNet& net, double margin) {
    const auto logits = net.forward(xor_inputs);
    for (std::size_t k = 0; k < 4; ++k) {
        const double signed_logit = xor_targets[k] > 0.5 ? logits[k] : -logits[k];
        if (!(signed_logit >= margin)) return false;
    }
    return true;
}

// ---- HardSigmoid, SiLU and Softplus behind Dense layers: a gradient check at batch 3 -----------

using HardSiluSoftplus = ctnet::Network<double, ctnet::Input<2>, ctnet::Dense<4>, ctnet::HardSigmoid, ctnet::Dense<3>,
                                       ctnet::SiLU, ctnet::Dense<2>, ctnet::Softplus>;
inline constexpr ctnet::Matrix<double, 3, 2> x2{{0.5, -1.2, -0.7, 1.5, 1.1, 0.9}};
inline constexpr ctnet::Matrix<double, 3, 2> dy_two_outputs{{0.3, -0.7, 1.1, 0.4, -0.9, 0.25}};

}  // namespace ctnet_test
