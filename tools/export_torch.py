#!/usr/bin/python3
"""Export a PyTorch nn.Sequential as a ctnet model header.

    /usr/bin/python3 tools/export_torch.py MODEL -o DIR/NAME.hpp [--arch TOPOLOGY]

MODEL is a TorchScript file (torch.jit.script or torch.jit.trace of an
nn.Sequential, saved with .save()), a pickled nn.Module (torch.save(model)),
or a state_dict (torch.save(model.state_dict())) together with --arch, the
topology in the syntax of tests/data, e.g. "Linear(10,20) ReLU Linear(20,1)".

It writes two headers:
  NAME.hpp            namespace NAME: `using Model = ctnet::Network<...>`, the
                      parameters as exact hex-float literals, `inline constexpr
                      Model model`, and a static_assert that model.forward(
                      check_input) reproduces PyTorch's output (so a wrong export
                      does not compile). The text after the opening comment is
                      byte for byte what ctnet::write_header (C++) writes.
  NAME_reference.hpp  namespace NAME::reference: sample inputs and PyTorch's
                      outputs for them in float32 and float64 (test data).

Use Debian's interpreter (/usr/bin/python3): the python3 first on PATH may
lack torch. Only the standard library and torch are used. Layers ctnet cannot
express are refused with a message naming them; LAYERS below is the one table
of what is supported (a new layer is one entry).
"""

import argparse
import ast
import fractions
import math
import os
import shlex
import struct
import sys
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_format import ExportError, model_header, reference_header  # noqa: E402


# --------------------------------------------------------------------------
# The layer table.
# --------------------------------------------------------------------------
def to_scalar(value, scalar):
    """value rounded to the model's scalar (float32 or float64)."""
    return struct.unpack("<f", struct.pack("<f", value))[0] if scalar == "float" else float(value)


def exact_ratio(value, what, scalar):
    """A std::ratio for a hyper-parameter, refused unless ctnet's value (num / den computed in the
    scalar, as ctnet::detail::ratio_value) is PyTorch's (the double attribute rounded to the scalar)."""
    r = fractions.Fraction(value).limit_denominator(1000000)
    ctnet_value = to_scalar(to_scalar(r.numerator, scalar) / to_scalar(r.denominator, scalar), scalar)
    if ctnet_value != to_scalar(value, scalar):
        raise ExportError("%s = %r is not a ratio of integers below 10^6; ctnet takes it as a std::ratio"
                          % (what, value))
    return r


def ratio_cpp(r):
    return "std::ratio<%d, %d>" % (r.numerator, r.denominator)


def ratio_torch(r):
    return str(r.numerator) if r.denominator == 1 else "%d/%d" % (r.numerator, r.denominator)


def attribute(module, name, layer):
    """A hyper-parameter of a module; traced TorchScript drops them, scripted keeps them."""
    try:
        return getattr(module, name)
    except AttributeError:
        raise ExportError("%s: its attribute %r is not stored in this file (a torch.jit.trace export "
                          "inlines it); save the model with torch.jit.script, or as a state_dict with --arch"
                          % (layer, name)) from None


@dataclass
class Rule:
    """How one PyTorch module type becomes a ctnet layer description.

    cpp(module, layer, scalar)   -> the C++ description, e.g. "ctnet::Dense<20>"
    torch(module, layer, scalar) -> PyTorch's spelling, as ctnet::layer_name::write_torch
    tensors(module)              -> the state_dict tensors, in order
    out_width(module, in_width)  -> the output width
    """
    cpp: Callable
    torch: Callable
    tensors: Callable = lambda m: []
    out_width: Callable = lambda m, width: width
    exportable: bool = True


def element_wise(name, torch_spelling=None):
    return Rule(cpp=lambda m, layer, scalar: "ctnet::" + name,
                torch=lambda m, layer, scalar: torch_spelling or name + "()")


def not_yet(reason):
    def refuse(m, layer, scalar):
        raise ExportError("%s cannot be exported yet: %s" % (layer, reason))
    return Rule(cpp=refuse, torch=refuse, exportable=False)


def linear_rule():
    # weight and bias from the module's own tensors: traced TorchScript keeps no in_features,
    # out_features or `bias is None`, only the tensors that exist.
    def tensors(m):
        own = dict(m.named_parameters(recurse=False))
        return [own["weight"]] + ([own["bias"]] if own.get("bias") is not None else [])

    def shape(m):
        own = dict(m.named_parameters(recurse=False))
        out_width, in_width = tuple(own["weight"].shape)
        return in_width, out_width, own.get("bias") is not None

    def cpp(m, layer, scalar):
        in_width, out_width, bias = shape(m)
        return "ctnet::Dense<%d%s>" % (out_width, "" if bias else ", ctnet::Bias::none")

    def spelled(m, layer, scalar):
        in_width, out_width, bias = shape(m)
        return "Linear(%d, %d%s)" % (in_width, out_width, "" if bias else ", bias=False")

    return Rule(cpp=cpp, torch=spelled, tensors=tensors, out_width=lambda m, w: shape(m)[1])


def leaky_relu_rule():
    def slope(m, layer, scalar):
        value = float(attribute(m, "negative_slope", layer))
        if not 0.0 <= value < 1.0:
            raise ExportError("%s: negative_slope = %r; ctnet::LeakyReLU needs a slope in [0, 1)" % (layer, value))
        return exact_ratio(value, layer + ": negative_slope", scalar)
    return Rule(cpp=lambda m, layer, s: "ctnet::LeakyReLU<%s>" % ratio_cpp(slope(m, layer, s)),
                torch=lambda m, layer, s: "LeakyReLU(negative_slope=%s)" % ratio_torch(slope(m, layer, s)))


def elu_rule():
    def alpha(m, layer, scalar):
        value = float(attribute(m, "alpha", layer))
        if value < 0.0:
            raise ExportError("%s: alpha = %r; ctnet::ELU needs alpha >= 0" % (layer, value))
        return exact_ratio(value, layer + ": alpha", scalar)
    return Rule(cpp=lambda m, layer, s: "ctnet::ELU<%s>" % ratio_cpp(alpha(m, layer, s)),
                torch=lambda m, layer, s: "ELU(alpha=%s)" % ratio_torch(alpha(m, layer, s)))


def gelu_rule():
    def kind(m, layer):
        approximate = attribute(m, "approximate", layer)
        if approximate not in ("none", "tanh"):
            raise ExportError("%s: approximate = %r; ctnet has GELU ('none') and GELUTanh ('tanh')"
                              % (layer, approximate))
        return approximate
    return Rule(cpp=lambda m, layer, s: "ctnet::GELU" if kind(m, layer) == "none" else "ctnet::GELUTanh",
                torch=lambda m, layer, s: "GELU(approximate='%s')" % kind(m, layer))


def softplus_rule():
    def check(m, layer):
        beta, threshold = attribute(m, "beta", layer), attribute(m, "threshold", layer)
        if beta != 1 or threshold != 20:
            raise ExportError("%s: Softplus(beta=%r, threshold=%r); ctnet::Softplus is beta=1, threshold=20 only"
                              % (layer, beta, threshold))
    return Rule(cpp=lambda m, layer, s: check(m, layer) or "ctnet::Softplus",
                torch=lambda m, layer, s: check(m, layer) or "Softplus(beta=1, threshold=20)")


def softmax_rule():
    def check(m, layer):
        dim = attribute(m, "dim", layer)
        if dim not in (-1, 1):  # 1 is the last dimension of a [batch][features] input
            raise ExportError("%s: Softmax(dim=%r); ctnet::Softmax normalises over the features (dim=-1)"
                              % (layer, dim))
    return Rule(cpp=lambda m, layer, s: check(m, layer) or "ctnet::Softmax",
                torch=lambda m, layer, s: check(m, layer) or "Softmax(dim=-1)")


LAYERS = {
    # PyTorch module type: Rule. A module type missing here is refused with the list of these.
    "Linear": linear_rule(),
    "ReLU": element_wise("ReLU"),
    "Sigmoid": element_wise("Sigmoid"),
    "Tanh": element_wise("Tanh"),
    "Identity": element_wise("Identity"),
    "SiLU": element_wise("SiLU"),
    "Hardsigmoid": element_wise("HardSigmoid", "Hardsigmoid()"),
    "LeakyReLU": leaky_relu_rule(),
    "ELU": elu_rule(),
    "GELU": gelu_rule(),
    "Softplus": softplus_rule(),
    "Softmax": softmax_rule(),
    # Layers ctnet is growing; each becomes a Rule here (and a ctnet::layer_name in export.hpp).
    "BatchNorm1d": not_yet("the exporter does not map BatchNorm1d to ctnet::BatchNorm yet"),
    "Residual": not_yet("the exporter does not map residual blocks to ctnet::Residual yet"),
    "ResidualProj": not_yet("the exporter does not map residual blocks to ctnet::Residual yet"),
}


def module_type(module):
    """The PyTorch class name, also for TorchScript modules (their original_name)."""
    return getattr(module, "original_name", None) or type(module).__name__


def flatten(module, prefix=""):
    """The leaf layers of a (possibly nested) Sequential with their state_dict prefixes."""
    kind = module_type(module)
    if kind != "Sequential":
        return [(prefix.rstrip("."), module)]
    layers = []
    for name, child in module.named_children():
        layers += flatten(child, prefix + name + ".")
    return layers


@dataclass
class Description:
    cpp_type: str
    torch_spelling: str
    params: list
    in_width: int
    out_width: int


def describe(model, scalar, input_width=None):
    """Maps every layer through LAYERS; refuses the model naming the first unsupported layer."""
    if module_type(model) != "Sequential" and module_type(model) not in LAYERS:
        raise ExportError("the model is a %s; ctnet exports torch.nn.Sequential models of the layers %s"
                          % (module_type(model), supported_list()))
    layers = flatten(model)
    if not layers:
        raise ExportError("the Sequential is empty")
    cpp, spelled, params = [], [], []
    width = input_width
    first_linear = next((m for _, m in layers if module_type(m) == "Linear"), None)
    if width is None:
        if first_linear is None:
            raise ExportError("the model has no Linear layer to take the input width from; pass --input-width")
        width = int(dict(first_linear.named_parameters(recurse=False))["weight"].shape[1])
    in_width = width
    for index, (name, module) in enumerate(layers):
        kind = module_type(module)
        layer = "layer %d (%s: %s)" % (index, name or "<root>", kind)
        rule = LAYERS.get(kind)
        if rule is None:
            raise ExportError("%s is not supported by ctnet; supported layers: %s" % (layer, supported_list()))
        if kind == "Linear":
            takes = int(dict(module.named_parameters(recurse=False))["weight"].shape[1])
            if takes != width:
                raise ExportError("%s takes %d inputs but the layer before gives %d" % (layer, takes, width))
        cpp.append(rule.cpp(module, layer, scalar))
        spelled.append(rule.torch(module, layer, scalar))
        for tensor in rule.tensors(module):
            params += [float(v) for v in tensor.detach().to(torch.float64).reshape(-1).tolist()]
        width = rule.out_width(module, width)
    if not params:
        raise ExportError("the model has no parameters; there is nothing to export")
    if scalar == "float":
        params = [struct.unpack("<f", struct.pack("<f", v))[0] for v in params]
    cpp_type = "ctnet::Network<%s, ctnet::Input<%d>, %s>" % (scalar, in_width, ", ".join(cpp))
    return Description(cpp_type, ", ".join(spelled), params, in_width, width)


def supported_list():
    return ", ".join(kind for kind, rule in LAYERS.items() if rule.exportable)


# --------------------------------------------------------------------------
# Loading: TorchScript, a pickled module, or a state_dict with --arch.
# --------------------------------------------------------------------------
def parse_arch(text):
    """'Linear(10,20) ReLU Linear(20,1)' (the syntax of tests/data) -> nn.Sequential."""
    if os.path.isfile(text):
        with open(text) as f:
            text = " ".join(line.split("#", 1)[0] for line in f)
    tokens, depth, current = [], 0, ""
    for ch in text:
        if ch.isspace() and depth == 0:
            if current:
                tokens.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        tokens.append(current)
    modules = []
    for token in tokens:
        try:
            node = ast.parse(token, mode="eval").body
        except SyntaxError:
            raise ExportError("--arch: cannot read %r; write layers as Name or Name(args)" % token) from None
        call = node if isinstance(node, ast.Call) else None
        name_node = call.func if call else node
        if not isinstance(name_node, ast.Name):
            raise ExportError("--arch: cannot read %r" % token)
        name = name_node.id

        def value(n):
            if isinstance(n, ast.Name):
                return {"true": True, "false": False, "True": True, "False": False}.get(n.id, n.id)
            return ast.literal_eval(n)
        args = [value(a) for a in call.args] if call else []
        kwargs = {k.arg: value(k.value) for k in call.keywords} if call else {}
        if name == "Softmax" and not args and "dim" not in kwargs:
            kwargs["dim"] = -1  # tests/data's "Softmax" is over the last dimension
        cls = getattr(nn, name, None)
        if cls is None or not isinstance(cls, type) or not issubclass(cls, nn.Module):
            raise ExportError("--arch: %r is not a torch.nn module; supported layers: %s" % (name, supported_list()))
        try:
            modules.append(cls(*args, **kwargs))
        except TypeError as e:
            raise ExportError("--arch: %s: %s" % (token, e)) from None
    return nn.Sequential(*modules)


def load_model(path, arch):
    """(module, what it was) from a TorchScript file, a pickled module, or a state_dict + arch."""
    if not os.path.isfile(path):
        raise ExportError("%s: no such file" % path)
    try:
        model = torch.jit.load(path, map_location="cpu")
        kind = "TorchScript"
    except RuntimeError:
        obj = torch.load(path, map_location="cpu")
        if isinstance(obj, nn.Module):
            model, kind = obj, "pickled nn.Module"
        elif isinstance(obj, dict):
            if arch is None:
                raise ExportError("%s holds a state_dict; give the topology with --arch, e.g. "
                                  "--arch 'Linear(10,20) ReLU Linear(20,1)'" % path)
            model = parse_arch(arch)
            try:
                model.load_state_dict(obj, strict=True)
            except RuntimeError as e:
                raise ExportError("%s does not match --arch: %s" % (path, e)) from None
            return model, "state_dict, --arch '%s'" % arch
        else:
            raise ExportError("%s holds a %s, not a model or a state_dict" % (path, type(obj).__name__))
    if arch is not None:
        raise ExportError("--arch is only for state_dict files; %s is a %s" % (path, kind))
    return model, kind


# --------------------------------------------------------------------------
def export(model, source, out_path, name_space, scalar, samples, data_seed, input_width, reference, command):
    model.eval()
    description = describe(model, scalar, input_width)
    dtype = torch.float32 if scalar == "float" else torch.float64
    generator = torch.Generator().manual_seed(data_seed)
    inputs = (torch.randn(samples, description.in_width, generator=generator, dtype=torch.float32) * 1.5).float()
    with torch.no_grad():
        out_model = model.float()(inputs).to(dtype) if scalar == "float" else model.double()(inputs.double())
        out64 = model.double()(inputs.double())
    if tuple(out_model.shape) != (samples, description.out_width):
        raise ExportError("the model's output has shape %s, expected [%d, %d]"
                          % (list(out_model.shape), samples, description.out_width))
    as_rows = lambda t: [[float(v) for v in row] for row in t.tolist()]  # noqa: E731
    input_rows, out_rows, out64_rows = as_rows(inputs.to(torch.float64)), as_rows(out_model), as_rows(out64)
    for row in out_rows + out64_rows:
        for v in row:
            if not math.isfinite(v):
                raise ExportError("PyTorch's output is not finite (%r) on the sample inputs" % v)

    stem = os.path.splitext(os.path.basename(out_path))[0]
    name_space = name_space or stem
    version = torch.__version__
    comment = "\n".join([
        "%s: a ctnet model exported from PyTorch by tools/export_torch.py. Do not edit." % os.path.basename(out_path),
        "Source: %s (%s; torch %s)." % (source[0], source[1], version),
        "check_output: PyTorch's forward pass of the source on check_input, in %s." % scalar,
        "Regenerate: " + command,
    ])
    header = model_header(comment, name_space, scalar, description.torch_spelling, description.cpp_type,
                          description.params, description.in_width, description.out_width,
                          input_rows[0], out_rows[0])
    written = [out_path]
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", newline="\n") as f:
        f.write(header)
    if reference:
        ref_path = os.path.join(os.path.dirname(out_path), stem + "_reference.hpp")
        ref_comment = "\n".join([
            "%s: PyTorch's outputs for the model in %s. Do not edit." % (os.path.basename(ref_path),
                                                                         os.path.basename(out_path)),
            "Source: %s (%s; torch %s)." % (source[0], source[1], version),
            "Inputs ~ N(0, 1.5^2) in float32, torch.Generator().manual_seed(%d); input[0] is check_input." % data_seed,
            "Regenerate: " + command,
        ])
        with open(ref_path, "w", newline="\n") as f:
            f.write(reference_header(ref_comment, name_space, scalar, input_rows, out_rows, out64_rows))
        written.append(ref_path)
    return description, written


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Export a PyTorch nn.Sequential (TorchScript, pickled module, or state_dict + --arch) "
                    "as a ctnet model header.")
    parser.add_argument("model", help="TorchScript file, torch.save'd module, or state_dict file")
    parser.add_argument("-o", "--output", required=True, help="header to write, e.g. model/seed_model.hpp")
    parser.add_argument("--arch", help="topology for a state_dict, e.g. 'Linear(10,20) ReLU Linear(20,1)', "
                                       "or a file holding it")
    parser.add_argument("--namespace", help="C++ namespace (default: the output file's stem)")
    parser.add_argument("--scalar", choices=("float", "double"), default="float")
    parser.add_argument("--samples", type=int, default=8, help="reference samples (default 8)")
    parser.add_argument("--data-seed", type=int, default=2024, help="seed of the reference inputs")
    parser.add_argument("--input-width", type=int, help="input width, if no Linear layer gives it")
    parser.add_argument("--no-reference", action="store_true", help="do not write NAME_reference.hpp")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    command = "/usr/bin/python3 tools/export_torch.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    try:
        if args.samples < 1:
            raise ExportError("--samples must be at least 1")
        stem = os.path.splitext(os.path.basename(args.output))[0]
        name_space = args.namespace or stem
        if not all(part.isidentifier() for part in name_space.split("::")):
            raise ExportError("namespace %r is not a C++ identifier; pass --namespace" % name_space)
        model, kind = load_model(args.model, args.arch)
        description, written = export(model, (args.model, kind), args.output, name_space, args.scalar,
                                      args.samples, args.data_seed, args.input_width, not args.no_reference,
                                      command)
    except ExportError as e:
        print("export_torch: error: %s" % e, file=sys.stderr)
        return 2
    print("export_torch: %s -> %s" % (description.cpp_type, ", ".join(written)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
