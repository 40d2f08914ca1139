// Every kernel of include/ctnet/kernels/ in a constant expression (their constant-evaluation
// path), with exact results on small dyadic values. tests/runtime/kernels.cpp checks the run-time
// path against a double-precision reference.
#include <cstddef>
#include <limits>
#include <ratio>

#include <ctnet/kernels/batchnorm.hpp>
#include <ctnet/kernels/dense.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/kernels/softmax.hpp>
#include <ctnet/math.hpp>

namespace {

namespace k = ctnet::kernels;
using ctnet::Matrix;
using ctnet::Vector;

template <class T, std::size_t R, std::size_t C>
constexpr bool equal(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) noexcept {
    for (std::size_t i = 0; i < R * C; ++i)
        if (!(a[i] == b[i])) return false;
    return true;
}

// x (2 samples of 3), wt (3 inputs x 2 outputs, input-major), bias, dy.
constexpr Matrix<double, 2, 3> x{{1, 2, 3, -1, 0.5, 2}};
constexpr Matrix<double, 3, 2> wt{{0.5, -1, 0.25, 2, -0.75, 1.5}};
constexpr Vector<double, 2> bias{{0.125, -0.5}};
constexpr Matrix<double, 2, 2> dy{{1, -2, 0.5, 4}};

// y[b][o] = bias[o] + sum_i x[b][i] wt[i][o]
static_assert(equal(k::affine(x, wt, bias), Matrix<double, 2, 2>{{0.125 + 0.5 + 0.5 - 2.25, -0.5 - 1 + 4 + 4.5,
                                                                   0.125 - 0.5 + 0.125 - 1.5, -0.5 + 1 + 1 + 3}}));
static_assert(equal(k::linear(x, wt), Matrix<double, 2, 2>{{0.5 + 0.5 - 2.25, -1 + 4 + 4.5, -0.5 + 0.125 - 1.5, 1 + 1 + 3}}));
// The policy is a template parameter; every policy gives the same constant results.
static_assert(equal(k::affine<k::simd::Scalar>(x, wt, bias), k::affine<k::simd::Vector<16>>(x, wt, bias)));

// dx[b][i] = sum_o dy[b][o] wt[i][o]
static_assert(equal(k::linear_input_gradient(dy, wt),
                    Matrix<double, 2, 3>{{0.5 + 2, 0.25 - 4, -0.75 - 3, 0.25 - 4, 0.125 + 8, -0.375 + 6}}));

// gwt[i][o] += sum_b x[b][i] dy[b][o]; gbias[o] += sum_b dy[b][o] (accumulating onto 1).
constexpr auto weight_gradient = [] {
    auto g = Matrix<double, 3, 2>::filled(1);
    k::accumulate_weight_gradient(g, x, dy);
    return g;
}();
static_assert(equal(weight_gradient, Matrix<double, 3, 2>{{1 + 1 - 0.5, 1 - 2 - 4, 1 + 2 + 0.25, 1 - 4 + 2, 1 + 3 + 1,
                                                           1 - 6 + 8}}));
constexpr auto bias_gradient = [] {
    auto g = Vector<double, 2>::filled(1);
    k::accumulate_bias_gradient(g, dy);
    return g;
}();
static_assert(equal(bias_gradient, Vector<double, 2>{{2.5, 3}}));

// One output (the dot-product path at run time) and one input.
constexpr Matrix<float, 1, 4> row{{1, 2, 3, 4}};
constexpr Matrix<float, 4, 1> column{{0.5f, 0.25f, -1, 2}};
static_assert(k::affine(row, column, Vector<float, 1>{{1}})[0] == 1 + 0.5f + 0.5f - 3 + 8);
static_assert(equal(k::linear_input_gradient(Matrix<float, 1, 1>{{2}}, column), Matrix<float, 1, 4>{{1, 0.5f, -2, 4}}));

// Element-wise maps.
constexpr Matrix<double, 1, 4> v{{-2, -0.0, 0.5, 3}};
static_assert(equal(k::map(v, [](double e) { return 2 * e; }), Matrix<double, 1, 4>{{-4, -0.0, 1, 6}}));
static_assert(equal(k::map(v, v, [](double a, double b) { return a * b; }), Matrix<double, 1, 4>{{4, 0, 0.25, 9}}));
static_assert(equal(k::map(v, v, v, [](double a, double b, double c) { return a + b + c; }),
                    Matrix<double, 1, 4>{{-6, -0.0, 1.5, 9}}));
constexpr auto updated = [] {
    auto a = v;
    k::update(a, v, [](double p, double g) { return p - 0.5 * g; });
    return a;
}();
static_assert(equal(updated, Matrix<double, 1, 4>{{-1, 0, 0.25, 1.5}}));
static_assert(equal(k::relu(v), Matrix<double, 1, 4>{{0, 0, 0.5, 3}}));
static_assert(!ctnet::math::signbit(k::relu(v)[1]));  // relu(-0) = +0, as ReLU::value
static_assert(equal(k::relu_backward(v, Matrix<double, 1, 4>::filled(2)), Matrix<double, 1, 4>{{0, 0, 2, 2}}));
// LeakyReLU: x > 0 ? x : slope x, -0 stays -0 (slope -0); with slope 0 as with 1/4.
static_assert(equal(k::leaky_relu<std::ratio<1, 4>>(v), Matrix<double, 1, 4>{{-0.5, -0.0, 0.5, 3}}));
static_assert(ctnet::math::signbit(k::leaky_relu<std::ratio<1, 4>>(v)[1]));
static_assert(equal(k::leaky_relu<std::ratio<0>>(v), Matrix<double, 1, 4>{{-0.0, -0.0, 0.5, 3}}));
static_assert(k::leaky_relu<std::ratio<0>>(Matrix<float, 1, 1>{{std::numeric_limits<float>::infinity()}})[0] ==
              std::numeric_limits<float>::infinity());  // not 0 inf
static_assert(equal(k::leaky_relu_backward<std::ratio<1, 4>>(v, Matrix<double, 1, 4>::filled(2)),
                    Matrix<double, 1, 4>{{0.5, 0.5, 2, 2}}));
static_assert(equal(k::sigmoid_backward(v, Matrix<double, 1, 4>::filled(2)),
                    Matrix<double, 1, 4>{{2 * (-2 * 3), 0, 2 * 0.25, 2 * (3 * -2)}}));
static_assert(equal(k::tanh_backward(v, Matrix<double, 1, 4>::filled(2)), Matrix<double, 1, 4>{{-6, 2, 1.5, -16}}));

// SiLU and GELU (tanh form), forward and backward from the input: in constant expressions
// exactly their formulas on ctnet::math's sigmoid and tanh.
static_assert(k::silu(v)[1] == 0 && k::silu(v)[3] == 3 * ctnet::math::sigmoid(3.0));
static_assert(k::silu_backward(v, Matrix<double, 1, 4>::filled(2))[1] == 1);  // 2 sigma(0) (1 + 0)
static_assert(k::silu_backward(v, Matrix<double, 1, 4>::filled(2))[0] ==
              2 * (ctnet::math::sigmoid(-2.0) * (1 + -2 * (1 - ctnet::math::sigmoid(-2.0)))));
static_assert(k::gelu_tanh(v)[2] == 0.5 * 0.5 * (1 + ctnet::math::tanh(0.79788456080286535588 * (0.5 + 0.044715 * 0.125))));
static_assert(k::gelu_tanh_backward(v, Matrix<double, 1, 4>::filled(2))[1] == 1);  // 2 (1 + tanh 0) / 2

static_assert(k::elu<std::ratio<1>>(v)[0] == ctnet::math::expm1(-2.0) && k::elu<std::ratio<1>>(v)[3] == 3);
static_assert(ctnet::math::signbit(k::elu<std::ratio<1>>(v)[1]));  // alpha (e^-0 - 1) = -0
static_assert(k::elu_backward<std::ratio<1, 2>>(v, Matrix<double, 1, 4>::filled(2))[0] == ctnet::math::exp(-2.0));
static_assert(k::elu_backward<std::ratio<1, 2>>(v, Matrix<double, 1, 4>::filled(2))[2] == 2);

static_assert(k::softplus(v)[3] == 3 + ctnet::math::log1p(ctnet::math::exp(-3.0)));
static_assert(k::softplus(Matrix<float, 1, 1>{{21.0f}})[0] == 21.0f);  // torch's threshold
static_assert(k::softplus_backward(v, Matrix<double, 1, 4>::filled(2))[1] == 1);  // 2 sigma(0)

// GELU (erf form) and erf: ctnet::math::erf's values in constant expressions.
static_assert(k::gelu(v)[3] == 0.5 * 3 * (1 + ctnet::math::erf(3 * 0.70710678118654752440)));
static_assert(k::gelu(v)[1] == 0 && ctnet::math::signbit(k::gelu(v)[1]));  // 0.5 (-0) (1 + erf -0)
static_assert(k::gelu_backward(v, Matrix<double, 1, 4>::filled(2))[1] == 1);  // 2 (Phi(0) + 0)
static_assert(k::gelu_backward(v, Matrix<double, 1, 4>::filled(2))[0] ==
              2 * (0.5 * (1 + ctnet::math::erf(-2 * 0.70710678118654752440)) +
                   -2 * (0.39894228040143267794 * ctnet::math::exp(-0.5 * -2 * -2))));
static_assert(k::erf(v)[2] == ctnet::math::erf(0.5) && ctnet::math::signbit(k::erf(v)[1]));

// exp, sigmoid, tanh: in constant expressions exactly ctnet::math's values.
static_assert(k::exp(v)[0] == ctnet::math::exp(-2.0) && k::exp(v)[1] == 1.0 && k::exp(v)[3] == ctnet::math::exp(3.0));
static_assert(k::sigmoid(v)[1] == 0.5 && k::sigmoid(v)[2] == ctnet::math::sigmoid(0.5));
static_assert(k::tanh(v)[0] == ctnet::math::tanh(-2.0) && ctnet::math::signbit(k::tanh(v)[1]));
static_assert(k::exp<k::simd::Scalar>(Matrix<float, 1, 1>{{0}})[0] == 1.0f);

// Reductions.
static_assert(k::sum_of_squares(v) == 4 + 0 + 0.25 + 9);
static_assert(k::all_finite(v) && !k::all_finite(Matrix<double, 1, 2>{{1, ctnet::math::exp(1000.0)}}));

// Softmax: equal inputs give equal shares; the backward pass of a uniform output.
static_assert(equal(k::softmax_rows(Matrix<double, 1, 4>::filled(3)), Matrix<double, 1, 4>::filled(0.25)));
static_assert(k::softmax_rows(Matrix<double, 1, 2>{{0, 0}})[0] == 0.5);
static_assert(equal(k::softmax_rows_backward(Matrix<double, 1, 2>{{0.5, 0.5}}, Matrix<double, 1, 2>{{1, -1}}),
                    Matrix<double, 1, 2>{{0.5, -0.5}}));

// Batch normalisation.
constexpr auto statistics = [] {
    Vector<double, 2> mean{}, variance{};
    k::batch_mean_variance(Matrix<double, 2, 2>{{1, 2, 3, 6}}, mean, variance);
    return Matrix<double, 2, 2>{{mean[0], mean[1], variance[0], variance[1]}};
}();
static_assert(equal(statistics, Matrix<double, 2, 2>{{2, 4, 1, 4}}));
static_assert(equal(k::scale_shift(Matrix<double, 1, 2>{{3, 5}}, Vector<double, 2>{{1, 1}}, Vector<double, 2>{{2, 0.5}},
                                   Vector<double, 2>{{0, 1}}),
                    Matrix<double, 1, 2>{{4, 3}}));
constexpr auto norm_backward = [] {
    Vector<double, 2> dgamma{}, dbeta{};
    const auto dx = k::batch_norm_backward<true>(Matrix<double, 2, 2>{{1, -1, -1, 1}}, Vector<double, 2>{{1, 1}},
                                                 Vector<double, 2>{{1, 1}}, Matrix<double, 2, 2>{{1, 0, 1, 0}}, dgamma,
                                                 dbeta);
    return Matrix<double, 1, 6>{{dgamma[0], dgamma[1], dbeta[0], dbeta[1], dx(0, 0), dx(1, 1)}};
}();
static_assert(equal(norm_backward, Matrix<double, 1, 6>{{0, 0, 2, 0, 0, 0}}));

// The lane counts the policies give.
static_assert(k::simd::lanes<k::simd::Scalar, float> == 1);
static_assert(k::simd::lanes<k::simd::Vector<16>, float> == 4 && k::simd::lanes<k::simd::Vector<16>, double> == 2);
static_assert(k::simd::lanes<k::simd::Vector<64>, float> == 16 && k::simd::lanes<k::simd::Vector<8>, double> == 1);
static_assert(k::simd::LanePolicy<k::simd::Native>);

}  // namespace
