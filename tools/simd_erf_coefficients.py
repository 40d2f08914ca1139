#!/usr/bin/env python3
"""Generate include/ctnet/detail/simd_erf_tables.hpp: the polynomial coefficients of
ctnet::kernels::simd::erf (float and double).

    /usr/bin/python3 tools/simd_erf_coefficients.py > include/ctnet/detail/simd_erf_tables.hpp

Needs mpmath (Debian: python3-mpmath). simd::erf computes both of its branches in every lane,
so each is one polynomial over its whole interval (no per-lane table lookups):
- small: erf(x) = x + x P(x^2) for |x| <= SPLIT, the error measured relative to erf(x);
- tail: erf(x) = 1 - e^(-x^2) G(x - MID) for SPLIT <= x <= CAP, G a fit of
  erfcx(x) = erfc(x) e^(x^2) whose error counts as e^(-x^2) |G - erfcx| relative to erf(x), the
  error it makes in erf (so far from SPLIT, where erfc is tiny, G may be rough).
Each fit is a weighted least-squares fit on 200 Chebyshev nodes (near-minimax) in 40-digit
arithmetic, of the smallest degree whose error is below TARGET[T] (1/8 ulp of T near 1; the
constant 2 / sqrt(pi) - 1 of the small branch, rounded to T, takes up to 0.11 ulp of it) after
its coefficients are rounded to T (one at a time from the lowest degree, the others refitted
after each rounding). The printed errors are measured on 2001 points after that rounding,
exclude the rounding of the evaluation in T, and are relative to erf.
"""
import struct

import mpmath as mp

mp.mp.dps = 40
# The branches meet at 1. Splitting at 1.25 (as ctnet::math::erf does) saves a degree but the
# small branch's Horner terms there reach 4x its value, and their rounding made simd::erf 2.1 ulp
# off without FMA (1.26 with the split at 1, where erfc = 0.16 still scales the tail's error down).
SPLIT = mp.mpf(1)
# |x| at and beyond which erf rounds to +-1 (erfc(x) below half an ulp of 1 from below):
# erfc(4) = 1.5e-8 < 2^-25 in float, erfc(6) = 2.2e-17 < 2^-54 in double.
CAP = {"float": mp.mpf(4), "double": mp.mpf(6)}
TARGET = {"float": mp.mpf(2) ** -27, "double": mp.mpf(2) ** -56}
ROUND = {
    "float": lambda c: struct.unpack("f", struct.pack("f", float(c)))[0],
    "double": float,
}


def weighted_fit(f, weight, a, b, degree, fixed=(), nodes=200):
    """Coefficients (lowest first) minimising sum ((p - f) / weight)^2 over Chebyshev nodes,
    the lowest ones given (`fixed`)."""
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (i + mp.mpf(1) / 2) / nodes) for i in range(nodes)]
    free = degree + 1 - len(fixed)
    A = mp.matrix(nodes, free)
    y = mp.matrix(nodes, 1)
    for i, x in enumerate(xs):
        w = 1 / weight(x)
        for j in range(free):
            A[i, j] = x ** (len(fixed) + j) * w
        y[i] = (f(x) - sum(mp.mpf(c) * x**k for k, c in enumerate(fixed))) * w
    c, _ = mp.qr_solve(A, y)
    return list(fixed) + [c[j] for j in range(free)]


def rounded_fit(f, weight, a, b, degree, scalar):
    """The fit with its coefficients rounded to the scalar type one at a time from the lowest,
    the higher ones refitted after each rounding (so they absorb its error)."""
    fixed = []
    for _ in range(degree + 1):
        fixed.append(ROUND[scalar](weighted_fit(f, weight, a, b, degree, fixed)[len(fixed)]))
    return fixed


def error(f, weight, a, b, coeffs, points=2000):
    worst = mp.mpf(0)
    for i in range(points + 1):
        x = a + (b - a) * mp.mpf(i) / points
        p = mp.mpf(0)
        for c in reversed(coeffs):
            p = p * x + mp.mpf(c)
        worst = max(worst, abs(p - f(x)) / weight(x))
    return worst


def smallest_fit(f, weight, a, b, scalar):
    for degree in range(2, 40):
        if error(f, weight, a, b, weighted_fit(f, weight, a, b, degree), 400) > TARGET[scalar] / 2:
            continue
        rounded = rounded_fit(f, weight, a, b, degree, scalar)
        if error(f, weight, a, b, rounded, 400) < TARGET[scalar]:
            return rounded, error(f, weight, a, b, rounded)
    raise RuntimeError("no fit")


def small_p(u):  # erf(x) / x - 1 at u = x^2
    return mp.erf(mp.sqrt(u)) / mp.sqrt(u) - 1 if u > 0 else 2 / mp.sqrt(mp.pi) - 1


def small_weight(u):  # erf(x) / x: an error in P is this much relative to erf(x)
    return 1 + small_p(u)


fits = {}
for scalar in ("float", "double"):
    cap = CAP[scalar]
    mid = (SPLIT + cap) / 2
    small = smallest_fit(small_p, small_weight, mp.mpf(0), SPLIT**2, scalar)
    tail = smallest_fit(lambda t: mp.erfc(t + mid) * mp.exp((t + mid) ** 2),
                        lambda t: mp.erf(t + mid) * mp.exp((t + mid) ** 2), SPLIT - mid, cap - mid, scalar)
    fits[scalar] = (cap, mid, small, tail)


def literal(c, scalar):
    return repr(c) + ("f" if scalar == "float" else "")


def lst(cs, scalar):
    return ",\n        ".join(literal(c, scalar) for c in cs)


print(f"""// Polynomial coefficients of ctnet::kernels::simd::erf (generated; do not edit).
//
// Regenerate: /usr/bin/python3 tools/simd_erf_coefficients.py > include/ctnet/detail/simd_erf_tables.hpp
// Method (see the script): weighted least-squares fits on Chebyshev nodes in 40-digit arithmetic,
// rounded to the scalar type; the errors below are measured after that rounding, relative to erf,
// and exclude the evaluation's own rounding.
#pragma once

namespace ctnet::kernels::detail::erf_tables {{

template <class T>
struct Coefficients;
""")
for scalar in ("float", "double"):
    cap, mid, (small, small_err), (tail, tail_err) = fits[scalar]
    print(f"""// erf(x) = x + x small(x^2) for |x| <= split (degree {len(small) - 1}, error {mp.nstr(small_err, 3)});
// erf(x) = 1 - e^(-x^2) tail(x - mid) for split <= x <= cap (degree {len(tail) - 1}, error {mp.nstr(tail_err, 3)});
// erf(x) rounds to 1 for x >= cap. Coefficients lowest degree first.
template <>
struct Coefficients<{scalar}> {{
    static constexpr {scalar} split = {literal(float(SPLIT), scalar)};
    static constexpr {scalar} mid = {literal(float(mid), scalar)};
    static constexpr {scalar} cap = {literal(float(cap), scalar)};
    static constexpr {scalar} small[] = {{
        {lst(small, scalar)}}};
    static constexpr {scalar} tail[] = {{
        {lst(tail, scalar)}}};
}};
""")
print("}  // namespace ctnet::kernels::detail::erf_tables")
