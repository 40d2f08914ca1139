// train_step's batch-1 plain-SGD step in an x86-64 baseline build runs the kernels' AVX2 copy
// where the processor has AVX2 and FMA (include/ctnet/train.hpp, kernels/dispatch.hpp): its
// parameters are, bit for bit, those of the same step written out on kernels::DispatchPolicy,
// and differ from the baseline's own step in the last bits. The baseline step itself is checked
// against the general path in gradient_write.cpp, built again with CTNET_DISPATCH=0
// (tests/CMakeLists.txt), and against PyTorch in training_parity.cpp, likewise.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include <ctnet/ctnet.hpp>

#if CTNET_DISPATCH
namespace {

using ctnet::Dense;
using ctnet::Input;
using ctnet::Matrix;
using ctnet::Network;
using ctnet::Status;

template <class T, std::size_t R, std::size_t C>
Matrix<T, R, C> random_matrix(ctnet::Random& rng) {
    Matrix<T, R, C> m{};
    for (T& v : m) v = rng.uniform(T(-1), T(1));
    return m;
}

template <class Net>
bool same_parameters(const Net& a, const Net& b) {
    const auto fa = a.to_flat(), fb = b.to_flat();
    return std::memcmp(fa.data(), fb.data(), sizeof fa) == 0;
}

/// One plain-SGD step at batch 1 through the network's members on lane policy P (what train_step
/// runs, on kernels::DispatchPolicy where it dispatches). Returns the loss and the gradient norm.
template <class P, class Net, class Loss, class Target>
std::pair<typename Net::scalar, typename Net::scalar> step_on(Net& net, const Loss& loss,
                                                              const Matrix<typename Net::scalar, 1, Net::in_size>& x,
                                                              const Target& target, typename Net::scalar lr) {
    using T = typename Net::scalar;
    typename Net::template Workspace<1> ws;
    const auto y = net.template forward<P>(x, ws);
    Matrix<T, 1, Net::out_size> dy;
    const T value = loss.gradient(y, target, dy);
    typename Net::RankOneDeltas deltas;
    net.template rank_one_deltas<P>(ws, dy, deltas);
    const T squares = net.template rank_one_norm_squared<P>(ws, deltas);
    net.template rank_one_sgd<P>(ws, deltas, lr);
    return {value, std::sqrt(squares)};
}

/// 20 steps of train_step against the same steps on DispatchPolicy (equal parameters, bit for bit)
/// and on the baseline's lanes under a name never dispatched. Returns whether any step's
/// parameters also differ from the baseline's, which tells the two copies apart.
template <class Net, class Loss, class MakeTarget>
bool check_step_dispatched(const Loss& loss, MakeTarget make_target, std::uint64_t seed) {
    static_assert(Net::Chain::rank_one_gradients);
    using T = typename Net::scalar;
    using Baseline = ctnet::kernels::simd::Vector<16, 8>;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, seed);
    ctnet::SGD<Net> sgd{.learning_rate = 0.05};
    ctnet::Random rng(seed + 1);
    bool differs = false;
    for (int step = 0; step < 20; ++step) {
        const auto x = random_matrix<T, 1, Net::in_size>(rng);
        const auto target = make_target(rng);
        Net copy = net, baseline = net;
        const auto result = ctnet::train_step(net, sgd, loss, x, target);
        REQUIRE(result.status == Status::ok);
        const auto [value, norm] = step_on<ctnet::kernels::DispatchPolicy>(copy, loss, x, target, T(0.05));
        step_on<Baseline>(baseline, loss, x, target, T(0.05));

        INFO("step " << step);
        CHECK(same_parameters(net, copy));
        CHECK(result.loss == Approx(value).epsilon(sizeof(T) == 4 ? 1e-6 : 1e-14));
        CHECK(result.gradient_norm == Approx(norm).epsilon(sizeof(T) == 4 ? 1e-6 : 1e-14));
        CHECK(sgd.steps == static_cast<std::uint64_t>(step + 1));
        differs = differs || !same_parameters(net, baseline);
    }
    return differs;
}

}  // namespace

TEMPLATE_TEST_CASE("dispatch: train_step's batch-1 plain-SGD step runs the AVX2 copy", "[training][dispatch]", float,
                   double) {
    if (!ctnet::kernels::dispatch_available()) {
        WARN("this processor lacks AVX2 or FMA: the AVX2 copy is not run here");
        return;
    }
    using T = TestType;
    using Seed = Network<T, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
    bool told_apart =
        check_step_dispatched<Seed>(ctnet::MSE{}, [](ctnet::Random& r) { return random_matrix<T, 1, 1>(r); }, 31);
    using Deep = Network<T, Input<37>, Dense<29>, ctnet::Tanh, Dense<17, ctnet::Bias::none>, ctnet::Sigmoid, Dense<5>,
                         ctnet::Softmax>;
    told_apart = check_step_dispatched<Deep>(ctnet::CrossEntropy{},
                                             [](ctnet::Random& r) {
                                                 return ctnet::Labels<1>{
                                                     {static_cast<std::size_t>(r.uniform(T(0), T(4.99)))}};
                                             },
                                             41) ||
                 told_apart;
    CHECK(told_apart);  // else equal bits would not show which copy ran
}

TEST_CASE("dispatch: a dispatched batch-1 step refuses a non-finite loss, changing nothing",
          "[training][dispatch][refusal]") {
    using Net = Network<float, Input<3>, Dense<4>, ctnet::Tanh, Dense<1>>;
    const Net start = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 5);
    const Matrix<float, 1, 3> x{{0.5f, -1.0f, 2.0f}};

    // A target so large that the loss overflows: non_finite_loss from the dispatched step.
    Net net = start;
    ctnet::SGD<Net> sgd{.learning_rate = 0.1};
    const auto huge = ctnet::train_step(net, sgd, ctnet::MSE{}, x, Matrix<float, 1, 1>{{3e38f}});
    CHECK(huge.status == Status::non_finite_loss);
    CHECK(same_parameters(net, start));
    CHECK(sgd.steps == 0);
    // Gradients whose norm overflows make the dispatched step hand over to the general path: the
    // tests of that path (gradient_write.cpp, training_guarantees.cpp) run through it here.
}
#endif
