// Run-time twins of two checks of tests/static/training_static.cpp: the XOR training run and the
// HardSigmoid/SiLU/Softplus gradient check. The same code runs here at run time (ctnet::math then
// takes its <cmath> path, within an ulp or two of the constexpr one), and a failure prints the
// numbers that a failed static_assert cannot. Both files take their definitions from
// support/training_twins.hpp.
#include <catch2/catch.hpp>

#include <cstddef>
#include <sstream>

#include <ctnet/ctnet.hpp>

#include "training_twins.hpp"

using namespace ctnet_test;  // the definitions the static test proves (support/training_twins.hpp)

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
