// Polynomial coefficients of ctnet::kernels::simd::erf (generated; do not edit).
//
// Regenerate: /usr/bin/python3 tools/simd_erf_coefficients.py > include/ctnet/detail/simd_erf_tables.hpp
// Method (see the script): weighted least-squares fits on Chebyshev nodes in 40-digit arithmetic,
// rounded to the scalar type; the errors below are measured after that rounding, relative to erf,
// and exclude the evaluation's own rounding.
#pragma once

namespace ctnet::kernels::detail::erf_tables {

template <class T>
struct Coefficients;

// erf(x) = x + x small(x^2) for |x| <= split (degree 6, error 1.47e-9);
// erf(x) = 1 - e^(-x^2) tail(x - mid) for split <= x <= cap (degree 8, error 3.02e-9);
// erf(x) rounds to 1 for x >= cap. Coefficients lowest degree first.
template <>
struct Coefficients<float> {
    static constexpr float split = 1.0f;
    static constexpr float mid = 2.5f;
    static constexpr float cap = 4.0f;
    static constexpr float small[] = {
        0.12837916612625122f,
        -0.3761262595653534f,
        0.1128358244895935f,
        -0.026853643357753754f,
        0.005187962669879198f,
        -0.0008006793214008212f,
        7.842288323445246e-05f};
    static constexpr float tail[] = {
        0.21080760657787323f,
        -0.0743408128619194f,
        0.024921290576457977f,
        -0.008125154301524162f,
        0.0022893918212503195f,
        -0.0006995081203058362f,
        0.0005064092692919075f,
        0.0002089004119625315f,
        0.0001041187351802364f};
};

// erf(x) = x + x small(x^2) for |x| <= split (degree 12, error 1.1e-17);
// erf(x) = 1 - e^(-x^2) tail(x - mid) for split <= x <= cap (degree 21, error 2.62e-18);
// erf(x) rounds to 1 for x >= cap. Coefficients lowest degree first.
template <>
struct Coefficients<double> {
    static constexpr double split = 1.0;
    static constexpr double mid = 3.5;
    static constexpr double cap = 6.0;
    static constexpr double small[] = {
        0.1283791670955126,
        -0.37612638903183876,
        0.11283791670958743,
        -0.02686617064561954,
        0.005223977629095658,
        -0.0008548327189606624,
        0.00012055337777810952,
        -1.4925738504204218e-05,
        1.646308709483387e-06,
        -1.637063829093387e-07,
        1.4786548418167036e-08,
        -1.1830590465705277e-09,
        6.684830822627492e-11};
    static constexpr double tail[] = {
        0.1552936556091002,
        -0.041323577827689445,
        0.010661133212641413,
        -0.0026730745026392225,
        0.0006526858549431338,
        -0.0001554696652442921,
        3.618237702110969e-05,
        -8.234365951616967e-06,
        1.8411923583510391e-06,
        -4.024742414396392e-07,
        8.031120374144936e-08,
        -2.367457464390519e-08,
        2.9573474101439573e-09,
        1.699619513676925e-09,
        2.4187892535473196e-09,
        7.010018771302917e-10,
        -1.3498319278305597e-10,
        -2.348974250084203e-10,
        -1.0402405462852676e-10,
        -2.5325746099754445e-11,
        -3.403170438563052e-12,
        -2.072624030562327e-13};
};

}  // namespace ctnet::kernels::detail::erf_tables
