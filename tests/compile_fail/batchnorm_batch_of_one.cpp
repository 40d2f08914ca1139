// BatchNorm in a batch-1 training pass is rejected: batch statistics of one sample are undefined.
// expect: ctnet: BatchNorm needs a batch of at least 2 samples in training
#include <ctnet/ctnet.hpp>

using Net = ctnet::Network<float, ctnet::Input<4>, ctnet::Dense<8>, ctnet::BatchNorm<>, ctnet::ReLU, ctnet::Dense<1>>;

#ifdef CTNET_FAIL
constexpr std::size_t batch = 1;
#else
constexpr std::size_t batch = 2;
#endif

float train_once() {
    Net net = ctnet::initialized<Net>(ctnet::init::HeUniform{}, 1);
    ctnet::SGD<Net> sgd{.learning_rate = 0.1};
    const auto x = ctnet::Matrix<float, batch, 4>::filled(0.5f);
    const auto t = ctnet::Matrix<float, batch, 1>::filled(1.0f);
    return ctnet::train_step(net, sgd, ctnet::MSE{}, x, t).loss;
}
