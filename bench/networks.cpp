// Benchmarks of whole networks, ctnet against hand-written fixed-size Eigen, in one executable:
//   infer/<T>/b<B>/<impl>  one forward pass of a batch of B (B = 1, 32), T = T1 ... T5
//   train/<T>/b<B>/<impl>  one SGD training step (forward, loss, backward, update), T = T1, T4
// with <impl> ctnet or eigen (bench/torch_networks.cpp adds torch), and parts/<T>/b<B>/<part>:
// the pieces of ctnet::train_step timed alone (T1, T4), for the analysis in bench/RESULTS.md. Every benchmark's results are
// checked against bench/reference.hpp's double-precision reference when the program starts; a
// mismatch prints the worst element and exits with status 1 before anything is timed.
// Inputs rotate over 64 samples (batch 1) or 4 batches (batch 32); weights are loaded at run time.
// tools/bench_report.py runs the suite and writes bench/RESULTS.md.
#include "ctnet_networks.hpp"
#include "eigen_networks.hpp"

namespace {

template <int K>
void register_topology() {
    bench::ctnet_nets::register_inference<K, 1>();
    bench::eigen_nets::register_inference<K, 1>();
    bench::ctnet_nets::register_inference<K, 32>();
    bench::eigen_nets::register_inference<K, 32>();
    if constexpr (K == 1 || K == 4) {
        bench::ctnet_nets::register_training<K, 1>();
        bench::eigen_nets::register_training<K, 1>();
        bench::ctnet_nets::register_training<K, 32>();
        bench::eigen_nets::register_training<K, 32>();
        bench::ctnet_nets::register_parts<K, 1>();
        bench::ctnet_nets::register_parts<K, 32>();
    }
}

const bool registered = [] {
    register_topology<1>();
    register_topology<2>();
    register_topology<3>();
    register_topology<4>();
    register_topology<5>();
    return true;
}();

}  // namespace
