// Accuracy of ctnet/math.hpp: sweeps of each constexpr implementation (called at run
// time) against long double <cmath> references, with the documented ulp bounds in one
// table (kFloatCases, kDoubleCases); special values; agreement of constant evaluation
// with run-time calls; run-time twins of tests/static/math_static.cpp.
//
// Built normally, this is a Catch2 test file (no main). Built with -DCTNET_MATH_TABLE it
// is instead the program that writes docs/math_accuracy.md, with denser sweeps:
//   g++ -std=c++20 -O2 -Iinclude -DCTNET_MATH_TABLE tests/runtime/math_accuracy.cpp
//       -o /tmp/math_table && /tmp/math_table > docs/math_accuracy.md
#include <ctnet/math.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

namespace {

namespace cm = ctnet::math;
namespace impl = ctnet::math::detail;

enum class Sampling {
    uniform,         // x uniform in [lo, hi]: weights every part of the range by its length
    all_magnitudes,  // uniform over the encodings in [lo, hi]: every binade equally often
};

template <class T>
struct AccuracyCase {
    const char* function;
    Sampling sampling;
    T lo;
    T hi;
    std::uint64_t bound_ulp;  // documented bound on ulp_distance(result, correctly rounded)
    std::size_t test_points;  // points in the Catch2 sweep; the table mode uses 150 times more
    T (*implementation)(T);
    long double (*reference)(long double);
    T (*correctly_rounded)(T);  // when the long double reference is not enough; or nullptr
};

constexpr float kFloatMax = std::numeric_limits<float>::max();
constexpr double kDoubleMax = std::numeric_limits<double>::max();
constexpr float kFloatTiny = std::numeric_limits<float>::denorm_min();
constexpr double kDoubleTiny = std::numeric_limits<double>::denorm_min();

// References: <cmath> in long double (64-bit significand on x86-64), 11 bits more than
// double, so their own error (about an ulp of long double) is 1/2000 of a double ulp.
// std:: functions cannot portably have their address taken, hence the wrappers.
long double reference_exp(long double x) { return std::exp(x); }
long double reference_expm1(long double x) { return std::expm1(x); }
long double reference_log(long double x) { return std::log(x); }
long double reference_log1p(long double x) { return std::log1p(x); }
long double reference_tanh(long double x) { return std::tanh(x); }
long double reference_sqrt(long double x) { return std::sqrt(x); }
long double reference_erf(long double x) { return std::erf(x); }
long double reference_sigmoid(long double x) { return 1.0L / (1.0L + std::exp(-x)); }
// sqrt's long double value rounded again to double could misround (double rounding);
// IEEE-754 makes std::sqrt itself correctly rounded.
template <class T>
T correctly_rounded_sqrt(T x) { return std::sqrt(x); }
// Not constexpr: the run-time path of ctnet::math::sigmoid.
template <class T>
T run_time_sigmoid(T x) { return cm::sigmoid(x); }

// The documented bounds: docs/math_accuracy.md prints the same table with measurements.
// Ranges reach past the overflow and underflow thresholds so that saturation is swept too.
// Test points: 7e4 to 9e4 per function and type, so that the whole file runs in a few
// seconds at -O0 under ASan+UBSan. The narrow uniform ranges look closer where the
// error is largest (expm1 and tanh just past the reduction boundary ln(2)/2).
// clang-format off
const AccuracyCase<float> kFloatCases[] = {
    {"exp", Sampling::uniform, -110.0f, 90.0f, 1, 40'000, impl::exp_impl, reference_exp, nullptr},
    {"exp", Sampling::all_magnitudes, -110.0f, 90.0f, 1, 30'000,
     impl::exp_impl, reference_exp, nullptr},
    {"expm1", Sampling::uniform, -20.0f, 90.0f, 1, 40'000,
     impl::expm1_impl, reference_expm1, nullptr},
    {"expm1", Sampling::uniform, -1.0f, 2.0f, 1, 20'000,
     impl::expm1_impl, reference_expm1, nullptr},
    {"expm1", Sampling::all_magnitudes, -110.0f, 90.0f, 1, 30'000,
     impl::expm1_impl, reference_expm1, nullptr},
    {"log", Sampling::uniform, 0.25f, 4.0f, 1, 40'000, impl::log_impl, reference_log, nullptr},
    {"log", Sampling::all_magnitudes, kFloatTiny, kFloatMax, 1, 30'000,
     impl::log_impl, reference_log, nullptr},
    {"log1p", Sampling::uniform, -0.75f, 2.0f, 1, 40'000,
     impl::log1p_impl, reference_log1p, nullptr},
    {"log1p", Sampling::all_magnitudes, -0x1.fffffep-1f, kFloatMax, 1, 30'000,
     impl::log1p_impl, reference_log1p, nullptr},
    {"tanh", Sampling::uniform, -12.0f, 12.0f, 1, 40'000, impl::tanh_impl, reference_tanh, nullptr},
    {"tanh", Sampling::uniform, -1.0f, 1.0f, 1, 20'000, impl::tanh_impl, reference_tanh, nullptr},
    {"tanh", Sampling::all_magnitudes, -kFloatMax, kFloatMax, 1, 30'000,
     impl::tanh_impl, reference_tanh, nullptr},
    {"sqrt", Sampling::uniform, 0.0f, 4.0f, 0, 40'000,
     impl::sqrt_impl, reference_sqrt, correctly_rounded_sqrt<float>},
    {"sqrt", Sampling::all_magnitudes, 0.0f, kFloatMax, 0, 30'000,
     impl::sqrt_impl, reference_sqrt, correctly_rounded_sqrt<float>},
    {"erf", Sampling::uniform, -6.0f, 6.0f, 1, 40'000, impl::erf_impl, reference_erf, nullptr},
    {"erf", Sampling::all_magnitudes, -kFloatMax, kFloatMax, 1, 30'000,
     impl::erf_impl, reference_erf, nullptr},
    {"sigmoid", Sampling::uniform, -110.0f, 40.0f, 1, 40'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    {"sigmoid", Sampling::uniform, -8.0f, 8.0f, 1, 20'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    {"sigmoid", Sampling::all_magnitudes, -kFloatMax, kFloatMax, 1, 30'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    // Not constexpr: the run-time path of sigmoid (std::exp inside), for the record.
    // std::expf's error, amplified up to 2x, then one rounding: < 1.51 ulp, so 2 possible.
    {"sigmoid (run time)", Sampling::uniform, -110.0f, 40.0f, 2, 40'000,
     run_time_sigmoid<float>, reference_sigmoid, nullptr},
    // The run-time path of targets without double hardware (Cortex-M4F), in float alone with a
    // compensated quotient: std::expf's error, amplified up to 2x, then one rounding.
    {"sigmoid (run time, float only)", Sampling::uniform, -110.0f, 40.0f, 2, 40'000,
     cm::detail::sigmoid_in_float, reference_sigmoid, nullptr},
    {"sigmoid (run time, float only)", Sampling::all_magnitudes, -kFloatMax, kFloatMax, 2, 30'000,
     cm::detail::sigmoid_in_float, reference_sigmoid, nullptr},
};

const AccuracyCase<double> kDoubleCases[] = {
    {"exp", Sampling::uniform, -750.0, 712.0, 1, 40'000, impl::exp_impl, reference_exp, nullptr},
    {"exp", Sampling::all_magnitudes, -750.0, 712.0, 1, 30'000,
     impl::exp_impl, reference_exp, nullptr},
    {"expm1", Sampling::uniform, -40.0, 712.0, 1, 40'000,
     impl::expm1_impl, reference_expm1, nullptr},
    {"expm1", Sampling::uniform, -1.0, 2.0, 1, 20'000, impl::expm1_impl, reference_expm1, nullptr},
    {"expm1", Sampling::all_magnitudes, -750.0, 712.0, 1, 30'000,
     impl::expm1_impl, reference_expm1, nullptr},
    {"log", Sampling::uniform, 0.25, 4.0, 1, 40'000, impl::log_impl, reference_log, nullptr},
    {"log", Sampling::all_magnitudes, kDoubleTiny, kDoubleMax, 1, 30'000,
     impl::log_impl, reference_log, nullptr},
    {"log1p", Sampling::uniform, -0.75, 2.0, 1, 40'000, impl::log1p_impl, reference_log1p, nullptr},
    {"log1p", Sampling::all_magnitudes, -0x1.fffffffffffffp-1, kDoubleMax, 1, 30'000,
     impl::log1p_impl, reference_log1p, nullptr},
    {"tanh", Sampling::uniform, -23.0, 23.0, 1, 40'000, impl::tanh_impl, reference_tanh, nullptr},
    {"tanh", Sampling::uniform, -1.0, 1.0, 1, 20'000, impl::tanh_impl, reference_tanh, nullptr},
    {"tanh", Sampling::all_magnitudes, -kDoubleMax, kDoubleMax, 1, 30'000,
     impl::tanh_impl, reference_tanh, nullptr},
    {"sqrt", Sampling::uniform, 0.0, 4.0, 0, 40'000,
     impl::sqrt_impl, reference_sqrt, correctly_rounded_sqrt<double>},
    {"sqrt", Sampling::all_magnitudes, 0.0, kDoubleMax, 0, 30'000,
     impl::sqrt_impl, reference_sqrt, correctly_rounded_sqrt<double>},
    {"erf", Sampling::uniform, -6.5, 6.5, 1, 40'000, impl::erf_impl, reference_erf, nullptr},
    {"erf", Sampling::all_magnitudes, -kDoubleMax, kDoubleMax, 1, 30'000,
     impl::erf_impl, reference_erf, nullptr},
    {"sigmoid", Sampling::uniform, -750.0, 40.0, 1, 40'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    {"sigmoid", Sampling::uniform, -8.0, 8.0, 1, 20'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    {"sigmoid", Sampling::all_magnitudes, -kDoubleMax, kDoubleMax, 1, 30'000,
     impl::sigmoid_impl, reference_sigmoid, nullptr},
    // Three roundings after std::exp's: up to 2.4 ulp of error, so 3 is possible.
    {"sigmoid (run time)", Sampling::uniform, -750.0, 40.0, 3, 40'000,
     run_time_sigmoid<double>, reference_sigmoid, nullptr},
};
// clang-format on

// Deterministic generator (splitmix64), so that every run sweeps the same points.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e37'79b9'7f4a'7c15u);  // 2^64 / golden ratio
        z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9u;         // splitmix64's mixing constants
        z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebu;
        return z ^ (z >> 31);
    }
};

template <class T>
using Bits = typename impl::float_layout<T>::bits;

// Order-preserving map of a float onto the integers (the line ulp_distance measures on).
template <class T>
std::int64_t line_position(T x) {
    const auto magnitude = static_cast<std::int64_t>(impl::to_bits(cm::abs(x)));
    return cm::signbit(x) ? -magnitude : magnitude;
}

template <class T>
T from_line_position(std::int64_t k) {
    const auto magnitude = static_cast<Bits<T>>(k < 0 ? -k : k);
    const T value = std::bit_cast<T>(magnitude);
    return k < 0 ? -value : value;
}

template <class T>
T sample(const AccuracyCase<T>& c, std::size_t i, SplitMix64& rng) {
    if (i == 0) {
        return c.lo;
    }
    if (i == 1) {
        return c.hi;
    }
    const std::uint64_t r = rng.next();
    if (c.sampling == Sampling::uniform) {
        const long double u = static_cast<long double>(r >> 11) * 0x1p-53L;  // [0, 1)
        const auto lo = static_cast<long double>(c.lo);
        return static_cast<T>(lo + (static_cast<long double>(c.hi) - lo) * u);
    }
    // In unsigned arithmetic: [-DBL_MAX, DBL_MAX] spans more than INT64_MAX positions.
    const auto a = static_cast<std::uint64_t>(line_position(c.lo));
    const std::uint64_t span = static_cast<std::uint64_t>(line_position(c.hi)) - a + 1;
    return from_line_position<T>(static_cast<std::int64_t>(a + r % span));  // C++20: modular
}

// The spacing of T around the value v (of the binade of v; the subnormal spacing below).
template <class T>
long double ulp_of(long double v) {
    const int exponent = std::max(std::ilogb(v), std::numeric_limits<T>::min_exponent - 1);
    return std::ldexp(1.0L, exponent - (std::numeric_limits<T>::digits - 1));
}

template <class T>
struct SweepResult {
    std::uint64_t max_ulp = 0;      // max ulp_distance to the correctly rounded reference
    long double max_error = 0;      // max |result - reference| in ulps of T (long double ref)
    T max_error_input = 0;          // an input where max_error occurs
    T worst_input = 0;              // an input where max_ulp occurs
    T worst_result = 0;
    T worst_reference = 0;
    std::size_t points = 0;
};

template <class T>
SweepResult<T> sweep(const AccuracyCase<T>& c, std::size_t points, std::uint64_t seed) {
    SweepResult<T> result;
    SplitMix64 rng{seed};
    for (std::size_t i = 0; i < points; ++i) {
        const T x = sample(c, i, rng);
        const T y = c.implementation(x);
        const long double reference = c.reference(static_cast<long double>(x));
        const T rounded = c.correctly_rounded != nullptr ? c.correctly_rounded(x)
                                                          : static_cast<T>(reference);
        const std::uint64_t distance = cm::ulp_distance(y, rounded);
        if (distance > result.max_ulp || result.points == 0) {
            result.max_ulp = distance;
            result.worst_input = x;
            result.worst_result = y;
            result.worst_reference = rounded;
        }
        if (std::isfinite(reference) && std::isfinite(y) && reference != 0) {
            const long double error = std::fabs(static_cast<long double>(y) - reference) /
                                      ulp_of<T>(std::fabs(reference));
            if (error > result.max_error) {
                result.max_error = error;
                result.max_error_input = x;
            }
        }
        ++result.points;
    }
    return result;
}

// x with enough digits to identify it.
template <class T>
std::string show(T x) {
    char text[40];
    std::snprintf(text, sizeof text, "%.*Lg", std::numeric_limits<T>::max_digits10,
                  static_cast<long double>(x));
    return text;
}

template <class T>
constexpr const char* type_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

}  // namespace

#ifdef CTNET_MATH_TABLE

#include <cstdlib>
#include <vector>

namespace {

// What each function accepts; outside the swept ranges results are the saturated values
// that the special-value test checks.
const char* domain(const char* function) {
    const std::string f = function;
    return f == "log" ? "x >= 0" : f == "log1p" ? "x >= -1" : f == "sqrt" ? "x >= 0" : "all x";
}

struct Row {
    std::string function;
    const char* type;
    std::string sampling;
    double lo;
    double hi;
    std::size_t points;
    std::uint64_t max_ulp;
    long double max_error;
    std::uint64_t bound;
    double worst_input;
    double max_error_input;
};

template <class T, std::size_t N>
void measure(const AccuracyCase<T> (&cases)[N], std::size_t density, std::vector<Row>& rows) {
    for (std::size_t i = 0; i < N; ++i) {
        const AccuracyCase<T>& c = cases[i];
        const SweepResult<T> r = sweep(c, c.test_points * density, 1000 + i);
        rows.push_back({c.function, type_name<T>(),
                        c.sampling == Sampling::uniform ? "uniform" : "all magnitudes",
                        static_cast<double>(c.lo), static_cast<double>(c.hi), r.points,
                        r.max_ulp, r.max_error, c.bound_ulp, static_cast<double>(r.worst_input),
                        static_cast<double>(r.max_error_input)});
    }
}

void print_summary(const std::vector<Row>& rows) {
    std::printf("| function | type | domain | points | max ulp | max error (ulp) | bound |\n"
                "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (std::size_t i = 0; i < rows.size();) {
        Row total = rows[i];
        std::size_t j = i + 1;
        for (; j < rows.size() && rows[j].function == total.function &&
               rows[j].type == total.type;
             ++j) {
            total.points += rows[j].points;
            total.max_ulp = std::max(total.max_ulp, rows[j].max_ulp);
            total.max_error = std::max(total.max_error, rows[j].max_error);
            total.bound = std::max(total.bound, rows[j].bound);
        }
        std::printf("| %s | %s | %s | %zu | %llu | %.3Lf | %llu |\n", total.function.c_str(),
                    total.type, domain(total.function.c_str()), total.points,
                    static_cast<unsigned long long>(total.max_ulp), total.max_error,
                    static_cast<unsigned long long>(total.bound));
        i = j;
    }
}

void print_details(const std::vector<Row>& rows) {
    std::printf("| function | type | sampling | range | points | max ulp | max error (ulp) "
                "| bound | input of max ulp | input of max error |\n"
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const Row& r : rows) {
        std::printf("| %s | %s | %s | [%.9g, %.9g] | %zu | %llu | %.3Lf | %llu | %.17g | %.17g |\n",
                    r.function.c_str(), r.type, r.sampling.c_str(), r.lo, r.hi, r.points,
                    static_cast<unsigned long long>(r.max_ulp), r.max_error,
                    static_cast<unsigned long long>(r.bound), r.worst_input, r.max_error_input);
    }
}

}  // namespace

// Usage: math_table [density]; density = table points per test point, 150 by default.
int main(int argc, char** argv) {
    const std::size_t density = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 150;
    std::printf("%s", R"(# ctnet::math accuracy

Generated by the table mode of tests/runtime/math_accuracy.cpp; regenerate from the
repository root with:

    g++ -std=c++20 -O2 -Iinclude -DCTNET_MATH_TABLE tests/runtime/math_accuracy.cpp \
        -o /tmp/math_table && /tmp/math_table > docs/math_accuracy.md

In short: every constexpr implementation is within 1 ulp of the correctly rounded result
over its whole domain, for float and double (sqrt: correctly rounded, 0 ulp); nothing is
above the 2 ulp target. Float is computed in double and was correctly rounded at every
sampled point (bound kept at 1: near-halfway cases can round either way). The largest
errors in double are log1p and log (0.83 ulp), then subnormal results of exp and sigmoid
(0.75 ulp: rounded twice). The run-time path of sigmoid, which has no `<cmath>`
counterpart, is the only bound above 1: 2 ulp for float and 3 for double (three
roundings after `std::exp`'s; measured 1 and 2). Targets without double hardware
(Cortex-M4F) compute it in float alone with a compensated quotient ("float only" rows,
measured here with the host's expf: as accurate as the quotient in double).

What is measured: the constexpr implementations (`ctnet::math::detail::*_impl`, the path
every constant evaluation takes), called at run time, against long double `<cmath>` on
x86-64 (64-bit significand). Run-time calls of `ctnet::math::exp` etc. go to the C library,
as `<cmath>`'s do (the same builtins), except `sigmoid`, whose run-time path has its own rows below.

- *max ulp*: the largest `ctnet::math::ulp_distance` between the result and the
  correctly rounded value (the long double reference rounded to the type; for sqrt,
  `std::sqrt`, which IEEE-754 requires to be correctly rounded). 0 means correctly
  rounded at every point; 1 is the least any non-correctly-rounded function can show.
- *max error*: the largest |result - reference| in ulps of the type (finite, non-zero
  references only); a correctly rounded function shows up to 0.5.
- *bound*: the documented bound on *max ulp*, which the Catch2 test enforces on the same
  ranges with 1/150 of these points (its tables `kFloatCases` / `kDoubleCases` are
  what this program prints).
- *sampling*: `uniform` draws x uniformly from the range; `all magnitudes` draws uniformly
  among the encodings in the range, so every binade (subnormals included) is hit equally.
  Points are pseudo-random with a fixed seed, plus both ends of the range.
- Ranges reach past the overflow and underflow thresholds (exp float: 88.72 and -103.97;
  double: 709.78 and -745.13), so saturation to inf, 0, -1, +-1 is part of the sweep;
  beyond the swept ranges every function returns its saturated value by an explicit
  threshold (the special-value test case checks them), hence "all x" below. Special
  inputs (NaN, +-inf, +-0) are not in the sweeps but in that test case.

)");
    std::vector<Row> rows;
    measure(kFloatCases, density, rows);
    measure(kDoubleCases, density, rows);
    std::printf("## Summary\n\n");
    print_summary(rows);
    std::printf("\n## Per range\n\n");
    print_details(rows);
    return 0;
}

#else  // Catch2 tests

#include <catch2/catch.hpp>

namespace {

template <class T, std::size_t N>
void check_bounds(const AccuracyCase<T> (&cases)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
        const AccuracyCase<T>& c = cases[i];
        const SweepResult<T> r = sweep(c, c.test_points, 1000 + i);
        INFO(c.function << " <" << type_name<T>() << "> "
                        << (c.sampling == Sampling::uniform ? "uniform" : "all magnitudes")
                        << " on [" << show(c.lo) << ", " << show(c.hi) << "], " << r.points
                        << " points");
        INFO("worst input " << show(r.worst_input) << ": got " << show(r.worst_result)
                            << ", correctly rounded " << show(r.worst_reference));
        INFO("max error " << static_cast<double>(r.max_error) << " ulp at "
                          << show(r.max_error_input));
        CHECK(r.points == c.test_points);
        CHECK(r.max_ulp <= c.bound_ulp);
    }
}

// Same value, or both NaN; zeros compared with their sign.
template <class T>
bool same(T a, T b) {
    return (cm::isnan(a) && cm::isnan(b)) || (a == b && cm::signbit(a) == cm::signbit(b));
}

}  // namespace

TEST_CASE("math: ulp_distance counts representable values", "[math]") {
    CHECK(cm::ulp_distance(1.0, 1.0) == 0);
    CHECK(cm::ulp_distance(1.0, std::nextafter(1.0, 2.0)) == 1);
    CHECK(cm::ulp_distance(std::nextafter(1.0f, 0.0f), std::nextafter(1.0f, 2.0f)) == 2);
    CHECK(cm::ulp_distance(-0.0, 0.0) == 0);
    CHECK(cm::ulp_distance(-kDoubleTiny, kDoubleTiny) == 2);
    CHECK(cm::ulp_distance(kFloatMax, std::numeric_limits<float>::infinity()) == 1);
    CHECK(cm::ulp_distance(-kDoubleMax, kDoubleMax) == 2 * 0x7fef'ffff'ffff'ffffu);
    CHECK(cm::ulp_distance(std::nan(""), 1.0) == UINT64_MAX);
    // The sweep's inverse map agrees with the encoding order.
    CHECK(from_line_position<double>(line_position(-2.5)) == -2.5);
    CHECK(line_position(std::nextafter(0.0f, 1.0f)) - line_position(-0.0f) == 1);
}

TEST_CASE("math: the sweep sees an error (harness check)", "[math]") {
    // A deliberately wrong exp (off by 2 ulp) must be caught, or the sweep proves nothing.
    const AccuracyCase<double> wrong = {
        "exp + 2 ulp", Sampling::uniform, -1.0, 1.0, 1, 1000,
        [](double x) { return std::nextafter(std::nextafter(std::exp(x), 9.0), 9.0); },
        reference_exp, nullptr};
    CHECK(sweep(wrong, 1000, 1).max_ulp >= 2);
}

TEST_CASE("math: constexpr implementations meet the documented ulp bounds: float", "[math]") {
    check_bounds(kFloatCases);
}

TEST_CASE("math: constexpr implementations meet the documented ulp bounds: double", "[math]") {
    check_bounds(kDoubleCases);
}

TEST_CASE("math: special values agree on the constexpr and run-time paths", "[math]") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    struct Paths {
        const char* name;
        double (*constexpr_double)(double);  // the implementation constant evaluation uses
        float (*constexpr_float)(float);
        double (*run_time_double)(double);  // the public function, called at run time
        float (*run_time_float)(float);
    };
    // clang-format off
    const Paths exp_paths = {"exp", impl::exp_impl, impl::exp_impl,
                             cm::exp<double>, cm::exp<float>};
    const Paths expm1_paths = {"expm1", impl::expm1_impl, impl::expm1_impl,
                               cm::expm1<double>, cm::expm1<float>};
    const Paths log_paths = {"log", impl::log_impl, impl::log_impl,
                             cm::log<double>, cm::log<float>};
    const Paths log1p_paths = {"log1p", impl::log1p_impl, impl::log1p_impl,
                               cm::log1p<double>, cm::log1p<float>};
    const Paths tanh_paths = {"tanh", impl::tanh_impl, impl::tanh_impl,
                              cm::tanh<double>, cm::tanh<float>};
    const Paths sqrt_paths = {"sqrt", impl::sqrt_impl, impl::sqrt_impl,
                              cm::sqrt<double>, cm::sqrt<float>};
    const Paths erf_paths = {"erf", impl::erf_impl, impl::erf_impl,
                             cm::erf<double>, cm::erf<float>};
    const Paths sigmoid_paths = {"sigmoid", impl::sigmoid_impl, impl::sigmoid_impl,
                                 cm::sigmoid<double>, cm::sigmoid<float>};
    struct Special {
        const Paths& function;
        double input;
        double expected;  // also for float, converted
    };
    const Special specials[] = {
        {exp_paths, nan, nan},
        {exp_paths, inf, inf},
        {exp_paths, -inf, 0.0},
        {exp_paths, 710.0, inf},
        {exp_paths, -746.0, 0.0},
        {exp_paths, -0.0, 1.0},
        {expm1_paths, -0.0, -0.0},
        {expm1_paths, -inf, -1.0},
        {expm1_paths, inf, inf},
        {expm1_paths, 710.0, inf},
        {expm1_paths, nan, nan},
        {log_paths, 0.0, -inf},
        {log_paths, -0.0, -inf},
        {log_paths, -1.0, nan},
        {log_paths, -inf, nan},
        {log_paths, inf, inf},
        {log_paths, 1.0, 0.0},
        {log_paths, nan, nan},
        {log1p_paths, -1.0, -inf},
        {log1p_paths, -2.0, nan},
        {log1p_paths, -0.0, -0.0},
        {log1p_paths, inf, inf},
        {log1p_paths, nan, nan},
        {tanh_paths, -0.0, -0.0},
        {tanh_paths, inf, 1.0},
        {tanh_paths, -inf, -1.0},
        {tanh_paths, -40.0, -1.0},
        {tanh_paths, nan, nan},
        {sqrt_paths, -0.0, -0.0},
        {sqrt_paths, -1.0, nan},
        {sqrt_paths, inf, inf},
        {sqrt_paths, nan, nan},
        {erf_paths, -0.0, -0.0},
        {erf_paths, inf, 1.0},
        {erf_paths, -inf, -1.0},
        {erf_paths, nan, nan},
        {sigmoid_paths, inf, 1.0},
        {sigmoid_paths, -inf, 0.0},
        {sigmoid_paths, 1000.0, 1.0},
        {sigmoid_paths, -1000.0, 0.0},
        {sigmoid_paths, 0.0, 0.5},
        {sigmoid_paths, nan, nan},
    };
    // clang-format on
    for (const Special& s : specials) {
        INFO(s.function.name << "(" << show(s.input) << ") should be " << show(s.expected));
        const auto input_f = static_cast<float>(s.input);
        const auto expected_f = static_cast<float>(s.expected);
        CHECK(same(s.function.constexpr_double(s.input), s.expected));
        CHECK(same(s.function.run_time_double(s.input), s.expected));
        CHECK(same(s.function.constexpr_float(input_f), expected_f));
        CHECK(same(s.function.run_time_float(input_f), expected_f));
        // The float-only run-time sigmoid of targets without double hardware, on this host too.
        if (&s.function == &sigmoid_paths) CHECK(same(cm::detail::sigmoid_in_float(input_f), expected_f));
    }
}

// The compile-time results, computed into constexpr arrays, equal the run-time calls of
// the same implementations bit for bit: the sweeps above therefore describe what
// constant evaluation produces.
template <class T>
constexpr std::array<T, 24> kProbeInputs = {
    T(-700),  T(-90),    T(-20.25), T(-5),     T(-1.5),  T(-1),    T(-0.3),   T(-1e-3),
    T(-1e-9), T(0),      T(1e-30),  T(1e-9),   T(1e-4),  T(0.1),   T(0.5),    T(0.75),
    T(1),     T(1.2575), T(2),      T(3.14159), T(5.5),  T(10),    T(50.125), T(88)};

template <class T, class F>
constexpr std::array<T, 24> probe(F f) {
    std::array<T, 24> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = f(kProbeInputs<T>[i]);
    }
    return out;
}

template <class T, class F>
void check_probes(const char* function, const std::array<T, 24>& at_compile_time, F f) {
    for (std::size_t i = 0; i < at_compile_time.size(); ++i) {
        const T x = kProbeInputs<T>[i];
        INFO(function << "<" << type_name<T>() << ">(" << show(x) << ")");
        CHECK(same(at_compile_time[i], f(x)));
    }
}

#define CTNET_MATH_PROBE(T, name)                                                         \
    do {                                                                                  \
        constexpr auto at_compile_time =                                                  \
            probe<T>([](T x) { return ctnet::math::name(x); });                           \
        check_probes<T>(#name, at_compile_time, [](T x) { return impl::name##_impl(x); }); \
    } while (false)

TEST_CASE("math: constant evaluation and the run-time implementation agree bit for bit", "[math]") {
    CTNET_MATH_PROBE(float, exp);
    CTNET_MATH_PROBE(float, expm1);
    CTNET_MATH_PROBE(float, log);
    CTNET_MATH_PROBE(float, log1p);
    CTNET_MATH_PROBE(float, tanh);
    CTNET_MATH_PROBE(float, sqrt);
    CTNET_MATH_PROBE(float, erf);
    CTNET_MATH_PROBE(float, sigmoid);
    CTNET_MATH_PROBE(double, exp);
    CTNET_MATH_PROBE(double, expm1);
    CTNET_MATH_PROBE(double, log);
    CTNET_MATH_PROBE(double, log1p);
    CTNET_MATH_PROBE(double, tanh);
    CTNET_MATH_PROBE(double, sqrt);
    CTNET_MATH_PROBE(double, erf);
    CTNET_MATH_PROBE(double, sigmoid);
}

#undef CTNET_MATH_PROBE

// Run-time twins of tests/static/math_static.cpp: the same constexpr expressions,
// evaluated by the compiler into variables, compared by Catch2 so a failure prints them.
TEST_CASE("math: run-time twins of the static checks", "[math]") {
    constexpr double e = cm::exp(1.0);
    CHECK(std::fabs(e - 2.718281828459045) < 4e-16);
    CHECK(cm::ulp_distance(e, 2.718281828459045235360287) <= 1);
    constexpr float e_f = cm::exp(1.0f);
    CHECK(e_f == 2.718281828459045235360287f);
    constexpr double exp_subnormal = cm::exp(-740.0);
    CHECK(cm::ulp_distance(exp_subnormal, 4.18873988004804893945754e-322) <= 1);
    constexpr double expm1_small = cm::expm1(1e-10);
    CHECK(cm::ulp_distance(expm1_small, 1.000000000050000036433864e-10) <= 1);
    constexpr double log_two = cm::log(2.0);
    CHECK(cm::ulp_distance(log_two, 0.6931471805599453094172321) <= 1);
    constexpr double log_tiny = cm::log(kDoubleTiny);
    CHECK(cm::ulp_distance(log_tiny, -744.4400719213812623141073) <= 1);
    constexpr double log1p_small = cm::log1p(-1e-10);
    CHECK(cm::ulp_distance(log1p_small, -1.000000000050000036435531e-10) <= 1);
    constexpr double tanh_half = cm::tanh(0.5);
    CHECK(cm::ulp_distance(tanh_half, 0.4621171572600097585023185) <= 1);
    constexpr double tanh_near_one = cm::tanh(18.0);
    CHECK(cm::ulp_distance(tanh_near_one, 0.999999999999999536095434) <= 1);
    constexpr double sqrt_two = cm::sqrt(2.0);
    CHECK(sqrt_two == 1.4142135623730951);
    constexpr float sqrt_tiny_f = cm::sqrt(kFloatTiny);
    CHECK(sqrt_tiny_f == 3.743392130574643753512817e-23f);
    constexpr double erf_one = cm::erf(1.0);
    CHECK(cm::ulp_distance(erf_one, 0.8427007929497148693412206) <= 1);
    constexpr double erf_tail = cm::erf(4.5);
    CHECK(cm::ulp_distance(erf_tail, 0.9999999998033839558457113) <= 1);
    constexpr double sigmoid_low = cm::sigmoid(-700.0);
    CHECK(cm::ulp_distance(sigmoid_low, 9.859676543759770856705373e-305) <= 1);
    constexpr double sigmoid_zero = cm::sigmoid(0.0);
    CHECK(sigmoid_zero == 0.5);
    constexpr double sigmoid_big = cm::sigmoid(-1000.0);
    CHECK(sigmoid_big == 0.0);
    constexpr bool log_negative_is_nan = cm::isnan(cm::log(-1.0));
    CHECK(log_negative_is_nan);
    constexpr double exp_overflow = cm::exp(710.0);
    CHECK(exp_overflow == std::numeric_limits<double>::infinity());
}

TEST_CASE("math: the run-time path is <cmath>", "[math]") {
    // Not constant-evaluated: these calls must be exactly std::'s.
    for (double x : {-3.5, -0.25, 0.0, 1e-7, 0.5, 2.0, 30.0}) {
        INFO("x = " << show(x));
        CHECK(same(cm::exp(x), std::exp(x)));
        CHECK(same(cm::expm1(x), std::expm1(x)));
        CHECK(same(cm::log1p(x), std::log1p(x)));
        CHECK(same(cm::tanh(x), std::tanh(x)));
        CHECK(same(cm::erf(x), std::erf(x)));
        CHECK(same(cm::log(std::fabs(x)), std::log(std::fabs(x))));
        CHECK(same(cm::sqrt(std::fabs(x)), std::sqrt(std::fabs(x))));
        const auto xf = static_cast<float>(x);
        CHECK(same(cm::exp(xf), std::exp(xf)));
        CHECK(same(cm::tanh(xf), std::tanh(xf)));
    }
}

#endif
