// Compile-time finite-difference checks of BatchNorm and residual blocks, and facts about them.
// Each static_assert runs a full backward pass and 2 (parameters + inputs) forward passes in a
// constant expression, in double, with check_gradients' default tolerances (step 1e-5,
// |analytic - numeric| <= 1e-7 + 1e-6 |numeric|).
#include <ctnet/ctnet.hpp>

namespace {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;

template <std::size_t B, std::size_t N>
constexpr Matrix<double, B, N> ramp(double start, double step) {
    Matrix<double, B, N> m;
    for (std::size_t k = 0; k < B * N; ++k) m[k] = start + step * double(k) - 0.37 * double(k % 3);
    return m;
}

// BatchNorm between Dense layers, training-mode (batch statistics), batch 3.
using BatchNormNet = ctnet::Network<double, Input<3>, Dense<4>, ctnet::BatchNorm<>, ctnet::Tanh, Dense<2>>;
constexpr auto batch_norm_net = ctnet::initialized<BatchNormNet>(ctnet::init::XavierNormal{}, 11);
static_assert(ctnet::check_gradients(batch_norm_net, ramp<3, 3>(-0.8, 0.21), ramp<3, 2>(0.5, -0.13)).passed());

// Standalone BatchNorm with non-trivial gamma/beta (set through the flat interchange), batch 4.
using BareBatchNorm = ctnet::Network<double, Input<3>, ctnet::BatchNorm<>>;
constexpr double bare_params[12] = {1.3, 0.7, -0.4, 0.1, -0.2, 0.3, 0, 0, 0, 1, 1, 1};
static_assert(ctnet::check_gradients(BareBatchNorm::from_flat(bare_params), ramp<4, 3>(-1.1, 0.3), ramp<4, 3>(0.9, -0.17))
                  .passed());

// Residual: y = x + f(x), with a sigmoid inside, batch 2.
using ResidualNet = ctnet::Network<double, Input<3>, Dense<4>, ctnet::Residual<Dense<4>, ctnet::Sigmoid, Dense<4>>, Dense<1>>;
constexpr auto residual_net = ctnet::initialized<ResidualNet>(ctnet::init::XavierNormal{}, 12);
static_assert(ctnet::check_gradients(residual_net, ramp<2, 3>(-0.6, 0.25), ramp<2, 1>(1.0, -0.5)).passed());

// ProjectedResidual: y = P x + f(x), 3 -> 5, batch 2.
using ProjectedNet = ctnet::Network<double, Input<3>, ctnet::ProjectedResidual<Dense<5>, ctnet::Tanh>, Dense<2>>;
constexpr auto projected_net = ctnet::initialized<ProjectedNet>(ctnet::init::XavierNormal{}, 13);
static_assert(ctnet::check_gradients(projected_net, ramp<2, 3>(-0.6, 0.25), ramp<2, 2>(1.0, -0.5)).passed());
static_assert(ProjectedNet::parameter_count == (3 * 5 + 5) + 3 * 5 + (5 * 2 + 2));

// BatchNorm inference uses the running statistics: with mean 0 and variance 1 it is an affine map.
constexpr auto bare = BareBatchNorm::from_flat(bare_params);
static_assert([] {
    const auto y = bare.forward(ctnet::Vector<double, 3>{{2.0, 2.0, 2.0}});
    const double scale = 1.0 / ctnet::math::sqrt(1.0 + 1e-5);  // eps = 1e-5, torch's default
    return ctnet::math::abs(y[0] - (1.3 * 2.0 * scale + 0.1)) < 1e-15 && ctnet::math::abs(y[2] - (-0.4 * 2.0 * scale + 0.3)) < 1e-15;
}());

// The skip path keeps the activation-chain bound at 1 where a plain sigmoid stack decays.
using SigmoidStack = ctnet::Network<double, Input<4>, Dense<4>, ctnet::Sigmoid, Dense<4>, ctnet::Sigmoid, Dense<4>, ctnet::Sigmoid, Dense<1>>;
using ResidualStack = ctnet::Network<double, Input<4>, ctnet::Residual<Dense<4>, ctnet::Sigmoid>, ctnet::Residual<Dense<4>, ctnet::Sigmoid>,
                                     ctnet::Residual<Dense<4>, ctnet::Sigmoid>, Dense<1>>;
static_assert(SigmoidStack::activation_derivative_bound == 0.25 * 0.25 * 0.25);
static_assert(ResidualStack::activation_derivative_bound == 1.0);
static_assert(ctnet::activations_may_vanish<SigmoidStack, std::ratio<1, 50>>);
static_assert(!ctnet::activations_may_vanish<ResidualStack, std::ratio<1, 50>>);

// BatchNorm's running statistics are state, not trainable: only gamma and beta reach optimizers.
static_assert([] {
    std::size_t tensors = 0;
    BareBatchNorm::Parameters p{};
    BareBatchNorm::for_each_tensor([&](auto&) { ++tensors; }, p);
    return tensors == 2;
}());

// detail::tensor_count (for_each_tensor called with no Parameters objects, what the lists of the
// norm, clipping and the optimizers are sized by) agrees with a visit of real ones, through
// BatchNorm, Residual, ProjectedResidual and Dense with and without a bias.
template <class Net>
constexpr std::size_t visited_tensors() {
    std::size_t visited = 0;
    typename Net::Parameters p{};
    Net::for_each_tensor([&](auto&) { ++visited; }, p);
    return visited;
}
using NoBiasNet = ctnet::Network<double, Input<3>, Dense<4, ctnet::Bias::none>, ctnet::ReLU, Dense<1>>;
static_assert(ctnet::detail::tensor_count<BareBatchNorm> == 2 && visited_tensors<BareBatchNorm>() == 2);
static_assert(ctnet::detail::tensor_count<ResidualNet> == 8 && visited_tensors<ResidualNet>() == 8);
static_assert(ctnet::detail::tensor_count<NoBiasNet> == 3 && visited_tensors<NoBiasNet>() == 3);
static_assert(ctnet::detail::tensor_count<BatchNormNet> == visited_tensors<BatchNormNet>());
static_assert(ctnet::detail::tensor_count<ProjectedNet> == visited_tensors<ProjectedNet>());
static_assert(ctnet::detail::tensor_count<ResidualStack> == visited_tensors<ResidualStack>());

}  // namespace
