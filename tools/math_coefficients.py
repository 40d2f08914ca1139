#!/usr/bin/env python3
"""Generate include/ctnet/detail/math_erf_tables.hpp: the polynomial coefficients of
ctnet::math::detail::erf_impl.

    python3 tools/math_coefficients.py > include/ctnet/detail/math_erf_tables.hpp

Needs mpmath (Debian: python3-mpmath). Fits are Chebyshev interpolants (near-minimax)
computed with 50 significant digits, of the smallest degree whose error is below 2^-62,
converted to the monomial basis of a centred variable, then rounded to double. The
printed error bounds are measured on 2001 points per interval after that rounding, in
50-digit arithmetic (so they exclude the rounding of the double evaluation itself).
"""
import mpmath as mp

mp.mp.dps = 50
TARGET = mp.mpf(2) ** -62  # fit error budget before rounding: 1/512 of a double ulp
SMALL_END = mp.mpf(5) / 4  # erf_impl uses the small-|x| polynomial up to here


def fit(f, a, b, scale_of):
    """Smallest-degree fit of f on [a, b] whose error (relative to scale_of) is below
    TARGET before its coefficients are rounded to double; returns the rounded
    coefficients and their measured error (which the rounding of the constant term
    dominates: up to 2^-54 relative)."""
    for n in range(4, 40):
        coeffs, _ = mp.chebyfit(f, [a, b], n, error=True)
        exact = list(reversed(coeffs))  # lowest degree first
        rounded = [float(c) for c in exact]
        if error(f, a, b, exact, scale_of) < TARGET:
            return rounded, error(f, a, b, rounded, scale_of)
    raise RuntimeError("no fit")


def error(f, a, b, coeffs, scale_of):
    """Max |poly - f| / scale_of on 2001 points of [a, b], poly evaluated at 50 digits."""
    worst = mp.mpf(0)
    for i in range(2001):
        t = a + (b - a) * mp.mpf(i) / 2000
        p = mp.mpf(0)
        for c in reversed(coeffs):
            p = p * t + mp.mpf(c)
        worst = max(worst, abs(p - f(t)) / scale_of(t))
    return worst


def small_p(u):  # erf(x) = x + x * P(x^2)
    return mp.erf(mp.sqrt(u)) / mp.sqrt(u) - 1 if u > 0 else 2 / mp.sqrt(mp.pi) - 1


def lst(cs):
    return ",\n    ".join(repr(c) for c in cs)


small, small_err = fit(small_p, 0, SMALL_END**2, lambda u: 1 + small_p(u))

tails = []
for lo in range(1, 6):
    mid = mp.mpf(lo) + mp.mpf(1) / 2
    g = lambda t, m=mid: mp.erfc(t + m) * mp.exp((t + m) ** 2)  # erfcx
    cs, err = fit(g, -mp.mpf(1) / 2, mp.mpf(1) / 2, g)
    tails.append((lo, cs, err))
width = max(len(cs) for _, cs, _ in tails)

print("""// Polynomial coefficients of ctnet::math::detail::erf_impl (generated; do not edit).
//
// Regenerate: python3 tools/math_coefficients.py > include/ctnet/detail/math_erf_tables.hpp
// Method: Chebyshev interpolants computed by mpmath at 50 digits, converted to monomials
// in a centred variable and rounded to double. Errors below are measured after that
// rounding, relative to the function value, and exclude the double evaluation.
#pragma once

namespace ctnet::math::detail::erf_tables {
""")
print(f"""// erf(x) = x + x * P(x^2) for |x| <= {SMALL_END}; P(u) = sum small[i] * u^i, u in [0, {SMALL_END**2}].
// Fit error relative to erf(x)/x: {mp.nstr(small_err, 3)}.
inline constexpr double small[] = {{
    {lst(small)}}};
""")
print(f"""// erfc(x) = exp(-x^2) * G_j(x - (j + 1.5)) for x in [j + 1, j + 2], j = 0..4, where
// G_j(t) = sum tail[j][i] * t^i (t in [-0.5, 0.5]) fits erfcx(x) = erfc(x) * exp(x^2).
// Rows are zero-padded to {width} coefficients; tail_degree[j] is the real degree.""")
for lo, cs, err in tails:
    print(f"// Row {lo - 1}: x in [{lo}, {lo + 1}], degree {len(cs) - 1}, fit error {mp.nstr(err, 3)}.")
print(f"inline constexpr int tail_degree[] = {{{', '.join(str(len(cs) - 1) for _, cs, _ in tails)}}};")
print(f"inline constexpr double tail[][{width}] = {{")
for lo, cs, err in tails:
    print("    {" + lst(cs + [0.0] * (width - len(cs))).replace("\n    ", "\n     ") + "},")
print("};")
print("\n}  // namespace ctnet::math::detail::erf_tables")
