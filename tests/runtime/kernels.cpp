// The kernels of include/ctnet/kernels/ at run time, each against a naive double-precision
// reference, for sizes around the SIMD width W (1, W-1, W, W+1, 2W+1), float and double, and for
// every lane policy the target supports (Native, Scalar, and 16-byte vectors where Native is wider),
// and the dense and element-wise kernels on the wider vectors of other targets too.
#include <catch2/catch.hpp>

// The wider policies' packs are wider than this target's registers: GCC and Clang note that such a
// pack as a return value or argument would change the calling convention (-Wpsabi). Every function
// that passes one is always_inline and instantiated in this file only, so no call ever uses it.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <ratio>
#include <string>
#include <utility>
#include <vector>

#include <ctnet/kernels/dense.hpp>
#include <ctnet/kernels/dispatch.hpp>
#include <ctnet/kernels/elementwise.hpp>
#include <ctnet/kernels/simd.hpp>
#include <ctnet/kernels/softmax.hpp>
#include <ctnet/math.hpp>

namespace {

namespace simd = ctnet::kernels::simd;
using ctnet::Matrix;
using ctnet::Vector;

/// Deterministic values in [-1, 1] (a linear congruential generator; the same on every platform).
struct Values {
    std::uint64_t state;
    double next() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * 0x1.0p-52 - 1.0;
    }
};

template <class T, std::size_t R, std::size_t C>
Matrix<T, R, C> random_matrix(Values& v) {
    Matrix<T, R, C> m;
    for (auto& x : m) x = static_cast<T>(v.next());
    return m;
}

/// Tolerance of a sum of `terms` products whose magnitudes add up to `magnitude`: each rounding
/// is within eps/2 of its partial sum, so `terms` eps `magnitude` bounds any summation order.
template <class T>
double sum_tolerance(std::size_t terms, double magnitude) {
    return static_cast<double>(terms + 1) * static_cast<double>(std::numeric_limits<T>::epsilon()) * magnitude +
           std::numeric_limits<double>::min();
}

struct Worst {
    double excess = -1;  // largest |got - expected| - tolerance; <= 0 passes
    std::string where;
    void add(double got, double expected, double tolerance, const std::string& what) {
        const double e = std::abs(got - expected) - tolerance;
        if (!(e <= excess)) {
            excess = std::isnan(e) ? std::numeric_limits<double>::infinity() : e;
            char text[200];
            std::snprintf(text, sizeof text, "%s: got %.17g, expected %.17g, tolerance %.3g", what.c_str(), got,
                          expected, tolerance);
            where = text;
        }
    }
};

template <class Policy, class T, std::size_t B, std::size_t In, std::size_t Out>
void check_dense_backward(Worst& worst, const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt,
                          const Matrix<T, 1, Out>& bias, const Matrix<T, B, Out>& dy, const std::string& shape);

template <class Policy, class T, std::size_t B, std::size_t In, std::size_t Out>
void check_dense(Worst& worst) {
    Values v{In * 1000003u + Out * 1009u + B};
    const auto x = random_matrix<T, B, In>(v);
    const auto wt = random_matrix<T, In, Out>(v);
    const auto bias = random_matrix<T, 1, Out>(v);
    const auto dy = random_matrix<T, B, Out>(v);
    const std::string shape = std::to_string(B) + "x" + std::to_string(In) + "->" + std::to_string(Out) +
                              (sizeof(T) == 4 ? " float" : " double");

    const auto y = ctnet::kernels::affine<Policy>(x, wt, bias);
    const auto y0 = ctnet::kernels::linear<Policy>(x, wt);
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t o = 0; o < Out; ++o) {
            double sum = 0, magnitude = 0;
            for (std::size_t i = 0; i < In; ++i) {
                sum += static_cast<double>(x(b, i)) * static_cast<double>(wt(i, o));
                magnitude += std::abs(static_cast<double>(x(b, i)) * static_cast<double>(wt(i, o)));
            }
            worst.add(y0(b, o), sum, sum_tolerance<T>(In, magnitude), "linear " + shape);
            worst.add(y(b, o), sum + static_cast<double>(bias[o]),
                      sum_tolerance<T>(In + 1, magnitude + std::abs(static_cast<double>(bias[o]))), "affine " + shape);
        }

    check_dense_backward<Policy, T, B, In, Out>(worst, x, wt, bias, dy, shape);
}

template <class Policy, class T, std::size_t B, std::size_t In, std::size_t Out>
void check_dense_backward(Worst& worst, const Matrix<T, B, In>& x, const Matrix<T, In, Out>& wt,
                          const Matrix<T, 1, Out>& bias, const Matrix<T, B, Out>& dy, const std::string& shape) {
    const auto dx = ctnet::kernels::linear_input_gradient<Policy>(dy, wt);
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t i = 0; i < In; ++i) {
            double sum = 0, magnitude = 0;
            for (std::size_t o = 0; o < Out; ++o) {
                sum += static_cast<double>(dy(b, o)) * static_cast<double>(wt(i, o));
                magnitude += std::abs(static_cast<double>(dy(b, o)) * static_cast<double>(wt(i, o)));
            }
            worst.add(dx(b, i), sum, sum_tolerance<T>(Out, magnitude), "linear_input_gradient " + shape);
        }

    Matrix<T, In, Out> gwt = wt;  // accumulates onto what is there
    ctnet::kernels::accumulate_weight_gradient<Policy>(gwt, x, dy);
    for (std::size_t i = 0; i < In; ++i)
        for (std::size_t o = 0; o < Out; ++o) {
            double sum = static_cast<double>(wt(i, o)), magnitude = std::abs(sum);
            for (std::size_t b = 0; b < B; ++b) {
                sum += static_cast<double>(x(b, i)) * static_cast<double>(dy(b, o));
                magnitude += std::abs(static_cast<double>(x(b, i)) * static_cast<double>(dy(b, o)));
            }
            worst.add(gwt(i, o), sum, sum_tolerance<T>(B + 1, magnitude), "accumulate_weight_gradient " + shape);
        }

    Vector<T, Out> gbias = bias;
    ctnet::kernels::accumulate_bias_gradient<Policy>(gbias, dy);
    for (std::size_t o = 0; o < Out; ++o) {
        double sum = static_cast<double>(bias[o]), magnitude = std::abs(sum);
        for (std::size_t b = 0; b < B; ++b) {
            sum += static_cast<double>(dy(b, o));
            magnitude += std::abs(static_cast<double>(dy(b, o)));
        }
        worst.add(gbias[o], sum, sum_tolerance<T>(B + 1, magnitude), "accumulate_bias_gradient " + shape);
    }
}

/// Shapes around the width W: every size of 1, W-1, W, W+1, 2W+1 as In and as Out (with its
/// mirror image, so one output with many inputs and many outputs with one input both occur), at
/// batch 1 and at batches that are not multiples of a register block.
template <class Policy, class T>
void check_dense_all() {
    constexpr std::size_t w = simd::lanes<Policy, T>;
    constexpr std::size_t below = w > 1 ? w - 1 : 2;
    Worst worst;
    check_dense<Policy, T, 1, 1, 1>(worst);
    check_dense<Policy, T, 1, below, below>(worst);
    check_dense<Policy, T, 1, w, w>(worst);
    check_dense<Policy, T, 1, w + 1, w + 1>(worst);
    check_dense<Policy, T, 1, 2 * w + 1, 2 * w + 1>(worst);
    check_dense<Policy, T, 1, 1, 2 * w + 1>(worst);
    check_dense<Policy, T, 1, below, w + 1>(worst);
    check_dense<Policy, T, 1, w + 1, below>(worst);
    check_dense<Policy, T, 1, 2 * w + 1, 1>(worst);
    check_dense<Policy, T, 3, w + 1, 2 * w + 1>(worst);
    check_dense<Policy, T, w + 1, 1, below>(worst);
    check_dense<Policy, T, 2 * w + 1, 2 * w + 1, 1>(worst);
    check_dense<Policy, T, 3, 10, 20>(worst);  // shapes of the benchmark topologies
    check_dense<Policy, T, 2, 128, 10>(worst);
    INFO(worst.where);
    CHECK(worst.excess <= 0);
}

template <class T, class Policy = simd::Native>
using Mat = Matrix<T, 1, 2 * simd::lanes<Policy, T> + 1>;

/// The widths other targets compile the kernels for, where wider than this one's: 32-byte
/// (AVX2) and 64-byte vectors with 32 registers (AVX-512's register blocks). The compiler lowers
/// them to this target's instructions with the same arithmetic per lane, so a machine without
/// AVX-512 still runs the blocking, tails and padding an AVX-512 build (-march=native there) runs.
template <std::size_t Bytes, class F>
void for_each_wider_policy(F&& f) {
    if constexpr (Bytes < 32) f.template operator()<simd::Vector<32>>();
    if constexpr (Bytes < 64) f.template operator()<simd::Vector<64, 32>>();
}

/// Native, Scalar, 16-byte vectors when Native is wider (the -O2 x86-64 baseline's width), and the
/// wider ones above.
template <std::size_t Bytes>
void check_dense_policies() {
    check_dense_all<simd::Native, float>();
    check_dense_all<simd::Native, double>();
    check_dense_all<simd::Scalar, float>();
    check_dense_all<simd::Scalar, double>();
    if constexpr (Bytes > 16) {
        check_dense_all<simd::Vector<16>, float>();
        check_dense_all<simd::Vector<16>, double>();
    }
    for_each_wider_policy<Bytes>([]<class Policy>() {
        check_dense_all<Policy, float>();
        check_dense_all<Policy, double>();
    });
}

}  // namespace

TEST_CASE("dense kernels match a double-precision reference around the SIMD width", "[kernels]") {
    check_dense_policies<simd::native_bytes>();
}

TEST_CASE("dense kernels give the constant-evaluation path's results within rounding", "[kernels]") {
    // The reference loops run in constant evaluation; here the same call at run time.
    static constexpr auto x = Matrix<double, 2, 3>{{1, 2, 3, 4, 5, 6}};
    static constexpr auto wt = Matrix<double, 3, 2>{{0.5, -1, 0.25, 2, -0.75, 1.5}};
    static constexpr auto bias = Vector<double, 2>{{0.125, -0.5}};
    constexpr auto y_constant = ctnet::kernels::affine(x, wt, bias);
    const auto y_runtime = ctnet::kernels::affine(x, wt, bias);
    for (std::size_t k = 0; k < y_constant.size; ++k) CHECK(y_runtime[k] == Approx(y_constant[k]).epsilon(1e-15));
}

namespace {

/// Max ulp distance of a matrix map against a long double reference over `points` values in [lo, hi].
template <class T, class Policy, class Kernel, class Reference>
std::uint64_t max_ulp(Kernel kernel, Reference reference, T lo, T hi, std::size_t points, T& worst_x) {
    constexpr std::size_t n = Mat<T, Policy>::size;  // 2W + 1: full packs and a remainder
    std::uint64_t worst = 0;
    Mat<T, Policy> x;
    for (std::size_t start = 0; start < points; start += n) {
        for (std::size_t k = 0; k < n; ++k)
            x[k] = lo + (hi - lo) * static_cast<T>(static_cast<double>(start + k) / static_cast<double>(points));
        const Mat<T, Policy> y = kernel(x);
        for (std::size_t k = 0; k < n; ++k) {
            const T expected = static_cast<T>(reference(static_cast<long double>(x[k])));
            const std::uint64_t d = ctnet::math::ulp_distance(y[k], expected);
            if (d > worst) {
                worst = d;
                worst_x = x[k];
            }
        }
    }
    return worst;
}

template <class T, class Policy = simd::Native>
void check_math_accuracy() {
    const auto exp_ref = [](long double v) { return std::exp(v); };
    const auto sigmoid_ref = [](long double v) { return 1.0L / (1.0L + std::exp(-v)); };
    const auto tanh_ref = [](long double v) { return std::tanh(v); };
    const auto kexp = [](const Mat<T, Policy>& m) { return ctnet::kernels::exp<Policy>(m); };
    const auto ksigmoid = [](const Mat<T, Policy>& m) { return ctnet::kernels::sigmoid<Policy>(m); };
    const auto ktanh = [](const Mat<T, Policy>& m) { return ctnet::kernels::tanh<Policy>(m); };
    // The whole domain of exp (results from subnormal to near overflow) and a dense grid near 0.
    const T exp_lo = sizeof(T) == 4 ? T(-103) : T(-744);
    const T exp_hi = sizeof(T) == 4 ? T(88.5) : T(709.5);
    T at = 0;
    // Bounds documented in include/ctnet/kernels/simd_math.hpp.
    CHECK(max_ulp<T, Policy>(kexp, exp_ref, exp_lo, exp_hi, 400000, at) <= 1);
    INFO("exp worst at " << at);
    CHECK(max_ulp<T, Policy>(kexp, exp_ref, T(-1), T(1), 400000, at) <= 1);
    CHECK(max_ulp<T, Policy>(ksigmoid, sigmoid_ref, T(-100), T(40), 400000, at) <= 2);
    INFO("sigmoid worst at " << at);
    CHECK(max_ulp<T, Policy>(ksigmoid, sigmoid_ref, T(-1), T(1), 400000, at) <= 2);
    CHECK(max_ulp<T, Policy>(ktanh, tanh_ref, T(-20), T(20), 400000, at) <= 2);
    INFO("tanh worst at " << at);
    CHECK(max_ulp<T, Policy>(ktanh, tanh_ref, T(-1), T(1), 400000, at) <= 2);
    CHECK(max_ulp<T, Policy>(ktanh, tanh_ref, T(-1e-3), T(1e-3), 100000, at) <= 2);
    const auto erf_ref = [](long double v) { return std::erf(v); };
    const auto kerf = [](const Mat<T, Policy>& m) { return ctnet::kernels::erf<Policy>(m); };
    // Past the saturation point (4 in float, 6 in double), where the two branches meet (1), and
    // near 0, where only the polynomial of x^2 is left.
    CHECK(max_ulp<T, Policy>(kerf, erf_ref, T(-7), T(7), 400000, at) <= 2);
    INFO("erf worst at " << at);
    CHECK(max_ulp<T, Policy>(kerf, erf_ref, T(0.9), T(1.1), 400000, at) <= 2);
    CHECK(max_ulp<T, Policy>(kerf, erf_ref, T(-1e-3), T(1e-3), 100000, at) <= 2);
}

template <class T, class Policy = simd::Native>
void check_special_values() {
    constexpr T inf = std::numeric_limits<T>::infinity();
    constexpr T nan = std::numeric_limits<T>::quiet_NaN();
    // Nine specials and then full packs: every special sits in a pack.
    // -104 and -746: where sigmoid's exponential leaves T's range (it raises -|x| to them), 0
    // there; -100 and -740: inside, subnormal results (within one subnormal step without FMA,
    // where the numerator rounds twice).
    const T lowest = sizeof(T) == 4 ? T(-104) : T(-746);
    const T inside = sizeof(T) == 4 ? T(-100) : T(-740);
    auto x = Matrix<T, 1, 9 + 2 * simd::lanes<Policy, T>>::filled(T(0));
    const T specials[] = {T(0), -T(0), inf, -inf, nan, T(1e4), T(-1e4), lowest, inside};
    for (std::size_t k = 0; k < std::size(specials); ++k) x[k] = specials[k];
    const auto e = ctnet::kernels::exp<Policy>(x);
    const auto s = ctnet::kernels::sigmoid<Policy>(x);
    const auto t = ctnet::kernels::tanh<Policy>(x);
    const auto r = ctnet::kernels::relu<Policy>(x);
    const auto f = ctnet::kernels::erf<Policy>(x);
    CHECK(e[0] == T(1));
    CHECK(e[2] == inf);
    CHECK(e[3] == T(0));
    CHECK(std::isnan(e[4]));
    CHECK(e[5] == inf);
    CHECK(e[6] == T(0));
    CHECK(s[0] == T(0.5));
    CHECK(s[2] == T(1));
    CHECK(s[3] == T(0));
    CHECK(std::isnan(s[4]));
    CHECK(s[5] == T(1));
    CHECK(s[6] == T(0));
    CHECK(s[7] == T(0));
    const long double tiny = std::exp(static_cast<long double>(inside));
    const T expected_inside = static_cast<T>(tiny / (1 + tiny));
    CHECK(expected_inside > 16 * std::numeric_limits<T>::denorm_min());
    CHECK(std::fabs(s[8] - expected_inside) <= std::numeric_limits<T>::denorm_min());
    CHECK((t[0] == T(0) && !std::signbit(t[0])));
    CHECK((t[1] == T(0) && std::signbit(t[1])));  // tanh(-0) = -0
    CHECK(t[2] == T(1));
    CHECK(t[3] == T(-1));
    CHECK(std::isnan(t[4]));
    CHECK(t[5] == T(1));
    CHECK(t[6] == T(-1));
    CHECK((f[0] == T(0) && !std::signbit(f[0])));
    CHECK((f[1] == T(0) && std::signbit(f[1])));  // erf(-0) = -0
    CHECK(f[2] == T(1));
    CHECK(f[3] == T(-1));
    CHECK(std::isnan(f[4]));
    CHECK(f[5] == T(1));
    CHECK(f[6] == T(-1));
    CHECK(f[7] == T(-1));
    // ReLU as ctnet::ReLU::value, x > 0 ? x : 0: +0 for -0, 0 for NaN.
    for (std::size_t k = 0; k < x.size; ++k) {
        const T expected = x[k] > T(0) ? x[k] : T(0);
        CHECK(std::memcmp(&r[k], &expected, sizeof(T)) == 0);
    }
}

}  // namespace

TEST_CASE("vectorised exp, sigmoid, tanh and erf stay within their ulp bounds", "[kernels]") {
    check_math_accuracy<float>();
    check_math_accuracy<double>();
    check_special_values<float>();
    check_special_values<double>();
}

namespace {

template <class Policy, class T, std::size_t N, bool MapsOnly>
void check_elementwise_backward(Worst& worst, const Matrix<T, 2, N>& x, Values& v);

/// MapsOnly: the maps, softmax and the backward maps, without the reductions (sum_of_squares,
/// all_finite): what the AVX2 copy of the run-time dispatch provides.
template <class Policy, class T, std::size_t N, bool MapsOnly = false>
void check_elementwise(Worst& worst) {
    Values v{N};
    auto x = random_matrix<T, 2, N>(v);
    x[0] = T(0);
    x[1] = -T(0);
    const auto y = ctnet::kernels::relu<Policy>(x);
    const auto softmax = ctnet::kernels::softmax_rows<Policy>(x);
    const std::string n = " N=" + std::to_string(N);
    const double eps = static_cast<double>(std::numeric_limits<T>::epsilon());
    for (std::size_t k = 0; k < x.size; ++k) {
        const double xv = static_cast<double>(x[k]);
        worst.add(y[k], xv > 0 ? xv : 0.0, 0, "relu" + n);
        CHECK_FALSE(std::signbit(y[k]));  // relu(-0) = +0
    }
    for (std::size_t b = 0; b < 2; ++b) {
        double largest = static_cast<double>(x(b, 0)), sum = 0;
        for (std::size_t i = 1; i < N; ++i) largest = std::max(largest, static_cast<double>(x(b, i)));
        for (std::size_t i = 0; i < N; ++i) sum += std::exp(static_cast<double>(x(b, i)) - largest);
        for (std::size_t i = 0; i < N; ++i) {
            const double expected = std::exp(static_cast<double>(x(b, i)) - largest) / sum;
            worst.add(softmax(b, i), expected, (4 + static_cast<double>(N)) * eps * expected, "softmax_rows" + n);
        }
    }
    check_elementwise_backward<Policy, T, N, MapsOnly>(worst, x, v);
}

template <class Policy, class T, std::size_t N, bool MapsOnly>
void check_elementwise_backward(Worst& worst, const Matrix<T, 2, N>& x, Values& v) {
    const std::string n = " N=" + std::to_string(N);
    const double eps = static_cast<double>(std::numeric_limits<T>::epsilon());
    const auto g = random_matrix<T, 2, N>(v);
    const auto dr = ctnet::kernels::relu_backward<Policy>(x, g);
    const auto ds = ctnet::kernels::sigmoid_backward<Policy>(x, g);
    const auto dt = ctnet::kernels::tanh_backward<Policy>(x, g);
    for (std::size_t k = 0; k < x.size; ++k) {
        const double xv = static_cast<double>(x[k]), gv = static_cast<double>(g[k]);
        worst.add(dr[k], xv > 0 ? gv : 0.0, 0, "relu_backward" + n);
        worst.add(ds[k], gv * xv * (1 - xv), 4 * eps * std::abs(gv * xv * (1 - xv)) + 2 * eps * std::abs(gv * xv),
                  "sigmoid_backward" + n);
        worst.add(dt[k], gv * (1 - xv * xv), 4 * eps * std::abs(gv) * (1 + xv * xv), "tanh_backward" + n);
    }
    if constexpr (!MapsOnly) {
        double squares = 0;
        for (const T value : x) squares += static_cast<double>(value) * static_cast<double>(value);
        worst.add(ctnet::kernels::sum_of_squares<Policy>(x), squares, sum_tolerance<T>(x.size, squares),
                  "sum_of_squares" + n);
        worst.add(ctnet::kernels::all_finite<Policy>(x) ? 1 : 0, 1, 0, "all_finite" + n);
        auto y_nan = x;
        y_nan[N - 1] = std::numeric_limits<T>::quiet_NaN();
        auto y_inf = x;
        y_inf[0] = -std::numeric_limits<T>::infinity();
        worst.add(ctnet::kernels::all_finite<Policy>(y_nan) ? 1 : 0, 0, 0, "all_finite(NaN)" + n);
        worst.add(ctnet::kernels::all_finite<Policy>(y_inf) ? 1 : 0, 0, 0, "all_finite(-inf)" + n);
    }
}

template <class Policy, class T, bool MapsOnly, std::size_t... N>
void check_elementwise_sizes(Worst& worst, std::index_sequence<N...>) {
    (check_elementwise<Policy, T, N, MapsOnly>(worst), ...);
}

template <class Policy, class T, bool MapsOnly = false>
void check_elementwise_all() {
    Worst worst;
    constexpr std::size_t w = simd::lanes<Policy, T>;
    check_elementwise_sizes<Policy, T, MapsOnly>(worst,
                                                    std::index_sequence<1, (w > 1 ? w - 1 : 2), w, w + 1, 2 * w + 1>{});
    check_elementwise_sizes<Policy, T, MapsOnly>(worst, std::index_sequence<10>{});
    INFO(worst.where);
    CHECK(worst.excess <= 0);
}

}  // namespace

TEST_CASE("element-wise kernels, softmax and reductions match a double-precision reference", "[kernels]") {
    check_elementwise_all<simd::Native, float>();
    check_elementwise_all<simd::Native, double>();
    check_elementwise_all<simd::Scalar, float>();
    check_elementwise_all<simd::Scalar, double>();
    for_each_wider_policy<simd::native_bytes>([]<class Policy>() {
        check_elementwise_all<Policy, float>();
        check_elementwise_all<Policy, double>();
    });
}

namespace {

template <std::size_t N, std::size_t R>
void check_row_sums() {
    using T = float;
    using V = simd::pack<T, N>;
    V rows[R];
    float expected[R] = {};
    for (std::size_t r = 0; r < R; ++r) {
        T lanes[N];
        for (std::size_t l = 0; l < N; ++l) {
            lanes[l] = static_cast<T>((r + 1) * 100 + l);  // exact in float
            expected[r] += lanes[l];
        }
        rows[r] = simd::load<N>(lanes);
    }
    T out[R];
    simd::store_row_sums<N, true, T, N, R>(rows, out, T(0.5));
    for (std::size_t r = 0; r < R; ++r) {
        INFO("N = " << N << ", R = " << R << ", row " << r);
        CHECK(out[r] == expected[r] + 0.5f);
    }
}

/// Only widths the target's registers hold (wider packs would change the calling convention).
template <std::size_t Bytes>
void check_row_sums_up_to() {
    check_row_sums<1, 1>();
    check_row_sums<1, 8>();
    if constexpr (Bytes >= 16) {
        check_row_sums<4, 1>();
        check_row_sums<4, 2>();
        check_row_sums<4, 4>();
        check_row_sums<4, 16>();
    }
    if constexpr (Bytes >= 64) {
        check_row_sums<16, 1>();
        check_row_sums<16, 4>();
        check_row_sums<16, 16>();
        check_row_sums<16, 32>();
    }
}

}  // namespace

TEST_CASE("the transposing reduction sums every row", "[kernels]") { check_row_sums_up_to<simd::native_bytes>(); }

namespace {

/// simd::sqrt on packs of N lanes against std::sqrt, bit for bit (both are correctly rounded): a
/// grid over many binades, subnormals, 0, -0, infinity, and negative values and NaN (NaN out).
template <class T, std::size_t N>
std::size_t sqrt_mismatches() {
    using L = std::numeric_limits<T>;
    std::vector<T> values = {T(0),           -T(0),       L::infinity(), -T(1), -L::infinity(), L::quiet_NaN(),
                             L::denorm_min(), L::min(),    L::max(),      T(2),  T(0.25)};
    Values v{N * 7919 + sizeof(T)};
    for (int e = -60; e <= 60; e += 3)
        for (int k = 0; k < 20; ++k) values.push_back(static_cast<T>(std::ldexp(1.5 + 0.5 * v.next(), e)));
    while (values.size() % N != 0) values.push_back(T(3));
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < values.size(); i += N) {
        const auto x = simd::load<N>(values.data() + i);
        const auto y = simd::sqrt<T, N>(x);
        T out[N];
        simd::store(out, y);
        for (std::size_t j = 0; j < N; ++j) {
            const T expected = std::sqrt(values[i + j]);
            const bool same =
                std::isnan(expected) ? std::isnan(out[j]) : std::memcmp(&out[j], &expected, sizeof(T)) == 0;
            if (!same && mismatches++ == 0)
                UNSCOPED_INFO("sqrt of " << values[i + j] << " on " << N << " lanes: " << out[j]);
        }
    }
    return mismatches;
}

/// simd::pick on packs of N lanes against the selections it stands for, a > b ? a : b and
/// a < b ? a : b, bit for bit: every pair of values from a list with both zeros, infinities, NaN
/// and values either side of each other.
template <class T, std::size_t N>
std::size_t pick_mismatches() {
    using L = std::numeric_limits<T>;
    const T values[] = {T(0), -T(0), T(1), T(-1), T(2.5), L::infinity(), -L::infinity(), L::quiet_NaN(),
                        -L::quiet_NaN(), L::denorm_min(), L::max(), L::lowest()};
    std::vector<T> a, b;
    for (T u : values)
        for (T w : values) a.push_back(u), b.push_back(w);
    while (a.size() % N != 0) a.push_back(T(3)), b.push_back(T(-3));
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < a.size(); i += N) {
        T greater[N], less[N];
        simd::store(greater, simd::pick<true, T, N>(simd::load<N>(a.data() + i), simd::load<N>(b.data() + i)));
        simd::store(less, simd::pick<false, T, N>(simd::load<N>(a.data() + i), simd::load<N>(b.data() + i)));
        for (std::size_t j = 0; j < N; ++j) {
            const T u = a[i + j], w = b[i + j];
            const T expected_greater = u > w ? u : w, expected_less = u < w ? u : w;
            if (std::memcmp(&greater[j], &expected_greater, sizeof(T)) != 0 ||
                std::memcmp(&less[j], &expected_less, sizeof(T)) != 0) {
                if (mismatches++ == 0)
                    UNSCOPED_INFO("pick of " << u << ", " << w << " on " << N << " lanes: " << greater[j] << ", " << less[j]);
            }
        }
    }
    return mismatches;
}

}  // namespace

/// Every width up to the target's registers (wider packs are not passed by value in a build
/// without them: -Wpsabi).
template <class T, std::size_t N = 1>
void check_lane_op_widths() {
    CHECK(sqrt_mismatches<T, N>() == 0);
    CHECK(pick_mismatches<T, N>() == 0);
    if constexpr (N * sizeof(T) < (simd::native_bytes > 16 ? simd::native_bytes : 16)) check_lane_op_widths<T, 2 * N>();
}

TEST_CASE("simd::sqrt and simd::pick are std::sqrt and the selections on every pack width", "[kernels]") {
    check_lane_op_widths<float>();
    check_lane_op_widths<double>();
}

namespace {

/// kernels::leaky_relu and leaky_relu_backward on Policy against the formulas they stand for,
/// x > 0 ? x : s x and g (y > 0 ? 1 : s), bit for bit (NaN too: both sides give s x there), and
/// the scalar formula of LeakyReLU::value likewise: both zeros, infinities, both NaNs, the least
/// subnormals, the extremes, and random values, over a width with full packs and a remainder.
template <class Policy, class T, class Slope>
std::size_t leaky_mismatches() {
    using L = std::numeric_limits<T>;
    const T specials[] = {T(0),           -T(0),           L::infinity(),     -L::infinity(),
                          L::quiet_NaN(), -L::quiet_NaN(), L::denorm_min(),   -L::denorm_min(),
                          L::max(),       L::lowest(),     T(1),              T(-1)};
    constexpr std::size_t count = std::size(specials) + 2 * simd::lanes<Policy, T> + 3;
    Values v{count};
    Matrix<T, 1, count> x, g;
    for (std::size_t k = 0; k < count; ++k) {
        x[k] = k < std::size(specials) ? specials[k] : static_cast<T>(4 * v.next());
        g[k] = static_cast<T>(v.next());
    }
    const T slope = static_cast<T>(Slope::num) / static_cast<T>(Slope::den);
    const auto y = ctnet::kernels::leaky_relu<Slope, Policy>(x);
    const auto dx = ctnet::kernels::leaky_relu_backward<Slope, Policy>(y, g);
    std::size_t mismatches = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const T expected = x[k] > T(0) ? x[k] : slope * x[k];
        const T scalar = ctnet::kernels::detail::leaky_relu_value<Slope>(x[k]);
        const T expected_dx = g[k] * (expected > T(0) ? T(1) : slope);
        if (std::memcmp(&y[k], &expected, sizeof(T)) != 0 || std::memcmp(&scalar, &expected, sizeof(T)) != 0 ||
            std::memcmp(&dx[k], &expected_dx, sizeof(T)) != 0) {
            if (mismatches++ == 0)
                UNSCOPED_INFO("leaky_relu, slope " << slope << ", of " << x[k] << ": " << y[k] << " (scalar " << scalar
                                                   << ", expected " << expected << "), gradient " << dx[k]
                                                   << " (expected " << expected_dx << ")");
        }
    }
    return mismatches;
}

template <class Policy>
void check_leaky_relu() {
    using Hundredth = std::ratio<1, 100>;
    using Zero = std::ratio<0>;        // x > s x fails at +inf there (0 inf is NaN)
    using Fifth = std::ratio<1, 5>;
    using Near1 = std::ratio<999999, 1000000>;  // s x rounds back to x for the least subnormals
    CHECK(leaky_mismatches<Policy, float, Hundredth>() == 0);
    CHECK(leaky_mismatches<Policy, float, Zero>() == 0);
    CHECK(leaky_mismatches<Policy, float, Fifth>() == 0);
    CHECK(leaky_mismatches<Policy, float, Near1>() == 0);
    CHECK(leaky_mismatches<Policy, double, Hundredth>() == 0);
    CHECK(leaky_mismatches<Policy, double, Zero>() == 0);
    CHECK(leaky_mismatches<Policy, double, Near1>() == 0);
}

}  // namespace

namespace {

/// ELU (alpha 1) where its vectorised e^x - 1 is delicate: small |x| keep their relative accuracy
/// (e^x - 1 from e^x would not), -0 stays -0, +-inf, NaN, and below ExpConstants' lowest argument.
template <class Policy, class T>
void check_elu_special_values() {
    using L = std::numeric_limits<T>;
    const T specials[] = {T(-1e-3), T(-1e-5), T(-1e-7), T(-1e-20), -L::denorm_min(), -T(0), T(0),
                          L::infinity(),  -L::infinity(), L::quiet_NaN(), T(-0.35), T(-0.34), T(-700), T(-1000)};
    constexpr std::size_t count = std::size(specials) + 2 * simd::lanes<Policy, T>;
    auto x = Matrix<T, 1, count>::filled(T(-0.5));
    for (std::size_t k = 0; k < std::size(specials); ++k) x[k] = specials[k];
    const auto y = ctnet::kernels::elu<std::ratio<1>, Policy>(x);
    const long double eps = L::epsilon();
    Worst worst;
    for (std::size_t k = 0; k < count; ++k) {
        const long double xv = x[k];
        if (!std::isfinite(xv) || xv == 0) continue;
        const long double ref = std::expm1(xv);
        worst.add(static_cast<double>(y[k]), static_cast<double>(ref),
                  static_cast<double>(2 * eps * std::abs(ref) + L::denorm_min()),
                  "elu of " + std::to_string(static_cast<double>(xv)));
    }
    INFO(worst.where);
    CHECK(worst.excess <= 0);
    CHECK((y[5] == T(0) && std::signbit(y[5])));  // -0
    CHECK((y[6] == T(0) && !std::signbit(y[6])));
    CHECK(y[7] == L::infinity());
    CHECK(y[8] == T(-1));
    CHECK(std::isnan(y[9]));
}

/// Softplus at its edges: torch's threshold (x itself above 20, the formula at 20), the far
/// negative side (e^-|x| subnormal or 0: the result is e^x, then 0), the infinities and NaN.
template <class Policy, class T>
void check_softplus_special_values() {
    using L = std::numeric_limits<T>;
    const T specials[] = {T(20.5), T(20), T(-90), T(-800), L::infinity(), -L::infinity(), L::quiet_NaN(), T(0)};
    constexpr std::size_t count = std::size(specials) + 2 * simd::lanes<Policy, T>;
    auto x = Matrix<T, 1, count>::filled(T(1));
    for (std::size_t k = 0; k < std::size(specials); ++k) x[k] = specials[k];
    const auto y = ctnet::kernels::softplus<Policy>(x);
    const long double eps = L::epsilon();
    CHECK(y[0] == T(20.5));
    CHECK(std::abs(static_cast<long double>(y[1]) - (20 + std::log1p(std::exp(-20.0L)))) <= 20 * eps);
    const long double far = std::exp(static_cast<long double>(T(-90)));  // subnormal in float
    CHECK(std::abs(static_cast<long double>(y[2]) - far) <= 2 * eps * far + L::denorm_min());
    CHECK(y[3] == T(0));
    CHECK(y[4] == L::infinity());
    CHECK(y[5] == T(0));
    CHECK(std::isnan(y[6]));
    CHECK(std::abs(static_cast<long double>(y[7]) - std::log(2.0L)) <= eps * std::log(2.0L));
}

/// SiLU, GELU (tanh and erf forms), ELU (alpha 3/2) and Softplus, forward and backward from the
/// input, against their formulas in long double over [-12, 12] (both sides of their bends, and
/// where they saturate). Bounds in units of eps = T's epsilon: the vectorised sigmoid, tanh and
/// erf are within 2 ulp, the rest is a few roundings and the cancellations of the formulas
/// themselves (1 - s at large x, 1 + tanh and 1 + erf at very negative x, the same in torch),
/// which bound the error by |x| eps rather than by the result.
template <class Policy, class T>
void check_smooth_activations() {
    constexpr std::size_t count = 2 * simd::lanes<Policy, T> + 3 + 240;
    Values v{count};
    Matrix<T, 1, count> x, g;
    for (std::size_t k = 0; k < count; ++k) {
        x[k] = static_cast<T>(12 * v.next());
        g[k] = static_cast<T>(v.next());
    }
    x[0] = T(0);
    const auto silu = ctnet::kernels::silu<Policy>(x);
    const auto silu_dx = ctnet::kernels::silu_backward<Policy>(x, g);
    const auto gelu = ctnet::kernels::gelu_tanh<Policy>(x);
    const auto gelu_dx = ctnet::kernels::gelu_tanh_backward<Policy>(x, g);
    const auto elu = ctnet::kernels::elu<std::ratio<3, 2>, Policy>(x);
    const auto elu_dx = ctnet::kernels::elu_backward<std::ratio<3, 2>, Policy>(x, g);
    const auto softplus = ctnet::kernels::softplus<Policy>(x);
    const auto softplus_dx = ctnet::kernels::softplus_backward<Policy>(x, g);
    const auto gelu_erf = ctnet::kernels::gelu<Policy>(x);
    const auto gelu_erf_dx = ctnet::kernels::gelu_backward<Policy>(x, g);
    const long double eps = std::numeric_limits<T>::epsilon();
    const long double c = 0.79788456080286535588L, k3 = 0.044715L;
    Worst worst;
    for (std::size_t k = 0; k < count; ++k) {
        const long double xv = x[k], gv = g[k], ax = std::abs(xv);
        const long double s = 1 / (1 + std::exp(-xv));
        const long double silu_ref = xv * s, silu_d = gv * s * (1 + xv * (1 - s));
        const long double t = std::tanh(c * (xv + k3 * xv * xv * xv)), dinner = c * (1 + 3 * k3 * xv * xv);
        const long double gelu_ref = 0.5L * xv * (1 + t);
        const long double gelu_d = gv * (0.5L * (1 + t) + 0.5L * xv * (1 - t * t) * dinner);
        const auto add = [&](T got, long double expected, long double tolerance, const char* what) {
            worst.add(static_cast<double>(got), static_cast<double>(expected), static_cast<double>(tolerance),
                      std::string(what) + " of " + std::to_string(static_cast<double>(xv)));
        };
        add(silu[k], silu_ref, 4 * eps * std::abs(silu_ref), "silu");
        add(silu_dx[k], silu_d, 4 * eps * std::abs(gv) * (ax + 2), "silu_backward");
        add(gelu[k], gelu_ref, 4 * eps * (std::abs(gelu_ref) + ax), "gelu_tanh");
        add(gelu_dx[k], gelu_d, 4 * eps * std::abs(gv) * (2 + ax * (1 + dinner)), "gelu_tanh_backward");
        const long double elu_ref = xv > 0 ? xv : 1.5L * std::expm1(xv), elu_d = gv * (xv > 0 ? 1 : 1.5L * std::exp(xv));
        add(elu[k], elu_ref, 4 * eps * std::abs(elu_ref), "elu");
        add(elu_dx[k], elu_d, 4 * eps * std::abs(elu_d), "elu_backward");
        const long double softplus_ref = std::max(xv, 0.0L) + std::log1p(std::exp(-ax));
        add(softplus[k], softplus_ref, 4 * eps * softplus_ref, "softplus");
        add(softplus_dx[k], gv * s, 4 * eps * std::abs(gv * s), "softplus_backward");
        const long double cdf = (1 + std::erf(xv / std::sqrt(2.0L))) / 2;
        const long double pdf = std::exp(-xv * xv / 2) / std::sqrt(2 * 3.14159265358979323846264L);
        add(gelu_erf[k], xv * cdf, 4 * eps * (std::abs(xv * cdf) + ax), "gelu");
        add(gelu_erf_dx[k], gv * (cdf + xv * pdf), 4 * eps * std::abs(gv) * (2 + ax), "gelu_backward");
    }
    INFO(worst.where);
    CHECK(worst.excess <= 0);
    CHECK(silu[0] == T(0));
    CHECK(gelu[0] == T(0));
    CHECK(gelu_erf[0] == T(0));
    CHECK(gelu_erf_dx[0] == g[0] / 2);
    check_elu_special_values<Policy, T>();
    check_softplus_special_values<Policy, T>();
}

template <class Policy>
void check_smooth_activations_both() {
    check_smooth_activations<Policy, float>();
    check_smooth_activations<Policy, double>();
}

}  // namespace

TEST_CASE("SiLU's, GELU's (both forms), ELU's and Softplus's kernels match their formulas in long double, "
          "on every policy",
          "[kernels]") {
    check_smooth_activations_both<simd::Native>();
    check_smooth_activations_both<simd::Scalar>();
    if constexpr (simd::native_bytes > 16) check_smooth_activations_both<simd::Vector<16>>();
    for_each_wider_policy<simd::native_bytes>([]<class Policy>() { check_smooth_activations_both<Policy>(); });
}

namespace {

/// kernels::detail::clamp_values_of_tensors (clip_gradient_value at run time) against the clamp it
/// stands for, torch.clamp(g, -c, c), bit for bit: tensors of sizes around the native width (whole
/// packs and every remainder), values with both zeros, infinities, NaN and both sides of +-c, and
/// c = 0.5, 0, +inf and a negative c (every number becomes c, as torch's clamp gives max there).
template <class T>
std::size_t clamp_mismatches(T c) {
    using L = std::numeric_limits<T>;
    constexpr std::size_t lanes = simd::lanes<simd::Native, T>;
    const T specials[] = {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), T(0.5), T(-0.5), T(0.25)};
    std::vector<std::vector<T>> before;
    for (std::size_t size : {std::size_t{1}, lanes - 1, lanes, lanes + 1, 4 * lanes + 3, 4 * lanes + lanes - 1}) {
        Values v{size};
        std::vector<T> values(size);
        for (std::size_t k = 0; k < size; ++k)
            values[k] = k < std::size(specials) ? specials[(k + size) % std::size(specials)] : static_cast<T>(v.next());
        before.push_back(values);
    }
    auto after = before;
    std::vector<ctnet::kernels::TensorRef<T>> tensors;
    for (auto& values : after) tensors.push_back({values.data(), values.size()});
    ctnet::kernels::detail::clamp_values_of_tensors(tensors.data(), tensors.size(), c);
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < before.size(); ++i) {
        for (std::size_t k = 0; k < before[i].size(); ++k) {
            const T g = before[i][k];
            const T lower = -c > g ? -c : g;
            const T expected = c < lower ? c : lower;
            if (std::memcmp(&after[i][k], &expected, sizeof(T)) != 0 && mismatches++ == 0)
                UNSCOPED_INFO("clamp of " << g << " to " << c << ": " << after[i][k] << ", expected " << expected);
        }
    }
    return mismatches;
}

}  // namespace

TEST_CASE("clipping by value clamps every gradient as torch.clamp, bit for bit", "[kernels]") {
    for (const double c : {0.5, 0.0, std::numeric_limits<double>::infinity(), -0.25}) {
        CHECK(clamp_mismatches(static_cast<float>(c)) == 0);
        CHECK(clamp_mismatches(c) == 0);
    }
    // -0.25: torch.clamp(g, 0.25, -0.25) is -0.25 for every number; NaN stays NaN.
    float values[3] = {0.75f, -2.0f, std::numeric_limits<float>::quiet_NaN()};
    const ctnet::kernels::TensorRef<float> tensor{values, 3};
    ctnet::kernels::detail::clamp_values_of_tensors(&tensor, 1, -0.25f);
    CHECK((values[0] == -0.25f && values[1] == -0.25f && std::isnan(values[2])));
}

TEST_CASE("LeakyReLU's kernels are its formula bit for bit, on every policy", "[kernels]") {
    check_leaky_relu<simd::Native>();
    check_leaky_relu<simd::Scalar>();
    if constexpr (simd::native_bytes > 16) check_leaky_relu<simd::Vector<16>>();
    for_each_wider_policy<simd::native_bytes>([]<class Policy>() { check_leaky_relu<Policy>(); });
}

// ---- the AVX2 copy of the run-time dispatch (kernels/dispatch.hpp) -----------------------------
// Called here from baseline code: each kernel on DispatchPolicy hands its work to the copy
// compiled for AVX2 and FMA, through a call. Only where this processor runs that copy.

TEST_CASE("dispatch: forward_target says whether this processor runs the AVX2 copy", "[kernels][dispatch]") {
#if CTNET_DISPATCH
    const bool avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    CHECK((ctnet::forward_target() == ctnet::ForwardTarget::avx2_fma) == avx2_fma);
#else
    CHECK(ctnet::forward_target() == ctnet::ForwardTarget::compiled);
#endif
}

#if CTNET_DISPATCH
TEST_CASE("dispatch: the AVX2 copy's kernels match a double-precision reference", "[kernels][dispatch]") {
    if (!ctnet::kernels::dispatch_available()) {
        WARN("this processor lacks AVX2 or FMA: the AVX2 copy is not run here");
        return;
    }
    using P = ctnet::kernels::DispatchPolicy;
    check_dense_all<P, float>();
    check_dense_all<P, double>();
    check_elementwise_all<P, float, true>();
    check_elementwise_all<P, double, true>();
    check_math_accuracy<float, P>();
    check_math_accuracy<double, P>();
    check_special_values<float, P>();
    check_special_values<double, P>();
    check_leaky_relu<P>();
    check_smooth_activations_both<P>();
}
#endif

#if CTNET_DISPATCH
namespace {

template <class T, std::size_t R, std::size_t C>
bool same_bits(const Matrix<T, R, C>& a, const Matrix<T, R, C>& b) {
    return std::memcmp(a.data, b.data, sizeof a.data) == 0;
}

/// A batch's kernels on the default policy (what training runs), against the same kernels on
/// DispatchPolicy (the AVX2 copy): equal bits. Returns whether any product also differs from a
/// baseline policy that is never dispatched: the copies sum in other orders (8 lanes, not 4; and
/// in optimised builds with fused multiply-adds), so on most data equal bits show which code ran.
template <class T, std::size_t B, std::size_t In, std::size_t Out>
bool check_batch_routed() {
    using P = ctnet::kernels::DispatchPolicy;
    using Baseline = simd::Vector<16, 8>;  // the baseline's lanes under a name never dispatched
    Values v{B * 7919u + In * 104729u + Out};
    const auto x = random_matrix<T, B, In>(v);
    const auto wt = random_matrix<T, In, Out>(v);
    const auto bias = random_matrix<T, 1, Out>(v);
    const auto dy = random_matrix<T, B, Out>(v);
    INFO("batch " << B << ", " << In << " -> " << Out << (sizeof(T) == 4 ? ", float" : ", double"));
    namespace k = ctnet::kernels;

    const auto y = k::affine(x, wt, bias);
    CHECK(same_bits(y, k::affine<P>(x, wt, bias)));
    bool differs = !same_bits(y, k::affine<Baseline>(x, wt, bias));

    Matrix<T, In, Out> g, g_copy, g_baseline;
    k::store_weight_gradient(g, x, dy);
    k::store_weight_gradient<P>(g_copy, x, dy);
    k::store_weight_gradient<Baseline>(g_baseline, x, dy);
    CHECK(same_bits(g, g_copy));
    differs = differs || !same_bits(g, g_baseline);
    k::accumulate_weight_gradient(g, x, dy);
    k::accumulate_weight_gradient<P>(g_copy, x, dy);
    CHECK(same_bits(g, g_copy));

    Vector<T, Out> gb = bias, gb_copy = bias;
    k::accumulate_bias_gradient(gb, dy);
    k::accumulate_bias_gradient<P>(gb_copy, dy);
    CHECK(same_bits(gb, gb_copy));

    const auto dx = k::linear_input_gradient(dy, wt);
    CHECK(same_bits(dx, k::linear_input_gradient<P>(dy, wt)));
    differs = differs || !same_bits(dx, k::linear_input_gradient<Baseline>(dy, wt));

    CHECK(same_bits(k::tanh(y), k::tanh<P>(y)));
    CHECK(same_bits(k::sigmoid(y), k::sigmoid<P>(y)));
    CHECK(same_bits(k::softmax_rows(y), k::softmax_rows<P>(y)));
    CHECK(same_bits(k::tanh_backward(y, dy), k::tanh_backward<P>(y, dy)));
    CHECK(same_bits(k::sigmoid_backward(y, dy), k::sigmoid_backward<P>(y, dy)));
    using Slope = std::ratio<1, 100>;
    CHECK(same_bits(k::leaky_relu<Slope>(y), k::leaky_relu<Slope, P>(y)));
    CHECK(same_bits(k::leaky_relu_backward<Slope>(y, dy), k::leaky_relu_backward<Slope, P>(y, dy)));
    CHECK(same_bits(k::silu(y), k::silu<P>(y)));
    CHECK(same_bits(k::silu_backward(y, dy), k::silu_backward<P>(y, dy)));
    CHECK(same_bits(k::gelu_tanh(y), k::gelu_tanh<P>(y)));
    CHECK(same_bits(k::gelu_tanh_backward(y, dy), k::gelu_tanh_backward<P>(y, dy)));
    CHECK(same_bits(k::elu<std::ratio<1>>(y), k::elu<std::ratio<1>, P>(y)));
    CHECK(same_bits(k::elu_backward<std::ratio<1>>(y, dy), k::elu_backward<std::ratio<1>, P>(y, dy)));
    CHECK(same_bits(k::softplus(y), k::softplus<P>(y)));
    CHECK(same_bits(k::softplus_backward(y, dy), k::softplus_backward<P>(y, dy)));
    CHECK(same_bits(k::gelu(y), k::gelu<P>(y)));
    CHECK(same_bits(k::gelu_backward(y, dy), k::gelu_backward<P>(y, dy)));
    CHECK(same_bits(k::erf(y), k::erf<P>(y)));
    return differs;
}

}  // namespace

TEST_CASE("dispatch: a batch's kernels on the default policy run the AVX2 copy", "[kernels][dispatch]") {
    if (!ctnet::kernels::dispatch_available()) {
        WARN("this processor lacks AVX2 or FMA: the AVX2 copy is not run here");
        return;
    }
    bool told_apart = check_batch_routed<float, 32, 64, 128>();  // T4's first layer
    told_apart = check_batch_routed<float, 32, 20, 1>() || told_apart;  // T1's last
    told_apart = check_batch_routed<double, 5, 33, 17>() || told_apart;
    CHECK(told_apart);  // else equal bits would not show which copy ran
}
#endif
