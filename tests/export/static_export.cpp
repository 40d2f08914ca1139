// Constexpr all the way: exported models reproduce PyTorch in constant expressions, write_header
// runs in one, and the stack bound is a compile-time figure. Compiling this file is the test.
#include <array>
#include <cstddef>

#include <ctnet/export.hpp>
#include <ctnet/stack.hpp>

#include "activations_model.hpp"
#include "activations_model_f64.hpp"
#include "activations_model_f64_reference.hpp"
#include "activations_model_reference.hpp"
#include "batchnorm_model.hpp"
#include "batchnorm_model_f64.hpp"
#include "batchnorm_model_f64_reference.hpp"
#include "batchnorm_model_reference.hpp"
#include "data/forward.hpp"
#include "residual_model.hpp"
#include "residual_model_reference.hpp"
#include "seed_model.hpp"
#include "seed_model_reference.hpp"

namespace {

/// Every reference sample within `tolerance` relative to max(1, |PyTorch|) (the headers' own
/// static_assert checks only sample 0).
template <class Model, class T, std::size_t Samples, std::size_t In, std::size_t Out>
constexpr bool reproduces(const Model& model, const T (&input)[Samples][In], const T (&expected)[Samples][Out],
                          T tolerance) {
    for (std::size_t s = 0; s < Samples; ++s) {
        ctnet::Vector<T, In> x{};
        for (std::size_t i = 0; i < In; ++i) x[i] = input[s][i];
        const auto y = model.forward(x);
        for (std::size_t o = 0; o < Out; ++o) {
            const T error = y[o] > expected[s][o] ? y[o] - expected[s][o] : expected[s][o] - y[o];
            const T magnitude = expected[s][o] < T(0) ? -expected[s][o] : expected[s][o];
            if (!(error <= tolerance * (magnitude > T(1) ? magnitude : T(1)))) return false;
        }
    }
    return true;
}

static_assert(reproduces(seed_model::model, seed_model::reference::input, seed_model::reference::output_torch, 1e-5f));
static_assert(reproduces(activations_model::model, activations_model::reference::input,
                         activations_model::reference::output_torch, 1e-5f));
static_assert(reproduces(activations_model_f64::model, activations_model_f64::reference::input,
                         activations_model_f64::reference::output_torch, 1e-12));
static_assert(reproduces(batchnorm_model::model, batchnorm_model::reference::input,
                         batchnorm_model::reference::output_torch, 1e-5f));
static_assert(reproduces(batchnorm_model_f64::model, batchnorm_model_f64::reference::input,
                         batchnorm_model_f64::reference::output_torch, 1e-12));
static_assert(reproduces(residual_model::model, residual_model::reference::input,
                         residual_model::reference::output_torch, 1e-5f));

// The TorchScript seed model is tests/data's `seed` case: same seed, same weights, bit for bit.
static_assert([] {
    for (std::size_t i = 0; i < seed_model::Model::parameter_count; ++i)
        if (seed_model::parameters[i] != ctnet_ref::forward::seed::params[i]) return false;
    return seed_model::Model::parameter_count == ctnet_ref::forward::seed::param_count;
}());

// The model object is the parameters and nothing else, so flash holds exactly parameter_bytes.
static_assert(sizeof(seed_model::model) == seed_model::Model::parameter_bytes);

// write_header in a constant expression.
struct Text {
    char data[8192]{};
    std::size_t size = 0;
    constexpr bool contains(const char* needle) const {
        for (std::size_t at = 0; at < size; ++at) {
            std::size_t k = 0;
            while (needle[k] != '\0' && at + k < size && data[at + k] == needle[k]) ++k;
            if (needle[k] == '\0') return true;
        }
        return false;
    }
};
using Tiny = ctnet::Network<float, ctnet::Input<2>, ctnet::Dense<1, ctnet::Bias::none>, ctnet::LeakyReLU<>>;
constexpr Text tiny_header = [] {
    constexpr float weights[2] = {1.5f, -0.25f};
    Text text;
    const auto status = ctnet::write_header(
        [&text](const char* piece, std::size_t length) {
            for (std::size_t i = 0; i < length; ++i) text.data[text.size++] = piece[i];
        },
        Tiny::from_flat(weights), {.name_space = "tiny", .comment = "tiny"});
    if (status != ctnet::Status::ok) text.size = 0;
    return text;
}();
static_assert(tiny_header.contains("// tiny\n#pragma once\n"));
static_assert(tiny_header.contains("// PyTorch: Sequential(Linear(2, 1, bias=False), LeakyReLU(negative_slope=1/100))\n"));
static_assert(tiny_header.contains(
    "using Model = ctnet::Network<float, ctnet::Input<2>, ctnet::Dense<1, ctnet::Bias::none>, "
    "ctnet::LeakyReLU<std::ratio<1, 100>>>;\n"));
static_assert(tiny_header.contains("inline constexpr float parameters[2] = {\n    0x1.8p+0f, -0x1p-2f,\n};\n"));
// default check_input x_i = ((7 i + 3) mod 11 - 5) / 4: -0.5, 1.25; y = 1.5 (-0.5) - 0.25 (1.25) < 0
// so LeakyReLU gives 0.01 (-1.0625) = -0.010625 (rounded to float)
static_assert(tiny_header.contains("check_input = {{\n    -0x1p-1f, 0x1.4p+0f,\n}};\n"));
static_assert(tiny_header.contains("}  // namespace tiny\n"));

// BatchNorm and residual blocks, nested: their C++ types and PyTorch spellings (the widths of the
// layers inside a block follow from the block's input width), as tools/export_torch.py writes them.
using Blocks = ctnet::Network<double, ctnet::Input<2>, ctnet::Dense<3>, ctnet::BatchNorm<std::ratio<1, 100000000>>,
                              ctnet::ProjectedResidual<ctnet::Dense<4>, ctnet::Residual<ctnet::Dense<4>, ctnet::Tanh>,
                                                       ctnet::Dense<2>>,
                              ctnet::Residual<ctnet::BatchNorm<std::milli, std::ratio<3, 10>>, ctnet::Dense<2>>>;
constexpr Text blocks_header = [] {
    std::array<double, Blocks::parameter_count> flat{};
    for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 1.0 + 0.125 * static_cast<double>(i % 4);  // var > 0
    Text text;
    const auto status = ctnet::write_header(
        [&text](const char* piece, std::size_t length) {
            for (std::size_t i = 0; i < length; ++i) text.data[text.size++] = piece[i];
        },
        Blocks::from_flat(flat), {.name_space = "blocks", .comment = "blocks"});
    if (status != ctnet::Status::ok) text.size = 0;
    return text;
}();
static_assert(blocks_header.contains(
    "// PyTorch: Sequential(Linear(2, 3), BatchNorm1d(3, eps=1/100000000, momentum=1/10), "
    "ResidualProj(3, 2, Linear(3, 4), Residual(Linear(4, 4), Tanh()), Linear(4, 2)), "
    "Residual(BatchNorm1d(2, eps=1/1000, momentum=3/10), Linear(2, 2)))\n"));
static_assert(blocks_header.contains(
    "using Model = ctnet::Network<double, ctnet::Input<2>, ctnet::Dense<3>, "
    "ctnet::BatchNorm<std::ratio<1, 100000000>, std::ratio<1, 10>>, "
    "ctnet::ProjectedResidual<ctnet::Dense<4>, ctnet::Residual<ctnet::Dense<4>, ctnet::Tanh>, ctnet::Dense<2>>, "
    "ctnet::Residual<ctnet::BatchNorm<std::ratio<1, 1000>, std::ratio<3, 10>>, ctnet::Dense<2>>>;\n"));
static_assert(Blocks::parameter_count == (6 + 3) + 4 * 3 + ((12 + 4) + (16 + 4) + (8 + 2) + 6) + (4 * 2 + 6));

// The stack bound: 2 x (input 64 + 128 + 128 + 4 bytes of values) + 64 (alignment) + 512.
static_assert(ctnet::forward_stack_bound<seed_model::Model> == 1224);
static_assert(ctnet::forward_stack_bound<seed_model::Model, 4> > ctnet::forward_stack_bound<seed_model::Model>);

}  // namespace
