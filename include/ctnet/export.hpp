// ctnet::write_header: writes a network as a C++ header (its type and its parameters as constants).
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ratio>
#include <type_traits>

#include <ctnet/input.hpp>
#include <ctnet/layers/activations.hpp>
#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/residual.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/math.hpp>
#include <ctnet/matrix.hpp>
#include <ctnet/network.hpp>
#include <ctnet/status.hpp>

namespace ctnet {

/// Where exported text goes: any callable `sink(const char* text, std::size_t length)`, called
/// with consecutive pieces of the output (a lambda appending to a buffer, fwrite to a FILE*, a
/// UART driver). The text is not null-terminated; `length` may be 1.
template <class S>
concept TextSink = std::invocable<S&, const char*, std::size_t>;

/// Formats numbers and text into a TextSink: what a `layer_name` specialisation writes through.
/// Constexpr, noexcept, allocation-free; numbers are formatted in a small array on the stack.
template <TextSink Sink>
class TextWriter {
public:
    constexpr explicit TextWriter(Sink& sink) noexcept : sink_(sink) {}

    /// A null-terminated string.
    constexpr void text(const char* s) noexcept {
        std::size_t length = 0;
        while (s[length] != '\0') ++length;
        if (length > 0) sink_(s, length);
    }
    constexpr void character(char c) noexcept { sink_(&c, 1); }

    /// An unsigned integer in decimal.
    constexpr void integer(std::uintmax_t value) noexcept {
        char digits[24]{};  // 2^64 has 20 decimal digits
        std::size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        char out[24]{};
        for (std::size_t i = 0; i < count; ++i) out[i] = digits[count - 1 - i];
        sink_(out, count);
    }
    /// A signed integer in decimal.
    constexpr void signed_integer(std::intmax_t value) noexcept {
        if (value < 0) {
            character('-');
            integer(std::uintmax_t(0) - static_cast<std::uintmax_t>(value));
        } else {
            integer(static_cast<std::uintmax_t>(value));
        }
    }

    /// A finite float or double as an exact C++ hexadecimal floating literal: 0x1.8p+1f (float),
    /// 0x1.8p+1 (double), -0x0p+0f, 0x1p-149f (subnormals are normalised). Trailing zero hex
    /// digits are dropped. tools/export_torch.py prints the same bytes (its hex_literal).
    template <std::floating_point T>
        requires(std::is_same_v<T, float> || std::is_same_v<T, double>)
    constexpr void hex_float(T value) noexcept {
        using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
        constexpr int mantissa_bits = std::is_same_v<T, float> ? 23 : 52;
        constexpr int exponent_bias = std::is_same_v<T, float> ? 127 : 1023;
        constexpr int pad = (4 - mantissa_bits % 4) % 4;  // float: 23 bits + 1 = 6 hex digits
        constexpr int hex_digits = (mantissa_bits + pad) / 4;
        constexpr Bits mantissa_mask = (Bits(1) << mantissa_bits) - 1;

        const Bits bits = std::bit_cast<Bits>(value);
        if ((bits >> (mantissa_bits + (std::is_same_v<T, float> ? 8 : 11))) != 0) character('-');
        const int biased = static_cast<int>((bits >> mantissa_bits) & (std::is_same_v<T, float> ? 0xffu : 0x7ffu));
        Bits mantissa = bits & mantissa_mask;
        if (biased == 0 && mantissa == 0) {
            text(std::is_same_v<T, float> ? "0x0p+0f" : "0x0p+0");
            return;
        }
        int exponent = biased - exponent_bias;
        if (biased == 0) {  // subnormal: shift the leading one into the implicit position
            exponent = 1 - exponent_bias;
            while ((mantissa & (Bits(1) << mantissa_bits)) == 0) {
                mantissa <<= 1;
                --exponent;
            }
            mantissa &= mantissa_mask;
        }
        mantissa <<= pad;
        char digits[hex_digits]{};
        int used = 0;
        for (int i = 0; i < hex_digits; ++i) {
            const auto nibble = static_cast<unsigned>((mantissa >> (4 * (hex_digits - 1 - i))) & 0xf);
            digits[i] = "0123456789abcdef"[nibble];
            if (nibble != 0) used = i + 1;
        }
        text("0x1");
        if (used > 0) {
            character('.');
            sink_(digits, static_cast<std::size_t>(used));
        }
        character('p');
        character(exponent < 0 ? '-' : '+');
        integer(static_cast<std::uintmax_t>(exponent < 0 ? -exponent : exponent));
        if constexpr (std::is_same_v<T, float>) character('f');
    }

private:
    Sink& sink_;
};

/// How a layer description is spelled in an exported header. Specialise it for a new layer
/// description D with `known = true` and two functions:
///   `template <class W> static constexpr void write(W& out)`: the C++ type (`ctnet::Dense<20>`);
///   `template <class W> static constexpr void write_torch(W& out, std::size_t in_width)`: the
///   PyTorch module for the header's comment (`Linear(10, 20)`), as tools/export_torch.py spells it.
/// `out` is a TextWriter. A description whose output width is neither its `out_size` (Dense) nor
/// its input width (element-wise layers) also gives `static constexpr std::size_t
/// out_width(std::size_t in_width)` (ProjectedResidual). The primary template marks a description
/// write_header cannot spell.
template <class D>
struct layer_name {
    static constexpr bool known = false;
};

namespace detail {

template <class W, std::intmax_t Num, std::intmax_t Den>
constexpr void write_ratio(W& out, std::ratio<Num, Den>) noexcept {
    out.text("std::ratio<");
    out.signed_integer(std::ratio<Num, Den>::num);
    out.text(", ");
    out.signed_integer(std::ratio<Num, Den>::den);
    out.character('>');
}
/// A ratio as PyTorch's argument in the comment: "1" or "1/100".
template <class W, std::intmax_t Num, std::intmax_t Den>
constexpr void write_ratio_value(W& out, std::ratio<Num, Den>) noexcept {
    out.signed_integer(std::ratio<Num, Den>::num);
    if (std::ratio<Num, Den>::den != 1) {
        out.character('/');
        out.signed_integer(std::ratio<Num, Den>::den);
    }
}

/// The width after description D for `in` inputs: layer_name<D>::out_width(in) if it has one,
/// else D::out_size (Dense<Out>), else `in` (element-wise layers, BatchNorm, Residual).
template <class D>
constexpr std::size_t spelled_out_width(std::size_t in) noexcept {
    if constexpr (requires { layer_name<D>::out_width(in); }) {
        return layer_name<D>::out_width(in);
    } else if constexpr (requires { D::out_size; }) {
        return D::out_size;
    } else {
        return in;
    }
}

/// A chain of descriptions (a network's layers, or those inside a residual block), ", "-separated.
template <class... Ds>
struct ChainName {
    static constexpr bool known = (layer_name<Ds>::known && ...);
    template <class W>
    static constexpr void write(W& out) noexcept {
        bool first = true;
        (
            [&] {
                if (!first) out.text(", ");
                first = false;
                layer_name<Ds>::write(out);
            }(),
            ...);
    }
    /// The PyTorch spellings, each layer given the width the layers before it leave.
    template <class W>
    static constexpr void write_torch(W& out, std::size_t width) noexcept {
        bool first = true;
        (
            [&] {
                if (!first) out.text(", ");
                first = false;
                layer_name<Ds>::write_torch(out, width);
                width = spelled_out_width<Ds>(width);
            }(),
            ...);
    }
    static constexpr std::size_t out_width(std::size_t width) noexcept {
        ((width = spelled_out_width<Ds>(width)), ...);
        return width;
    }
};

/// The spelling of a description without template arguments: `Names::cpp` and `Names::torch`.
template <class Names>
struct FixedLayerName {
    static constexpr bool known = true;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text(Names::cpp);
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t) noexcept {
        out.text(Names::torch);
    }
};

}  // namespace detail

template <std::size_t Out, Bias HasBias>
struct layer_name<Dense<Out, HasBias>> {
    static constexpr bool known = true;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::Dense<");
        out.integer(Out);
        if (HasBias == Bias::none) out.text(", ctnet::Bias::none");
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t in_width) noexcept {
        out.text("Linear(");
        out.integer(in_width);
        out.text(", ");
        out.integer(Out);
        if (HasBias == Bias::none) out.text(", bias=False");
        out.character(')');
    }
};

template <>
struct layer_name<Identity> : detail::FixedLayerName<layer_name<Identity>> {
    static constexpr const char* cpp = "ctnet::Identity";
    static constexpr const char* torch = "Identity()";
};
template <>
struct layer_name<Sigmoid> : detail::FixedLayerName<layer_name<Sigmoid>> {
    static constexpr const char* cpp = "ctnet::Sigmoid";
    static constexpr const char* torch = "Sigmoid()";
};
template <>
struct layer_name<Tanh> : detail::FixedLayerName<layer_name<Tanh>> {
    static constexpr const char* cpp = "ctnet::Tanh";
    static constexpr const char* torch = "Tanh()";
};
template <>
struct layer_name<ReLU> : detail::FixedLayerName<layer_name<ReLU>> {
    static constexpr const char* cpp = "ctnet::ReLU";
    static constexpr const char* torch = "ReLU()";
};
template <>
struct layer_name<GELU> : detail::FixedLayerName<layer_name<GELU>> {
    static constexpr const char* cpp = "ctnet::GELU";
    static constexpr const char* torch = "GELU(approximate='none')";
};
template <>
struct layer_name<GELUTanh> : detail::FixedLayerName<layer_name<GELUTanh>> {
    static constexpr const char* cpp = "ctnet::GELUTanh";
    static constexpr const char* torch = "GELU(approximate='tanh')";
};
template <>
struct layer_name<SiLU> : detail::FixedLayerName<layer_name<SiLU>> {
    static constexpr const char* cpp = "ctnet::SiLU";
    static constexpr const char* torch = "SiLU()";
};
template <>
struct layer_name<Softplus> : detail::FixedLayerName<layer_name<Softplus>> {
    static constexpr const char* cpp = "ctnet::Softplus";
    static constexpr const char* torch = "Softplus(beta=1, threshold=20)";
};
template <>
struct layer_name<HardSigmoid> : detail::FixedLayerName<layer_name<HardSigmoid>> {
    static constexpr const char* cpp = "ctnet::HardSigmoid";
    static constexpr const char* torch = "Hardsigmoid()";
};
template <>
struct layer_name<Softmax> : detail::FixedLayerName<layer_name<Softmax>> {
    static constexpr const char* cpp = "ctnet::Softmax";
    static constexpr const char* torch = "Softmax(dim=-1)";
};

template <class Slope>
struct layer_name<LeakyReLU<Slope>> {
    static constexpr bool known = true;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::LeakyReLU<");
        detail::write_ratio(out, typename Slope::type{});
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t) noexcept {
        out.text("LeakyReLU(negative_slope=");
        detail::write_ratio_value(out, typename Slope::type{});
        out.character(')');
    }
};

template <class Alpha>
struct layer_name<ELU<Alpha>> {
    static constexpr bool known = true;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::ELU<");
        detail::write_ratio(out, typename Alpha::type{});
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t) noexcept {
        out.text("ELU(alpha=");
        detail::write_ratio_value(out, typename Alpha::type{});
        out.character(')');
    }
};

/// BatchNorm1d(n, eps, momentum), exported for inference: its flat parameters are weight, bias,
/// running_mean, running_var.
template <class Epsilon, class Momentum>
struct layer_name<BatchNorm<Epsilon, Momentum>> {
    static constexpr bool known = true;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::BatchNorm<");
        detail::write_ratio(out, typename Epsilon::type{});
        out.text(", ");
        detail::write_ratio(out, typename Momentum::type{});
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t in_width) noexcept {
        out.text("BatchNorm1d(");
        out.integer(in_width);
        out.text(", eps=");
        detail::write_ratio_value(out, typename Epsilon::type{});
        out.text(", momentum=");
        detail::write_ratio_value(out, typename Momentum::type{});
        out.character(')');
    }
};

/// y = x + f(x): `ctnet::Residual<f's layers>`, in PyTorch `Residual(f's layers)` (the module of
/// tools/gen_reference.py and tools/export_torch.py, which holds them in `f`).
template <class... Layers>
struct layer_name<Residual<Layers...>> {
    static constexpr bool known = detail::ChainName<Layers...>::known;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::Residual<");
        detail::ChainName<Layers...>::write(out);
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t in_width) noexcept {
        out.text("Residual(");
        detail::ChainName<Layers...>::write_torch(out, in_width);
        out.character(')');
    }
    static constexpr std::size_t out_width(std::size_t in_width) noexcept { return in_width; }
};

/// y = P x + f(x): `ctnet::ProjectedResidual<f's layers>`, in PyTorch `ResidualProj(in, out, f's
/// layers)` (children f and proj = Linear(in, out, bias=False)).
template <class... Layers>
struct layer_name<ProjectedResidual<Layers...>> {
    static constexpr bool known = detail::ChainName<Layers...>::known;
    template <class W>
    static constexpr void write(W& out) noexcept {
        out.text("ctnet::ProjectedResidual<");
        detail::ChainName<Layers...>::write(out);
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out, std::size_t in_width) noexcept {
        out.text("ResidualProj(");
        out.integer(in_width);
        out.text(", ");
        out.integer(out_width(in_width));
        out.text(", ");
        detail::ChainName<Layers...>::write_torch(out, in_width);
        out.character(')');
    }
    static constexpr std::size_t out_width(std::size_t in_width) noexcept {
        return detail::ChainName<Layers...>::out_width(in_width);
    }
};

/// What write_header prints besides the network.
struct HeaderOptions {
    /// The namespace that holds Model, parameters, model and the check: `my_model` or `app::nn`.
    const char* name_space = "model";
    /// The opening comment, one `// ` line per '\n'-separated line (provenance: where the model
    /// came from, what produced check_output). Everything after it is determined by the network,
    /// the namespace and the check, byte for byte the same as tools/export_torch.py writes.
    const char* comment = "A ctnet model, written by ctnet::write_header. Do not edit.\n"
                          "check_output is ctnet's own forward pass at export time.";
};

namespace detail {

template <class Net>
constexpr void reject_parameterless_network() noexcept {
    static_assert(Net::parameter_count > 0,
                  "ctnet: write_header needs a network with parameters; a network of activations alone "
                  "has nothing to export (add a Dense layer)");
}

template <class D>
constexpr void reject_unnamed_layer() noexcept {
    static_assert(layer_name<D>::known,
                  "ctnet: write_header cannot spell this layer in a header; specialise ctnet::layer_name<Layer> "
                  "(see ctnet/export.hpp; the note below names the layer)");
}

template <class... Ds>
struct FirstUnnamed {
    using type = void;
};
/// The description to name for an unspellable D: D, or the unspellable layer inside a block.
template <class D>
struct UnnamedWithin {
    using type = D;
};
template <class D, class... Ds>
struct FirstUnnamed<D, Ds...> {
    using type = typename std::conditional_t<layer_name<D>::known, FirstUnnamed<Ds...>, UnnamedWithin<D>>::type;
};
template <class... Ls>
struct UnnamedWithin<Residual<Ls...>> {
    using type = typename FirstUnnamed<Ls...>::type;
};
template <class... Ls>
struct UnnamedWithin<ProjectedResidual<Ls...>> {
    using type = typename FirstUnnamed<Ls...>::type;
};

template <class Net>
struct NetworkTopology;
template <class T, std::size_t In, class... Ds>
struct NetworkTopology<Network<T, Input<In>, Ds...>> {
    using scalar = T;
    static constexpr std::size_t in_size = In;

    template <class W>
    static constexpr void write_type(W& out) noexcept {
        out.text("ctnet::Network<");
        out.text(std::is_same_v<T, float> ? "float" : "double");
        out.text(", ctnet::Input<");
        out.integer(In);
        out.character('>');
        ((out.text(", "), layer_name<Ds>::write(out)), ...);
        out.character('>');
    }
    template <class W>
    static constexpr void write_torch(W& out) noexcept {
        ChainName<Ds...>::write_torch(out, In);
    }
    /// The first description write_header cannot spell (void if none; inside a residual block,
    /// the layer in it).
    using first_unnamed = typename FirstUnnamed<Ds...>::type;
};

/// A check input that needs no data: x_i = ((7 i + 3) mod 11 - 5) / 4, values in [-1.25, 1.25],
/// exact in float and double, mixed signs so ReLU-like layers see both sides.
template <class T, std::size_t N>
constexpr Vector<T, N> default_check_input() noexcept {
    Vector<T, N> x{};
    for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<T>(static_cast<int>((7 * i + 3) % 11) - 5) / T(4);
    return x;
}

constexpr bool is_identifier_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
/// `name` or `a::b::c`, each part a C++ identifier (keywords are not checked).
constexpr bool valid_namespace(const char* s) noexcept {
    if (s == nullptr) return false;
    bool at_start = true;
    for (; *s != '\0'; ++s) {
        if (at_start) {
            if (!is_identifier_start(*s)) return false;
            at_start = false;
        } else if (*s == ':') {
            if (s[1] != ':') return false;
            ++s;
            at_start = true;
        } else if (!is_identifier_start(*s) && !(*s >= '0' && *s <= '9')) {
            return false;
        }
    }
    return !at_start;
}

template <class T, std::size_t N>
constexpr bool all_finite_values(const T* values) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        if (!math::isfinite(values[i])) return false;
    return true;
}

/// `inline constexpr <type> <name>[<count>] = {` ... `};`, five values a line.
template <class W, class T>
constexpr void write_values(W& out, const T* values, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        out.text(i % 5 == 0 ? "    " : " ");
        out.hex_float(values[i]);
        out.character(',');
        if (i % 5 == 4 || i + 1 == count) out.character('\n');
    }
}

template <class W>
constexpr void write_comment(W& out, const char* comment) noexcept {
    const char* line = comment;
    while (true) {
        std::size_t length = 0;
        while (line[length] != '\0' && line[length] != '\n') ++length;
        out.text("//");
        if (length > 0) {
            out.character(' ');
            for (std::size_t i = 0; i < length; ++i) out.character(line[i]);
        }
        out.character('\n');
        if (line[length] == '\0') break;
        line += length + 1;
    }
}

}  // namespace detail

/// Writes `net` as a self-contained C++ header to `sink`: `using Model = ctnet::Network<...>;`,
/// its `parameters` (PyTorch state_dict order) as exact hexadecimal literals, `inline constexpr
/// Model model = Model::from_flat(parameters);` (a constant: its parameters go to .rodata, i.e.
/// flash), and a known answer: `static_assert` that model.forward(check_input) equals
/// check_output within check_tolerance (1e-5 for float, 1e-12 for double, relative to
/// max(1, |expected|)), so a header that does not reproduce its source fails to compile.
/// The format is the one tools/export_torch.py writes for PyTorch models, byte for byte after the
/// opening comment, so host-trained and PyTorch-trained models ship the same way.
///
/// Returns Status::invalid_argument for a namespace that is not `name` or `a::b`, and
/// Status::non_finite_input for a NaN or infinity in the parameters or the check values; then
/// nothing is written. A layer without a `layer_name` specialisation, or a network without
/// parameters, fails to compile with a `ctnet:` message. Constexpr, noexcept, allocation-free:
/// every byte goes straight to `sink`.
///
///     std::FILE* file = std::fopen("my_model.hpp", "w");
///     ctnet::Status s = ctnet::write_header(
///         [file](const char* text, std::size_t n) { std::fwrite(text, 1, n, file); }, net,
///         {.name_space = "my_model"});
template <TextSink Sink, class T, class... Topology>
constexpr Status write_header(Sink&& sink, const Network<T, Topology...>& net,
                              const Vector<T, Network<T, Topology...>::in_size>& check_input,
                              const Vector<T, Network<T, Topology...>::out_size>& check_output,
                              const HeaderOptions& options = {}) noexcept {
    using Net = Network<T, Topology...>;
    using Topo = detail::NetworkTopology<Net>;
    if constexpr (!std::is_void_v<typename Topo::first_unnamed>) {
        detail::reject_unnamed_layer<typename Topo::first_unnamed>();
        return Status::invalid_argument;
    } else if constexpr (Net::parameter_count == 0) {
        detail::reject_parameterless_network<Net>();
        return Status::invalid_argument;
    } else {
        if (!detail::valid_namespace(options.name_space) || options.comment == nullptr) return Status::invalid_argument;
        const auto flat = net.to_flat();
        if (!detail::all_finite_values<T, Net::parameter_count>(flat.data()) ||
            !detail::all_finite_values<T, Net::in_size>(check_input.data) ||
            !detail::all_finite_values<T, Net::out_size>(check_output.data))
            return Status::non_finite_input;

        TextWriter<std::remove_reference_t<Sink>> out(sink);
        const char* scalar = std::is_same_v<T, float> ? "float" : "double";
        detail::write_comment(out, options.comment);
        out.text("#pragma once\n\n#include <cstddef>\n\n#include <ctnet/ctnet.hpp>\n\nnamespace ");
        out.text(options.name_space);
        out.text(" {\n\n// PyTorch: Sequential(");
        Topo::write_torch(out);
        out.text(")\nusing Model = ");
        Topo::write_type(out);
        out.text(";\n\n// The ");
        out.integer(Net::parameter_count);
        out.text(" parameters in PyTorch state_dict order (per layer: weight [out][in] row-major, then bias).\n");
        out.text("inline constexpr ");
        out.text(scalar);
        out.text(" parameters[");
        out.integer(Net::parameter_count);
        out.text("] = {\n");
        detail::write_values(out, flat.data(), Net::parameter_count);
        out.text("};\n\n// The model, a constant: its parameters live in read-only memory (.rodata, flash).\n");
        out.text("inline constexpr Model model = Model::from_flat(parameters);\n\n");
        out.text("// A known answer, checked when this header compiles: model.forward(check_input) must equal\n");
        out.text("// check_output within check_tolerance, relative to max(1, |check_output[i]|).\n");
        out.text("inline constexpr ctnet::Vector<");
        out.text(scalar);
        out.text(", ");
        out.integer(Net::in_size);
        out.text("> check_input = {{\n");
        detail::write_values(out, check_input.data, Net::in_size);
        out.text("}};\ninline constexpr ctnet::Vector<");
        out.text(scalar);
        out.text(", ");
        out.integer(Net::out_size);
        out.text("> check_output = {{\n");
        detail::write_values(out, check_output.data, Net::out_size);
        out.text("}};\n");
        // float: 1e-5 is the parity target; the forward pass differs from PyTorch's only by
        // summation order and 1-ulp math, about 1e-7 on these magnitudes. double: 1e-12.
        if constexpr (std::is_same_v<T, float>) {
            out.text("inline constexpr float check_tolerance = 1e-5f;\n\n");
        } else {
            out.text("inline constexpr double check_tolerance = 1e-12;\n\n");
        }
        out.text("[[nodiscard]] constexpr bool reproduces_check_output() noexcept {\n");
        out.text("    const auto y = model.forward(check_input);\n");
        out.text("    for (std::size_t i = 0; i < Model::out_size; ++i) {\n");
        out.text("        const auto error = y[i] > check_output[i] ? y[i] - check_output[i] : check_output[i] - y[i];\n");
        out.text("        const auto magnitude = check_output[i] < 0 ? -check_output[i] : check_output[i];\n");
        out.text("        if (!(error <= check_tolerance * (magnitude > 1 ? magnitude : 1))) return false;\n");
        out.text("    }\n    return true;\n}\n");
        out.text("static_assert(reproduces_check_output(),\n");
        out.text("              \"ctnet: the exported model does not reproduce check_output; the export is wrong, \"\n");
        out.text("              \"re-export the model\");\n\n}  // namespace ");
        out.text(options.name_space);
        out.character('\n');
        return Status::ok;
    }
}

/// As above, with the check computed here: check_input is a fixed pattern
/// (x_i = ((7 i + 3) mod 11 - 5) / 4) and check_output is `net.forward(check_input)` now.
template <TextSink Sink, class T, class... Topology>
constexpr Status write_header(Sink&& sink, const Network<T, Topology...>& net, const HeaderOptions& options = {}) noexcept {
    using Net = Network<T, Topology...>;
    const auto check_input = detail::default_check_input<T, Net::in_size>();
    return write_header(sink, net, check_input, net.forward(check_input), options);
}

}  // namespace ctnet
