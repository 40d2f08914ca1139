// seed_model_reference.hpp: PyTorch's outputs for the model in seed_model.hpp. Do not edit.
// Source: examples/firmware/model/seed.pt (TorchScript; torch 1.13.0a0).
// Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(2024); input[0] is check_input.
// Regenerate: /usr/bin/python3 tools/export_torch.py examples/firmware/model/seed.pt -o examples/firmware/model/seed_model.hpp
#pragma once

#include <cstddef>

namespace seed_model::reference {

inline constexpr std::size_t samples = 8;
inline constexpr std::size_t in_features = 10;
inline constexpr std::size_t out_features = 1;

// input: shape [samples=8][in_features=10]
inline constexpr float input[8][10] = {
    {
        -0x1.d6dfdcp+0f, -0x1.c9d78cp-7f, 0x1.280e52p+1f, -0x1.65a25ep-1f, 0x1.ad5112p-2f,
        -0x1.90dd96p-2f, 0x1.de7052p-1f, -0x1.bbf24ap+0f, 0x1.67a83cp-3f, -0x1.6a342cp+1f,
    },
    {
        0x1.a2fabcp+1f, -0x1.285f8cp-2f, 0x1.9b7f7ap-1f, -0x1.55b18p+0f, -0x1.dc0034p-2f,
        0x1.294264p+0f, 0x1.7bd23p-3f, -0x1.a2b102p+1f, 0x1.1c2024p-1f, 0x1.3e41f6p-1f,
    },
    {
        0x1.647d72p+1f, 0x1.7bb224p+1f, -0x1.4be554p-1f, 0x1.0668e8p+1f, 0x1.43c856p+0f,
        -0x1.02c7a8p-4f, 0x1.3e524p+1f, -0x1.f673b8p+0f, 0x1.7e88ccp+0f, 0x1.689b0ap+0f,
    },
    {
        0x1.0fa1ecp+1f, 0x1.e72b8p-1f, 0x1.05bffp+2f, -0x1.1b43d8p+1f, -0x1.1c5124p+1f,
        0x1.32369ep-4f, 0x1.eeb6bp+0f, -0x1.f27d78p-1f, -0x1.586c8ap+0f, 0x1.e526dcp+0f,
    },
    {
        0x1.3daafcp+0f, 0x1.60da34p-1f, 0x1.2d39fp-1f, -0x1.9d73ccp+0f, -0x1.61ab46p-4f,
        -0x1.6e01d8p-4f, 0x1.a88758p-2f, -0x1.710738p-2f, 0x1.1496bp+0f, -0x1.0eddeep+1f,
    },
    {
        -0x1.50ab2cp-1f, 0x1.10b0fep-1f, 0x1.1e6e82p-1f, -0x1.f51f6p+0f, -0x1.3287acp+0f,
        0x1.90fcaap+0f, -0x1.78d5fp-3f, 0x1.34e7f2p-1f, -0x1.1276bcp+1f, -0x1.b25cdp-1f,
    },
    {
        0x1.0bad92p+0f, 0x1.827f2cp-3f, -0x1.0ab9e6p-4f, 0x1.9c1724p-1f, 0x1.e6ffap-2f,
        -0x1.6758a2p+1f, -0x1.12c9d2p-3f, 0x1.1f6fdap+0f, 0x1.d74f34p-1f, -0x1.5359bep-1f,
    },
    {
        0x1.2e3b8ep-3f, -0x1.d2d00ap-3f, -0x1.a32f3ep-1f, 0x1.69ecbp+0f, 0x1.fac8ep-2f,
        0x1.25130cp+1f, -0x1.1e5c94p-2f, 0x1.6105d6p+0f, -0x1.f2f338p-2f, 0x1.0cc108p+1f,
    },
};

// output_torch: PyTorch's forward pass in the model's scalar (float), shape [samples][out_features]
inline constexpr float output_torch[8][1] = {
    {
        -0x1.2db55ep-2f,
    },
    {
        0x1.82e79cp-5f,
    },
    {
        0x1.30d9a4p-1f,
    },
    {
        -0x1.9cf748p-5f,
    },
    {
        0x1.f8c94cp-4f,
    },
    {
        0x1.234bc8p-2f,
    },
    {
        0x1.3cd32p-2f,
    },
    {
        -0x1.48f35cp-5f,
    },
};

// output_f64: PyTorch in float64 (the same parameters and inputs, widened exactly)
inline constexpr double output_f64[8][1] = {
    {
        -0x1.2db55dfbef3f9p-2,
    },
    {
        0x1.82e7a8952d56p-5,
    },
    {
        0x1.30d9a6bcd47d4p-1,
    },
    {
        -0x1.9cf72cea94d32p-5,
    },
    {
        0x1.f8c94f26bc0c2p-4,
    },
    {
        0x1.234bcab099008p-2,
    },
    {
        0x1.3cd323191dba8p-2,
    },
    {
        -0x1.48f35a763bbecp-5,
    },
};

}  // namespace seed_model::reference
