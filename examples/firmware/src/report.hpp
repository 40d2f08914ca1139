// What the firmware and its host twin print for the exported model's reference inputs, one exact
// hex-float line per output value, so examples/firmware/firmware.py can compare them bit for bit.
#pragma once

#include <cstddef>

#include <ctnet/export.hpp>

#include "model.hpp"

#include CTNET_FIRMWARE_REFERENCE_HEADER

namespace firmware {

namespace reference = exported::reference;

static_assert(reference::in_features == Model::in_size && reference::out_features == Model::out_size,
              "ctnet: the reference header does not belong to the model header; export them together");

/// "ctnet-firmware: <name>: <in> inputs, <out> outputs, <samples> samples"
template <class Writer>
void print_banner(Writer& out, const char* name) noexcept {
    out.text("ctnet-firmware: ");
    out.text(name);
    out.text(": ");
    out.integer(Model::in_size);
    out.text(" inputs, ");
    out.integer(Model::out_size);
    out.text(" outputs, ");
    out.integer(reference::samples);
    out.text(" samples\n");
}

/// "<tag> <sample> <index> <exact hex float>"
template <class Writer, class T>
void print_value(Writer& out, const char* tag, std::size_t sample, std::size_t index, T value) noexcept {
    out.text(tag);
    out.character(' ');
    out.integer(sample);
    out.character(' ');
    out.integer(index);
    out.character(' ');
    out.hex_float(value);
    out.character('\n');
}

/// The reference input of one sample.
inline Input reference_input(std::size_t sample) noexcept {
    Input x{};
    for (std::size_t i = 0; i < Model::in_size; ++i) x[i] = reference::input[sample][i];
    return x;
}

}  // namespace firmware
