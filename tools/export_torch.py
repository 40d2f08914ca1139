#!/usr/bin/python3
"""Export a PyTorch nn.Sequential as a ctnet model header.

    /usr/bin/python3 tools/export_torch.py MODEL -o DIR/NAME.hpp [--arch TOPOLOGY]

MODEL is a TorchScript file (torch.jit.script or torch.jit.trace of an
nn.Sequential, saved with .save()), a pickled nn.Module (torch.save(model)),
or a state_dict (torch.save(model.state_dict())) together with --arch, the
topology in the syntax of tests/data, e.g. "Linear(10,20) ReLU Linear(20,1)",
"Linear(8,16) BatchNorm1d(16) Residual[Linear(16,16) Tanh Linear(16,16)]" or
"ResidualProj(8,12)[Linear(8,12) ReLU]". The model is exported for inference:
it is put in eval mode (BatchNorm1d uses its running statistics).

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


def exact_ratio(value, what, scalar, decimal=False):
    """A std::ratio for a hyper-parameter, refused unless ctnet's value (num / den computed in the
    scalar, as ctnet::detail::ratio_value) is PyTorch's (the double attribute rounded to the scalar).

    The ratio is the simplest one with a denominator below 10^6; with `decimal`, also the value's
    shortest decimal form (BatchNorm's eps = 1e-8 -> 1/100000000), numerator and denominator below
    2^53 so that Python computes the same quotient as the C++ compiler."""
    candidates = [fractions.Fraction(value).limit_denominator(1000000)]
    if decimal and math.isfinite(value):
        candidates.append(fractions.Fraction(repr(float(value))))
    for r in candidates:
        if abs(r.numerator) > 2 ** 53 or r.denominator > 2 ** 53:
            continue
        ctnet_value = to_scalar(to_scalar(r.numerator, scalar) / to_scalar(r.denominator, scalar), scalar)
        if ctnet_value == to_scalar(value, scalar):
            return r
    raise ExportError("%s = %r is not a ratio of integers below %s; ctnet takes it as a std::ratio"
                      % (what, value, "10^6 or a short decimal fraction" if decimal else "10^6"))


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
    tensors(module)              -> the tensors of ctnet's flat order (state_dict order), in order
    out_width(module, in_width)  -> the output width
    check(module, layer, width)  -> raises ExportError if the layer cannot take `width` inputs
    describe(module, at, scalar, width) -> a Layer; replaces the five above for a layer holding
                                    layers (residual blocks)
    matches(module)              -> for rules found by structure rather than by type name
    label                        -> the name in the list of supported layers
    """
    cpp: Callable = None
    torch: Callable = None
    tensors: Callable = lambda m: []
    out_width: Callable = lambda m, width: width
    check: Callable = lambda m, layer, width: None
    describe: Callable = None
    matches: Callable = None
    label: str = None


def element_wise(name, torch_spelling=None):
    return Rule(cpp=lambda m, layer, scalar: "ctnet::" + name,
                torch=lambda m, layer, scalar: torch_spelling or name + "()")


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

    def check(m, layer, width):
        takes = shape(m)[0]
        if takes != width:
            raise ExportError("%s takes %d inputs but the layer before gives %d" % (layer, takes, width))

    return Rule(cpp=cpp, torch=spelled, tensors=tensors, out_width=lambda m, w: shape(m)[1], check=check)


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


def batch_norm_rule():
    """BatchNorm1d(n, eps, momentum) -> ctnet::BatchNorm<eps ratio, momentum ratio>, for inference:
    weight, bias, running_mean, running_var (num_batches_tracked is not exported)."""
    def tensors(m):
        params, buffers = dict(m.named_parameters(recurse=False)), dict(m.named_buffers(recurse=False))
        return [params["weight"], params["bias"], buffers["running_mean"], buffers["running_var"]]

    def features(m):
        own = dict(m.named_buffers(recurse=False))
        return int(own["running_mean"].shape[0])

    def ratios(m, layer, scalar):
        eps = float(attribute(m, "eps", layer))
        momentum = attribute(m, "momentum", layer)
        if momentum is None:
            raise ExportError("%s: momentum=None (a cumulative moving average); ctnet::BatchNorm takes a fixed "
                              "momentum as a std::ratio: build it with a number, e.g. momentum=0.1" % layer)
        if not eps > 0.0:
            raise ExportError("%s: eps = %r; ctnet::BatchNorm needs eps > 0" % (layer, eps))
        if not 0.0 <= float(momentum) <= 1.0:
            raise ExportError("%s: momentum = %r; ctnet::BatchNorm needs a momentum in [0, 1]" % (layer, momentum))
        return (exact_ratio(eps, layer + ": eps", scalar, decimal=True),
                exact_ratio(float(momentum), layer + ": momentum", scalar, decimal=True))

    def check(m, layer, width):
        params, buffers = dict(m.named_parameters(recurse=False)), dict(m.named_buffers(recurse=False))
        if not getattr(m, "affine", True) or params.get("weight") is None or params.get("bias") is None:
            raise ExportError("%s: affine=False (no weight and bias); ctnet::BatchNorm always has them: build it "
                              "with affine=True (weight 1 and bias 0 are the same function)" % layer)
        if (not getattr(m, "track_running_stats", True) or buffers.get("running_mean") is None
                or buffers.get("running_var") is None):
            raise ExportError("%s: track_running_stats=False (it normalises by each batch's statistics, also in "
                              "eval mode); ctnet::BatchNorm infers with running_mean and running_var: train it "
                              "with track_running_stats=True" % layer)
        if features(m) != width:
            raise ExportError("%s normalises %d features but the layer before gives %d" % (layer, features(m), width))

    def cpp(m, layer, scalar):
        eps, momentum = ratios(m, layer, scalar)
        return "ctnet::BatchNorm<%s, %s>" % (ratio_cpp(eps), ratio_cpp(momentum))

    def spelled(m, layer, scalar):
        eps, momentum = ratios(m, layer, scalar)
        return "BatchNorm1d(%d, eps=%s, momentum=%s)" % (features(m), ratio_torch(eps), ratio_torch(momentum))

    return Rule(cpp=cpp, torch=spelled, tensors=tensors, check=check)


class Residual(nn.Module):
    """y = x + f(x), as tools/gen_reference.py's Residual: `--arch` builds it for Residual[...]."""

    def __init__(self, *layers):
        super().__init__()
        self.f = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.f(x)


class ResidualProj(nn.Module):
    """y = proj(x) + f(x), proj = Linear(in, out, bias=False), as tools/gen_reference.py's
    ResidualProj (state_dict: f's entries, then proj.weight): `--arch` builds it for
    ResidualProj(in,out)[...]."""

    def __init__(self, in_features, out_features, *layers):
        super().__init__()
        self.f = nn.Sequential(*layers)
        self.proj = nn.Linear(in_features, out_features, bias=False)

    def forward(self, x):
        return self.proj(x) + self.f(x)


def residual_rule():
    """A residual block: any module whose children are `f` (a Sequential) and optionally `proj` (a
    Linear without bias), with no tensors of its own, and whose forward is x + f(x) (or
    proj(x) + f(x)): ctnet::Residual<f...> or ctnet::ProjectedResidual<f...>. Recognised by this
    structure (also in TorchScript, which keeps the attributes), whatever the class is called; the
    forward is checked numerically."""
    def parts(m):
        children = dict(m.named_children())
        f, proj = children.get("f"), children.get("proj")
        return f, proj, children

    def matches(m):
        f, proj, children = parts(m)
        return (module_type(m) != "Sequential" and f is not None and module_type(f) == "Sequential"
                and set(children) <= {"f", "proj"})

    def describe_block(m, at, scalar, width):
        f, proj, children = parts(m)
        if not matches(m):
            raise ExportError("%s is not a residual block ctnet can export: it needs the children f (an "
                              "nn.Sequential) and optionally proj (an nn.Linear without bias), and has %s"
                              % (at.label, ", ".join("%s (%s)" % (k, module_type(v)) for k, v in children.items())
                                 or "none"))
        own = list(m.named_parameters(recurse=False)) + list(m.named_buffers(recurse=False))
        if own:
            raise ExportError("%s: a residual block's own tensors (%s) have no place in ctnet::Residual; keep "
                              "them in f or proj" % (at.label, ", ".join(name for name, _ in own)))
        if proj is not None:
            if module_type(proj) != "Linear":
                raise ExportError("%s: proj is a %s; ctnet::ProjectedResidual's projection is a Linear without "
                                  "bias" % (at.label, module_type(proj)))
            proj_params = dict(proj.named_parameters(recurse=False))
            if proj_params.get("bias") is not None:
                raise ExportError("%s: proj has a bias; ctnet::ProjectedResidual's projection is a Linear "
                                  "without bias (y = P x + f(x)): put the bias in f's last Linear" % at.label)
            proj_out, proj_in = (int(d) for d in proj_params["weight"].shape)
            if proj_in != width:
                raise ExportError("%s: proj takes %d inputs but the layer before gives %d"
                                  % (at.label, proj_in, width))
        inner = describe_chain(flatten(f, at.name + ".f." if at.name else "f."), width, scalar, at.index + ".")
        if not inner:
            raise ExportError("%s: f is empty; ctnet::Residual needs at least one layer inside" % at.label)
        out_width = inner[-1].out_width
        if proj is None and out_width != width:
            raise ExportError("%s: f gives %d features for %d inputs; x + f(x) needs them equal (or a projection: "
                              "proj = Linear(%d, %d, bias=False), y = proj(x) + f(x))"
                              % (at.label, out_width, width, width, out_width))
        if proj is not None and proj_out != out_width:
            raise ExportError("%s: proj gives %d features but f gives %d" % (at.label, proj_out, out_width))
        check_residual_forward(m, f, proj, width, at.label)
        inner_cpp = ", ".join(layer.cpp for layer in inner)
        inner_torch = ", ".join(layer.torch for layer in inner)
        tensors = [t for layer in inner for t in layer.tensors]
        if proj is None:
            return Layer("ctnet::Residual<%s>" % inner_cpp, "Residual(%s)" % inner_torch, tensors, out_width)
        return Layer("ctnet::ProjectedResidual<%s>" % inner_cpp,
                     "ResidualProj(%d, %d, %s)" % (width, out_width, inner_torch),
                     tensors + [proj_params["weight"]], out_width)

    return Rule(describe=describe_block, matches=matches,
                label="residual blocks (f = Sequential, optional proj = Linear(bias=False): x + f(x), proj(x) + f(x))")


def check_residual_forward(m, f, proj, width, label):
    """The block's forward must be x + f(x) (proj(x) + f(x)): checked on a few inputs, in eval mode."""
    reference = next(iter(m.parameters()), None)
    dtype = reference.dtype if reference is not None else torch.float32
    x = torch.randn(3, width, generator=torch.Generator().manual_seed(1), dtype=torch.float64).to(dtype)
    with torch.no_grad():
        try:
            got = m(x)
        except Exception as e:  # noqa: BLE001 (any failure of the user's forward)
            raise ExportError("%s: its forward fails on a [3, %d] input: %s" % (label, width, e)) from None
        expected = (proj(x) if proj is not None else x) + f(x)
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape or \
            not torch.allclose(got, expected, rtol=1e-5, atol=1e-6):
        raise ExportError("%s has the children of a residual block but its forward is not %s; ctnet exports "
                          "y = x + f(x) and y = proj(x) + f(x) only" % (label, "proj(x) + f(x)" if proj is not None
                                                                       else "x + f(x)"))


LAYERS = {
    # PyTorch module type: Rule. A module type missing here (and not a residual block) is refused
    # with the list of these.
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
    "BatchNorm1d": batch_norm_rule(),
    # Residual blocks are found by structure (any class name); these names are tools/gen_reference.py's.
    "Residual": residual_rule(),
}
LAYERS["ResidualProj"] = LAYERS["Residual"]


def rule_for(module):
    """The Rule for a module: by type name, else a rule that recognises its structure; None if none."""
    rule = LAYERS.get(module_type(module))
    if rule is not None:
        return rule
    return next((r for r in LAYERS.values() if r.matches is not None and r.matches(module)), None)


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
class Layer:
    """One layer as ctnet sees it: its description, PyTorch's spelling, its tensors, its width."""
    cpp: str
    torch: str
    tensors: list
    out_width: int


@dataclass
class At:
    """Where a layer is: `index` ("1", or "1.0" inside the residual block at index 1), its
    state_dict prefix `name`, and the label errors use: "layer 1 (1: Linear)"."""
    index: str
    name: str
    label: str


def describe_layer(module, at, scalar, width):
    rule = rule_for(module)
    if rule is None:
        raise ExportError("%s is not supported by ctnet; supported layers: %s" % (at.label, supported_list()))
    if rule.describe is not None:
        return rule.describe(module, at, scalar, width)
    rule.check(module, at.label, width)
    return Layer(rule.cpp(module, at.label, scalar), rule.torch(module, at.label, scalar),
                 list(rule.tensors(module)), rule.out_width(module, width))


def describe_chain(layers, width, scalar, index_prefix=""):
    """The Layers of a flattened chain taking `width` inputs; refuses the first unsupported layer."""
    described = []
    for index, (name, module) in enumerate(layers):
        at = At(index_prefix + str(index), name, "layer %s%d (%s: %s)" % (index_prefix, index, name or "<root>",
                                                                            module_type(module)))
        described.append(describe_layer(module, at, scalar, width))
        width = described[-1].out_width
    return described


def first_width(layers):
    """The input width the first layer that knows one takes (Linear, BatchNorm1d, residual blocks)."""
    for _, module in layers:
        kind = module_type(module)
        if kind == "Linear":
            return int(dict(module.named_parameters(recurse=False))["weight"].shape[1])
        if kind == "BatchNorm1d":
            buffers, params = dict(module.named_buffers(recurse=False)), dict(module.named_parameters(recurse=False))
            known = buffers.get("running_mean") if buffers.get("running_mean") is not None else params.get("weight")
            if known is not None:
                return int(known.shape[0])
        children = dict(module.named_children())
        if kind != "Sequential" and "f" in children:
            proj = children.get("proj")
            if proj is not None and module_type(proj) == "Linear":
                return int(dict(proj.named_parameters(recurse=False))["weight"].shape[1])
            width = first_width(flatten(children["f"]))
            if width is not None:
                return width
    return None


@dataclass
class Description:
    cpp_type: str
    torch_spelling: str
    params: list
    in_width: int
    out_width: int


def describe(model, scalar, input_width=None):
    """Maps every layer through LAYERS; refuses the model naming the first unsupported layer."""
    if module_type(model) != "Sequential" and rule_for(model) is None:
        raise ExportError("the model is a %s; ctnet exports torch.nn.Sequential models of the layers %s"
                          % (module_type(model), supported_list()))
    layers = flatten(model)
    if not layers:
        raise ExportError("the Sequential is empty")
    width = input_width if input_width is not None else first_width(layers)
    if width is None:
        raise ExportError("the model has no Linear or BatchNorm1d layer to take the input width from; "
                          "pass --input-width")
    described = describe_chain(layers, width, scalar)
    params = []
    for layer in described:
        for tensor in layer.tensors:
            params += [float(v) for v in tensor.detach().to(torch.float64).reshape(-1).tolist()]
    if not params:
        raise ExportError("the model has no parameters; there is nothing to export")
    if scalar == "float":
        params = [struct.unpack("<f", struct.pack("<f", v))[0] for v in params]
    cpp_type = "ctnet::Network<%s, ctnet::Input<%d>, %s>" % (scalar, width, ", ".join(layer.cpp for layer in described))
    return Description(cpp_type, ", ".join(layer.torch for layer in described), params, width, described[-1].out_width)


def supported_list():
    labels = []
    for kind, rule in LAYERS.items():
        label = rule.label or kind
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


# --------------------------------------------------------------------------
# Loading: TorchScript, a pickled module, or a state_dict with --arch.
# --------------------------------------------------------------------------
def split_arch(text):
    """The top-level layers of a topology: 'Linear(8,12) Residual[Linear(12,12) Tanh]' ->
    ['Linear(8,12)', 'Residual[Linear(12,12) Tanh]'] (spaces inside () and [] are kept)."""
    tokens, depth, current = [], 0, ""
    for ch in text:
        if ch.isspace() and depth == 0:
            if current:
                tokens.append(current)
            current = ""
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise ExportError("--arch: unbalanced %r in %r" % (ch, text.strip()))
        current += ch
    if depth != 0:
        raise ExportError("--arch: unclosed ( or [ in %r" % text.strip())
    if current:
        tokens.append(current)
    return tokens


# --arch names that are not torch.nn modules: the residual blocks of tests/data's topologies,
# written Residual[layers...] and ResidualProj(in,out)[layers...].
ARCH_BLOCKS = {"Residual": Residual, "ResidualProj": ResidualProj}


def parse_layers(text):
    """The modules of a topology text (the syntax of tests/data), residual blocks built recursively."""
    modules = []
    for token in split_arch(text):
        inner = None
        if token.endswith("]"):
            depth, opening = 0, None
            for at, ch in enumerate(token):
                depth += ch == "("
                depth -= ch == ")"
                if ch == "[" and depth == 0:
                    opening = at
                    break
            if opening is None:
                raise ExportError("--arch: cannot read %r" % token)
            token, inner = token[:opening], token[opening + 1:-1]
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
        if name in ARCH_BLOCKS:
            if inner is None:
                raise ExportError("--arch: %s needs its layers in brackets, e.g. Residual[Linear(16,16) Tanh] or "
                                  "ResidualProj(8,12)[Linear(8,12) ReLU]" % token)
            cls, args = ARCH_BLOCKS[name], args + parse_layers(inner)
        elif inner is not None:
            raise ExportError("--arch: %s[...]: only Residual and ResidualProj hold layers" % token)
        else:
            cls = getattr(nn, name, None)
            if cls is None or not isinstance(cls, type) or not issubclass(cls, nn.Module):
                raise ExportError("--arch: %r is not a torch.nn module; supported layers: %s"
                                  % (name, supported_list()))
        try:
            modules.append(cls(*args, **kwargs))
        except TypeError as e:
            raise ExportError("--arch: %s: %s" % (token, e)) from None
    return modules


def parse_arch(text):
    """'Linear(10,20) ReLU Linear(20,1)' (the syntax of tests/data), or a file holding it ('#'
    comments), -> nn.Sequential; 'Residual[...]' and 'ResidualProj(i,o)[...]' become the
    Residual and ResidualProj modules above."""
    if os.path.isfile(text):
        with open(text) as f:
            text = " ".join(line.split("#", 1)[0] for line in f)
    return nn.Sequential(*parse_layers(text))


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
    parser.add_argument("--input-width", type=int, help="input width, if no Linear or BatchNorm1d layer gives it")
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
