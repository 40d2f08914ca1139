// activations_model_reference.hpp: PyTorch's outputs for the model in activations_model.hpp. Do not edit.
// Source: tests/export/models/activations.pt (state_dict, --arch 'tests/export/models/activations.arch'; torch 1.13.0a0).
// Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(2024); input[0] is check_input.
// Regenerate: /usr/bin/python3 tools/export_torch.py tests/export/models/activations.pt --arch tests/export/models/activations.arch -o tests/export/data/activations_model.hpp
#pragma once

#include <cstddef>

namespace activations_model::reference {

inline constexpr std::size_t samples = 8;
inline constexpr std::size_t in_features = 6;
inline constexpr std::size_t out_features = 5;

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
inline constexpr float output_torch[8][5] = {
    {
        0x1.08f04p-2f, 0x1.18d19ap-16f, 0x1.b2ee9cp-6f, 0x1.03ebc2p-1f, 0x1.a809e4p-3f,
    },
    {
        0x1.1a28acp-2f, 0x1.4f741p-16f, 0x1.7aac1p-6f, 0x1.eb9502p-2f, 0x1.c524a2p-3f,
    },
    {
        0x1.6def22p-3f, 0x1.1f196cp-14f, 0x1.409e4ap-6f, 0x1.680e1ep-2f, 0x1.ccde7ap-2f,
    },
    {
        0x1.dd77bep-3f, 0x1.2a16eap-15f, 0x1.a81e0cp-5f, 0x1.e33c24p-2f, 0x1.f1f5d4p-3f,
    },
    {
        0x1.522b9cp-4f, 0x1.989e6ap-21f, 0x1.3b9356p-7f, 0x1.95976p-1f, 0x1.d9a63p-4f,
    },
    {
        0x1.c3a9dp-3f, 0x1.30e268p-15f, 0x1.4b7846p-6f, 0x1.b3661p-2f, 0x1.5603fap-2f,
    },
    {
        0x1.09a478p-2f, 0x1.fd6db2p-15f, 0x1.9b18f6p-5f, 0x1.a3adp-2f, 0x1.1f3b7cp-2f,
    },
    {
        0x1.60dc72p-3f, 0x1.b0983ap-15f, 0x1.06941cp-6f, 0x1.7b5d7p-2f, 0x1.c3bd92p-2f,
    },
};

// output_f64: PyTorch in float64 (the same parameters and inputs, widened exactly)
inline constexpr double output_f64[8][5] = {
    {
        0x1.08f03676bff2ap-2, 0x1.18d17d23d5bd8p-16, 0x1.b2ee8d5fac911p-6, 0x1.03ebc16d1816cp-1, 0x1.a809f526410eep-3,
    },
    {
        0x1.1a28a89f13f5p-2, 0x1.4f73d237ae07ep-16, 0x1.7aabf04051127p-6, 0x1.eb950780291dfp-2, 0x1.c524a61ae9facp-3,
    },
    {
        0x1.6def0ba001562p-3, 0x1.1f192f663d0fdp-14, 0x1.409e1a9b7a3d2p-6, 0x1.680e23ef77a39p-2, 0x1.ccde8303d9a9ep-2,
    },
    {
        0x1.dd77ba073b834p-3, 0x1.2a16af2ddd60dp-15, 0x1.a81df77fbe7bbp-5, 0x1.e33c3485bbe25p-2, 0x1.f1f5bda26a3b9p-3,
    },
    {
        0x1.522bb5f25206fp-4, 0x1.989ebef541afap-21, 0x1.3b9383dae7ef8p-7, 0x1.95975bb0698c2p-1, 0x1.d9a62fbfa51f5p-4,
    },
    {
        0x1.c3a9ae93f2cb1p-3, 0x1.30e24921681b9p-15, 0x1.4b7803bc18b7cp-6, 0x1.b3660ba8bc4c3p-2, 0x1.560415bf3fb79p-2,
    },
    {
        0x1.09a4809a4611dp-2, 0x1.fd6d60f12b538p-15, 0x1.9b18d3ef0a7f7p-5, 0x1.a3ad0f30b4c64p-2, 0x1.1f3b6a4c1c4e9p-2,
    },
    {
        0x1.60dc3fbb950dep-3, 0x1.b098075ec2b1fp-15, 0x1.0693e558345b8p-6, 0x1.7b5d653e52996p-2, 0x1.c3bdb7ce24a3dp-2,
    },
};

}  // namespace activations_model::reference
