// The benchmark topologies T1-T5 as ctnet types, with the loss and target type of their training
// step (bench/reference.hpp describes the same networks at run time for the reference).
#pragma once

#include <cstddef>

#include <ctnet/ctnet.hpp>

namespace bench::ctnet_nets {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Network;

using T1 = Network<float, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
using T2 = Network<float, Input<2>, Dense<8>, ctnet::Tanh, Dense<8>, ctnet::Tanh, Dense<1>>;
using T3 = Network<float, Input<16>, Dense<64>, ctnet::ReLU, Dense<64>, ctnet::ReLU, Dense<8>>;
using T4 = Network<float, Input<64>, Dense<128>, ctnet::ReLU, Dense<128>, ctnet::ReLU, Dense<10>, ctnet::Softmax>;
using T5 = Network<float, Input<32>, Dense<32>, ctnet::Sigmoid, Dense<32>, ctnet::Sigmoid, Dense<32>, ctnet::Sigmoid,
                   Dense<32>, ctnet::Sigmoid, Dense<32>, ctnet::Sigmoid, Dense<32>, ctnet::Sigmoid, Dense<32>,
                   ctnet::Sigmoid, Dense<32>, ctnet::Sigmoid, Dense<1>>;

template <int K>
struct NetworkOf;
template <>
struct NetworkOf<1> {
    using type = T1;
};
template <>
struct NetworkOf<2> {
    using type = T2;
};
template <>
struct NetworkOf<3> {
    using type = T3;
};
template <>
struct NetworkOf<4> {
    using type = T4;
};
template <>
struct NetworkOf<5> {
    using type = T5;
};

/// The training loss of each topology (bench::loss_of): MSE, except cross-entropy on T4's softmax.
template <class Net>
using LossOf = std::conditional_t<std::is_same_v<Net, T4>, ctnet::CrossEntropy, ctnet::MSE>;

/// Its target type for a batch of B: class labels for cross-entropy, values for MSE.
template <class Net, std::size_t B>
using TargetOf = std::conditional_t<std::is_same_v<Net, T4>, ctnet::Labels<B>, ctnet::Matrix<float, B, Net::out_size>>;

}  // namespace bench::ctnet_nets
