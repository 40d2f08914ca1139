// residual_model_reference.hpp: PyTorch's outputs for the model in residual_model.hpp. Do not edit.
// Source: tests/export/models/residual.pt (state_dict, --arch 'tests/export/models/residual.arch'; torch 1.13.0a0).
// Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(2024); input[0] is check_input.
// Regenerate: /usr/bin/python3 tools/export_torch.py tests/export/models/residual.pt --arch tests/export/models/residual.arch -o tests/export/data/residual_model.hpp
#pragma once

#include <cstddef>

namespace residual_model::reference {

inline constexpr std::size_t samples = 8;
inline constexpr std::size_t in_features = 6;
inline constexpr std::size_t out_features = 3;

// input: shape [samples=8][in_features=6]
inline constexpr float input[8][6] = {
    {
        -0x1.d6dfdcp+0f, -0x1.c9d78cp-7f, 0x1.280e52p+1f, -0x1.65a25ep-1f, 0x1.ad5112p-2f,
        -0x1.90dd96p-2f,
    },
    {
        0x1.de7052p-1f, -0x1.bbf24ap+0f, 0x1.67a83cp-3f, -0x1.6a342cp+1f, 0x1.a2fabcp+1f,
        -0x1.285f8cp-2f,
    },
    {
        0x1.9b7f7ap-1f, -0x1.55b18p+0f, -0x1.dc0034p-2f, 0x1.294264p+0f, 0x1.7bd23p-3f,
        -0x1.a2b102p+1f,
    },
    {
        0x1.1c2024p-1f, 0x1.3e41f6p-1f, 0x1.647d72p+1f, 0x1.7bb224p+1f, -0x1.4be554p-1f,
        0x1.0668e8p+1f,
    },
    {
        0x1.43c856p+0f, -0x1.02c7a8p-4f, 0x1.3e524p+1f, -0x1.f673b8p+0f, 0x1.7e88ccp+0f,
        0x1.689b0ap+0f,
    },
    {
        0x1.0fa1ecp+1f, 0x1.e72b8p-1f, 0x1.05bffp+2f, -0x1.1b43d8p+1f, -0x1.1c5124p+1f,
        0x1.32369ep-4f,
    },
    {
        0x1.eeb6bp+0f, -0x1.f27d78p-1f, -0x1.586c8ap+0f, 0x1.e526dcp+0f, 0x1.3daafcp+0f,
        0x1.60da34p-1f,
    },
    {
        0x1.2d39fp-1f, -0x1.9d73ccp+0f, -0x1.61ab46p-4f, -0x1.6e01d8p-4f, 0x1.a88758p-2f,
        -0x1.710738p-2f,
    },
};

// output_torch: PyTorch's forward pass in the model's scalar (float), shape [samples][out_features]
inline constexpr float output_torch[8][3] = {
    {
        -0x1.7d7402p-2f, 0x1.e4bb88p-3f, -0x1.cf7d2p-1f,
    },
    {
        -0x1.14c858p-1f, 0x1.81b2cp-4f, -0x1.c5d924p-1f,
    },
    {
        -0x1.2a6d2cp-2f, -0x1.cdfdb4p-2f, 0x1.463cbp-4f,
    },
    {
        0x1.836d0ep-1f, -0x1.d758b4p-2f, -0x1.9e851p-5f,
    },
    {
        0x1.623134p-4f, 0x1.ad49acp-2f, -0x1.d3594cp-1f,
    },
    {
        0x1.8e91e6p-5f, 0x1.c04ce8p-2f, -0x1.03daecp+0f,
    },
    {
        0x1.40f6fp-3f, -0x1.c2b1ecp-2f, 0x1.7c1806p-2f,
    },
    {
        -0x1.3d0f5p-1f, -0x1.ef3f6cp-3f, -0x1.3e0c0ap-2f,
    },
};

// output_f64: PyTorch in float64 (the same parameters and inputs, widened exactly)
inline constexpr double output_f64[8][3] = {
    {
        -0x1.7d740544adc51p-2, 0x1.e4bb7d6c52e1cp-3, -0x1.cf7d1a1c50fb6p-1,
    },
    {
        -0x1.14c8571fac13ep-1, 0x1.81b2b1f67f99cp-4, -0x1.c5d9205708166p-1,
    },
    {
        -0x1.2a6d321aff3c6p-2, -0x1.cdfdb5964f81ep-2, 0x1.463cab222d9ecp-4,
    },
    {
        0x1.836d09eee487ap-1, -0x1.d758b36db4dbfp-2, -0x1.9e854b0357e34p-5,
    },
    {
        0x1.62313607961bcp-4, 0x1.ad49b02fdacf8p-2, -0x1.d359504d4bfdcp-1,
    },
    {
        0x1.8e91f1f35645ep-5, 0x1.c04ce9f50b9e2p-2, -0x1.03daee22800acp+0,
    },
    {
        0x1.40f7076271d3fp-3, -0x1.c2b1ef8fc3f36p-2, 0x1.7c180ec368d66p-2,
    },
    {
        -0x1.3d0f53462280ep-1, -0x1.ef3f6f57080c2p-3, -0x1.3e0c061c69ad4p-2,
    },
};

}  // namespace residual_model::reference
