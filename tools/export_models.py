#!/usr/bin/python3
"""Regenerate the exported ctnet headers of the committed PyTorch models (and, asked, the models).

    /usr/bin/python3 tools/export_models.py                 re-export the committed model files
    /usr/bin/python3 tools/export_models.py --new-models    also recreate the model files first
    /usr/bin/python3 tools/export_models.py --new-models batchnorm residual   only these

(from anywhere; needs torch). The files, all from fixed seeds:
  examples/firmware/model/seed.pt            TorchScript (torch.jit.script) of the seed model
                                             Linear(10,20) ReLU Linear(20,1), torch.manual_seed(0)
                                             (the same weights as tests/data's `seed` case)
  examples/firmware/model/seed_model.hpp     its export (+ seed_model_reference.hpp)
  tests/export/models/activations.pt         a state_dict using every activation the exporter maps,
                                             torch.manual_seed(7), see ACTIVATIONS_ARCH
  tests/export/models/activations.arch       and its topology (the --arch text)
  tests/export/data/activations_model.hpp    its export in float (+ _reference.hpp)
  tests/export/data/activations_model_f64.hpp  and in double (+ _reference.hpp)
  tests/export/models/batchnorm.pt           a state_dict with two BatchNorm1d (one with eps=1e-3,
                                             momentum=0.25), torch.manual_seed(11), random affine
                                             weights and running statistics from train-mode
                                             forwards, see BATCHNORM_ARCH (+ batchnorm.arch)
  tests/export/data/batchnorm_model.hpp      its export in float (+ _reference.hpp)
  tests/export/data/batchnorm_model_f64.hpp  and in double (+ _reference.hpp)
  tests/export/models/residual.pt            a state_dict with Residual and ResidualProj blocks (one
                                             nested, one holding a BatchNorm1d), torch.manual_seed(12),
                                             see RESIDUAL_ARCH (+ residual.arch)
  tests/export/data/residual_model.hpp       its export in float (+ _reference.hpp)

Every header is written by tools/export_torch.py, exactly as a user would run it, so CI (which
has no torch) compiles and runs the committed outputs of the real tool. The headers are
reproducible byte for byte; the .pt files are not (TorchScript and torch.save archives differ from
run to run), which is why they are only rewritten with --new-models.
"""

import os
import sys

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_torch  # noqa: E402

# Every layer the exporter maps, ordered (squashing activations first) and initialised (weights
# N(0, (2 / sqrt(fan_in))^2), biases N(0, 0.5^2)) so that the outputs still vary with the input.
ACTIVATIONS_ARCH = ("Linear(6,12) Sigmoid Linear(12,12) Hardsigmoid Linear(12,12) Tanh Linear(12,12) LeakyReLU(0.2) "
                    "Linear(12,12) ELU(1) Linear(12,12) GELU Linear(12,12) GELU(tanh) Linear(12,12) SiLU "
                    "Linear(12,12) Softplus(1,20) Linear(12,12,bias=false) Identity ReLU Linear(12,5) Softmax")

# BatchNorm1d for inference: default and explicit eps/momentum, between Linear layers.
BATCHNORM_ARCH = ("Linear(6,16) BatchNorm1d(16) ReLU Linear(16,8) BatchNorm1d(8,eps=0.001,momentum=0.25) Tanh "
                  "Linear(8,3)")
# Residual blocks as tests/data writes them: y = x + f(x), y = proj(x) + f(x), nested, with a BatchNorm1d.
RESIDUAL_ARCH = ("Linear(6,16) Residual[Linear(16,16) Tanh Linear(16,16)] ReLU "
                 "ResidualProj(16,8)[Linear(16,12) Residual[Linear(12,12) GELU] Linear(12,8) BatchNorm1d(8)] "
                 "Linear(8,3)")


def run_exporter(*args):
    status = export_torch.main(list(args))
    if status != 0:
        sys.exit(status)


MODELS = ("seed", "activations", "batchnorm", "residual")


def new_models(names):
    if "seed" in names:
        torch.manual_seed(0)  # tests/data/forward.hpp's `seed` case: same seed, same construction
        seed = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 1))
        os.makedirs("examples/firmware/model", exist_ok=True)
        torch.jit.script(seed).save("examples/firmware/model/seed.pt")

    if "activations" in names:
        torch.manual_seed(7)
        activations = export_torch.parse_arch(ACTIVATIONS_ARCH)
        for layer in activations:
            if isinstance(layer, nn.Linear):
                nn.init.normal_(layer.weight, std=2.0 / layer.in_features ** 0.5)
                if layer.bias is not None:
                    nn.init.normal_(layer.bias, std=0.5)
        save_state_dict(activations, "activations", ACTIVATIONS_ARCH)

    if "batchnorm" in names:
        torch.manual_seed(11)
        model = with_running_statistics(export_torch.parse_arch(BATCHNORM_ARCH))
        save_state_dict(model, "batchnorm", BATCHNORM_ARCH)
    if "residual" in names:
        torch.manual_seed(12)
        model = with_running_statistics(export_torch.parse_arch(RESIDUAL_ARCH))
        save_state_dict(model, "residual", RESIDUAL_ARCH)


def with_running_statistics(model):
    """Every BatchNorm1d given random weight and bias, and running statistics far from (0, 1)
    by 20 train-mode forward passes (no gradient step) on inputs N(1, 3^2); then eval mode."""
    for layer in model.modules():
        if isinstance(layer, nn.BatchNorm1d):
            nn.init.uniform_(layer.weight, 0.5, 1.5)
            nn.init.normal_(layer.bias, std=0.5)
    model.train()
    with torch.no_grad():
        for _ in range(20):
            model(torch.randn(16, model[0].in_features) * 3.0 + 1.0)
    return model.eval()


def save_state_dict(model, name, arch):
    os.makedirs("tests/export/models", exist_ok=True)
    torch.save(model.state_dict(), "tests/export/models/%s.pt" % name)
    with open("tests/export/models/%s.arch" % name, "w", newline="\n") as f:
        f.write("# Topology of %s.pt (a state_dict) for tools/export_torch.py --arch.\n" % name)
        f.write("\n".join(export_torch.split_arch(arch)) + "\n")


def main():
    os.chdir(ROOT)  # the exporter records the paths it was given: keep them relative to the repo
    torch.set_num_threads(1)
    args = sys.argv[1:]
    if args and args[0] == "--new-models":
        names = args[1:] or list(MODELS)
        unknown = [name for name in names if name not in MODELS]
        if unknown:
            sys.exit("export_models: unknown model %s; the models are %s" % (", ".join(unknown), ", ".join(MODELS)))
        new_models(names)
    elif args:
        sys.exit("usage: export_models.py [--new-models [%s ...]]" % " ".join(MODELS))
    run_exporter("examples/firmware/model/seed.pt", "-o", "examples/firmware/model/seed_model.hpp")
    arch = "tests/export/models/activations.arch"
    run_exporter("tests/export/models/activations.pt", "--arch", arch, "-o", "tests/export/data/activations_model.hpp")
    run_exporter("tests/export/models/activations.pt", "--arch", arch, "--scalar", "double",
                 "-o", "tests/export/data/activations_model_f64.hpp")
    arch = "tests/export/models/batchnorm.arch"
    run_exporter("tests/export/models/batchnorm.pt", "--arch", arch, "-o", "tests/export/data/batchnorm_model.hpp")
    run_exporter("tests/export/models/batchnorm.pt", "--arch", arch, "--scalar", "double",
                 "-o", "tests/export/data/batchnorm_model_f64.hpp")
    arch = "tests/export/models/residual.arch"
    run_exporter("tests/export/models/residual.pt", "--arch", arch, "-o", "tests/export/data/residual_model.hpp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
