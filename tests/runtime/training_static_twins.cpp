// Run-time twins of two checks of tests/static/training_static.cpp: the XOR training run and the
// HardSigmoid/SiLU/Softplus gradient check. The same code runs here at run time (ctnet::math then
// takes its <cmath> path, within an ulp or two of the constexpr one), and a failure prints the
// numbers that a failed static_assert cannot. Keep the definitions in step with the static file.
#include <catch2/catch.hpp>

#include <cstddef>
#include <sstream>

#include <ctnet/ctnet.hpp>

namespace {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;

// ---- as in training_static.cpp -----------------------------------------------------------------

using XorNet = Network<double, Input<2>, Dense<4>, ctnet::Tanh, Dense<1>>;
constexpr Matrix<double, 4, 2> xor_inputs{{0, 0, 0, 1, 1, 0, 1, 1}};
constexpr Matrix<double, 4, 1> xor_targets{{0, 1, 1, 0}};
constexpr std::size_t xor_steps = 25;

struct XorRun {
    XorNet net;
    double first_loss;
    double last_loss;
    bool all_steps_ok;
    double losses[xor_steps];  // the twin also records the curve, for the report
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

constexpr bool classifies_xor(const XorNet& net, double margin) {
    const auto logits = net.forward(xor_inputs);
    for (std::size_t k = 0; k < 4; ++k) {
        const double signed_logit = xor_targets[k] > 0.5 ? logits[k] : -logits[k];
        if (!(signed_logit >= margin)) return false;
    }
    return true;
}

using HardSiluSoftplus = Network<double, Input<2>, Dense<4>, ctnet::HardSigmoid, Dense<3>, ctnet::SiLU, Dense<2>,
                                 ctnet::Softplus>;
constexpr Matrix<double, 3, 2> x2{{0.5, -1.2, -0.7, 1.5, 1.1, 0.9}};
constexpr Matrix<double, 3, 2> dy_two_outputs{{0.3, -0.7, 1.1, 0.4, -0.9, 0.25}};

}  // namespace

TEST_CASE("run-time twin: XOR learnt in 25 SGD steps", "[static_twin][training]") {
    const XorRun run = train_xor();
    const auto logits = run.net.forward(xor_inputs);
    std::ostringstream curve;
    for (std::size_t step = 0; step < xor_steps; ++step) curve << ' ' << run.losses[step];
    INFO("loss before each step:" << curve.str());
    INFO("logits for (0,0) (0,1) (1,0) (1,1): " << logits[0] << " " << logits[1] << " " << logits[2] << " "
                                               << logits[3] << " (targets 0 1 1 0, required |logit| >= 1)");
    CHECK(run.all_steps_ok);
    CHECK_FALSE(classifies_xor(ctnet::initialized<XorNet>(ctnet::init::XavierUniform{}, 0), 0.0));
    CHECK(classifies_xor(run.net, 1.0));
    CHECK(run.first_loss > 0.6);
    CHECK(run.last_loss < 0.1);
}

TEST_CASE("run-time twin: gradient check of HardSigmoid, SiLU, Softplus at batch 3", "[static_twin][gradients]") {
    const auto net = ctnet::initialized<HardSiluSoftplus>(ctnet::init::Normal{2.0}, 2);
    const auto result = ctnet::check_gradients(net, x2, dy_two_outputs);
    INFO("checked " << result.checked << " partial derivatives; worst at index " << result.worst_index
                    << " (parameters first, then inputs): analytic " << result.worst_analytic << ", numeric "
                    << result.worst_numeric << ", ratio to tolerance " << result.worst_ratio);
    CHECK(result.checked == HardSiluSoftplus::parameter_count + 3 * 2);
    CHECK(result.passed());
}
