// Compile-time facts of training: backward passes against finite differences for every activation,
// every loss's gradient, what a workspace stores, and a whole XOR training run in a constant
// expression. Building this file is the test (GCC 12 and Clang 16, default constexpr limits).
//
// Run-time twins of the XOR run and of one gradient check, which print numbers when they fail:
// tests/runtime/training_static_twins.cpp (keep the two in step).
#include <cstddef>
#include <ratio>
#include <type_traits>
#include <utility>

#include <ctnet/ctnet.hpp>

#include "training_twins.hpp"

namespace {

using ctnet::Bias;
using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;

// ---- backward == finite differences, every activation, batch 1 and 3 ---------------------------
//
// check_gradients compares every dL/dparameter and dL/dx of backward_with_input_gradient with a
// central difference of forward (step 1e-5, tolerance 1e-7 + 1e-6 |numeric|: its defaults, chosen
// for double). A kinked activation is checked only where a central difference means something:
// inputs far (0.05, against a step of 1e-5) from its kinks (ReLU and LeakyReLU at 0, HardSigmoid
// at +-3).
// Each kinked activation follows the first Dense layer, so its pre-activations are those of the
// one-layer prefix network initialised with the same scheme and seed (layers draw in order);
// the kink distances are asserted below, not assumed.

constexpr Matrix<double, 3, 3> x3{{0.5, -1.2, 0.8, -0.7, 0.3, 1.5, 1.1, 0.9, -0.4}};
constexpr Matrix<double, 1, 3> x3_one{{0.5, -1.2, 0.8}};
using ctnet_test::x2;  // shared with the run-time twin
constexpr Matrix<double, 1, 2> x2_one{{0.5, -1.2}};

/// The smallest distance of any element of m from +kink or -kink.
template <std::size_t R, std::size_t C>
constexpr double kink_distance(const Matrix<double, R, C>& m, double kink) {
    double smallest = 1e300;
    for (const double v : m) {
        const double d = ctnet::math::abs(ctnet::math::abs(v) - kink);
        smallest = d < smallest ? d : smallest;
    }
    return smallest;
}
/// How many elements of m lie beyond +-kink.
template <std::size_t R, std::size_t C>
constexpr std::size_t count_beyond(const Matrix<double, R, C>& m, double kink) {
    std::size_t n = 0;
    for (const double v : m) n += ctnet::math::abs(v) > kink ? 1 : 0;
    return n;
}

/// True if `net`'s first Dense layer has the parameters of `prefix` (a network of that layer only).
template <class Prefix, class Net>
constexpr bool same_first_layer(const Prefix& prefix, const Net& net) {
    const auto a = prefix.to_flat();
    const auto b = net.to_flat();
    for (std::size_t k = 0; k < Prefix::parameter_count; ++k)
        if (a[k] != b[k]) return false;
    return true;
}

// ReLU, Sigmoid, Tanh, and a Dense layer without bias.
using ReluSigmoidTanh = Network<double, Input<3>, Dense<4>, ctnet::ReLU, Dense<3, Bias::none>, ctnet::Sigmoid,
                                Dense<2>, ctnet::Tanh>;
using ReluPrefix = Network<double, Input<3>, Dense<4>>;
constexpr auto relu_net = ctnet::initialized<ReluSigmoidTanh>(ctnet::init::HeNormal{}, 1);
constexpr auto relu_pre = ctnet::initialized<ReluPrefix>(ctnet::init::HeNormal{}, 1).forward(x3);
static_assert(same_first_layer(ctnet::initialized<ReluPrefix>(ctnet::init::HeNormal{}, 1), relu_net));
static_assert(kink_distance(relu_pre, 0.0) > 0.05, "a ReLU input is too close to 0 for a finite difference");
static_assert(count_beyond(relu_pre, 0.0) == 12);
using ctnet_test::dy_two_outputs;
constexpr Matrix<double, 1, 2> dy_two_outputs_one{{0.3, -0.7}};
static_assert(ctnet::check_gradients(relu_net, x3, dy_two_outputs).passed());
static_assert(ctnet::check_gradients(relu_net, x3_one, dy_two_outputs_one).passed());

// LeakyReLU(0.2), ELU, Identity.
using LeakyEluIdentity = Network<double, Input<3>, Dense<4>, ctnet::LeakyReLU<std::ratio<1, 5>>, Dense<3>, ctnet::ELU<>,
                                 Dense<2>, ctnet::Identity>;
constexpr auto leaky_net = ctnet::initialized<LeakyEluIdentity>(ctnet::init::XavierNormal{}, 1);
constexpr auto leaky_pre = ctnet::initialized<ReluPrefix>(ctnet::init::XavierNormal{}, 1).forward(x3);
static_assert(same_first_layer(ctnet::initialized<ReluPrefix>(ctnet::init::XavierNormal{}, 1), leaky_net));
static_assert(kink_distance(leaky_pre, 0.0) > 0.05, "a LeakyReLU input is too close to 0 for a finite difference");
static_assert(count_beyond(leaky_pre, 0.0) == 12);
static_assert(ctnet::check_gradients(leaky_net, x3, dy_two_outputs).passed());
static_assert(ctnet::check_gradients(leaky_net, x3_one, dy_two_outputs_one).passed());

// GELU (erf form) and GELUTanh. Kept narrow: a constexpr erf costs ~600 Clang steps, and the
// check runs 2 (parameters + inputs) forward passes.
using GeluGeluTanh = Network<double, Input<2>, Dense<2>, ctnet::GELU, Dense<2>, ctnet::GELUTanh>;
constexpr auto gelu_net = ctnet::initialized<GeluGeluTanh>(ctnet::init::HeUniform{}, 4);
static_assert(ctnet::check_gradients(gelu_net, x2, dy_two_outputs).passed());
static_assert(ctnet::check_gradients(gelu_net, x2_one, dy_two_outputs_one).passed());

// HardSigmoid (both its slope and its flat parts), SiLU, Softplus.
using ctnet_test::HardSiluSoftplus;
using HardPrefix = Network<double, Input<2>, Dense<4>>;
constexpr auto hard_net = ctnet::initialized<HardSiluSoftplus>(ctnet::init::Normal{2.0}, 2);
constexpr auto hard_pre = ctnet::initialized<HardPrefix>(ctnet::init::Normal{2.0}, 2).forward(x2);
static_assert(same_first_layer(ctnet::initialized<HardPrefix>(ctnet::init::Normal{2.0}, 2), hard_net));
static_assert(kink_distance(hard_pre, 3.0) > 0.05, "a HardSigmoid input is too close to +-3 for a finite difference");
static_assert(count_beyond(hard_pre, 3.0) >= 3 && count_beyond(hard_pre, 3.0) <= 9,
              "the HardSigmoid inputs should cover both its slope (|x| < 3) and its flat parts");
static_assert(ctnet::check_gradients(hard_net, x2, dy_two_outputs).passed());
static_assert(ctnet::check_gradients(hard_net, x2_one, dy_two_outputs_one).passed());

// Softmax in the middle and at the end.
using SoftmaxTwice = Network<double, Input<3>, Dense<4>, ctnet::Softmax, Dense<3>, ctnet::Softmax>;
constexpr auto softmax_net = ctnet::initialized<SoftmaxTwice>(ctnet::init::XavierUniform{.gain = 2.0}, 3);
constexpr Matrix<double, 3, 3> dy_three_outputs{{0.3, -0.7, 1.1, 0.4, -0.9, 0.25, -0.5, 0.8, 0.6}};
constexpr Matrix<double, 1, 3> dy_three_outputs_one{{0.3, -0.7, 1.1}};
static_assert(ctnet::check_gradients(softmax_net, x3, dy_three_outputs).passed());
static_assert(ctnet::check_gradients(softmax_net, x3_one, dy_three_outputs_one).passed());

// The check can fail: at a ReLU input of exactly 0 the central difference is 1/2 and backward
// gives ReLU'(0) = 0 (PyTorch's convention), a disagreement it must report.
using ReluOnly = Network<double, Input<1>, ctnet::ReLU>;
static_assert(!ctnet::check_gradients(ReluOnly{}, Matrix<double, 1, 1>{{0.0}}, Matrix<double, 1, 1>{{1.0}}).passed());

// ---- every loss: gradient == finite differences of its value -----------------------------------

constexpr Matrix<double, 3, 4> outputs{{0.3, -1.2, 0.8, 2.1, -0.4, 0.9, -2.3, 0.05, 1.7, -0.6, 0.2, -1.1}};
constexpr Matrix<double, 3, 4> regression_targets{{0.1, -0.45, 1.9, 0.7, -0.1, 1.3, -1.0, 0.9, 0.4, 0.3, 0.25, -2.0}};
constexpr Matrix<double, 3, 4> soft_labels{{0.0, 1.0, 0.3, 0.9, 1.0, 0.0, 0.5, 0.2, 0.75, 0.1, 1.0, 0.0}};
constexpr Matrix<double, 3, 4> class_distributions{{0.1, 0.2, 0.3, 0.4, 0.0, 1.0, 0.0, 0.0, 0.25, 0.25, 0.4, 0.1}};
constexpr Matrix<double, 3, 4> probabilities{{0.1, 0.2, 0.6, 0.1, 0.35, 0.05, 0.3, 0.3, 0.7, 0.1, 0.15, 0.05}};
constexpr ctnet::Labels<3> labels{{2, 0, 3}};

static_assert(ctnet::check_loss_gradient(ctnet::MSE{}, outputs, regression_targets).passed());
static_assert(ctnet::check_loss_gradient(ctnet::MSE{.reduction = ctnet::Reduction::sum}, outputs, regression_targets)
                  .passed());
static_assert(ctnet::check_loss_gradient(ctnet::BCEWithLogits{}, outputs, soft_labels).passed());
static_assert(ctnet::check_loss_gradient(ctnet::SoftmaxCrossEntropy{}, outputs, class_distributions).passed());
static_assert(ctnet::check_loss_gradient(ctnet::SoftmaxCrossEntropy{}, outputs, labels).passed());
static_assert(ctnet::check_loss_gradient(ctnet::CrossEntropy{}, probabilities, class_distributions).passed());
static_assert(ctnet::check_loss_gradient(ctnet::CrossEntropy{}, probabilities, labels).passed());

// Huber: the residuals y - t lie on both sides of delta, none within 0.05 of +-delta (the kink of
// the second derivative, where a central difference is off by O(step)).
template <std::size_t R, std::size_t C>
constexpr double residual_kink_distance(const Matrix<double, R, C>& y, const Matrix<double, R, C>& t, double delta) {
    Matrix<double, R, C> d{};
    for (std::size_t k = 0; k < R * C; ++k) d[k] = y[k] - t[k];
    return kink_distance(d, delta);
}
template <std::size_t R, std::size_t C>
constexpr std::size_t residuals_beyond(const Matrix<double, R, C>& y, const Matrix<double, R, C>& t, double delta) {
    Matrix<double, R, C> d{};
    for (std::size_t k = 0; k < R * C; ++k) d[k] = y[k] - t[k];
    return count_beyond(d, delta);
}
static_assert(residual_kink_distance(outputs, regression_targets, 1.0) > 0.05);
static_assert(residual_kink_distance(outputs, regression_targets, 0.5) > 0.05);
static_assert(residuals_beyond(outputs, regression_targets, 1.0) >= 3 &&
              residuals_beyond(outputs, regression_targets, 1.0) <= 9);
static_assert(residuals_beyond(outputs, regression_targets, 0.5) >= 3 &&
              residuals_beyond(outputs, regression_targets, 0.5) <= 9);
static_assert(ctnet::check_loss_gradient(ctnet::Huber{.delta = 1.0}, outputs, regression_targets).passed());
static_assert(ctnet::check_loss_gradient(ctnet::Huber{.delta = 0.5}, outputs, regression_targets).passed());

// ---- what a workspace stores --------------------------------------------------------------------

// The seed model keeps the input (Dense<20> reads it) and the ReLU output (ReLU' comes from its
// output, and Dense<1> reads it as input): one boundary serves both. The ReLU input (the
// pre-activation) and the network output are not kept.
using SeedModel = Network<float, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
static_assert(sizeof(Matrix<float, 1, 10>) % alignof(Matrix<float, 1, 20>) == 0, "no padding between the two");
static_assert(sizeof(SeedModel::Workspace<1>) == sizeof(Matrix<float, 1, 10>) + sizeof(Matrix<float, 1, 20>));
static_assert(SeedModel::workspace_bytes == sizeof(SeedModel::Workspace<1>));
static_assert(SeedModel::workspace_bytes_for<8> == sizeof(Matrix<float, 8, 10>) + sizeof(Matrix<float, 8, 20>));
static_assert(alignof(SeedModel::Workspace<1>) == alignof(Matrix<float, 1, 20>));

// Sigmoid and Tanh differentiate from their outputs, so a Sigmoid/Tanh network keeps the input
// and the two activation outputs, never the two pre-activations; the same shape with GELU and
// SiLU (derivatives from their inputs) keeps all four hidden boundaries.
using SigmoidTanh = Network<float, Input<4>, Dense<8>, ctnet::Sigmoid, Dense<8>, ctnet::Tanh, Dense<2>>;
using GeluSilu = Network<float, Input<4>, Dense<8>, ctnet::GELU, Dense<8>, ctnet::SiLU, Dense<2>>;
static_assert(SigmoidTanh::workspace_bytes_for<8> == sizeof(Matrix<float, 8, 4>) + 2 * sizeof(Matrix<float, 8, 8>));
static_assert(GeluSilu::workspace_bytes_for<8> == sizeof(Matrix<float, 8, 4>) + 4 * sizeof(Matrix<float, 8, 8>));

// A network that ends in Sigmoid keeps its output (slot 1) and not the pre-activation.
using EndsInSigmoid = Network<float, Input<4>, Dense<8>, ctnet::Sigmoid>;
static_assert(EndsInSigmoid::workspace_bytes_for<8> == sizeof(Matrix<float, 8, 4>) + sizeof(Matrix<float, 8, 8>));
static_assert(std::is_same_v<std::remove_cvref_t<decltype(std::declval<EndsInSigmoid::Workspace<8>&>().get<1>())>,
                             Matrix<float, 8, 8>>);
// Identity reads nothing: only Dense's input is kept. An activation-only Identity network keeps nothing.
static_assert(Network<float, Input<4>, Dense<8>, ctnet::Identity>::workspace_bytes_for<8> ==
              sizeof(Matrix<float, 8, 4>));
static_assert(std::is_empty_v<Network<float, Input<4>, ctnet::Identity>::Workspace<8>>);

// ---- XOR, trained in a constant expression ------------------------------------------------------
// The network, data and run are in support/training_twins.hpp (shared with the run-time twin,
// which prints the loss curve when this fails), with why this network and 25 steps.

using ctnet_test::classifies_xor;
using ctnet_test::train_xor;
using ctnet_test::XorNet;
using ctnet_test::XorRun;

constexpr XorRun xor_run = train_xor();
static_assert(xor_run.all_steps_ok);
static_assert(!classifies_xor(ctnet::initialized<XorNet>(ctnet::init::XavierUniform{}, 0), 0.0),
              "the untrained network must not already solve XOR, or the next assertion proves nothing");
static_assert(classifies_xor(xor_run.net, 1.0), "25 constexpr SGD steps did not learn XOR");
static_assert(xor_run.first_loss > 0.6 && xor_run.last_loss < 0.1);

// ---- plain SGD at batch 1: the rank-one path in a constant expression ---------------------------
// train_step takes Network::rank_one_sgd_step here (Dense layers, batch 1, no momentum); the
// general path is backward_overwrite + SGD::step. Same parameters, exactly, three steps on.
using RankOneNet = Network<double, Input<3>, Dense<4>, ctnet::Tanh, Dense<2>>;
static_assert(RankOneNet::Chain::rank_one_gradients);
struct RankOneRun {
    RankOneNet fast, general;
    double fast_norm, general_norm;
};
constexpr RankOneRun rank_one_run() {
    RankOneRun run{ctnet::initialized<RankOneNet>(ctnet::init::XavierUniform{}, 4),
                   ctnet::initialized<RankOneNet>(ctnet::init::XavierUniform{}, 4), 0.0, 0.0};
    ctnet::SGD<RankOneNet> fast_sgd{.learning_rate = 0.1}, general_sgd{.learning_rate = 0.1};
    constexpr Matrix<double, 1, 2> target{{0.25, -0.5}};
    for (int step = 0; step < 3; ++step) {
        run.fast_norm = ctnet::train_step(run.fast, fast_sgd, ctnet::MSE{}, x3_one, target).gradient_norm;
        RankOneNet::Workspace<1> ws{};
        const auto y = run.general.forward(x3_one, ws);
        Matrix<double, 1, 2> dy{};
        (void)ctnet::MSE{}.gradient(y, target, dy);
        RankOneNet::Gradients grads{};
        run.general.backward_overwrite(ws, dy, grads);
        run.general_norm = ctnet::gradient_norm<RankOneNet>(grads);
        (void)general_sgd.step(run.general.parameters, grads);
    }
    return run;
}
constexpr RankOneRun rank_one = rank_one_run();
static_assert(rank_one.fast == rank_one.general, "the rank-one update must give the general path's parameters");
static_assert(rank_one.fast.parameters != ctnet::initialized<RankOneNet>(ctnet::init::XavierUniform{}, 4).parameters);
static_assert(rank_one.fast_norm > 0.0 && (rank_one.fast_norm - rank_one.general_norm) < 1e-12 * rank_one.general_norm &&
              (rank_one.general_norm - rank_one.fast_norm) < 1e-12 * rank_one.general_norm);

// Clipping by value in a constant expression (clip_gradient_value's one-value-at-a-time path):
// every gradient becomes torch.clamp(g, -c, c); some are cut, some kept. A negative bound is
// refused, the gradients unchanged.
constexpr bool clip_by_value_clamps() {
    const auto net = ctnet::initialized<RankOneNet>(ctnet::init::XavierUniform{}, 4);
    RankOneNet::Workspace<1> ws{};
    const auto y = net.forward(x3_one, ws);
    Matrix<double, 1, 2> dy{};
    (void)ctnet::MSE{}.gradient(y, Matrix<double, 1, 2>{{0.25, -0.5}}, dy);
    RankOneNet::Gradients grads{};
    net.backward_overwrite(ws, dy, grads);
    const auto before = RankOneNet::gradients_to_flat(grads);
    constexpr double c = 0.05;
    if (ctnet::clip_gradient_value<RankOneNet>(grads, -c) != ctnet::Status::invalid_argument) return false;
    if (RankOneNet::gradients_to_flat(grads) != before) return false;  // refused: unchanged
    if (ctnet::clip_gradient_value<RankOneNet>(grads, c) != ctnet::Status::ok) return false;
    const auto after = RankOneNet::gradients_to_flat(grads);
    bool cut = false, kept = false;
    for (std::size_t k = 0; k < before.size(); ++k) {
        const double expected = before[k] > c ? c : (before[k] < -c ? -c : before[k]);
        if (after[k] != expected) return false;
        (expected == before[k] ? kept : cut) = true;
    }
    return cut && kept;
}
static_assert(clip_by_value_clamps());

}  // namespace
