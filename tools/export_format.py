#!/usr/bin/python3
"""The text of ctnet's exported headers, without torch (tools/export_torch.py's formatting half).

model_header() writes exactly what ctnet::write_header (include/ctnet/export.hpp) writes after
the opening comment, and hex_literal() exactly what ctnet::TextWriter::hex_float writes; both
sides are checked against tests/export/data/hex_literals.txt. Standard library only.
"""

import math
import struct


class ExportError(Exception):
    """A model ctnet cannot express, or bad arguments; the message says which and why."""


# --------------------------------------------------------------------------
# Formatting: the same bytes as ctnet::TextWriter::hex_float and write_header.
# --------------------------------------------------------------------------
def hex_literal(value, scalar):
    """An exact C++ hex-float literal: 0x1.8p+1f (float) or 0x1.8p+1 (double).

    Mirrors ctnet::TextWriter::hex_float: the mantissa padded to whole hex
    digits (float: 23 bits + 1 = 6 digits, double: 13), trailing zero digits
    dropped, subnormals normalised, zero as 0x0p+0.
    """
    if scalar == "float":
        (bits,) = struct.unpack("<I", struct.pack("<f", value))
        mantissa_bits, exponent_bits, bias, suffix = 23, 8, 127, "f"
    else:
        (bits,) = struct.unpack("<Q", struct.pack("<d", value))
        mantissa_bits, exponent_bits, bias, suffix = 52, 11, 1023, ""
    if not math.isfinite(value):
        raise ExportError("non-finite value %r cannot be exported" % value)
    if scalar == "float" and struct.unpack("<f", struct.pack("<f", value))[0] != value:
        raise ExportError("%r is not a float32 value" % value)
    sign = "-" if bits >> (mantissa_bits + exponent_bits) else ""
    biased = (bits >> mantissa_bits) & ((1 << exponent_bits) - 1)
    mantissa = bits & ((1 << mantissa_bits) - 1)
    if biased == 0 and mantissa == 0:
        return sign + "0x0p+0" + suffix
    exponent = biased - bias
    if biased == 0:  # subnormal
        exponent = 1 - bias
        while not mantissa & (1 << mantissa_bits):
            mantissa <<= 1
            exponent -= 1
        mantissa &= (1 << mantissa_bits) - 1
    pad = (4 - mantissa_bits % 4) % 4
    digits = "%0*x" % ((mantissa_bits + pad) // 4, mantissa << pad)
    digits = digits.rstrip("0")
    return "%s0x1%s%sp%s%d%s" % (sign, "." if digits else "", digits,
                                 "-" if exponent < 0 else "+", abs(exponent), suffix)


def write_values(values, scalar):
    """Five literals a line, each followed by a comma (as ctnet::detail::write_values)."""
    lines = []
    for start in range(0, len(values), 5):
        chunk = values[start:start + 5]
        lines.append("    " + " ".join(hex_literal(v, scalar) + "," for v in chunk) + "\n")
    return "".join(lines)


def comment_block(text):
    return "".join(("// " + line if line else "//") + "\n" for line in text.split("\n"))


def model_header(comment, name_space, scalar, torch_spelling, cpp_type, params,
                 in_width, out_width, check_input, check_output):
    """The header text; everything after `comment` equals ctnet::write_header's output."""
    tolerance = "inline constexpr float check_tolerance = 1e-5f;\n\n" if scalar == "float" else \
        "inline constexpr double check_tolerance = 1e-12;\n\n"
    return "".join([
        comment_block(comment),
        "#pragma once\n\n#include <cstddef>\n\n#include <ctnet/ctnet.hpp>\n\nnamespace ", name_space, " {\n\n",
        "// PyTorch: Sequential(", torch_spelling, ")\n",
        "using Model = ", cpp_type, ";\n\n",
        "// The %d parameters in PyTorch state_dict order (per layer: weight [out][in] row-major, "
        "then bias).\n" % len(params),
        "inline constexpr %s parameters[%d] = {\n" % (scalar, len(params)),
        write_values(params, scalar),
        "};\n\n// The model, a constant: its parameters live in read-only memory (.rodata, flash).\n",
        "inline constexpr Model model = Model::from_flat(parameters);\n\n",
        "// A known answer, checked when this header compiles: model.forward(check_input) must equal\n",
        "// check_output within check_tolerance, relative to max(1, |check_output[i]|).\n",
        "inline constexpr ctnet::Vector<%s, %d> check_input = {{\n" % (scalar, in_width),
        write_values(check_input, scalar),
        "}};\ninline constexpr ctnet::Vector<%s, %d> check_output = {{\n" % (scalar, out_width),
        write_values(check_output, scalar),
        "}};\n",
        tolerance,
        "[[nodiscard]] constexpr bool reproduces_check_output() noexcept {\n",
        "    const auto y = model.forward(check_input);\n",
        "    for (std::size_t i = 0; i < Model::out_size; ++i) {\n",
        "        const auto error = y[i] > check_output[i] ? y[i] - check_output[i] : check_output[i] - y[i];\n",
        "        const auto magnitude = check_output[i] < 0 ? -check_output[i] : check_output[i];\n",
        "        if (!(error <= check_tolerance * (magnitude > 1 ? magnitude : 1))) return false;\n",
        "    }\n    return true;\n}\n",
        "static_assert(reproduces_check_output(),\n",
        "              \"ctnet: the exported model does not reproduce check_output; the export is wrong, \"\n",
        "              \"re-export the model\");\n\n}  // namespace ", name_space, "\n",
    ])


def reference_header(comment, name_space, scalar, inputs, out32, out64):
    samples, in_width, out_width = len(inputs), len(inputs[0]), len(out32[0])

    def table(rows, values_scalar):
        return "".join("    {\n" + "".join("    " + line for line in write_values(row, values_scalar).splitlines(True))
                       + "    },\n" for row in rows)

    return "".join([
        comment_block(comment),
        "#pragma once\n\n#include <cstddef>\n\nnamespace ", name_space, "::reference {\n\n",
        "inline constexpr std::size_t samples = %d;\n" % samples,
        "inline constexpr std::size_t in_features = %d;\n" % in_width,
        "inline constexpr std::size_t out_features = %d;\n\n" % out_width,
        "// input: shape [samples=%d][in_features=%d]\n" % (samples, in_width),
        "inline constexpr %s input[%d][%d] = {\n" % (scalar, samples, in_width),
        table(inputs, scalar),
        "};\n\n// output_torch: PyTorch's forward pass in the model's scalar (%s), shape [samples][out_features]\n"
        % scalar,
        "inline constexpr %s output_torch[%d][%d] = {\n" % (scalar, samples, out_width),
        table(out32, scalar),
        "};\n\n// output_f64: PyTorch in float64 (the same parameters and inputs, widened exactly)\n",
        "inline constexpr double output_f64[%d][%d] = {\n" % (samples, out_width),
        table(out64, "double"),
        "};\n\n}  // namespace ", name_space, "::reference\n",
    ])
