// activations_model_f64_reference.hpp: PyTorch's outputs for the model in activations_model_f64.hpp. Do not edit.
// Source: tests/export/models/activations.pt (state_dict, --arch 'tests/export/models/activations.arch'; torch 1.13.0a0).
// Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(2024); input[0] is check_input.
// Regenerate: /usr/bin/python3 tools/export_torch.py tests/export/models/activations.pt --arch tests/export/models/activations.arch --scalar double -o tests/export/data/activations_model_f64.hpp
#pragma once

#include <cstddef>

namespace activations_model_f64::reference {

inline constexpr std::size_t samples = 8;
inline constexpr std::size_t in_features = 6;
inline constexpr std::size_t out_features = 5;

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
inline constexpr double output_torch[8][5] = {
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

}  // namespace activations_model_f64::reference
