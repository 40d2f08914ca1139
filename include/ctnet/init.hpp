// Weight initialisation: a constexpr PRNG and the Xavier/Glorot, He/Kaiming, LeCun and PyTorch schemes.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include <ctnet/math.hpp>

namespace ctnet {

/// A deterministic PRNG usable in constant expressions: SplitMix64 (Steele, Lea & Flood 2014),
/// which passes BigCrush and needs 8 bytes of state. Same seed, same integers and uniforms on
/// every compiler and target, at compile time and at run time; normal() goes through log and
/// sqrt, whose constexpr and <cmath> paths may differ in the last bit (1 ulp).
class Random {
public:
    constexpr explicit Random(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);  // 2^64 / golden ratio
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    /// Uniform on [0, 1) with 53 random bits (the most a double holds).
    constexpr double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform on [low, high).
    template <std::floating_point T>
    constexpr T uniform(T low, T high) noexcept {
        return static_cast<T>(static_cast<double>(low) + (static_cast<double>(high) - static_cast<double>(low)) * uniform());
    }

    /// Normal with the given mean and standard deviation (Marsaglia's polar method: no sine
    /// or cosine, so it stays constexpr with ctnet::math).
    template <std::floating_point T>
    constexpr T normal(T mean, T stddev) noexcept {
        double u = 0, v = 0, s = 0;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double z = u * math::sqrt(-2.0 * math::log(s) / s);
        return static_cast<T>(static_cast<double>(mean) + static_cast<double>(stddev) * z);
    }

private:
    std::uint64_t state_;
};

/// Initialisation schemes. Each gives `weight<T>(rng, fan_in, fan_out)` and
/// `bias<T>(rng, fan_in, fan_out)`; layers call them for every parameter.
namespace init {

namespace detail {
template <class T>
constexpr T zero_bias(Random&, std::size_t, std::size_t) noexcept {
    return T(0);
}
}  // namespace detail

/// Glorot & Bengio 2010: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)); zero bias.
struct XavierUniform {
    double gain = 1.0;
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t fan_out) const noexcept {
        const double a = gain * math::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        return rng.uniform(static_cast<T>(-a), static_cast<T>(a));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// Glorot & Bengio 2010: N(0, s^2), s = gain sqrt(2 / (fan_in + fan_out)); zero bias.
struct XavierNormal {
    double gain = 1.0;
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t fan_out) const noexcept {
        const double s = gain * math::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
        return rng.normal(T(0), static_cast<T>(s));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// He et al. 2015 (Kaiming), fan_in mode: U(-a, a), a = gain sqrt(3 / fan_in); gain sqrt(2)
/// suits ReLU. Zero bias.
struct HeUniform {
    double gain = 1.4142135623730951;  // sqrt(2), torch.nn.init.calculate_gain('relu')
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t) const noexcept {
        const double a = gain * math::sqrt(3.0 / static_cast<double>(fan_in));
        return rng.uniform(static_cast<T>(-a), static_cast<T>(a));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// He et al. 2015 (Kaiming), fan_in mode: N(0, s^2), s = gain / sqrt(fan_in). Zero bias.
struct HeNormal {
    double gain = 1.4142135623730951;  // sqrt(2), for ReLU
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t) const noexcept {
        return rng.normal(T(0), static_cast<T>(gain / math::sqrt(static_cast<double>(fan_in))));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// LeCun et al. 1998: N(0, 1 / fan_in) (the SELU/tanh classic). Zero bias.
struct LeCunNormal {
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t) const noexcept {
        return rng.normal(T(0), static_cast<T>(1.0 / math::sqrt(static_cast<double>(fan_in))));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// LeCun uniform: U(-a, a), a = sqrt(3 / fan_in) (same variance as LeCunNormal). Zero bias.
struct LeCunUniform {
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t) const noexcept {
        const double a = math::sqrt(3.0 / static_cast<double>(fan_in));
        return rng.uniform(static_cast<T>(-a), static_cast<T>(a));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

/// PyTorch's nn.Linear default: weights kaiming_uniform(a = sqrt 5), that is U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)), and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Same distribution as PyTorch,
/// not the same numbers (a different generator).
struct TorchDefault {
    template <class T>
    constexpr T weight(Random& rng, std::size_t fan_in, std::size_t) const noexcept {
        const double a = 1.0 / math::sqrt(static_cast<double>(fan_in));
        return rng.uniform(static_cast<T>(-a), static_cast<T>(a));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t fan_in, std::size_t fan_out) const noexcept {
        return weight<T>(rng, fan_in, fan_out);
    }
};

/// N(0, stddev^2) whatever the fan: for experiments such as an exploding-gradient demo.
struct Normal {
    double stddev = 1.0;
    template <class T>
    constexpr T weight(Random& rng, std::size_t, std::size_t) const noexcept {
        return rng.normal(T(0), static_cast<T>(stddev));
    }
    template <class T>
    constexpr T bias(Random& rng, std::size_t i, std::size_t o) const noexcept { return detail::zero_bias<T>(rng, i, o); }
};

}  // namespace init

/// Initialises `net`'s parameters from `scheme`, drawing from a Random seeded with `seed`.
/// Layers without a scheme hook (activations) are left alone. Constexpr: a network initialised
/// at compile time can be a `constexpr` value.
template <class Net, class Scheme>
constexpr void initialize(Net& net, const Scheme& scheme, std::uint64_t seed) noexcept {
    Random rng(seed);
    Net::Chain::initialize(net.parameters, scheme, rng);
}

/// A network of type Net initialised from `scheme` with `seed`.
template <class Net, class Scheme>
[[nodiscard]] constexpr Net initialized(const Scheme& scheme, std::uint64_t seed) noexcept {
    Net net{};
    initialize(net, scheme, seed);
    return net;
}

}  // namespace ctnet
