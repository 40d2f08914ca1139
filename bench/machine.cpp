// Machine probes for tools/bench_report.py: peak fp32 multiply-add rate and read bandwidth from L1
// and L2, the constants the report turns MAC and byte counts into lower bounds with.
//   machine/fma        12 independent chains of vector FMAs (counter: fp32 FMA per second)
//   machine/clock      a chain of dependent integer adds (counter: cycles per second)
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

/// The core clock while it runs vector code: a chain of dependent integer adds, one per cycle.
/// (The FMA probe alone cannot tell 16 lanes per cycle at 6 GHz from 32 at 3 GHz.)
void clock_rate(benchmark::State& state) {
    constexpr int inner = 10000;
    // The addend in a register: some cores (Intel's Golden Cove) fold adds of an immediate at
    // rename, with no latency at all.
    std::uint64_t x = 0, one = 1;
    benchmark::DoNotOptimize(one);
    for (auto _ : state) {
        for (int i = 0; i < inner; ++i) {
#if defined(__x86_64__)
            __asm__ volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0" : "+r"(x) : "r"(one));
#elif defined(__aarch64__)
            __asm__ volatile("add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1" : "+r"(x) : "r"(one));
#else
            state.SkipWithError("no clock probe for this architecture");
            return;
#endif
        }
        benchmark::DoNotOptimize(x);
    }
    state.counters["cycles_per_second"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * inner * 4, benchmark::Counter::kIsRate);
}

void read_bandwidth(benchmark::State& state, std::size_t kib) {
    // Integer OR of the loaded words: the vector ALUs outnumber the FP adders, so the loads limit.
    // The buffer is aligned to a cache line: with malloc's 16-byte alignment every 64-byte load
    // straddled two lines, and the probe measured about half the L1's rate (137-167 B/ns, slower
    // than ctnet's T3 read its own weights); aligned, 262-277 B/ns on the Xeon of bench/RESULTS.md.
    using I = ctnet::kernels::simd::pack<std::uint32_t, lanes>;
    struct alignas(64) Line {
        std::uint32_t words[64 / sizeof(std::uint32_t)];
    };
    const std::size_t bytes = kib * 1024;
    std::vector<Line> lines(bytes / sizeof(Line));
    for (Line& line : lines)
        for (std::uint32_t& word : line.words) word = 1u;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(lines.data());
    constexpr std::size_t chains = 8;
    for (auto _ : state) {
        I s[chains] = {};
        for (std::size_t i = 0; i < bytes; i += chains * sizeof(I)) {
#pragma GCC unroll 8
            for (std::size_t k = 0; k < chains; ++k) {
                I v;
                std::memcpy(&v, p + i + k * sizeof(I), sizeof v);
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
    benchmark::RegisterBenchmark("machine/clock", clock_rate);
    for (std::size_t kib : {16, 256})
        benchmark::RegisterBenchmark(("machine/read/" + std::to_string(kib)).c_str(),
                                     [kib](benchmark::State& state) { read_bandwidth(state, kib); });
    return true;
}();

}  // namespace
