// ctnet_test static helpers: grid loops, central differences, tolerance compares and the
// activation checks shared by tests/static/activations_static.cpp and its run-time twin.
//
// Every check returns a report of its worst point instead of a bool, so the static test can
// `static_assert(report.passed())` and the run-time twin can print where and by how much a
// failing check missed (STYLE.md: the same constexpr expression, compared with Catch2).
//
// Tolerances are absolute and derived from the formula being checked, never "n ulps of the
// result": the results checked here pass through zero (ReLU', sigmoid' at saturation), where
// ulp-relative tolerances mean nothing.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <limits>
#include <ratio>

#include <ctnet/ctnet.hpp>

namespace ctnet_test {

// ---- scalar helpers ---------------------------------------------------------------------------

template <std::floating_point T>
constexpr T magnitude(T x) noexcept {
    return x < T(0) ? -x : x;
}

template <class T>
constexpr T larger(T a, T b) noexcept {
    return a < b ? b : a;
}

template <std::floating_point T>
inline constexpr T epsilon = std::numeric_limits<T>::epsilon();

/// (f(x + h) - f(x - h)) / (2h). Exact inputs: callers pick x and h dyadic, so x +- h is exact.
template <std::floating_point T, class F>
constexpr T central_difference(F f, T x, T h) noexcept {
    return (f(x + h) - f(x - h)) / (T(2) * h);
}

// ---- reports ----------------------------------------------------------------------------------

/// The worst point of a check over many points: `ratio` is |got - expected| / tolerance there
/// (at most 1 passes; a NaN or a miss against a zero tolerance counts as infinite).
template <std::floating_point T>
struct Report {
    T x = T(0);
    T got = T(0);
    T expected = T(0);
    T tolerance = T(0);
    T ratio = T(0);
    std::size_t points = 0;

    [[nodiscard]] constexpr bool passed() const noexcept { return points > 0 && ratio <= T(1); }

    /// Folds in one point; keeps it if it is the worst so far.
    constexpr void add(T at, T got_value, T expected_value, T allowed) noexcept {
        ++points;
        const T diff = magnitude(got_value - expected_value);
        T r = T(0);
        if (!(diff <= allowed)) {  // a miss, or a NaN on either side
            r = allowed > T(0) && diff == diff ? diff / allowed : std::numeric_limits<T>::infinity();
        } else if (allowed > T(0)) {
            r = diff / allowed;
        }
        if (points == 1 || r > ratio) {
            x = at;
            got = got_value;
            expected = expected_value;
            tolerance = allowed;
            ratio = r;
        }
    }
};

/// A uniform grid lo, lo + step, ..., lo + (count - 1) step, plus up to 8 extra points (e.g. far
/// into saturation). Dyadic lo and step keep every point exact in float and double.
template <std::floating_point T>
struct Grid {
    T lo;
    T step;
    std::size_t count;
    std::array<T, 8> extra{};
    std::size_t extra_count = 0;

    template <class F>
    constexpr void for_each(F f) const noexcept {
        for (std::size_t k = 0; k < count; ++k) f(lo + static_cast<T>(k) * step);
        for (std::size_t k = 0; k < extra_count; ++k) f(extra[k]);
    }
};

/// Runs `f(x, report)` at every grid point.
template <std::floating_point T, class F>
constexpr Report<T> over_grid(const Grid<T>& grid, F f) noexcept {
    Report<T> report;
    grid.for_each([&](T x) { f(x, report); });
    return report;
}

// ---- the activation checks ----------------------------------------------------------------------

/// Error model of the activations, in units of the type's epsilon: ctnet::math's functions are
/// within 1 ulp (constant path, measured) or 2 ulp (run-time sigmoid), and each activation adds
/// at most a few roundings of its own. So the computed value of f at x, and of f', is within
///     error(x) = math_ulps * eps * (1 + |x|)
/// of the exact one: the (1 + |x|) covers both the saturating activations (|f| <= 1) and the
/// x * g(x) forms (GELU, SiLU, Softplus, ELU for x > 0) whose error is |x| times g's.
inline constexpr int math_ulps = 4;

template <std::floating_point T>
constexpr T value_error(T x) noexcept {
    return T(math_ulps) * epsilon<T> * (T(1) + magnitude(x));
}

/// Step of the central difference: the power of two near the h that balances truncation
/// h^2 |f'''| / 6 against rounding error(x) / h, i.e. h ~ (3 eps / |f'''|)^(1/3) for |f'''| ~ 1:
/// 2^-7 = 7.8e-3 for float (eps 1.2e-7), 2^-16 = 1.5e-5 for double (eps 2.2e-16).
template <std::floating_point T>
inline constexpr T fd_step = sizeof(T) == sizeof(float) ? T(1) / T(128) : T(1) / T(65536);

/// Tolerance of |central difference - f'(x)|: the central difference's truncation error is at
/// most h^2 M3 / 6 (M3 a bound on |f'''| near x); the two values it subtracts are each off by
/// error(x + h), which the division by 2h turns into error(x + h) / h; f' itself is off by
/// error(x). The sum is a bound, not an estimate, so no safety factor is applied. Measured worst
/// |difference| / tolerance over all activations: 0.55 (Tanh in double, where the truncation
/// term h^2 * 2 / 6 = 7.8e-11 is the whole error: the model is tight, not padded).
template <std::floating_point T>
constexpr T fd_tolerance(T x, T third_derivative_bound) noexcept {
    const T h = fd_step<T>;
    const T truncation = h * h * third_derivative_bound / T(6);
    const T rounding = value_error(magnitude(x) + h) / h;
    return truncation + rounding + value_error(x);
}

/// What the finite-difference and bound checks need to know about an activation.
///   third_derivative_bound: sup |f'''| away from kinks (derivations next to each entry);
///   bound_attained: whether sup |f'| = derivative_bound is reached (else it is a supremum).
template <class A>
struct ActivationTraits;

template <>
struct ActivationTraits<ctnet::Identity> {
    static constexpr double third_derivative_bound = 0;  // linear
    static constexpr bool bound_attained = true;         // f' = 1 everywhere
};
template <>
struct ActivationTraits<ctnet::Sigmoid> {
    // s''' = s(1-s)(1 - 6s + 6s^2), largest in magnitude at s = 1/2: 1/8.
    static constexpr double third_derivative_bound = 0.125;
    static constexpr bool bound_attained = true;  // s'(0) = 1/4
};
template <>
struct ActivationTraits<ctnet::Tanh> {
    // tanh''' = -2 + 8 t^2 - 6 t^4 with t = tanh x in [-1, 1]: at most 2 in magnitude (t = 0).
    static constexpr double third_derivative_bound = 2;
    static constexpr bool bound_attained = true;  // tanh'(0) = 1
};
template <>
struct ActivationTraits<ctnet::ReLU> {
    static constexpr double third_derivative_bound = 0;  // piecewise linear, grid avoids the kink
    static constexpr bool bound_attained = true;
};
template <class Slope>
struct ActivationTraits<ctnet::LeakyReLU<Slope>> {
    static constexpr double third_derivative_bound = 0;  // piecewise linear, grid avoids the kink
    static constexpr bool bound_attained = true;         // f' = 1 for x > 0
};
template <class Alpha>
struct ActivationTraits<ctnet::ELU<Alpha>> {
    // f''' = alpha e^x <= alpha for x < 0, 0 for x > 0 (the grid avoids the kink at 0).
    static constexpr double third_derivative_bound = static_cast<double>(Alpha::num) / Alpha::den;
    // bound = max(alpha, 1): 1 is reached for x > 0; alpha e^x only tends to alpha as x -> 0-.
    static constexpr bool bound_attained = Alpha::num <= Alpha::den;
};
template <>
struct ActivationTraits<ctnet::GELU> {
    // f = x Phi, f' = Phi + x phi, f'' = phi (2 - x^2), f''' = x phi (x^2 - 4): at most 0.7788
    // in magnitude (at x = +-0.79).
    static constexpr double third_derivative_bound = 0.8;
    static constexpr bool bound_attained = true;  // max f' = 1.1289041 at x = sqrt 2
};
template <>
struct ActivationTraits<ctnet::GELUTanh> {
    static constexpr double third_derivative_bound = 0.8;  // numerically 0.7767, as GELU's
    static constexpr bool bound_attained = true;           // max f' = 1.1289931 near x = 1.419
};
template <>
struct ActivationTraits<ctnet::SiLU> {
    static constexpr double third_derivative_bound = 0.32;  // numerically 0.3082
    static constexpr bool bound_attained = true;            // max f' = 1.0998393 at x = 2.3994
};
template <>
struct ActivationTraits<ctnet::Softplus> {
    // softplus''' = s'' = s(1-s)(1-2s), at most sqrt(3)/18 = 0.0962 in magnitude.
    static constexpr double third_derivative_bound = 0.1;
    // f' = sigmoid < 1: the bound 1 is a supremum, never attained; but f' > 0.99 for x > 4.6,
    // so the 1% tightness check still holds on a grid reaching x = 8.
    static constexpr bool bound_attained = false;
};
template <>
struct ActivationTraits<ctnet::HardSigmoid> {
    static constexpr double third_derivative_bound = 0;  // piecewise linear, grid avoids +-3
    static constexpr bool bound_attained = true;         // 1/6 on (-3, 3)
};

/// Grid of the finite-difference check: -6 + 1/16 + k/8, k = 0..95 (so +-1/16, +-(3 -+ 1/16):
/// every point is at least 1/16 > h from the kinks at 0 and +-3), plus +-10 and +-16 in
/// saturation. Not 20: Softplus switches to f(x) = x above 20 (torch's threshold), a jump of
/// log1p(e^-20) = 2.1e-9, invisible in float but 6e5 ulps in double, where a difference across it
/// is off by 1e-9 / h.
template <std::floating_point T>
constexpr Grid<T> fd_grid() noexcept {
    return Grid<T>{T(-6) + T(1) / T(16), T(1) / T(8), 96, {T(-16), T(-10), T(10), T(16)}, 4};
}

/// Grid of the derivative-bound check: [-8, 8] in steps of 1/32 (kinks included: f' at a kink
/// is the one-sided value torch uses, which must respect the bound too), plus +-16 and +-32.
template <std::floating_point T>
constexpr Grid<T> dense_grid() noexcept {
    return Grid<T>{T(-8), T(1) / T(32), 513, {T(-32), T(-16), T(16), T(32)}, 4};
}

/// Central difference of A::value against ctnet::derivative<A> on fd_grid.
template <class A, std::floating_point T>
constexpr Report<T> finite_difference_report() noexcept {
    constexpr T m3 = static_cast<T>(ActivationTraits<A>::third_derivative_bound);
    return over_grid(fd_grid<T>(), [](T x, Report<T>& r) {
        const T numeric = central_difference([](T v) { return A::value(v); }, x, fd_step<T>);
        r.add(x, ctnet::derivative<A>(x), numeric, fd_tolerance(x, m3));
    });
}

/// Largest |f'| on dense_grid, and where.
template <std::floating_point T>
struct MaxReport {
    T x = T(0);
    T value = T(0);
};

template <class A, std::floating_point T>
constexpr MaxReport<T> max_derivative() noexcept {
    MaxReport<T> best;
    dense_grid<T>().for_each([&](T x) {
        const T d = magnitude(ctnet::derivative<A>(x));
        if (!(d <= best.value)) {  // NaN wins, so it surfaces
            best.x = x;
            best.value = d;
        }
    });
    return best;
}

/// derivative_bound bounds |f'| on the grid: max |f'| <= bound, compared in T. Rounding is
/// monotone, so |f'| <= bound implies round_T(|f'|) <= round_T(bound); comparing in double
/// instead would fail HardSigmoid in float, whose exact slope float(1/6) = 0.16666667163 is
/// the float nearest 1/6, above the double 1/6.
template <class A, std::floating_point T>
constexpr bool bound_holds() noexcept {
    return max_derivative<A, T>().value <= static_cast<T>(A::derivative_bound);
}

/// derivative_bound is tight: the grid's max |f'| is within 1% of it.
template <class A, std::floating_point T>
constexpr bool bound_tight() noexcept {
    return static_cast<double>(max_derivative<A, T>().value) >= 0.99 * A::derivative_bound;
}

// ---- identities on the finite-difference grid ---------------------------------------------------

/// `got(x)` against `expected(x)` on fd_grid within `tolerance(x)`.
template <std::floating_point T, class Got, class Expected, class Tolerance>
constexpr Report<T> identity_report(Got got, Expected expected, Tolerance tolerance) noexcept {
    return over_grid(fd_grid<T>(), [&](T x, Report<T>& r) { r.add(x, got(x), expected(x), tolerance(x)); });
}

/// sigma'(x) == sigma(x) (1 - sigma(x)), exactly: this is how backward computes it.
template <std::floating_point T>
constexpr Report<T> sigmoid_derivative_from_output() noexcept {
    using ctnet::Sigmoid;
    return identity_report<T>([](T x) { return ctnet::derivative<Sigmoid>(x); },
                              [](T x) { return Sigmoid::value(x) * (T(1) - Sigmoid::value(x)); },
                              [](T) { return T(0); });
}

/// sigma'(x) == e^-x / (1 + e^-x)^2, a formula independent of the output-based one. The
/// output-based one loses 1 - y to cancellation as y -> 1: y has absolute error error(0), and
/// y (1 - y) then has absolute error <= error(0) (|d(y(1-y))/dy| <= 1). Absolute, not relative.
template <std::floating_point T>
constexpr Report<T> sigmoid_derivative_closed_form() noexcept {
    return identity_report<T>([](T x) { return ctnet::derivative<ctnet::Sigmoid>(x); },
                              [](T x) {
                                  const T e = ctnet::math::exp(-x);
                                  return e / ((T(1) + e) * (T(1) + e));
                              },
                              [](T) { return T(2) * value_error(T(0)); });
}

/// tanh'(x) == 1 - tanh(x)^2, exactly (as backward computes it).
template <std::floating_point T>
constexpr Report<T> tanh_derivative_from_output() noexcept {
    using ctnet::Tanh;
    return identity_report<T>([](T x) { return ctnet::derivative<Tanh>(x); },
                              [](T x) { return T(1) - Tanh::value(x) * Tanh::value(x); },
                              [](T) { return T(0); });
}

/// tanh'(x) == 4 / (e^x + e^-x)^2 (sech^2). 1 - y^2 with y off by error(0): off by 2 error(0).
template <std::floating_point T>
constexpr Report<T> tanh_derivative_closed_form() noexcept {
    return identity_report<T>([](T x) { return ctnet::derivative<ctnet::Tanh>(x); },
                              [](T x) {
                                  const T c = ctnet::math::exp(x) + ctnet::math::exp(-x);
                                  return T(4) / (c * c);
                              },
                              [](T) { return T(3) * value_error(T(0)); });
}

/// softplus'(x) == sigmoid(x), exactly.
template <std::floating_point T>
constexpr Report<T> softplus_derivative_is_sigmoid() noexcept {
    return identity_report<T>([](T x) { return ctnet::derivative<ctnet::Softplus>(x); },
                              [](T x) { return ctnet::Sigmoid::value(x); }, [](T) { return T(0); });
}

/// softplus(x) == log(1 + e^x) on the grid (|x| <= 20: e^x does not overflow).
template <std::floating_point T>
constexpr Report<T> softplus_closed_form() noexcept {
    return identity_report<T>([](T x) { return ctnet::Softplus::value(x); },
                              [](T x) { return ctnet::math::log(T(1) + ctnet::math::exp(x)); },
                              [](T x) { return T(2) * value_error(x); });
}

/// silu(x) == x sigmoid(x), exactly.
template <std::floating_point T>
constexpr Report<T> silu_is_x_sigmoid() noexcept {
    return identity_report<T>([](T x) { return ctnet::SiLU::value(x); },
                              [](T x) { return x * ctnet::Sigmoid::value(x); }, [](T) { return T(0); });
}

/// silu'(x) == sigmoid(x) + x sigmoid'(x) (product rule).
template <std::floating_point T>
constexpr Report<T> silu_product_rule() noexcept {
    return identity_report<T>([](T x) { return ctnet::derivative<ctnet::SiLU>(x); },
                              [](T x) { return ctnet::Sigmoid::value(x) + x * ctnet::derivative<ctnet::Sigmoid>(x); },
                              [](T x) { return T(2) * value_error(x); });
}

/// f(x) - f(-x) == x, true of every "x times a CDF" activation (x Phi(x), x sigma(x), the tanh
/// GELU) and of softplus and ReLU; both values are off by error(x), the difference by 2 error(x).
template <class A, std::floating_point T>
constexpr Report<T> odd_part_is_half_x() noexcept {
    return identity_report<T>([](T x) { return A::value(x) - A::value(-x); }, [](T x) { return x; },
                              [](T x) { return T(2) * value_error(x); });
}

/// f'(x) + f'(-x) == 1, the derivative of the identity above.
template <class A, std::floating_point T>
constexpr Report<T> derivative_even_part() noexcept {
    return identity_report<T>([](T x) { return ctnet::derivative<A>(x) + ctnet::derivative<A>(-x); },
                              [](T) { return T(1); }, [](T x) { return T(2) * value_error(x); });
}

/// sigma(x) + sigma(-x) == 1 and hardsigmoid(x) + hardsigmoid(-x) == 1 (point symmetry about
/// (0, 1/2)): each value off by error(0), the sum by 2 error(0).
template <class A, std::floating_point T>
constexpr Report<T> symmetric_about_half() noexcept {
    return identity_report<T>([](T x) { return A::value(x) + A::value(-x); }, [](T) { return T(1); },
                              [](T) { return T(2) * value_error(T(0)); });
}

/// LeakyReLU(x) == max(x, slope x) (slope < 1), exactly: both sides are one rounded product.
template <class Slope, std::floating_point T>
constexpr Report<T> leaky_is_max() noexcept {
    using L = ctnet::LeakyReLU<Slope>;
    return identity_report<T>([](T x) { return L::value(x); },
                              [](T x) { return larger(x, L::template slope<T> * x); }, [](T) { return T(0); });
}

/// ELU: f'(x) == f(x) + alpha for x <= 0 (alpha e^x = alpha (e^x - 1) + alpha), f' == 1 for x > 0.
template <class Alpha, std::floating_point T>
constexpr Report<T> elu_derivative_from_value() noexcept {
    using E = ctnet::ELU<Alpha>;
    return identity_report<T>([](T x) { return ctnet::derivative<E>(x); },
                              [](T x) { return x > T(0) ? T(1) : E::value(x) + E::template alpha<T>; },
                              [](T) { return T(2) * value_error(T(1)) * E::template alpha<T>; });
}

// ---- softmax: the vector-Jacobian product against finite differences --------------------------

/// For Network<T, Input<N>, Softmax>: dx = backward_with_input_gradient(dy) against the central
/// difference of g(x) = <dy, softmax(x)> along each coordinate.
///
/// Tolerance. Along x_i, p_i = sigma(x_i + c) and p_j = w_j (1 - sigma(x_i + c)) with
/// sum_{j != i} w_j = 1, so |g'''| <= (|dy_i| + max_j |dy_j|) / 8 <= max|dy| / 4 (sigma''' <= 1/8).
/// Each p_j is computed within a few roundings, so g is off by at most
/// math_ulps eps sum_j |dy_j| p_j <= math_ulps eps max|dy|; the difference quotient turns that
/// into math_ulps eps max|dy| / h. The VJP itself, y (dy - <dy, y>), is off by about
/// math_ulps eps max|dy|.
template <std::floating_point T, std::size_t N>
struct SoftmaxVjpReport {
    std::array<T, N> analytic{};
    std::array<T, N> numeric{};
    T tolerance = T(0);
    T worst = T(0);  // max_i |analytic_i - numeric_i|
    [[nodiscard]] constexpr bool passed() const noexcept { return worst <= tolerance; }
};

template <std::floating_point T, std::size_t N>
constexpr SoftmaxVjpReport<T, N> softmax_vjp_report(const std::array<T, N>& x_in, const std::array<T, N>& dy_in) noexcept {
    using Net = ctnet::Network<T, ctnet::Input<N>, ctnet::Softmax>;
    constexpr Net net{};
    ctnet::Vector<T, N> x{};
    ctnet::Vector<T, N> dy{};
    T dy_max = T(0);
    for (std::size_t i = 0; i < N; ++i) {
        x[i] = x_in[i];
        dy[i] = dy_in[i];
        dy_max = larger(dy_max, magnitude(dy_in[i]));
    }
    typename Net::template Workspace<1> ws{};
    (void)net.forward(x, ws);
    typename Net::Gradients grads{};
    const ctnet::Vector<T, N> dx = net.backward_with_input_gradient(ws, dy, grads);

    const T h = fd_step<T>;
    const auto g = [&](const ctnet::Vector<T, N>& at) {
        const ctnet::Vector<T, N> y = net.forward(at);
        T dot = T(0);
        for (std::size_t j = 0; j < N; ++j) dot += dy[j] * y[j];
        return dot;
    };
    SoftmaxVjpReport<T, N> report;
    const T u = T(math_ulps) * epsilon<T> * dy_max;
    report.tolerance = h * h * (dy_max / T(4)) / T(6) + u / h + T(N) * u;
    for (std::size_t i = 0; i < N; ++i) {
        ctnet::Vector<T, N> up = x;
        ctnet::Vector<T, N> down = x;
        up[i] += h;
        down[i] -= h;
        report.analytic[i] = dx[i];
        report.numeric[i] = (g(up) - g(down)) / (T(2) * h);
        const T diff = magnitude(report.analytic[i] - report.numeric[i]);
        report.worst = diff == diff ? larger(report.worst, diff) : std::numeric_limits<T>::infinity();
    }
    return report;
}

// ---- storage ------------------------------------------------------------------------------------

/// True if M has exactly this size and alignment (the Matrix storage rule, tests/static/*storage*).
template <class M, std::size_t Size, std::size_t Align>
constexpr bool layout_is() noexcept {
    return sizeof(M) == Size && alignof(M) == Align;
}

}  // namespace ctnet_test
