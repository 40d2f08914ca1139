// backward_overwrite (what train_step uses) against backward into zeroed gradients, the
// single-pass finiteness test of train_step (a finite gradient norm proves finite gradients; an
// infinite one is checked element by element), and train_step's batch-1 plain-SGD step: without
// the gradients written out, and on the kernels' AVX2 copy where an x86-64 baseline build
// dispatches it (include/ctnet/train.hpp, kernels/dispatch.hpp). This file is built again with
// CTNET_DISPATCH=0 (tests/CMakeLists.txt), where train_step runs the baseline's step.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include <ctnet/ctnet.hpp>

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

/// backward_overwrite into a buffer full of NaNs gives, bit for bit, what backward gives into
/// Gradients{}: every trainable tensor is written, none is read.
template <class Net, std::size_t B>
void check_overwrite_matches_accumulate(std::uint64_t seed) {
    using T = typename Net::scalar;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, seed);
    ctnet::Random rng(seed + 1);
    const auto x = random_matrix<T, B, Net::in_size>(rng);
    const auto dy = random_matrix<T, B, Net::out_size>(rng);

    typename Net::template Workspace<B> ws{};
    (void)net.forward(x, ws);

    typename Net::Gradients accumulated{};
    net.backward(ws, dy, accumulated);

    typename Net::Gradients written;
    std::memset(static_cast<void*>(&written), 0xff, sizeof written);  // all-ones bytes: NaN in every scalar
    net.backward_overwrite(ws, dy, written);

    std::size_t tensors = 0, compared = 0, differing = 0;
    Net::for_each_tensor(
        [&](const auto& a, const auto& w) {
            ++tensors;
            for (std::size_t k = 0; k < a.size; ++k, ++compared)
                if (std::memcmp(&a[k], &w[k], sizeof(T)) != 0) ++differing;
        },
        accumulated, written);
    INFO("tensors " << tensors << ", scalars " << compared);
    CHECK(tensors > 0);
    CHECK(compared > 0);
    CHECK(differing == 0);

    // And the accumulating form still adds: a second backward doubles every gradient (up to
    // rounding: with B > 1 the kernels add the old value to a tree of partial sums).
    net.backward(ws, dy, accumulated);
    const double eps = sizeof(T) == 4 ? 1e-5 : 1e-13;
    std::size_t off = 0;
    Net::for_each_tensor(
        [&](const auto& a, const auto& w) {
            for (std::size_t k = 0; k < a.size; ++k)
                if (!(std::abs(double(a[k]) - 2.0 * double(w[k])) <= eps * (1.0 + std::abs(2.0 * double(w[k]))))) ++off;
        },
        accumulated, written);
    CHECK(off == 0);
}

}  // namespace

TEMPLATE_TEST_CASE("backward_overwrite writes what backward accumulates into zeros", "[backward][gradients]", float,
                   double) {
    using T = TestType;
    using Seed = Network<T, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
    using NoBias = Network<T, Input<5>, Dense<7, ctnet::Bias::none>, ctnet::Tanh, Dense<3>, ctnet::Softmax>;
    using WithBatchNorm = Network<T, Input<8>, Dense<16>, ctnet::BatchNorm<>, ctnet::Sigmoid, Dense<1>>;
    using Residuals = Network<T, Input<6>, ctnet::ProjectedResidual<Dense<9>, ctnet::ReLU>,
                              ctnet::Residual<Dense<9>, ctnet::BatchNorm<>, ctnet::Tanh>, Dense<2>>;
    check_overwrite_matches_accumulate<Seed, 1>(1);
    check_overwrite_matches_accumulate<Seed, 5>(2);
    check_overwrite_matches_accumulate<NoBias, 1>(3);
    check_overwrite_matches_accumulate<NoBias, 3>(4);
    check_overwrite_matches_accumulate<WithBatchNorm, 4>(5);
    check_overwrite_matches_accumulate<Residuals, 2>(6);
    check_overwrite_matches_accumulate<Residuals, 4>(7);
}

namespace {

/// Fills every gradient with uniform values in [-2, 2); returns their sum of squares in double.
template <class Net>
double fill_uniform(typename Net::Gradients& g, ctnet::Random& rng) {
    double squares = 0.0;
    Net::for_each_tensor(
        [&](auto& t) {
            for (float& v : t) {
                v = rng.uniform(-2.0f, 2.0f);
                squares += double(v) * double(v);
            }
        },
        g);
    return squares;
}

/// Tensors of the shapes the passes over whole tensors treat differently: rows of four packs and
/// more plus a tail (5 x 75, 64 x 300), whole-pack rows (75 x 64), a long row (300), a column
/// (300 x 1), and small biases that stay inline.
using AllShapesNet = Network<float, Input<5>, Dense<75>, ctnet::ReLU, Dense<64>, Dense<300>, Dense<1>>;

}  // namespace

TEST_CASE("gradient_norm and gradients_finite agree with a plain double computation", "[clip][gradients]") {
    using Net = Network<float, Input<37>, Dense<29>, ctnet::ReLU, Dense<3>>;  // sizes that leave lane tails
    ctnet::Random rng(11);
    Net::Gradients g{};
    const double squares = fill_uniform<Net>(g, rng);
    CHECK(ctnet::gradient_norm<Net>(g) == Approx(std::sqrt(squares)).epsilon(1e-6));
    CHECK(ctnet::gradients_finite<Net>(g));

    // A non-finite value anywhere, including the last element of a tensor (a lane tail).
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()}) {
        Net::Gradients h = g;
        h.get<2>().weight_t[h.get<2>().weight_t.size - 1] = bad;
        CHECK_FALSE(ctnet::gradients_finite<Net>(h));
        CHECK_FALSE(std::isfinite(ctnet::gradient_norm<Net>(h)));
        Net::Gradients k = g;
        k.get<0>().bias[0] = bad;
        CHECK_FALSE(ctnet::gradients_finite<Net>(k));
    }
}

TEST_CASE("gradient_norm and plain SGD's update visit every element of every tensor shape", "[clip][gradients][sgd]") {
    // Both passes run one loop over the network's list of tensors, each tensor one run of values
    // (kernels::for_each_piece_at_run_time on one row): runs of four packs and more with tails
    // of every chunk width (with 16 lanes: 375, 75, 300 values, tails 7 = 4 + 2 + 1, 11 = 8 + 2 + 1,
    // 12 = 8 + 4), whole packs only (4,800, 64, 19,200) and a single value (the last bias).
    using Net = AllShapesNet;
    ctnet::Random rng(12);
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 13);
    Net::Gradients g{};
    const double squares = fill_uniform<Net>(g, rng);
    CHECK(ctnet::gradient_norm<Net>(g) == Approx(std::sqrt(squares)).epsilon(1e-6));

    // A single non-zero element anywhere is seen by the norm, exactly (the other squares are
    // zeros): each tensor's first and last 70 positions (every tail) and every 29th between.
    std::size_t tensors = 0;
    Net::for_each_tensor([&](const auto&) { ++tensors; }, g);
    std::size_t positions = 0, missed = 0;
    for (std::size_t which = 0; which < tensors; ++which) {
        std::size_t size = 0, tensor = 0;
        Net::for_each_tensor([&](const auto& t) { size = tensor++ == which ? t.size : size; }, g);
        for (std::size_t k = 0; k < size; ++k) {
            if (k >= 70 && k + 70 < size && k % 29 != 0) continue;
            ++positions;
            Net::Gradients one{};
            tensor = 0;
            // k < t.size is implied by tensor == which; said again, GCC -O2 does not warn that
            // k may index past a smaller tensor (-Warray-bounds, every tensor's instantiation).
            Net::for_each_tensor([&](auto& t) { if (tensor++ == which && k < t.size) t[k] = 3.0f; }, one);
            if (ctnet::gradient_norm<Net>(one) != 3.0f) {
                if (missed++ == 0) UNSCOPED_INFO("first missed: tensor " << which << ", element " << k);
            }
        }
    }
    CHECK(positions > 1000);
    CHECK(missed == 0);

    const Net before = net;
    ctnet::SGD<Net> sgd{.learning_rate = 0.125};
    REQUIRE(sgd.step(net.parameters, g) == Status::ok);
    std::size_t compared = 0;
    Net::for_each_tensor(
        [&](const auto& after, const auto& old, const auto& grad) {
            for (std::size_t k = 0; k < after.size; ++k, ++compared)
                CHECK(after[k] == Approx(old[k] - 0.125f * grad[k]).margin(1e-6));
        },
        net.parameters, before.parameters, g);
    CHECK(compared == Net::parameter_count);
}

TEST_CASE("SGD with momentum, Nesterov and weight decay updates every element of every tensor shape",
          "[sgd]") {
    // The update's out-of-line pass (detail::sgd_update_tensors: packs, each tensor as one run)
    // against torch.optim.SGD's formula per element in double, over the shapes of the
    // test above, for two steps: the first sets the velocity to the gradient, the second blends.
    using Net = AllShapesNet;
    ctnet::Random rng(21);
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 22);
    ctnet::SGD<Net> sgd{.learning_rate = 0.125, .momentum = 0.5, .weight_decay = 0.25, .nesterov = true};
    const double lr = 0.125, mu = 0.5, wd = 0.25;
    Net::Parameters velocity{};  // the reference's, in the same layout
    for (int step = 0; step < 2; ++step) {
        Net::Gradients g{};
        fill_uniform<Net>(g, rng);
        const Net before = net;
        REQUIRE(sgd.step(net.parameters, g) == Status::ok);
        std::size_t compared = 0, wrong = 0;
        Net::for_each_tensor(
            [&](const auto& after, const auto& old, const auto& grad, auto& v, const auto& sgd_v) {
                for (std::size_t k = 0; k < after.size; ++k, ++compared) {
                    const double d = double(grad[k]) + wd * double(old[k]);
                    const double vk = step == 0 ? d : mu * double(v[k]) + d;
                    v[k] = static_cast<float>(vk);
                    const double expected = double(old[k]) - lr * (d + mu * vk);
                    // A skipped element keeps its old value, off by lr |d + mu v| (about 0.1-1).
                    if (std::abs(double(after[k]) - expected) > 1e-5 || std::abs(double(sgd_v[k]) - vk) > 1e-5) {
                        if (wrong++ == 0) UNSCOPED_INFO("step " << step << ", first wrong element " << compared);
                    }
                }
            },
            net.parameters, before.parameters, g, velocity, sgd.velocity);
        CHECK(compared == Net::parameter_count);
        CHECK(wrong == 0);
    }
}

namespace {

/// Two steps of Adam or AdamW (Opt) with weight decay over AllShapesNet, against
/// torch.optim.Adam(W)'s formula per element in double.
template <class Opt>
void check_adam_every_element() {
    using Net = AllShapesNet;
    ctnet::Random rng(31);
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 32);
    Opt adam{.learning_rate = 0.01, .beta1 = 0.75, .beta2 = 0.875, .epsilon = 1e-3, .weight_decay = 0.25};
    const double lr = 0.01, b1 = 0.75, b2 = 0.875, eps = 1e-3, wd = 0.25;
    Net::Parameters m{}, v{};  // the reference's moments, in the same layout
    for (int step = 1; step <= 2; ++step) {
        Net::Gradients g{};
        fill_uniform<Net>(g, rng);
        const Net before = net;
        REQUIRE(adam.step(net.parameters, g) == Status::ok);
        const double bias1 = 1 - std::pow(b1, step), bias2_sqrt = std::sqrt(1 - std::pow(b2, step));
        std::size_t compared = 0, wrong = 0;
        Net::for_each_tensor(
            [&](const auto& after, const auto& old, const auto& grad, auto& mr, auto& vr, const auto& ma,
                const auto& va) {
                for (std::size_t k = 0; k < after.size; ++k, ++compared) {
                    double p = double(old[k]), d = double(grad[k]);
                    if constexpr (Opt::decoupled_weight_decay) {
                        p *= 1 - lr * wd;
                    } else {
                        d += wd * p;
                    }
                    const double mk = b1 * double(mr[k]) + (1 - b1) * d;
                    const double vk = b2 * double(vr[k]) + (1 - b2) * d * d;
                    mr[k] = static_cast<float>(mk);
                    vr[k] = static_cast<float>(vk);
                    const double expected = p - lr / bias1 * mk / (std::sqrt(vk) / bias2_sqrt + eps);
                    // A skipped element keeps its old value, off by about lr (0.01).
                    if (std::abs(double(after[k]) - expected) > 1e-5 || std::abs(double(ma[k]) - mk) > 1e-5 ||
                        std::abs(double(va[k]) - vk) > 1e-5) {
                        if (wrong++ == 0) UNSCOPED_INFO("step " << step << ", first wrong element " << compared);
                    }
                }
            },
            net.parameters, before.parameters, g, m, v, adam.first_moment, adam.second_moment);
        CHECK(compared == Net::parameter_count);
        CHECK(wrong == 0);
    }
}

}  // namespace

TEST_CASE("Adam and AdamW with weight decay update every element of every tensor shape", "[adam]") {
    // The update's out-of-line pass (detail::adam_update_tensors_out_of_line: packs, each tensor as
    // one run, the square root on packs) over the shapes of the tests above, for two steps.
    check_adam_every_element<ctnet::Adam<AllShapesNet>>();
    check_adam_every_element<ctnet::AdamW<AllShapesNet>>();
}

TEST_CASE("train_step: finite gradients whose norm overflows are applied, the norm reported as infinite",
          "[training][gradients]") {
    // x = 1e10, w = 1: y = 1e10, MSE against 0 is 1e20 (finite), dL/dy = 2e10 and dL/dw = 2e20,
    // finite in float, but its square (4e40) is not: the norm is infinite, the gradient is not.
    using Net = Network<float, Input<1>, Dense<1, ctnet::Bias::none>>;
    Net net = Net::from_flat(std::array<float, 1>{1.0f});
    ctnet::SGD<Net> optimizer{.learning_rate = 1e-21};
    const Matrix<float, 1, 1> x{{1e10f}};
    const Matrix<float, 1, 1> target{{0.0f}};
    const auto result = ctnet::train_step(net, optimizer, ctnet::MSE{}, x, target);
    CHECK(result.status == Status::ok);
    CHECK(std::isinf(result.gradient_norm));
    CHECK(net.to_flat()[0] == Approx(1.0f - 0.2f).epsilon(1e-5));  // w - lr * 2e20
}

namespace {

/// train_step with plain SGD at batch 1, except where it runs the kernels' AVX2 copy (an x86-64
/// baseline build on a processor with AVX2 and FMA; dispatch_training.cpp checks that step): there
/// the same step through the network's members on the baseline's lanes, what train_step runs
/// elsewhere. This file is built again with CTNET_DISPATCH=0, where train_step itself runs.
template <class Net, class Loss, class Target>
ctnet::StepResult<typename Net::scalar> plain_sgd_step(Net& net, ctnet::SGD<Net>& sgd, const Loss& loss,
                                                       const Matrix<typename Net::scalar, 1, Net::in_size>& x,
                                                       const Target& target) {
    using T = typename Net::scalar;
    if (!ctnet::kernels::dispatch_available()) return ctnet::train_step(net, sgd, loss, x, target);
    typename Net::template Workspace<1> ws;
    const auto y = net.forward(x, ws);
    Matrix<T, 1, Net::out_size> dy;
    const T value = loss.gradient(y, target, dy);
    typename Net::Gradients not_written;
    const T norm = net.rank_one_sgd_step(ws, dy, static_cast<T>(sgd.learning_rate), not_written);
    ++sgd.steps;
    return {value, norm, Status::ok};
}

/// train_step with plain SGD at batch 1 on Dense-only networks takes the rank-one path
/// (Network::rank_one_sgd_step); the general path is backward_overwrite, gradient_norm and
/// SGD::step. Both must give the same parameters, bit for bit, step after step.
template <class Net, class Loss, class MakeTarget>
void check_rank_one_matches_general(const Loss& loss, MakeTarget make_target) {
    static_assert(Net::Chain::rank_one_gradients);
    using T = typename Net::scalar;
    Net fast = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 21);
    Net general = fast;
    ctnet::SGD<Net> fast_sgd{.learning_rate = 0.05};
    ctnet::SGD<Net> general_sgd{.learning_rate = 0.05};
    ctnet::Random rng(22);
    for (int step = 0; step < 20; ++step) {
        const auto x = random_matrix<T, 1, Net::in_size>(rng);
        const auto target = make_target(rng);
        const auto result = plain_sgd_step(fast, fast_sgd, loss, x, target);
        REQUIRE(result.status == Status::ok);

        typename Net::template Workspace<1> ws;
        const auto y = general.forward(x, ws);
        Matrix<T, 1, Net::out_size> dy;
        const T value = loss.gradient(y, target, dy);
        typename Net::Gradients grads;
        general.backward_overwrite(ws, dy, grads);
        const T norm = ctnet::gradient_norm<Net>(grads);
        REQUIRE(general_sgd.step(general.parameters, grads) == Status::ok);

        INFO("step " << step);
        CHECK(result.loss == value);
        CHECK(result.gradient_norm == Approx(norm).epsilon(sizeof(T) == 4 ? 1e-5 : 1e-12));
        const auto a = fast.to_flat(), b = general.to_flat();
        CHECK(std::memcmp(a.data(), b.data(), sizeof a) == 0);
        CHECK(fast_sgd.steps == general_sgd.steps);
    }
}

}  // namespace

TEMPLATE_TEST_CASE("train_step: plain SGD at batch 1 without forming the gradients, same parameters bit for bit",
                   "[training][gradients]", float, double) {
    using T = TestType;
    using Seed = Network<T, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>;
    check_rank_one_matches_general<Seed>(ctnet::MSE{}, [](ctnet::Random& r) { return random_matrix<T, 1, 1>(r); });
    using Classifier = Network<T, Input<37>, Dense<29>, ctnet::Tanh, Dense<17, ctnet::Bias::none>, ctnet::ReLU, Dense<5>,
                               ctnet::Softmax>;
    check_rank_one_matches_general<Classifier>(ctnet::CrossEntropy{}, [](ctnet::Random& r) {
        return ctnet::Labels<1>{{static_cast<std::size_t>(r.uniform(T(0), T(4.99)))}};
    });
    // Not taken: BatchNorm's gradient is not rank one, nor is a batch of several samples.
    static_assert(!Network<T, Input<4>, Dense<4>, ctnet::BatchNorm<>, Dense<1>>::Chain::rank_one_gradients);
}

namespace {

/// rank_one_backward_overwrite (train_step's batch-1 gradients on Dense networks) writes, bit for
/// bit, what backward_overwrite writes; train_step with momentum and weight decay at batch 1
/// therefore matches backward_overwrite + SGD::step exactly.
template <class Net>
void check_rank_one_overwrite(std::uint64_t seed) {
    static_assert(Net::Chain::rank_one_gradients);
    using T = typename Net::scalar;
    Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, seed);
    Net general = net;
    ctnet::SGD<Net> sgd{.learning_rate = 0.05, .momentum = 0.9, .weight_decay = 0.01};
    ctnet::SGD<Net> general_sgd = sgd;
    ctnet::Random rng(seed + 1);
    for (int step = 0; step < 5; ++step) {
        const auto x = random_matrix<T, 1, Net::in_size>(rng);
        const auto dy = random_matrix<T, 1, Net::out_size>(rng);
        typename Net::template Workspace<1> ws{};
        (void)net.forward(x, ws);
        typename Net::Gradients written, reference;
        std::memset(static_cast<void*>(&written), 0xff, sizeof written);
        net.rank_one_backward_overwrite(ws, dy, written);
        net.backward_overwrite(ws, dy, reference);
        std::size_t compared = 0, differing = 0;
        Net::for_each_tensor(
            [&](const auto& a, const auto& w) {
                for (std::size_t k = 0; k < a.size; ++k, ++compared)
                    if (std::memcmp(&a[k], &w[k], sizeof(T)) != 0) ++differing;
            },
            reference, written);
        CHECK(compared > 0);
        CHECK(differing == 0);

        const auto target = random_matrix<T, 1, Net::out_size>(rng);
        const auto result = ctnet::train_step(net, sgd, ctnet::MSE{}, x, target);
        REQUIRE(result.status == Status::ok);
        typename Net::template Workspace<1> gws;
        const auto y = general.forward(x, gws);
        Matrix<T, 1, Net::out_size> gdy;
        (void)ctnet::MSE{}.gradient(y, target, gdy);
        typename Net::Gradients grads;
        general.backward_overwrite(gws, gdy, grads);
        REQUIRE(general_sgd.step(general.parameters, grads) == Status::ok);
        const auto a = net.to_flat(), b = general.to_flat();
        CHECK(std::memcmp(a.data(), b.data(), sizeof a) == 0);
    }
}

}  // namespace

TEMPLATE_TEST_CASE("rank_one_backward_overwrite writes what backward_overwrite writes; momentum SGD at batch 1",
                   "[training][gradients]", float, double) {
    using T = TestType;
    check_rank_one_overwrite<Network<T, Input<10>, Dense<20>, ctnet::ReLU, Dense<1>>>(31);
    check_rank_one_overwrite<Network<T, Input<37>, Dense<29>, ctnet::Tanh, Dense<17, ctnet::Bias::none>, ctnet::ReLU,
                                     Dense<5>>>(32);
}

TEST_CASE("train_step, plain SGD at batch 1: an overflowing gradient is refused, a large finite one applied",
          "[training][gradients][refusal]") {
    // The rank-one path's norm (|x|^2 |dy|^2) overflows in both cases; the general path then
    // looks at every gradient element.
    using Net = Network<float, Input<1>, Dense<1, ctnet::Bias::none>, Dense<1, ctnet::Bias::none>>;
    {   // x = 100, w1 = 1e36, w2 = 1e-37: dL/dw2 = h dL/dy = 1e38 * 20 = inf in float.
        Net net = Net::from_flat(std::array<float, 2>{1e36f, 1e-37f});
        ctnet::SGD<Net> sgd{.learning_rate = 0.1};
        const auto before = net.to_flat();
        const auto result = ctnet::train_step(net, sgd, ctnet::MSE{}, Matrix<float, 1, 1>{{100.0f}},
                                              Matrix<float, 1, 1>{{0.0f}});
        CHECK(result.status == Status::non_finite_gradient);
        CHECK(net.to_flat() == before);
        CHECK(sgd.steps == 0);
    }
    {   // x = 1e10, w = 1, 1: dL/dw = 2e20 (finite, its square is not).
        Net net = Net::from_flat(std::array<float, 2>{1.0f, 1.0f});
        ctnet::SGD<Net> sgd{.learning_rate = 1e-21};
        const auto result = ctnet::train_step(net, sgd, ctnet::MSE{}, Matrix<float, 1, 1>{{1e10f}},
                                              Matrix<float, 1, 1>{{0.0f}});
        CHECK(result.status == Status::ok);
        CHECK(std::isinf(result.gradient_norm));
        CHECK(net.to_flat()[0] == Approx(0.8f).epsilon(1e-5));
        CHECK(sgd.steps == 1);
    }
}

// ---- the dispatched batch-1 step: its parameters are, bit for bit, those of the same step
// written out on kernels::DispatchPolicy, and differ from the baseline's own step in the last bits.

#if CTNET_DISPATCH
namespace {

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

TEMPLATE_TEST_CASE("a layer type held three times or more runs one shared out-of-line copy at batch 1, same values",
                   "[forward][training]", float, double) {
    // Chain::shares_layer_code: the batch-1 forward pass of such layers is detail::run_out_of_line,
    // in inference and in the training step. Its outputs against the batch path (each sample a
    // row of a batch, kernels not shared) and the batch-1 step against the general path. (Where
    // the processor has AVX2, inference at batch 1 runs the dispatched copy, which never shares.)
    using T = TestType;
    using Native = ctnet::kernels::simd::Native;
    using Net = Network<T, Input<12>, Dense<12>, ctnet::Sigmoid, Dense<12>, ctnet::Sigmoid, Dense<12>, ctnet::Sigmoid,
                        Dense<3>>;
    static_assert(Net::Chain::template shares_layer_code<0, Native, 1> && Net::Chain::template shares_layer_code<1, Native, 1>);
    static_assert(!Net::Chain::template shares_layer_code<6, Native, 1> && !Net::Chain::template shares_layer_code<0, Native, 4>);
    using Twice = Network<T, Input<12>, Dense<12>, ctnet::Sigmoid, Dense<12>, ctnet::Sigmoid, Dense<3>>;
    static_assert(!Twice::Chain::template shares_layer_code<0, Native, 1> && !Twice::Chain::template shares_layer_code<1, Native, 1>);

    const Net net = ctnet::initialized<Net>(ctnet::init::TorchDefault{}, 41);
    ctnet::Random rng(42);
    const auto batch = random_matrix<T, 4, Net::in_size>(rng);
    const auto ys = net.forward(batch);
    for (std::size_t b = 0; b < 4; ++b) {
        Matrix<T, 1, Net::in_size> x;
        for (std::size_t i = 0; i < Net::in_size; ++i) x[i] = batch(b, i);
        const auto y = net.forward(x);
        typename Net::template Workspace<1> ws;
        const auto y_train = net.forward(x, ws);
        for (std::size_t o = 0; o < Net::out_size; ++o) {
            CHECK(y[o] == Approx(ys(b, o)).epsilon(1e-5));
            CHECK(y_train[o] == Approx(ys(b, o)).epsilon(1e-5));
        }
    }
    check_rank_one_matches_general<Net>(ctnet::MSE{}, [](ctnet::Random& r) { return random_matrix<T, 1, 3>(r); });
}
