// batchnorm_model_f64_reference.hpp: PyTorch's outputs for the model in batchnorm_model_f64.hpp. Do not edit.
// Source: tests/export/models/batchnorm.pt (state_dict, --arch 'tests/export/models/batchnorm.arch'; torch 1.13.0a0).
// Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(2024); input[0] is check_input.
// Regenerate: /usr/bin/python3 tools/export_torch.py tests/export/models/batchnorm.pt --arch tests/export/models/batchnorm.arch --scalar double -o tests/export/data/batchnorm_model_f64.hpp
#pragma once

#include <cstddef>

namespace batchnorm_model_f64::reference {

inline constexpr std::size_t samples = 8;
inline constexpr std::size_t in_features = 6;
inline constexpr std::size_t out_features = 3;

// input: shape [samples=8][in_features=6]
inline constexpr double input[8][6] = {
    {
        -0x1.d6dfdcp+0, -0x1.c9d78cp-7, 0x1.280e52p+1, -0x1.65a25ep-1, 0x1.ad5112p-2,
        -0x1.90dd96p-2,
    },
    {
        0x1.de7052p-1, -0x1.bbf24ap+0, 0x1.67a83cp-3, -0x1.6a342cp+1, 0x1.a2fabcp+1,
        -0x1.285f8cp-2,
    },
    {
        0x1.9b7f7ap-1, -0x1.55b18p+0, -0x1.dc0034p-2, 0x1.294264p+0, 0x1.7bd23p-3,
        -0x1.a2b102p+1,
    },
    {
        0x1.1c2024p-1, 0x1.3e41f6p-1, 0x1.647d72p+1, 0x1.7bb224p+1, -0x1.4be554p-1,
        0x1.0668e8p+1,
    },
    {
        0x1.43c856p+0, -0x1.02c7a8p-4, 0x1.3e524p+1, -0x1.f673b8p+0, 0x1.7e88ccp+0,
        0x1.689b0ap+0,
    },
    {
        0x1.0fa1ecp+1, 0x1.e72b8p-1, 0x1.05bffp+2, -0x1.1b43d8p+1, -0x1.1c5124p+1,
        0x1.32369ep-4,
    },
    {
        0x1.eeb6bp+0, -0x1.f27d78p-1, -0x1.586c8ap+0, 0x1.e526dcp+0, 0x1.3daafcp+0,
        0x1.60da34p-1,
    },
    {
        0x1.2d39fp-1, -0x1.9d73ccp+0, -0x1.61ab46p-4, -0x1.6e01d8p-4, 0x1.a88758p-2,
        -0x1.710738p-2,
    },
};

// output_torch: PyTorch's forward pass in the model's scalar (double), shape [samples][out_features]
inline constexpr double output_torch[8][3] = {
    {
        -0x1.53f0c5755891p-1, -0x1.a11d968131148p-5, -0x1.a906041f37228p-1,
    },
    {
        -0x1.258847cc55b16p-1, 0x1.c2fc0cda6075p-4, -0x1.928d4326b5306p-2,
    },
    {
        -0x1.58065151cf2f7p-1, -0x1.9f7eff7fd873p-4, -0x1.20347a89949e2p-1,
    },
    {
        -0x1.9d82c73004416p-2, -0x1.9420989f0bddap-3, -0x1.b7eb8fa1ca168p-1,
    },
    {
        -0x1.78194aa6b1bfep-2, 0x1.bf06d05c88e92p-3, -0x1.430e399082d87p-2,
    },
    {
        -0x1.e86003a0b0553p-1, -0x1.2c03b3465e856p-2, -0x1.2b178d20dabbap-1,
    },
    {
        -0x1.6941adc4c01c8p-2, 0x1.5b8ffad40e5ccp-4, -0x1.d95aba49d8a79p-2,
    },
    {
        -0x1.54e66bbce40e6p-1, -0x1.0c10e4b357ccp-8, -0x1.c434519c8dd21p-2,
    },
};

// output_f64: PyTorch in float64 (the same parameters and inputs, widened exactly)
inline constexpr double output_f64[8][3] = {
    {
        -0x1.53f0c5755891p-1, -0x1.a11d968131148p-5, -0x1.a906041f37228p-1,
    },
    {
        -0x1.258847cc55b16p-1, 0x1.c2fc0cda6075p-4, -0x1.928d4326b5306p-2,
    },
    {
        -0x1.58065151cf2f7p-1, -0x1.9f7eff7fd873p-4, -0x1.20347a89949e2p-1,
    },
    {
        -0x1.9d82c73004416p-2, -0x1.9420989f0bddap-3, -0x1.b7eb8fa1ca168p-1,
    },
    {
        -0x1.78194aa6b1bfep-2, 0x1.bf06d05c88e92p-3, -0x1.430e399082d87p-2,
    },
    {
        -0x1.e86003a0b0553p-1, -0x1.2c03b3465e856p-2, -0x1.2b178d20dabbap-1,
    },
    {
        -0x1.6941adc4c01c8p-2, 0x1.5b8ffad40e5ccp-4, -0x1.d95aba49d8a79p-2,
    },
    {
        -0x1.54e66bbce40e6p-1, -0x1.0c10e4b357ccp-8, -0x1.c434519c8dd21p-2,
    },
};

}  // namespace batchnorm_model_f64::reference
