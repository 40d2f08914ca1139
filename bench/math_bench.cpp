// Run-time cost of ctnet::math next to <cmath>: each benchmark maps 1024 values through
// one function. math/<f>/ctnet is the public function called at run time (which must not
// be slower than math/<f>/std); math/<f>/constexpr_impl is the constant-evaluation
// implementation called at run time, for information only (nothing calls it at run time
// except the accuracy sweep). sigmoid's std column is the naive 1 / (1 + std::exp(-x)).
#include <benchmark/benchmark.h>

#include <ctnet/math.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>

namespace {

constexpr std::size_t kCount = 1024;

// kCount values spread over [lo, hi] in a scrambled order (stride 389, coprime to 1024),
// so branches inside a function are not trivially predictable.
template <class T>
std::array<T, kCount> make_inputs(T lo, T hi) {
    std::array<T, kCount> values{};
    for (std::size_t i = 0; i < kCount; ++i) {
        const std::size_t k = (i * 389) % kCount;
        values[i] = lo + (hi - lo) * static_cast<T>(k) / static_cast<T>(kCount - 1);
    }
    return values;
}

template <class T, class F>
void map_values(benchmark::State& state, T lo, T hi, F f) {
    const std::array<T, kCount> in = make_inputs(lo, hi);
    std::array<T, kCount> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < kCount; ++i) {
            out[i] = f(in[i]);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(kCount));
}

template <class T, class F>
void add(const std::string& name, T lo, T hi, F f) {
    benchmark::RegisterBenchmark(name.c_str(),
                                 [=](benchmark::State& state) { map_values(state, lo, hi, f); });
}

template <class T>
void register_type(const std::string& type) {
    namespace cm = ctnet::math;
    namespace impl = ctnet::math::detail;
    // exp on [-10, 10]
    add("math/exp/ctnet/" + type, T(-10), T(10), [](T x) { return cm::exp(x); });
    add("math/exp/std/" + type, T(-10), T(10), [](T x) { return std::exp(x); });
    add("math/exp/constexpr_impl/" + type, T(-10), T(10), [](T x) { return impl::exp_impl(x); });
    // tanh on [-5, 5]
    add("math/tanh/ctnet/" + type, T(-5), T(5), [](T x) { return cm::tanh(x); });
    add("math/tanh/std/" + type, T(-5), T(5), [](T x) { return std::tanh(x); });
    add("math/tanh/constexpr_impl/" + type, T(-5), T(5), [](T x) { return impl::tanh_impl(x); });
    // log on [0.001, 1000]
    add("math/log/ctnet/" + type, T(0.001), T(1000), [](T x) { return cm::log(x); });
    add("math/log/std/" + type, T(0.001), T(1000), [](T x) { return std::log(x); });
    add("math/log/constexpr_impl/" + type, T(0.001), T(1000),
        [](T x) { return impl::log_impl(x); });
    // erf on [-3, 3]
    add("math/erf/ctnet/" + type, T(-3), T(3), [](T x) { return cm::erf(x); });
    add("math/erf/std/" + type, T(-3), T(3), [](T x) { return std::erf(x); });
    add("math/erf/constexpr_impl/" + type, T(-3), T(3), [](T x) { return impl::erf_impl(x); });
    // sigmoid on [-10, 10]
    add("math/sigmoid/ctnet/" + type, T(-10), T(10), [](T x) { return cm::sigmoid(x); });
    add("math/sigmoid/std/" + type, T(-10), T(10),
        [](T x) { return T(1) / (T(1) + std::exp(-x)); });
    add("math/sigmoid/constexpr_impl/" + type, T(-10), T(10),
        [](T x) { return impl::sigmoid_impl(x); });
}

[[maybe_unused]] const bool registered = [] {
    register_type<float>("float");
    register_type<double>("double");
    return true;
}();

}  // namespace
