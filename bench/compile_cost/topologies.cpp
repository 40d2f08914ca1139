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

#define CTNET_BENCH_INFER(Net, B) \
    template ctnet::Matrix<float, B, Net::out_size> infer<Net, B>(const Net&, const ctnet::Matrix<float, B, Net::in_size>&);
#define CTNET_BENCH_TRAIN(Net, B)                                                                                   \
    template ctnet::StepResult<float> train<Net, B>(Net&, ctnet::SGD<Net>&, const ctnet::Matrix<float, B, Net::in_size>&, \
                                                    const TargetOf<Net, B>&);

// With -DCTNET_COMPILE_COST_FORWARD_ONLY: batch-1 inference only (what the peer figure,
// 3.1 s and 372 MiB, measures); with -DCTNET_COMPILE_COST_BATCH_ONE: batch-1 inference and
// training steps (the TU, T1-T5's forward pass and training step, at one batch size).
// Both are timed by tools/bench_report.py too.
CTNET_BENCH_INFER(T1, 1)
CTNET_BENCH_INFER(T2, 1)
CTNET_BENCH_INFER(T3, 1)
CTNET_BENCH_INFER(T4, 1)
CTNET_BENCH_INFER(T5, 1)
#ifndef CTNET_COMPILE_COST_FORWARD_ONLY
CTNET_BENCH_TRAIN(T1, 1)
CTNET_BENCH_TRAIN(T2, 1)
CTNET_BENCH_TRAIN(T3, 1)
CTNET_BENCH_TRAIN(T4, 1)
CTNET_BENCH_TRAIN(T5, 1)
#ifndef CTNET_COMPILE_COST_BATCH_ONE
CTNET_BENCH_INFER(T1, 32)
CTNET_BENCH_INFER(T2, 32)
CTNET_BENCH_INFER(T3, 32)
CTNET_BENCH_INFER(T4, 32)
CTNET_BENCH_INFER(T5, 32)
CTNET_BENCH_TRAIN(T1, 32)
CTNET_BENCH_TRAIN(T2, 32)
CTNET_BENCH_TRAIN(T3, 32)
CTNET_BENCH_TRAIN(T4, 32)
CTNET_BENCH_TRAIN(T5, 32)
#endif
#endif

}  // namespace bench::ctnet_nets
