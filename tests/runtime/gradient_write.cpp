// backward_overwrite (what train_step uses) against backward into zeroed gradients, and the
// single-pass finiteness test of train_step (a finite gradient norm proves finite gradients; an
// infinite one is checked element by element).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

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

TEST_CASE("gradient_norm and gradients_finite agree with a plain double computation", "[clip][gradients]") {
    using Net = Network<float, Input<37>, Dense<29>, ctnet::ReLU, Dense<3>>;  // sizes that leave lane tails
    ctnet::Random rng(11);
    Net::Gradients g{};
    double squares = 0.0;
    Net::for_each_tensor(
        [&](auto& t) {
            for (float& v : t) {
                v = rng.uniform(-2.0f, 2.0f);
                squares += double(v) * double(v);
            }
        },
        g);
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
