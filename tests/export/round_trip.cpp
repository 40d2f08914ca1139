// Export round trip: the committed outputs of tools/export_torch.py compile, run and reproduce
// PyTorch, and ctnet::write_header writes the same headers again, byte for byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

#include <ctnet/export.hpp>

#include "activations_model.hpp"
#include "activations_model_f64.hpp"
#include "activations_model_f64_reference.hpp"
#include "activations_model_reference.hpp"
#include "batchnorm_model.hpp"
#include "batchnorm_model_f64.hpp"
#include "batchnorm_model_f64_reference.hpp"
#include "batchnorm_model_reference.hpp"
#include "residual_model.hpp"
#include "residual_model_reference.hpp"
#include "seed_model.hpp"
#include "seed_model_reference.hpp"
#include "support/counting_new.hpp"

namespace {

// Tolerances, one table: |ctnet - PyTorch| <= tolerance * max(1, |PyTorch|).
// float: the 1e-5; measured differences are below 3e-7 (summation order, 1-ulp math).
// double against PyTorch in double: 1e-12; float models against PyTorch in double: 1e-5.
constexpr double float_tolerance = 1e-5;
constexpr double double_tolerance = 1e-12;

template <class Model, class T, std::size_t Samples, std::size_t In, class U, std::size_t Out>
void check_samples(const Model& model, const T (&input)[Samples][In], const U (&expected)[Samples][Out],
                   double tolerance) {
    for (std::size_t s = 0; s < Samples; ++s) {
        ctnet::Vector<T, In> x{};
        for (std::size_t i = 0; i < In; ++i) x[i] = input[s][i];
        const auto y = model.forward(x);
        for (std::size_t o = 0; o < Out; ++o) {
            const double reference = static_cast<double>(expected[s][o]);
            const double error = std::abs(static_cast<double>(y[o]) - reference);
            INFO("sample " << s << ", output " << o << ": ctnet " << y[o] << ", PyTorch " << reference);
            CHECK(error <= tolerance * std::max(1.0, std::abs(reference)));
        }
    }
}

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    REQUIRE(file.good());
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

/// The header without its opening comment (provenance), from `#pragma once` on.
std::string body(const std::string& header) {
    const auto at = header.find("#pragma once");
    REQUIRE(at != std::string::npos);
    return header.substr(at);
}

template <class Net>
std::string header_of(const Net& net, const ctnet::Vector<typename Net::scalar, Net::in_size>& check_input,
                      const ctnet::Vector<typename Net::scalar, Net::out_size>& check_output, const char* name_space) {
    std::string text;
    const ctnet::Status status = ctnet::write_header(
        [&text](const char* piece, std::size_t length) { text.append(piece, length); }, net, check_input,
        check_output, {.name_space = name_space});
    REQUIRE(status == ctnet::Status::ok);
    return text;
}

}  // namespace

TEST_CASE("the seed model exported from TorchScript reproduces PyTorch", "[export]") {
    using namespace seed_model;
    check_samples(model, reference::input, reference::output_torch, float_tolerance);
    check_samples(model, reference::input, reference::output_f64, float_tolerance);
}

TEST_CASE("every exportable activation, from a state_dict, reproduces PyTorch in float", "[export]") {
    using namespace activations_model;
    check_samples(model, reference::input, reference::output_torch, float_tolerance);
    check_samples(model, reference::input, reference::output_f64, float_tolerance);
}

TEST_CASE("every exportable activation reproduces PyTorch in double", "[export]") {
    using namespace activations_model_f64;
    check_samples(model, reference::input, reference::output_torch, double_tolerance);
}

TEST_CASE("BatchNorm1d with trained running statistics, from a state_dict, reproduces PyTorch in eval mode",
          "[export]") {
    using namespace batchnorm_model;
    static_assert(std::is_same_v<Model, ctnet::Network<float, ctnet::Input<6>, ctnet::Dense<16>, ctnet::BatchNorm<>,
                                                       ctnet::ReLU, ctnet::Dense<8>,
                                                       ctnet::BatchNorm<std::milli, std::ratio<1, 4>>, ctnet::Tanh,
                                                       ctnet::Dense<3>>>);
    check_samples(model, reference::input, reference::output_torch, float_tolerance);
    check_samples(model, reference::input, reference::output_f64, float_tolerance);
}

TEST_CASE("BatchNorm1d reproduces PyTorch in double", "[export]") {
    using namespace batchnorm_model_f64;
    check_samples(model, reference::input, reference::output_torch, double_tolerance);
}

TEST_CASE("Residual and ResidualProj blocks, nested, from a state_dict, reproduce PyTorch", "[export]") {
    using namespace residual_model;
    static_assert(std::is_same_v<
                  Model, ctnet::Network<float, ctnet::Input<6>, ctnet::Dense<16>,
                                        ctnet::Residual<ctnet::Dense<16>, ctnet::Tanh, ctnet::Dense<16>>, ctnet::ReLU,
                                        ctnet::ProjectedResidual<ctnet::Dense<12>, ctnet::Residual<ctnet::Dense<12>, ctnet::GELU>,
                                                                 ctnet::Dense<8>, ctnet::BatchNorm<>>,
                                        ctnet::Dense<3>>>);
    check_samples(model, reference::input, reference::output_torch, float_tolerance);
    check_samples(model, reference::input, reference::output_f64, float_tolerance);
}

TEST_CASE("write_header rewrites the PyTorch exports byte for byte", "[export]") {
    const std::string dir = CTNET_EXPORT_DATA_DIR;
    CHECK(body(header_of(seed_model::model, seed_model::check_input, seed_model::check_output, "seed_model")) ==
          body(read_file(std::string(CTNET_FIRMWARE_MODEL_DIR) + "/seed_model.hpp")));
    CHECK(body(header_of(activations_model::model, activations_model::check_input, activations_model::check_output,
                         "activations_model")) == body(read_file(dir + "/activations_model.hpp")));
    CHECK(body(header_of(activations_model_f64::model, activations_model_f64::check_input,
                         activations_model_f64::check_output, "activations_model_f64")) ==
          body(read_file(dir + "/activations_model_f64.hpp")));
    CHECK(body(header_of(batchnorm_model::model, batchnorm_model::check_input, batchnorm_model::check_output,
                         "batchnorm_model")) == body(read_file(dir + "/batchnorm_model.hpp")));
    CHECK(body(header_of(batchnorm_model_f64::model, batchnorm_model_f64::check_input,
                         batchnorm_model_f64::check_output, "batchnorm_model_f64")) ==
          body(read_file(dir + "/batchnorm_model_f64.hpp")));
    CHECK(body(header_of(residual_model::model, residual_model::check_input, residual_model::check_output,
                         "residual_model")) == body(read_file(dir + "/residual_model.hpp")));
}

TEST_CASE("hex_float writes the literals tools/export_format.py writes", "[export]") {
    std::istringstream table(read_file(std::string(CTNET_EXPORT_DATA_DIR) + "/hex_literals.txt"));
    std::string line;
    int rows = 0;
    while (std::getline(table, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string scalar, bits, expected;
        fields >> scalar >> bits >> expected;
        std::string written;
        auto sink = [&written](const char* piece, std::size_t length) { written.append(piece, length); };
        ctnet::TextWriter<decltype(sink)> out(sink);
        const std::uint64_t value = std::stoull(bits, nullptr, 16);
        if (scalar == "float") {
            out.hex_float(std::bit_cast<float>(static_cast<std::uint32_t>(value)));
        } else {
            out.hex_float(std::bit_cast<double>(value));
        }
        INFO(line);
        CHECK(written == expected);
        ++rows;
    }
    CHECK(rows >= 20);
}

TEST_CASE("write_header allocates nothing", "[export][no_heap]") {
    static std::array<char, 1 << 16> buffer{};
    std::size_t used = 0;
    const auto sink = [&used](const char* piece, std::size_t length) {
        for (std::size_t i = 0; i < length && used < buffer.size(); ++i) buffer[used++] = piece[i];
    };
    ctnet::Status status = ctnet::Status::invalid_argument;
    CHECK(ctnet_test::count_allocations([&] { status = ctnet::write_header(sink, seed_model::model); }) == 0);
    CHECK(status == ctnet::Status::ok);
    CHECK(used > 3000);
    CHECK(used < buffer.size());
}

TEST_CASE("write_header refuses bad input and writes nothing", "[export]") {
    std::size_t calls = 0;
    const auto sink = [&calls](const char*, std::size_t) { ++calls; };
    for (const char* name_space : {"", "1model", "a:b", "a::", "::a", "a b", "a-b"}) {
        INFO("namespace '" << name_space << "'");
        CHECK(ctnet::write_header(sink, seed_model::model, {.name_space = name_space}) ==
              ctnet::Status::invalid_argument);
    }
    CHECK(ctnet::write_header(sink, seed_model::model, {.name_space = "app::nn::v2"}) == ctnet::Status::ok);
    CHECK(calls > 0);

    calls = 0;
    auto broken = seed_model::model;
    broken.parameters.get<2>().bias[0] = std::numeric_limits<float>::quiet_NaN();
    CHECK(ctnet::write_header(sink, broken) == ctnet::Status::non_finite_input);
    auto check_output = seed_model::check_output;
    check_output[0] = std::numeric_limits<float>::infinity();
    CHECK(ctnet::write_header(sink, seed_model::model, seed_model::check_input, check_output) ==
          ctnet::Status::non_finite_input);
    CHECK(calls == 0);
}
