// The compile-cost probe: one translation unit with T1-T5's inference (batch 1 and 32) and SGD
// training steps (batch 1 and 32) instantiated. tools/bench_report.py times its compilation
// (wall time and peak memory from /usr/bin/time -v); bench/CMakeLists.txt builds it as an object
// library so CI keeps it compiling, warning-free.
#include <cstddef>

#include "../ctnet_topologies.hpp"

namespace bench::ctnet_nets {

template <class Net, std::size_t B>
ctnet::Matrix<float, B, Net::out_size> infer(const Net& net, const ctnet::Matrix<float, B, Net::in_size>& x) {
    return net.forward(x);
}

template <class Net, std::size_t B>
ctnet::StepResult<float> train(Net& net, ctnet::SGD<Net>& optimizer, const ctnet::Matrix<float, B, Net::in_size>& x,
                               const TargetOf<Net, B>& target) {
    return ctnet::train_step(net, optimizer, LossOf<Net>{}, x, target);
}

#define CTNET_BENCH_INSTANTIATE(Net, B)                                                                      \
    template ctnet::Matrix<float, B, Net::out_size> infer<Net, B>(const Net&,                                 \
                                                                  const ctnet::Matrix<float, B, Net::in_size>&); \
    template ctnet::StepResult<float> train<Net, B>(Net&, ctnet::SGD<Net>&,                                   \
                                                    const ctnet::Matrix<float, B, Net::in_size>&,             \
                                                    const TargetOf<Net, B>&);

CTNET_BENCH_INSTANTIATE(T1, 1)
CTNET_BENCH_INSTANTIATE(T1, 32)
CTNET_BENCH_INSTANTIATE(T2, 1)
CTNET_BENCH_INSTANTIATE(T2, 32)
CTNET_BENCH_INSTANTIATE(T3, 1)
CTNET_BENCH_INSTANTIATE(T3, 32)
CTNET_BENCH_INSTANTIATE(T4, 1)
CTNET_BENCH_INSTANTIATE(T4, 32)
CTNET_BENCH_INSTANTIATE(T5, 1)
CTNET_BENCH_INSTANTIATE(T5, 32)

}  // namespace bench::ctnet_nets
