// ctnet::check_gradients: backward against central finite differences, usable in static_assert.
#pragma once

#include <cstddef>

#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>

namespace ctnet {

/// Finite-difference settings. Defaults suit double: with step h the central difference has
/// truncation error ~ h^2 |f'''| / 6 and rounding error ~ eps |f| / h; h = 1e-5 balances the two
/// near 1e-10 for values and derivatives of order 1, well inside the tolerances.
template <class T>
struct GradientCheckOptions {
    T step = T(1e-5);
    T absolute_tolerance = T(1e-7);
    T relative_tolerance = T(1e-6);
};

/// The worst disagreement found, as |analytic - numeric| / (atol + rtol |numeric|): at most 1
/// means within tolerance.
template <class T>
struct GradientCheckResult {
    T worst_ratio = T(0);
    T worst_analytic = T(0);
    T worst_numeric = T(0);
    std::size_t worst_index = 0;     ///< flat parameter index, or parameter_count + input index
    std::size_t checked = 0;         ///< how many partial derivatives were compared
    [[nodiscard]] constexpr bool passed() const noexcept { return checked > 0 && worst_ratio <= T(1); }
};

namespace detail {
template <class T>
constexpr void record(GradientCheckResult<T>& r, T analytic, T numeric, std::size_t index,
                      const GradientCheckOptions<T>& o) noexcept {
    const T ratio = math::abs(analytic - numeric) / (o.absolute_tolerance + o.relative_tolerance * math::abs(numeric));
    if (!(ratio <= r.worst_ratio)) {  // NaN counts as worst
        r.worst_ratio = ratio == ratio ? ratio : T(1e30);  // a NaN disagreement is reported as huge
        r.worst_analytic = analytic;
        r.worst_numeric = numeric;
        r.worst_index = index;
    }
    ++r.checked;
}

/// <dy, f(x)> for a training-mode forward (batch statistics where a layer has them).
template <class Net, std::size_t B>
constexpr typename Net::scalar projected_output(const Net& net, const Matrix<typename Net::scalar, B, Net::in_size>& x,
                                                const Matrix<typename Net::scalar, B, Net::out_size>& dy) noexcept {
    typename Net::template Workspace<B> ws{};
    const auto y = net.forward(x, ws);
    typename Net::scalar sum = 0;
    for (std::size_t k = 0; k < B * Net::out_size; ++k) sum += dy[k] * y[k];
    return sum;
}
}  // namespace detail

/// Checks a network's backward pass against the vector-Jacobian product from central finite
/// differences of its forward pass: for L(theta, x) = <dy, f(x; theta)>, every dL/dtheta_j and
/// dL/dx_i from `backward_with_input_gradient` is compared with
/// (L(theta + h e_j) - L(theta - h e_j)) / 2h. Constexpr: `static_assert(check_gradients(...).passed())`.
/// Cost: 2 (parameter_count + B in_size) forward passes.
template <class Net, std::size_t B>
[[nodiscard]] constexpr GradientCheckResult<typename Net::scalar> check_gradients(
    const Net& net, const Matrix<typename Net::scalar, B, Net::in_size>& x,
    const Matrix<typename Net::scalar, B, Net::out_size>& dy,
    const GradientCheckOptions<typename Net::scalar>& options = {}) noexcept {
    using T = typename Net::scalar;
    GradientCheckResult<T> result;

    typename Net::template Workspace<B> ws{};
    (void)net.forward(x, ws);
    typename Net::Gradients grads{};
    const auto dx = net.backward_with_input_gradient(ws, dy, grads);
    const auto analytic = Net::gradients_to_flat(grads);

    auto flat = net.to_flat();
    for (std::size_t j = 0; j < Net::parameter_count; ++j) {
        const T saved = flat[j];
        Net probe = net;
        flat[j] = saved + options.step;
        Net::Chain::read_flat(probe.parameters, flat.data());
        const T up = detail::projected_output(probe, x, dy);
        flat[j] = saved - options.step;
        Net::Chain::read_flat(probe.parameters, flat.data());
        const T down = detail::projected_output(probe, x, dy);
        flat[j] = saved;
        detail::record(result, analytic[j], (up - down) / (T(2) * options.step), j, options);
    }
    for (std::size_t i = 0; i < B * Net::in_size; ++i) {
        auto xp = x;
        xp[i] = x[i] + options.step;
        const T up = detail::projected_output(net, xp, dy);
        xp[i] = x[i] - options.step;
        const T down = detail::projected_output(net, xp, dy);
        detail::record(result, dx[i], (up - down) / (T(2) * options.step), Net::parameter_count + i, options);
    }
    return result;
}

/// Checks a loss's gradient(y, target, dy) against central differences of its value.
template <class Loss, class T, std::size_t B, std::size_t N, class Target>
[[nodiscard]] constexpr GradientCheckResult<T> check_loss_gradient(const Loss& loss, const Matrix<T, B, N>& y,
                                                                  const Target& target,
                                                                  const GradientCheckOptions<T>& options = {}) noexcept {
    GradientCheckResult<T> result;
    Matrix<T, B, N> dy;
    (void)loss.gradient(y, target, dy);
    for (std::size_t k = 0; k < B * N; ++k) {
        auto yp = y;
        yp[k] = y[k] + options.step;
        const T up = loss.value(yp, target);
        yp[k] = y[k] - options.step;
        const T down = loss.value(yp, target);
        detail::record(result, dy[k], (up - down) / (T(2) * options.step), k, options);
    }
    return result;
}

}  // namespace ctnet
