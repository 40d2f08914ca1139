// Machine probes for tools/bench_report.py: peak fp32 multiply-add rate and read bandwidth from L1
// and L2, the constants the report turns MAC and byte counts into lower bounds with.
//   machine/fma        12 independent chains of vector FMAs (counter: fp32 FMA per second)
//   machine/read/<KiB> summing a buffer of that size again and again (counter: bytes per second)
// Written with GCC/Clang vector extensions of the target's widest registers.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <ctnet/kernels/simd.hpp>

namespace {

constexpr std::size_t lanes = ctnet::kernels::simd::lanes<ctnet::kernels::simd::Native, float>;
using V = ctnet::kernels::simd::pack<float, lanes>;

void fma_peak(benchmark::State& state) {
    const V a = ctnet::kernels::simd::splat<lanes>(0.999f);
    const V b = ctnet::kernels::simd::splat<lanes>(0.001f);
    V c[12] = {};
    constexpr int inner = 1000;
    for (auto _ : state) {
        for (int i = 0; i < inner; ++i) {
#pragma GCC unroll 12
            for (int k = 0; k < 12; ++k) c[k] = a * c[k] + b;
        }
        benchmark::DoNotOptimize(c);
    }
    state.counters["fma_per_second"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * inner * 12 * static_cast<double>(lanes), benchmark::Counter::kIsRate);
}

void read_bandwidth(benchmark::State& state, std::size_t kib) {
    // Integer OR of the loaded words: the vector ALUs outnumber the FP adders, so the loads limit.
    using I = ctnet::kernels::simd::pack<std::uint32_t, lanes>;
    const std::size_t bytes = kib * 1024;
    std::vector<std::uint32_t> buffer(bytes / sizeof(std::uint32_t), 1u);
    for (auto _ : state) {
        I s[8] = {};
        const std::uint32_t* p = buffer.data();
        for (std::size_t i = 0; i < buffer.size(); i += 8 * lanes) {
#pragma GCC unroll 8
            for (std::size_t k = 0; k < 8; ++k) {
                I v;
                std::memcpy(&v, p + i + k * lanes, sizeof v);
                s[k] |= v;
            }
        }
        benchmark::DoNotOptimize(s);
    }
    state.counters["bytes_per_second"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(bytes), benchmark::Counter::kIsRate);
}

const bool registered = [] {
    benchmark::RegisterBenchmark("machine/fma", fma_peak);
    for (std::size_t kib : {16, 256})
        benchmark::RegisterBenchmark(("machine/read/" + std::to_string(kib)).c_str(),
                                     [kib](benchmark::State& state) { read_bandwidth(state, kib); });
    return true;
}();

}  // namespace
