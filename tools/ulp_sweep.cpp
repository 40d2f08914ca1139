// simd::erf or simd::tanh against glibc's erfl or tanhl (long double) on every float and on
// sampled doubles: the worst error in ulps of the exact value, and where. The figures quoted in
// kernels/simd_math.hpp and the README come from this program (not part of the test suite: each
// float sweep takes ~1-2 minutes).
//
//   g++ -std=c++20 -O2 -march=native -Iinclude tools/ulp_sweep.cpp -o /tmp/sweep && /tmp/sweep erf
//   g++ -std=c++20 -O2 -Iinclude tools/ulp_sweep.cpp -o /tmp/sweep && /tmp/sweep tanh  # SSE2, no FMA
#include <ctnet/kernels/simd_math.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace {

/// |got - exact| in ulps of T at the exact value (subnormal spacing below the normal range).
template <class T>
double ulps(T got, long double exact) {
    if (std::isnan(exact)) return std::isnan(got) ? 0.0 : 1e30;
    if (std::signbit(got) != std::signbit(exact)) return 1e30;
    int exponent = 0;
    std::frexp(exact, &exponent);
    constexpr int digits = std::numeric_limits<T>::digits;
    const long double spacing = std::ldexp(1.0L, std::max(exponent, std::numeric_limits<T>::min_exponent) - digits);
    return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / spacing);
}

/// The functions swept: the vectorised one and its long-double reference.
enum class Function { erf, tanh };

template <class T, std::size_t N>
struct Worst {
    Function function;
    double error = 0;
    T at = 0;
    void check(const T (&in)[N]) {
        using V = ctnet::kernels::simd::pack<T, N>;
        V v;
        std::memcpy(&v, in, sizeof v);
        const V r = function == Function::erf ? ctnet::kernels::simd::erf<T, N>(v) : ctnet::kernels::simd::tanh<T, N>(v);
        T out[N];
        std::memcpy(out, &r, sizeof r);
        for (std::size_t i = 0; i < N; ++i) {
            const long double x = static_cast<long double>(in[i]);
            const double e = ulps(out[i], function == Function::erf ? erfl(x) : tanhl(x));
            if (e > error) {
                error = e;
                at = in[i];
            }
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    namespace simd = ctnet::kernels::simd;
    if (argc != 2 || (std::strcmp(argv[1], "erf") != 0 && std::strcmp(argv[1], "tanh") != 0)) {
        std::fprintf(stderr, "usage: %s erf|tanh\n", argv[0]);
        return 2;
    }
    const Function function = std::strcmp(argv[1], "erf") == 0 ? Function::erf : Function::tanh;
    constexpr std::size_t lanes = simd::lanes<simd::Native, float>;  // the target's widest packs
    Worst<float, lanes> f{function};
    for (std::uint64_t bits = 0; bits < (std::uint64_t(1) << 32); bits += lanes) {
        float in[lanes];
        for (std::size_t i = 0; i < lanes; ++i) {
            const auto b = static_cast<std::uint32_t>(bits + i);
            std::memcpy(&in[i], &b, sizeof b);
        }
        f.check(in);
    }
    std::printf("float, all 2^32: worst %.3f ulp at %a\n", f.error, static_cast<double>(f.at));

    // Doubles: half uniform on [-7, 7], half of magnitude 2^-36 .. 2^4 (either sign).
    constexpr std::size_t double_lanes = simd::lanes<simd::Native, double>;
    Worst<double, double_lanes> d{function};
    std::uint64_t state = 88172645463325252ull;
    const auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (std::size_t k = 0; k < 20000000 / double_lanes; ++k) {
        double in[double_lanes];
        for (double& x : in) {
            const std::uint64_t r = next();
            const double unit = static_cast<double>(r >> 11) * 0x1.0p-53;
            x = (k & 1) ? 14 * unit - 7 : std::ldexp(1 + unit, static_cast<int>(r % 40) - 36) * ((r >> 5) & 1 ? 1 : -1);
        }
        d.check(in);
    }
    std::printf("double, 2e7 sampled: worst %.3f ulp at %a\n", d.error, d.at);
}
