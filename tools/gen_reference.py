#!/usr/bin/python3
"""Generate PyTorch reference data for the ctnet numerical-parity tests.

Run from the repository root with Debian's Python (the one that has torch):

    /usr/bin/python3 tools/gen_reference.py

It (re)writes tests/data/*.hpp: C++20 headers with `inline constexpr` arrays
in namespaces `ctnet_ref::<file_stem>::<case_name>`, usable at run time and in
static_assert, so CI needs no PyTorch.  See tests/data/README.md for what each
file holds and for the conventions (flat parameter order, shapes, losses,
optimizer formulas).

Determinism: every random draw comes from a fixed seed, torch runs on one
thread with deterministic algorithms, and all floating-point values are
written as exact C99 hex-float literals, so regenerating with the same torch
build gives byte-identical files.

Only the standard library and torch are used.
"""

import copy
import math
import os
import sys

import torch
from torch import nn

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "data")


# --------------------------------------------------------------------------
# Modules that ctnet defines but torch does not.
# --------------------------------------------------------------------------
class Residual(nn.Module):
    """y = x + f(x); state_dict: f's entries (prefix 'f.')."""

    def __init__(self, *layers):
        super().__init__()
        self.f = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.f(x)


class ResidualProj(nn.Module):
    """y = proj(x) + f(x), proj = Linear(in, out, bias=False).

    state_dict order: f's entries first, then proj.weight.
    """

    def __init__(self, in_features, out_features, *layers):
        super().__init__()
        self.f = nn.Sequential(*layers)
        self.proj = nn.Linear(in_features, out_features, bias=False)

    def forward(self, x):
        return self.proj(x) + self.f(x)


# --------------------------------------------------------------------------
# Formatting helpers.
# --------------------------------------------------------------------------
def is_f32(x):
    return float(torch.tensor(x, dtype=torch.float32).item()) == x


def hexlit(x, f32):
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("non-finite value %r" % x)
    if f32 and not is_f32(x):
        raise ValueError("%r is not a float32 value" % x)
    s = x.hex()
    mant, exp = s.split("p")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return "%sp%s%s" % (mant, exp, "f" if f32 else "")


def shape_of(data):
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        data = data[0] if data else None
    return shape


def to_list(data):
    if isinstance(data, torch.Tensor):
        return data.detach().cpu().tolist()
    return data


def topology(m):
    """Compact textual topology, e.g. 'Linear(10,20) ReLU Linear(20,1)'."""
    if isinstance(m, nn.Sequential):
        return " ".join(topology(c) for c in m)
    if isinstance(m, ResidualProj):
        return "ResidualProj(%d,%d)[%s]" % (m.proj.in_features, m.proj.out_features, topology(m.f))
    if isinstance(m, Residual):
        return "Residual[%s]" % topology(m.f)
    if isinstance(m, nn.Linear):
        if m.bias is None:
            return "Linear(%d,%d,bias=false)" % (m.in_features, m.out_features)
        return "Linear(%d,%d)" % (m.in_features, m.out_features)
    if isinstance(m, nn.LeakyReLU):
        return "LeakyReLU(%g)" % m.negative_slope
    if isinstance(m, nn.ELU):
        return "ELU(%g)" % m.alpha
    if isinstance(m, nn.GELU):
        return "GELU" if m.approximate == "none" else "GELU(tanh)"
    if isinstance(m, nn.Softplus):
        return "Softplus(%g,%g)" % (m.beta, m.threshold)
    if isinstance(m, nn.Softmax):
        assert m.dim in (-1, 1)
        return "Softmax"
    if isinstance(m, nn.BatchNorm1d):
        return "BatchNorm1d(%d)" % m.num_features
    simple = (nn.Identity, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.SiLU, nn.Hardsigmoid)
    if isinstance(m, simple):
        return type(m).__name__
    raise TypeError(type(m))


def state_entries(model):
    """(name, tensor) in state_dict order, skipping num_batches_tracked."""
    return [(k, v) for k, v in model.state_dict(keep_vars=True).items()
            if not k.endswith("num_batches_tracked")]


def flat_params(model):
    return [float(v) for _, t in state_entries(model)
            for v in t.detach().reshape(-1).tolist()]


def flat_grads(model):
    out = []
    for _, t in state_entries(model):
        if isinstance(t, nn.Parameter):
            g = t.grad if t.grad is not None else torch.zeros_like(t)
        else:  # buffers (BatchNorm running stats): gradient 0 by convention
            g = torch.zeros_like(t)
        out.extend(float(v) for v in g.detach().reshape(-1).tolist())
    return out


def param_layout(model):
    parts, off = [], 0
    for k, t in state_entries(model):
        dims = "".join("[%d]" % d for d in t.shape)
        parts.append("%s%s@%d" % (k, dims, off))
        off += t.numel()
    return " ".join(parts)


# --------------------------------------------------------------------------
# Header writer.
# --------------------------------------------------------------------------
class Header:
    def __init__(self, stem, description):
        self.stem = stem
        self.lines = [
            "// %s.hpp -- PyTorch reference data for ctnet tests." % stem,
            "// Generated by tools/gen_reference.py (torch %s); DO NOT EDIT." % torch.__version__,
            "// Regenerate from the repository root: /usr/bin/python3 tools/gen_reference.py",
        ]
        for d in description.strip().splitlines():
            self.lines.append("// " + d if d else "//")
        self.lines += ["", "#pragma once", "", "#include <cstddef>", ""]
        self.case = None

    def begin(self, case, model=None, comment=None):
        assert self.case is None
        self.case = case
        self.lines.append("// " + "-" * 74)
        if comment:
            for c in comment.strip().splitlines():
                self.lines.append("// " + c)
        if model is not None:
            self.lines.append("// PyTorch model:")
            for ln in repr(model).splitlines():
                self.lines.append("//   " + ln)
        self.lines.append("namespace ctnet_ref::%s::%s {" % (self.stem, case))
        if model is not None:
            self.string("topology", topology(model))

    def end(self):
        self.lines.append("}  // namespace ctnet_ref::%s::%s" % (self.stem, self.case))
        self.lines.append("")
        self.case = None

    def string(self, name, value):
        assert '"' not in value and "\\" not in value
        self.lines.append('inline constexpr char %s[] = "%s";' % (name, value))

    def size(self, name, value, comment=None):
        c = "  // " + comment if comment else ""
        self.lines.append("inline constexpr std::size_t %s = %d;%s" % (name, value, c))

    def real(self, name, value, f32, comment=None):
        t = "float" if f32 else "double"
        c = "  // " + comment if comment else ""
        self.lines.append("inline constexpr %s %s = %s;%s" % (t, name, hexlit(value, f32), c))

    def boolean(self, name, value):
        self.lines.append("inline constexpr bool %s = %s;" % (name, "true" if value else "false"))

    def array(self, name, data, ctype, dims):
        """dims: list of names (str) or None per dimension, for the shape comment."""
        data = to_list(data)
        shape = shape_of(data)
        assert len(shape) == len(dims), (name, shape, dims)
        assert all(s > 0 for s in shape), (name, shape)
        if ctype == "float":
            fmt, per_line = (lambda v: hexlit(v, True)), 8
        elif ctype == "double":
            fmt, per_line = (lambda v: hexlit(v, False)), 6
        else:
            fmt, per_line = (lambda v: "%d" % v), 16
        comment = "".join("[%s=%d]" % (d, s) if d else "[%d]" % s for d, s in zip(dims, shape))
        decl = "inline constexpr %s %s%s = " % (ctype, name, "".join("[%d]" % s for s in shape))
        self.lines.append("// %s: shape %s" % (name, comment))

        def emit(d, indent):
            if isinstance(d[0], list):
                inner = []
                for sub in d:
                    inner.append(emit(sub, indent + "  "))
                return "{\n" + ",\n".join(indent + "  " + s for s in inner) + "}"
            vals = [fmt(v) for v in d]
            rows = [",".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
            if len(rows) == 1:
                return "{" + rows[0] + "}"
            return "{\n" + ",\n".join(indent + "  " + r for r in rows) + "}"

        self.lines.append(decl + emit(data, "") + ";")

    def f32(self, name, data, dims):
        self.array(name, data, "float", dims)

    def f64(self, name, data, dims):
        self.array(name, data, "double", dims)

    def idx(self, name, data, dims):
        self.array(name, data, "std::size_t", dims)

    def write(self):
        assert self.case is None
        path = os.path.join(OUT_DIR, self.stem + ".hpp")
        text = "\n".join(self.lines).rstrip("\n") + "\n"
        with open(path, "w", encoding="ascii", newline="\n") as fh:
            fh.write(text)
        print("wrote %s (%d bytes)" % (os.path.relpath(path, ROOT), len(text)))
        return len(text)


# --------------------------------------------------------------------------
# Common data helpers.
# --------------------------------------------------------------------------
def gen(seed):
    return torch.Generator().manual_seed(seed)


def normal(g, *shape, std=1.0, mean=0.0):
    return (torch.randn(*shape, generator=g, dtype=torch.float32) * std + mean).float()


def uniform(g, lo, hi, *shape):
    return (torch.rand(*shape, generator=g, dtype=torch.float32) * (hi - lo) + lo).float()


def build(seed, *layers):
    """Build an nn.Sequential with default init from torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    return nn.Sequential(*[f() for f in layers])


def model_pair(model):
    m32 = model.float()
    m64 = copy.deepcopy(m32).double()
    return m32, m64


# Topologies ---------------------------------------------------------------
L = lambda i, o, bias=True: (lambda: nn.Linear(i, o, bias=bias))  # noqa: E731


def A(cls, *args, **kw):
    return lambda: cls(*args, **kw)


TOPOLOGIES = {
    # name: (init seed, layer factories)
    "seed": (0, [L(10, 20), A(nn.ReLU), L(20, 1)]),
    "act_a": (1, [L(17, 16), A(nn.Tanh), L(16, 15), A(nn.Sigmoid), L(15, 1),
                  A(nn.LeakyReLU, 0.2), L(1, 33)]),
    "act_b": (2, [L(1, 33), A(nn.ELU, alpha=1.0), L(33, 3), A(nn.GELU, approximate="none"),
                  L(3, 17), A(nn.GELU, approximate="tanh"), L(17, 16), A(nn.Softmax, dim=-1)]),
    "act_c": (3, [L(15, 3), A(nn.SiLU), L(3, 33), A(nn.Softplus, beta=1, threshold=20),
                  L(33, 2), A(nn.Hardsigmoid), L(2, 16), A(nn.Identity)]),
    "act_d": (4, [L(33, 4), A(nn.LeakyReLU), L(4, 17), A(nn.Softmax, dim=-1),
                  L(17, 5, bias=False)]),
    # forward-only: larger matrices (width 33 on both sides of a product)
    "wide": (5, [L(17, 16), A(nn.Tanh), L(16, 33), A(nn.Sigmoid), L(33, 15),
                 A(nn.LeakyReLU, 0.2), L(15, 1)]),
}


def make_topology(name):
    seed, layers = TOPOLOGIES[name]
    return build(seed, *layers)


def in_features(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.BatchNorm1d)):
            return m.in_features if isinstance(m, nn.Linear) else m.num_features
    raise ValueError


def emit_model_params(h, model, params=None):
    """params: the flat values to emit (default: the model's current ones). Pass values taken
    before a train-mode forward: it moves BatchNorm's running statistics in place."""
    p = flat_params(model) if params is None else params
    h.size("param_count", len(p))
    h.string("param_layout", param_layout(model))
    h.f32("params", p, ["param_count"])


# --------------------------------------------------------------------------
# forward.hpp
# --------------------------------------------------------------------------
GRID_ACTS = [
    ("identity", "Identity", lambda: nn.Identity()),
    ("sigmoid", "Sigmoid", lambda: nn.Sigmoid()),
    ("tanh", "Tanh", lambda: nn.Tanh()),
    ("relu", "ReLU", lambda: nn.ReLU()),
    ("leaky_relu", "LeakyReLU(0.01)", lambda: nn.LeakyReLU()),
    ("leaky_relu_0_2", "LeakyReLU(0.2)", lambda: nn.LeakyReLU(0.2)),
    ("elu", "ELU(1)", lambda: nn.ELU(alpha=1.0)),
    ("gelu", "GELU", lambda: nn.GELU(approximate="none")),
    ("gelu_tanh", "GELU(tanh)", lambda: nn.GELU(approximate="tanh")),
    ("silu", "SiLU", lambda: nn.SiLU()),
    ("softplus", "Softplus(1,20)", lambda: nn.Softplus(beta=1, threshold=20)),
    ("hardsigmoid", "Hardsigmoid", lambda: nn.Hardsigmoid()),
]


def act_grid_points():
    pts = [k * 3.0 / 16.0 for k in range(-32, 33)]  # [-6, 6], step 3/16, has 0, +-3
    pts += [2.0 ** -24, -(2.0 ** -24), 2.0 ** -100, -(2.0 ** -100)]
    pts += [10.0, -10.0, 20.0, -20.0, 30.0, -30.0]
    pts = sorted(set(pts))
    assert all(is_f32(p) for p in pts)
    return pts


def gen_forward():
    h = Header("forward", """
Forward-pass references.
Cases seed, act_a..act_d, wide, seed_b1 (one sample): params (flat
state_dict order), input[samples][in_features], output_f32/_f64[samples][out_features].
_f32 = torch float32 forward; _f64 = the same float32-valued params/inputs
pushed through a .double() copy of the model.
act_grid: elementwise activation values and derivatives on a grid.
softmax_vec_<n>: softmax values and Jacobian-vector products.
""")
    forward_cases = [("seed", "seed", 4, 100), ("act_a", "act_a", 4, 101),
                     ("act_b", "act_b", 4, 102), ("act_c", "act_c", 4, 103),
                     ("act_d", "act_d", 4, 104),
                     ("wide", "wide", 4, 106), ("seed_b1", "seed", 1, 105)]
    for case, topo, samples, dseed in forward_cases:
        model = make_topology(topo)
        m32, m64 = model_pair(model)
        nin = in_features(m32)
        x = normal(gen(dseed), samples, nin, std=1.5)
        with torch.no_grad():
            y32 = m32(x)
            y64 = m64(x.double())
        h.begin(case, m32, "Inputs ~ N(0, 1.5^2), data seed %d; weights: torch.manual_seed(%d) "
                "then default init." % (dseed, TOPOLOGIES[topo][0]))
        h.size("samples", samples)
        h.size("in_features", nin)
        h.size("out_features", y32.shape[1])
        emit_model_params(h, m32)
        h.f32("input", x, ["samples", "in_features"])
        h.f32("output_f32", y32, ["samples", "out_features"])
        h.f64("output_f64", y64, ["samples", "out_features"])
        h.end()

    # Activation grid ------------------------------------------------------
    pts = act_grid_points()
    h.begin("act_grid", comment="""
Elementwise activations on a grid: [-6,6] step 3/16 (includes 0 and +-3),
plus +-2^-24, +-2^-100, +-10, +-20, +-30; every x is exactly representable in
float32 (x_f32 == x_f64).  deriv = df/dx from torch autograd, so at kinks it
follows torch's convention (ReLU'(0)=0, LeakyReLU'(0)=slope,
Hardsigmoid'(+-3)=0).  One nested namespace per activation with
value_f32/deriv_f32 (torch float32) and value_f64/deriv_f64 (torch float64).
""")
    h.size("grid_points", len(pts))
    h.f32("x_f32", pts, ["grid_points"])
    h.f64("x_f64", pts, ["grid_points"])
    for name, topo_name, ctor in GRID_ACTS:
        res = {}
        for dt, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
            x = torch.tensor(pts, dtype=dt, requires_grad=True)
            y = ctor()(x)
            (g,) = torch.autograd.grad(y.sum(), x)
            res[tag] = (y.detach(), g)
        h.lines.append("namespace %s {" % name)
        h.string("activation", topo_name)
        h.f32("value_f32", res["f32"][0], ["grid_points"])
        h.f32("deriv_f32", res["f32"][1], ["grid_points"])
        h.f64("value_f64", res["f64"][0], ["grid_points"])
        h.f64("deriv_f64", res["f64"][1], ["grid_points"])
        h.lines.append("}  // namespace %s" % name)
    h.end()

    # Softmax vectors ------------------------------------------------------
    for n, dseed in ((1, 201), (5, 202), (16, 203), (17, 204), (33, 205)):
        g = gen(dseed)
        rows = [normal(g, n, std=1.5), normal(g, n, std=30.0), torch.full((n,), 2.5)]
        x = torch.stack(rows).float()
        u = normal(g, 3, n)
        res = {}
        for dt, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
            xx = x.to(dt).requires_grad_(True)
            p = torch.softmax(xx, dim=-1)
            (jvp,) = torch.autograd.grad((p * u.to(dt)).sum(), xx)
            res[tag] = (p.detach(), jvp)
        h.begin("softmax_vec_%d" % n, comment="""
Softmax over the last dim of each row.  Rows: N(0,1.5^2), N(0,30^2) (large
logits, needs max-subtraction), constant 2.5.  jvp = J u where J = d softmax /
dx (symmetric, so also the VJP: p * (u - sum(p*u))), via torch autograd.
""")
        h.string("topology", "Softmax")
        h.size("rows", 3)
        h.size("length", n)
        h.f32("x", x, ["rows", "length"])
        h.f32("upstream", u, ["rows", "length"])
        h.f32("value_f32", res["f32"][0], ["rows", "length"])
        h.f32("jvp_f32", res["f32"][1], ["rows", "length"])
        h.f64("value_f64", res["f64"][0], ["rows", "length"])
        h.f64("jvp_f64", res["f64"][1], ["rows", "length"])
        h.end()
    return h.write()


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------
LOSSES = {
    "mse": ("MSELoss(reduction=mean)", lambda: nn.MSELoss()),
    "bce_logits": ("BCEWithLogitsLoss(reduction=mean)", lambda: nn.BCEWithLogitsLoss()),
    "ce_index": ("CrossEntropyLoss(reduction=mean) class-index targets", lambda: nn.CrossEntropyLoss()),
    "ce_prob": ("CrossEntropyLoss(reduction=mean) probability targets", lambda: nn.CrossEntropyLoss()),
    "huber_1": ("HuberLoss(delta=1.0, reduction=mean)", lambda: nn.HuberLoss(delta=1.0)),
    "huber_0_5": ("HuberLoss(delta=0.5, reduction=mean)", lambda: nn.HuberLoss(delta=0.5)),
    "softmax_nll": ("NLLLoss(reduction=mean) of log(p); p = the model's final Softmax output",
                    lambda: (lambda p, t: nn.NLLLoss()(torch.log(p), t))),
}


def make_targets(kind, g, out32, samples, nout, delta=None):
    """Returns (target tensor float32 or long, is_index)."""
    if kind == "mse":
        return normal(g, samples, nout, std=2.0), False
    if kind == "bce_logits":
        t = (torch.rand(samples, nout, generator=g) < 0.5).float()
        soft = uniform(g, 0.0, 1.0, samples, nout)
        # every other element a soft label in [0,1]
        mask = (torch.arange(samples * nout).reshape(samples, nout) % 2 == 1)
        return torch.where(mask, soft, t).float(), False
    if kind in ("ce_index", "softmax_nll"):
        return torch.randint(0, nout, (samples,), generator=g), True
    if kind == "ce_prob":
        return torch.softmax(normal(g, samples, nout, std=1.5), dim=-1).float(), False
    if kind.startswith("huber"):
        # residuals spread over both branches, kept away from |r| == delta
        while True:
            r = uniform(g, -4.0 * delta, 4.0 * delta, samples, nout)
            t = (out32.detach() - r).float()
            rr = (out32.detach().double() - t.double()).abs()
            if ((rr - delta).abs() > 0.05 * delta).all() and (rr < delta).any() and (rr > delta).any():
                return t, False
    raise ValueError(kind)


def loss_and_grads(model, x, target, loss_fn):
    model.zero_grad()
    xx = x.clone().requires_grad_(True)
    out = model(xx)
    loss = loss_fn(out, target)
    loss.backward()
    return out.detach(), float(loss.item()), flat_grads(model), xx.grad.detach()


def emit_grad_case(h, case, model, samples, loss_kind, dseed, comment=""):
    m32, m64 = model_pair(model)
    nin = in_features(m32)
    g = gen(dseed)
    x = normal(g, samples, nin, std=1.5)
    with torch.no_grad():
        out_probe = m32(x)
    nout = out_probe.shape[1]
    delta = {"huber_1": 1.0, "huber_0_5": 0.5}.get(loss_kind)
    target, is_index = make_targets(loss_kind, g, out_probe, samples, nout, delta)
    loss_name, lf = LOSSES[loss_kind]
    t64 = target if is_index else target.double()
    o32, l32, gp32, gi32 = loss_and_grads(m32, x, target, lf())
    o64, l64, gp64, gi64 = loss_and_grads(m64, x.double(), t64, lf())
    h.begin(case, m32, ("%s\nInputs ~ N(0, 1.5^2), data seed %d." % (comment, dseed)).strip())
    h.string("loss_name", loss_name)
    h.size("samples", samples)
    h.size("in_features", nin)
    h.size("out_features", nout)
    emit_model_params(h, m32)
    h.f32("input", x, ["samples", "in_features"])
    if is_index:
        h.idx("target_class", target, ["samples"])
    else:
        h.f32("target", target, ["samples", "out_features"])
    h.f32("output_f32", o32, ["samples", "out_features"])
    h.f64("output_f64", o64, ["samples", "out_features"])
    h.real("loss_f32", l32, True)
    h.real("loss_f64", l64, False)
    h.f32("grad_params_f32", gp32, ["param_count"])
    h.f64("grad_params_f64", gp64, ["param_count"])
    h.f32("grad_input_f32", gi32, ["samples", "in_features"])
    h.f64("grad_input_f64", gi64, ["samples", "in_features"])
    h.end()


def gen_gradients():
    h = Header("gradients", """
Backward-pass references: loss value, dL/dparams (flat, same order as params)
and dL/dinput, for forward.hpp topologies (same weights: same init seeds) with
PyTorch's default 'mean' reductions.  _f32 = torch float32, _f64 = .double()
copy fed the same float32 values.
""")
    cases = [
        ("seed_mse_b4", "seed", 4, "mse", 300),
        ("seed_mse_b1", "seed", 1, "mse", 301),
        ("seed_huber_0_5_b4", "seed", 4, "huber_0_5", 302),
        ("act_a_bce_b4", "act_a", 4, "bce_logits", 303),
        ("act_b_softmax_nll_b4", "act_b", 4, "softmax_nll", 304),
        ("act_c_huber_1_b4", "act_c", 4, "huber_1", 305),
        ("act_d_ce_index_b4", "act_d", 4, "ce_index", 307),
        ("act_d_ce_prob_b1", "act_d", 1, "ce_prob", 308),
    ]
    for case, topo, samples, loss_kind, dseed in cases:
        emit_grad_case(h, case, make_topology(topo), samples, loss_kind, dseed)
    return h.write()


# --------------------------------------------------------------------------
# training.hpp / training_seed.hpp
# --------------------------------------------------------------------------
OPTIMIZERS = [
    # name, description, factory, clip
    ("sgd_momentum", "SGD(lr=0.05, momentum=0.9)",
     dict(kind="sgd", lr=0.05, momentum=0.9, nesterov=False, weight_decay=0.0), "norm"),
    ("sgd_nesterov_wd", "SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)",
     dict(kind="sgd", lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    ("sgd_plain", "SGD(lr=0.1)",
     dict(kind="sgd", lr=0.1, momentum=0.0, nesterov=False, weight_decay=0.0), "value"),
    ("adam", "Adam(lr=0.01)",
     dict(kind="adam", lr=0.01, weight_decay=0.0), "norm"),
    ("adam_wd", "Adam(lr=0.01, weight_decay=0.01)",
     dict(kind="adam", lr=0.01, weight_decay=0.01), None),
    ("adamw", "AdamW(lr=0.01, weight_decay=0.05, amsgrad=False)",
     dict(kind="adamw", lr=0.01, weight_decay=0.05), "norm"),
]
CLIP_DESC = {None: "none", "norm": "clip_grad_norm_(max_norm=1.0, norm_type=2)",
             "value": "clip_grad_value_(clip_value=0.5)"}
STEPS = 10


def make_optimizer(cfg, params):
    if cfg["kind"] == "sgd":
        return torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg["momentum"],
                               nesterov=cfg["nesterov"], weight_decay=cfg["weight_decay"])
    if cfg["kind"] == "adam":
        return torch.optim.Adam(params, lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    if cfg["kind"] == "adamw":
        return torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=cfg["weight_decay"],
                                 amsgrad=False)
    raise ValueError(cfg)


def train(model, x, target, loss_fn, cfg, clip):
    opt = make_optimizer(cfg, model.parameters())
    losses, norms, traj = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        if clip == "norm":
            norms.append(float(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)))
        elif clip == "value":
            nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
        opt.step()
        losses.append(float(loss.item()))
        traj.append(flat_params(model))
    with torch.no_grad():
        final = float(loss_fn(model(x), target).item())
    return losses, norms, traj, final


TRAIN_TOPOLOGIES = {
    # name: (init seed, layers, loss kind, batch)
    "seed": (0, [L(10, 20), A(nn.ReLU), L(20, 1)], "mse", 4),
    "tiny_tanh": (10, [L(3, 4), A(nn.Tanh), L(4, 2)], "mse", 4),
    "tiny_ce": (11, [L(4, 4), A(nn.ReLU), L(4, 3)], "ce_index", 8),
}


def emit_training_case(h, case, topo, opt_name, dseed):
    init_seed, layers, loss_kind, samples = TRAIN_TOPOLOGIES[topo]
    desc, cfg, clip = next((d, c, cl) for n, d, c, cl in OPTIMIZERS if n == opt_name)
    model = build(init_seed, *layers)
    m32, m64 = model_pair(model)
    nin = in_features(m32)
    g = gen(dseed)
    x = normal(g, samples, nin, std=1.5)
    with torch.no_grad():
        nout = m32(x).shape[1]
    if loss_kind == "mse":
        target = normal(g, samples, nout, std=3.0)  # large targets: clipping engages
        t64, is_index = target.double(), False
    else:
        target = torch.randint(0, nout, (samples,), generator=g)
        t64, is_index = target, True
    loss_name, lf = LOSSES[loss_kind]
    p0 = flat_params(m32)
    r32 = train(m32, x, target, lf(), cfg, clip)
    r64 = train(m64, x.double(), t64, lf(), cfg, clip)
    h.begin(case, m32, "Inputs ~ N(0, 1.5^2), data seed %d." % dseed)
    h.string("loss_name", loss_name)
    h.string("optimizer", desc)
    h.string("clip", CLIP_DESC[clip])
    h.real("lr", cfg["lr"], False)
    h.real("weight_decay", cfg["weight_decay"], False)
    if cfg["kind"] == "sgd":
        h.real("momentum", cfg["momentum"], False)
        h.boolean("nesterov", cfg["nesterov"])
    else:
        h.real("beta1", 0.9, False)
        h.real("beta2", 0.999, False)
        h.real("eps", 1e-8, False)
    if clip == "norm":
        h.real("clip_max_norm", 1.0, False)
    elif clip == "value":
        h.real("clip_value", 0.5, False)
    h.size("samples", samples)
    h.size("in_features", nin)
    h.size("out_features", nout)
    h.size("steps", STEPS)
    h.size("param_count", len(p0))
    h.string("param_layout", param_layout(m32))
    h.f32("params", p0, ["param_count"])
    h.f32("input", x, ["samples", "in_features"])
    if is_index:
        h.idx("target_class", target, ["samples"])
    else:
        h.f32("target", target, ["samples", "out_features"])
    h.f32("loss_f32", r32[0], ["steps"])
    h.f64("loss_f64", r64[0], ["steps"])
    if clip == "norm":
        h.f32("grad_norm_f32", r32[1], ["steps"])
        h.f64("grad_norm_f64", r64[1], ["steps"])
    h.real("final_loss_f32", r32[3], True, "loss after the last step")
    h.real("final_loss_f64", r64[3], False)
    h.f32("params_after_f32", r32[2], ["steps", "param_count"])
    h.f64("params_after_f64", r64[2], ["steps", "param_count"])
    h.end()
    return r32


def gen_training():
    desc = """
10-step training trajectories.  Per step k (0-based): zero_grad; forward on
the fixed batch; loss_f*[k] = loss before the update; backward; optional
clipping (grad_norm_f*[k] = total norm returned by clip_grad_norm_, i.e.
BEFORE clipping); optimizer.step(); params_after_f*[k] = flat params after
the update.  final_loss = loss at params_after[steps-1].  _f64 runs the whole
trajectory on a .double() copy from the same float32 initial params.
"""
    sizes = []
    h = Header("training", desc)
    dseed = 400
    for topo in ("tiny_tanh", "tiny_ce"):
        for opt_name, *_ in OPTIMIZERS:
            r = emit_training_case(h, "%s_%s" % (topo, opt_name), topo, opt_name, dseed)
            if r[1]:
                print("  %s_%s grad norms: %s" % (topo, opt_name, " ".join("%.3g" % v for v in r[1])),
                      file=sys.stderr)
            dseed += 1
    sizes.append(h.write())
    h = Header("training_seed", desc + "\nSeed model Linear(10,20) ReLU Linear(20,1) "
               "(torch.manual_seed(0) init), kept in its own file for size.")
    for opt_name in ("sgd_momentum", "adam"):
        r = emit_training_case(h, "seed_%s" % opt_name, "seed", opt_name, 500)
        print("  seed_%s grad norms: %s" % (opt_name, " ".join("%.3g" % v for v in r[1])),
              file=sys.stderr)
    sizes.append(h.write())
    return sum(sizes)


# --------------------------------------------------------------------------
# batchnorm.hpp
# --------------------------------------------------------------------------
def bn_module(nf, seed):
    torch.manual_seed(seed)
    bn = nn.BatchNorm1d(nf, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)
    g = gen(seed + 1000)
    with torch.no_grad():
        bn.weight.copy_(uniform(g, 0.5, 1.5, nf))
        bn.bias.copy_(uniform(g, -0.5, 0.5, nf))
    return bn


def gen_batchnorm():
    h = Header("batchnorm", """
BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True,
track_running_stats=True).  Train mode normalises with the biased batch
variance; running_var is updated with the UNBIASED batch variance (n/(n-1)):
running = (1 - momentum) * running + momentum * batch_stat.
params = flat state_dict order weight, bias, running_mean, running_var
(num_batches_tracked is skipped in params and given separately).
""")
    for nf, samples, seed in ((3, 4, 600), (3, 8, 601), (17, 4, 602), (17, 8, 603)):
        bn = bn_module(nf, seed)
        b32, b64 = model_pair(bn)
        g = gen(seed + 2000)
        mu = uniform(g, -2.0, 2.0, nf)
        sd = uniform(g, 0.3, 3.0, nf)
        batches = torch.stack([(normal(g, samples, nf) * sd + mu).float() for _ in range(5)])
        grad_out = normal(g, samples, nf)
        eval_in = (normal(g, samples, nf) * sd + mu).float()
        h.begin("bn%d_b%d" % (nf, samples), b32, comment="""
input = batches[0].  output/grad_* : one train-mode forward on batches[0] from
the initial params, backward with upstream grad_output.  running_*_after1:
state after that forward; running_*_after5: after train-mode forwards on
batches[0..4] in order.  eval_output: eval mode (running stats after 5) on
eval_input.
""")
        h.size("samples", samples)
        h.size("num_features", nf)
        h.real("eps", 1e-5, False)
        h.real("momentum", 0.1, False)
        emit_model_params(h, b32)
        h.f32("weight", b32.weight, ["num_features"])
        h.f32("bias", b32.bias, ["num_features"])
        h.f32("input", batches[0], ["samples", "num_features"])
        h.f32("grad_output", grad_out, ["samples", "num_features"])
        h.size("num_batches", 5)
        h.f32("batches", batches, ["num_batches", "samples", "num_features"])
        h.f32("eval_input", eval_in, ["samples", "num_features"])
        res = {}
        for m, dt, tag in ((b32, torch.float32, "f32"), (b64, torch.float64, "f64")):
            m.train()
            x = batches[0].to(dt).requires_grad_(True)
            y = m(x)
            y.backward(grad_out.to(dt))
            r = dict(output=y.detach(), grad_input=x.grad, grad_weight=m.weight.grad.clone(),
                     grad_bias=m.bias.grad.clone(), rm1=m.running_mean.clone(),
                     rv1=m.running_var.clone(), nbt1=int(m.num_batches_tracked))
            with torch.no_grad():
                for k in range(1, 5):
                    m(batches[k].to(dt))
                r.update(rm5=m.running_mean.clone(), rv5=m.running_var.clone(),
                         nbt5=int(m.num_batches_tracked))
                m.eval()
                r["eval"] = m(eval_in.to(dt))
            res[tag] = r
        assert res["f32"]["nbt1"] == 1 and res["f32"]["nbt5"] == 5
        h.size("num_batches_tracked_after1", 1)
        h.size("num_batches_tracked_after5", 5)
        for tag, fn in (("f32", h.f32), ("f64", h.f64)):
            r = res[tag]
            fn("output_" + tag, r["output"], ["samples", "num_features"])
            fn("grad_input_" + tag, r["grad_input"], ["samples", "num_features"])
            fn("grad_weight_" + tag, r["grad_weight"], ["num_features"])
            fn("grad_bias_" + tag, r["grad_bias"], ["num_features"])
            fn("running_mean_after1_" + tag, r["rm1"], ["num_features"])
            fn("running_var_after1_" + tag, r["rv1"], ["num_features"])
            fn("running_mean_after5_" + tag, r["rm5"], ["num_features"])
            fn("running_var_after5_" + tag, r["rv5"], ["num_features"])
            fn("eval_output_" + tag, r["eval"], ["samples", "num_features"])
        h.end()

    # (b) in a network --------------------------------------------------------
    for samples, dseed in ((8, 610), (4, 611)):
        torch.manual_seed(20)
        model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.Sigmoid(), nn.Linear(16, 1))
        g0 = gen(1020)
        with torch.no_grad():
            model[1].weight.copy_(uniform(g0, 0.5, 1.5, 16))
            model[1].bias.copy_(uniform(g0, -0.5, 0.5, 16))
        m32, m64 = model_pair(model)
        initial_params = flat_params(m32)  # before the train-mode forward moves the running stats
        g = gen(dseed)
        x = normal(g, samples, 8, std=1.5)
        target = normal(g, samples, 1)
        lf = nn.MSELoss()
        res = {}
        for m, dt, tag in ((m32, torch.float32, "f32"), (m64, torch.float64, "f64")):
            m.train()
            t = target.to(dt)
            o, l, gp, gi = loss_and_grads(m, x.to(dt), t, lf)
            m.eval()
            with torch.no_grad():
                ev = m(x.to(dt))
            res[tag] = (o, l, gp, gi, m[1].running_mean.clone(), m[1].running_var.clone(), ev)
        h.begin("net_b%d" % samples, m32, comment="""
Train mode forward + MSELoss backward from the initial params.  grad_params has
the params layout; the running_mean/running_var slots (buffers, not trained)
hold 0.  running_*_after: BatchNorm buffers after that single train-mode
forward (num_batches_tracked = 1).  eval_output: eval mode on the same input
afterwards.  Inputs ~ N(0, 1.5^2), data seed %d.
""" % dseed)
        h.string("loss_name", LOSSES["mse"][0])
        h.size("samples", samples)
        h.size("in_features", 8)
        h.size("out_features", 1)
        h.size("num_features", 16)
        h.size("bn_param_offset", 8 * 16 + 16, "offset of 1.weight in params")
        h.size("num_batches_tracked_after", 1)
        emit_model_params(h, m32, initial_params)
        h.f32("input", x, ["samples", "in_features"])
        h.f32("target", target, ["samples", "out_features"])
        for tag, fn in (("f32", h.f32), ("f64", h.f64)):
            o, l, gp, gi, rm, rv, ev = res[tag]
            fn("output_" + tag, o, ["samples", "out_features"])
            h.real("loss_" + tag, l, tag == "f32")
            fn("grad_params_" + tag, gp, ["param_count"])
            fn("grad_input_" + tag, gi, ["samples", "in_features"])
            fn("running_mean_after_" + tag, rm, ["num_features"])
            fn("running_var_after_" + tag, rv, ["num_features"])
            fn("eval_output_" + tag, ev, ["samples", "out_features"])
        h.end()
    return h.write()


# --------------------------------------------------------------------------
# residual.hpp
# --------------------------------------------------------------------------
def gen_residual():
    h = Header("residual", """
Residual blocks.  Residual[f]: y = x + f(x).  ResidualProj[f]: y = P x + f(x),
P = Linear(in, out, bias=False).  params = flat state_dict order: for
ResidualProj, f's parameters first, then proj.weight [out][in].
Loss: MSELoss (mean over all elements).
""")
    torch.manual_seed(30)
    res_tanh = nn.Sequential(nn.Linear(8, 16),
                             Residual(nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 16)),
                             nn.ReLU(), nn.Linear(16, 1))
    torch.manual_seed(31)
    res_proj = nn.Sequential(ResidualProj(8, 12, nn.Linear(8, 12), nn.ReLU()))
    emit_grad_case(h, "res_tanh_b4", res_tanh, 4, "mse", 700)
    emit_grad_case(h, "res_tanh_b1", copy.deepcopy(res_tanh), 1, "mse", 701)
    emit_grad_case(h, "res_proj_b4", res_proj, 4, "mse", 702)
    return h.write()


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    total += gen_forward()
    total += gen_gradients()
    total += gen_training()
    total += gen_batchnorm()
    total += gen_residual()
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
