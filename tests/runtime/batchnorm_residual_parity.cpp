// BatchNorm and Residual against PyTorch (tests/data/batchnorm.hpp, residual.hpp): forward,
// backward, running statistics over several steps, eval mode; and no heap in any of it.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>

#include <ctnet/ctnet.hpp>

#include "data/batchnorm.hpp"
#include "data/residual.hpp"
#include "support/counting_new.hpp"

namespace {

/// Tolerances, |ours - torch| <= absolute + relative |torch|, one row per quantity and type.
/// Float: PyTorch's own float32-vs-float64 gaps on these cases are <= 7.8e-7 (data README), and
/// ours differ from torch's float32 by summation order only, so 2e-6 absolute with 1e-5 relative
/// leaves a margin of about 2x. Double: rounding of ~100-term sums, ~1e-14, with margin.
struct Tolerance {
    double absolute, relative;
};
template <class T>
constexpr Tolerance tolerance = {2e-6, 1e-5};
template <>
constexpr Tolerance tolerance<double> = {1e-12, 1e-10};

template <class T, std::size_t Rows, std::size_t Cols, class U>
ctnet::Matrix<T, Rows, Cols> matrix(const U (&values)[Rows][Cols]) {
    ctnet::Matrix<T, Rows, Cols> m;
    for (std::size_t r = 0; r < Rows; ++r)
        for (std::size_t c = 0; c < Cols; ++c) m(r, c) = static_cast<T>(values[r][c]);
    return m;
}

template <class T, class A, class B>
void check_close(const char* what, const A& ours, const B& reference, std::size_t count) {
    const Tolerance tol = tolerance<T>;
    double worst = 0;
    std::size_t worst_index = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const double a = static_cast<double>(ours[k]), b = static_cast<double>(reference[k]);
        const double excess = std::abs(a - b) / (tol.absolute + tol.relative * std::abs(b));
        if (!(excess <= worst)) {
            worst = excess;
            worst_index = k;
        }
    }
    INFO(what << ": worst element " << worst_index << " ours " << double(ours[worst_index]) << " torch "
              << double(reference[worst_index]) << " (error / tolerance = " << worst << ")");
    CHECK(worst <= 1.0);
}

template <class T, std::size_t Rows, std::size_t Cols, class U>
void check_close(const char* what, const ctnet::Matrix<T, Rows, Cols>& ours, const U (&reference)[Rows][Cols]) {
    check_close<T>(what, ours.data, &reference[0][0], Rows * Cols);
}

template <class T, class Case>
void batch_norm_case() {
    constexpr std::size_t n = Case::num_features, B = Case::samples;
    using Net = ctnet::Network<T, ctnet::Input<n>, ctnet::BatchNorm<>>;
    auto net = Net::from_flat(Case::params);
    typename Net::template Workspace<B> ws{};

    const auto y = net.forward(matrix<T>(Case::input), ws);
    typename Net::Gradients grads{};
    const auto dx = net.backward_with_input_gradient(ws, matrix<T>(Case::grad_output), grads);
    const auto g = Net::gradients_to_flat(grads);
    if constexpr (std::is_same_v<T, float>) {
        check_close("train-mode output", y, Case::output_f32);
        check_close("grad input", dx, Case::grad_input_f32);
        check_close<T>("grad weight", g.data(), Case::grad_weight_f32, n);
        check_close<T>("grad bias", g.data() + n, Case::grad_bias_f32, n);
    } else {
        check_close("train-mode output", y, Case::output_f64);
        check_close("grad input", dx, Case::grad_input_f64);
        check_close<T>("grad weight", g.data(), Case::grad_weight_f64, n);
        check_close<T>("grad bias", g.data() + n, Case::grad_bias_f64, n);
    }
    for (std::size_t k = 2 * n; k < 4 * n; ++k) CHECK(g[k] == T(0));  // running statistics are not trained

    net.update_statistics(ws);
    auto flat = net.to_flat();
    if constexpr (std::is_same_v<T, float>) {
        check_close<T>("running mean after 1", flat.data() + 2 * n, Case::running_mean_after1_f32, n);
        check_close<T>("running var after 1", flat.data() + 3 * n, Case::running_var_after1_f32, n);
    } else {
        check_close<T>("running mean after 1", flat.data() + 2 * n, Case::running_mean_after1_f64, n);
        check_close<T>("running var after 1", flat.data() + 3 * n, Case::running_var_after1_f64, n);
    }
    for (std::size_t step = 1; step < Case::num_batches; ++step) {
        (void)net.forward(matrix<T>(Case::batches[step]), ws);
        net.update_statistics(ws);
    }
    flat = net.to_flat();
    const auto eval = net.forward(matrix<T>(Case::eval_input));
    if constexpr (std::is_same_v<T, float>) {
        check_close<T>("running mean after 5", flat.data() + 2 * n, Case::running_mean_after5_f32, n);
        check_close<T>("running var after 5", flat.data() + 3 * n, Case::running_var_after5_f32, n);
        check_close("eval-mode output", eval, Case::eval_output_f32);
    } else {
        check_close<T>("running mean after 5", flat.data() + 2 * n, Case::running_mean_after5_f64, n);
        check_close<T>("running var after 5", flat.data() + 3 * n, Case::running_var_after5_f64, n);
        check_close("eval-mode output", eval, Case::eval_output_f64);
    }
}

/// A network case with an MSE loss: output, loss, grad params, grad input (and, for BatchNorm
/// networks, the running statistics and the eval-mode output afterwards).
template <class Net, class Case>
void network_case() {
    using T = typename Net::scalar;
    constexpr std::size_t B = Case::samples;
    auto net = Net::from_flat(Case::params);
    typename Net::template Workspace<B> ws{};
    const auto y = net.forward(matrix<T>(Case::input), ws);
    ctnet::Matrix<T, B, Net::out_size> dy;
    const T loss = ctnet::MSE{}.gradient(y, matrix<T>(Case::target), dy);
    typename Net::Gradients grads{};
    const auto dx = net.backward_with_input_gradient(ws, dy, grads);
    const auto g = Net::gradients_to_flat(grads);
    if constexpr (std::is_same_v<T, float>) {
        check_close("output", y, Case::output_f32);
        check_close<T>("loss", &loss, &Case::loss_f32, 1);
        check_close<T>("grad params", g.data(), Case::grad_params_f32, Net::parameter_count);
        check_close("grad input", dx, Case::grad_input_f32);
    } else {
        check_close("output", y, Case::output_f64);
        check_close<T>("loss", &loss, &Case::loss_f64, 1);
        check_close<T>("grad params", g.data(), Case::grad_params_f64, Net::parameter_count);
        check_close("grad input", dx, Case::grad_input_f64);
    }
    if constexpr (requires { Case::bn_param_offset; }) {
        constexpr std::size_t at = Case::bn_param_offset, n = Case::num_features;
        net.update_statistics(ws);
        const auto flat = net.to_flat();
        const auto eval = net.forward(matrix<T>(Case::input));
        if constexpr (std::is_same_v<T, float>) {
            check_close<T>("running mean", flat.data() + at + 2 * n, Case::running_mean_after_f32, n);
            check_close<T>("running var", flat.data() + at + 3 * n, Case::running_var_after_f32, n);
            check_close("eval-mode output", eval, Case::eval_output_f32);
        } else {
            check_close<T>("running mean", flat.data() + at + 2 * n, Case::running_mean_after_f64, n);
            check_close<T>("running var", flat.data() + at + 3 * n, Case::running_var_after_f64, n);
            check_close("eval-mode output", eval, Case::eval_output_f64);
        }
    }
}

// Namespaces of the generated data, wrapped as types so templates can take them.
#define CTNET_CASE(name, ns)                                       \
    struct name {                                                  \
        static constexpr std::size_t num_features = ns::num_features; \
        static constexpr std::size_t samples = ns::samples;        \
        static constexpr const auto& params = ns::params;           \
        static constexpr const auto& input = ns::input;             \
        static constexpr const auto& grad_output = ns::grad_output; \
        static constexpr std::size_t num_batches = ns::num_batches; \
        static constexpr const auto& batches = ns::batches;         \
        static constexpr const auto& eval_input = ns::eval_input;   \
        static constexpr const auto& output_f32 = ns::output_f32;   \
        static constexpr const auto& output_f64 = ns::output_f64;   \
        static constexpr const auto& grad_input_f32 = ns::grad_input_f32; \
        static constexpr const auto& grad_input_f64 = ns::grad_input_f64; \
        static constexpr const auto& grad_weight_f32 = ns::grad_weight_f32; \
        static constexpr const auto& grad_weight_f64 = ns::grad_weight_f64; \
        static constexpr const auto& grad_bias_f32 = ns::grad_bias_f32; \
        static constexpr const auto& grad_bias_f64 = ns::grad_bias_f64; \
        static constexpr const auto& running_mean_after1_f32 = ns::running_mean_after1_f32; \
        static constexpr const auto& running_mean_after1_f64 = ns::running_mean_after1_f64; \
        static constexpr const auto& running_var_after1_f32 = ns::running_var_after1_f32; \
        static constexpr const auto& running_var_after1_f64 = ns::running_var_after1_f64; \
        static constexpr const auto& running_mean_after5_f32 = ns::running_mean_after5_f32; \
        static constexpr const auto& running_mean_after5_f64 = ns::running_mean_after5_f64; \
        static constexpr const auto& running_var_after5_f32 = ns::running_var_after5_f32; \
        static constexpr const auto& running_var_after5_f64 = ns::running_var_after5_f64; \
        static constexpr const auto& eval_output_f32 = ns::eval_output_f32; \
        static constexpr const auto& eval_output_f64 = ns::eval_output_f64; \
    };
CTNET_CASE(Bn3B4, ctnet_ref::batchnorm::bn3_b4)
CTNET_CASE(Bn3B8, ctnet_ref::batchnorm::bn3_b8)
CTNET_CASE(Bn17B4, ctnet_ref::batchnorm::bn17_b4)
CTNET_CASE(Bn17B8, ctnet_ref::batchnorm::bn17_b8)
#undef CTNET_CASE

#define CTNET_NET_CASE(name, ns, extra)                            \
    struct name {                                                  \
        static constexpr std::size_t samples = ns::samples;        \
        static constexpr const auto& params = ns::params;           \
        static constexpr const auto& input = ns::input;             \
        static constexpr const auto& target = ns::target;           \
        static constexpr const auto& output_f32 = ns::output_f32;   \
        static constexpr const auto& output_f64 = ns::output_f64;   \
        static constexpr const auto& loss_f32 = ns::loss_f32;       \
        static constexpr const auto& loss_f64 = ns::loss_f64;       \
        static constexpr const auto& grad_params_f32 = ns::grad_params_f32; \
        static constexpr const auto& grad_params_f64 = ns::grad_params_f64; \
        static constexpr const auto& grad_input_f32 = ns::grad_input_f32; \
        static constexpr const auto& grad_input_f64 = ns::grad_input_f64; \
        extra                                                      \
    };
#define CTNET_BN_EXTRA(ns)                                                                      \
    static constexpr std::size_t bn_param_offset = ns::bn_param_offset;                         \
    static constexpr std::size_t num_features = ns::num_features;                               \
    static constexpr const auto& running_mean_after_f32 = ns::running_mean_after_f32;           \
    static constexpr const auto& running_mean_after_f64 = ns::running_mean_after_f64;           \
    static constexpr const auto& running_var_after_f32 = ns::running_var_after_f32;             \
    static constexpr const auto& running_var_after_f64 = ns::running_var_after_f64;             \
    static constexpr const auto& eval_output_f32 = ns::eval_output_f32;                         \
    static constexpr const auto& eval_output_f64 = ns::eval_output_f64;
CTNET_NET_CASE(NetB8, ctnet_ref::batchnorm::net_b8, CTNET_BN_EXTRA(ctnet_ref::batchnorm::net_b8))
CTNET_NET_CASE(NetB4, ctnet_ref::batchnorm::net_b4, CTNET_BN_EXTRA(ctnet_ref::batchnorm::net_b4))
CTNET_NET_CASE(ResTanhB4, ctnet_ref::residual::res_tanh_b4, )
CTNET_NET_CASE(ResTanhB1, ctnet_ref::residual::res_tanh_b1, )
CTNET_NET_CASE(ResProjB4, ctnet_ref::residual::res_proj_b4, )
#undef CTNET_BN_EXTRA
#undef CTNET_NET_CASE

template <class T>
using BatchNormNet = ctnet::Network<T, ctnet::Input<8>, ctnet::Dense<16>, ctnet::BatchNorm<>, ctnet::Sigmoid, ctnet::Dense<1>>;
template <class T>
using ResidualTanhNet = ctnet::Network<T, ctnet::Input<8>, ctnet::Dense<16>,
                                       ctnet::Residual<ctnet::Dense<16>, ctnet::Tanh, ctnet::Dense<16>>, ctnet::ReLU,
                                       ctnet::Dense<1>>;
template <class T>
using ResidualProjectionNet = ctnet::Network<T, ctnet::Input<8>, ctnet::ProjectedResidual<ctnet::Dense<12>, ctnet::ReLU>>;

}  // namespace

TEMPLATE_TEST_CASE("BatchNorm1d parity: train and eval mode, backward, running statistics over 5 batches",
                   "[batchnorm][parity]", float, double) {
    SECTION("3 features, batch 4") { batch_norm_case<TestType, Bn3B4>(); }
    SECTION("3 features, batch 8") { batch_norm_case<TestType, Bn3B8>(); }
    SECTION("17 features, batch 4") { batch_norm_case<TestType, Bn17B4>(); }
    SECTION("17 features, batch 8") { batch_norm_case<TestType, Bn17B8>(); }
}

TEMPLATE_TEST_CASE("BatchNorm inside a network: loss, gradients, running statistics, eval output",
                   "[batchnorm][parity]", float, double) {
    static_assert(BatchNormNet<TestType>::parameter_count == 225);
    SECTION("batch 8") { network_case<BatchNormNet<TestType>, NetB8>(); }
    SECTION("batch 4") { network_case<BatchNormNet<TestType>, NetB4>(); }
}

TEMPLATE_TEST_CASE("Residual and ProjectedResidual parity: output, loss, gradients", "[residual][parity]", float,
                   double) {
    static_assert(ResidualTanhNet<TestType>::parameter_count == 705);
    static_assert(ResidualProjectionNet<TestType>::parameter_count == 204);
    SECTION("residual, batch 4") { network_case<ResidualTanhNet<TestType>, ResTanhB4>(); }
    SECTION("residual, batch 1") { network_case<ResidualTanhNet<TestType>, ResTanhB1>(); }
    SECTION("projected residual, batch 4") { network_case<ResidualProjectionNet<TestType>, ResProjB4>(); }
}

TEST_CASE("BatchNorm and Residual networks train without touching the heap", "[batchnorm][residual][heap]") {
    auto bn = ctnet::initialized<BatchNormNet<float>>(ctnet::init::XavierUniform{}, 5);
    auto res = ctnet::initialized<ResidualTanhNet<float>>(ctnet::init::XavierUniform{}, 5);
    ctnet::Adam<BatchNormNet<float>> bn_opt{.learning_rate = 1e-3};
    ctnet::SGD<ResidualTanhNet<float>> res_opt{.learning_rate = 1e-2, .momentum = 0.9};
    ctnet::Matrix<float, 8, 8> x = ctnet::Matrix<float, 8, 8>::filled(0.25f);
    for (std::size_t k = 0; k < x.size; ++k) x[k] = float(k % 7) * 0.3f - 0.9f;
    const auto t = ctnet::Matrix<float, 8, 1>::filled(0.5f);
    std::size_t allocations = ctnet_test::count_allocations([&] {
        (void)bn.forward(x);
        (void)res.forward(x);
        (void)ctnet::train_step(bn, bn_opt, ctnet::MSE{}, x, t, ctnet::ClipByNorm{1.0});
        (void)ctnet::train_step(res, res_opt, ctnet::MSE{}, x, t);
    });
    CHECK(allocations == 0);
}

TEST_CASE("A refused BatchNorm training step leaves the running statistics alone", "[batchnorm][status]") {
    auto net = ctnet::initialized<BatchNormNet<float>>(ctnet::init::XavierUniform{}, 9);
    ctnet::SGD<BatchNormNet<float>> opt{.learning_rate = 0.1};
    ctnet::Matrix<float, 4, 8> x{};
    for (std::size_t k = 0; k < x.size; ++k) x[k] = float(k % 5) - 2.0f;
    auto t = ctnet::Matrix<float, 4, 1>::filled(0.0f);
    t[2] = std::numeric_limits<float>::infinity();
    const auto before = net.to_flat();
    const auto refused = ctnet::train_step(net, opt, ctnet::MSE{}, x, t);
    CHECK(refused.status == ctnet::Status::non_finite_input);
    CHECK(net.to_flat() == before);
    t[2] = 1.0f;
    const auto accepted = ctnet::train_step(net, opt, ctnet::MSE{}, x, t);
    REQUIRE(accepted.status == ctnet::Status::ok);
    const auto after = net.to_flat();
    // the running mean (offset 176) moved towards the batch mean
    bool moved = false;
    for (std::size_t k = 176; k < 192; ++k) moved = moved || after[k] != before[k];
    CHECK(moved);
}
