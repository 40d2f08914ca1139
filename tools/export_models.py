#!/usr/bin/python3
"""Regenerate the exported ctnet headers of the committed PyTorch models (and, asked, the models).

    /usr/bin/python3 tools/export_models.py                 re-export the committed model files
    /usr/bin/python3 tools/export_models.py --new-models    also recreate the model files first

(from anywhere; needs torch). The files, all from fixed seeds:
  examples/firmware/model/seed.pt            TorchScript (torch.jit.script) of the seed model
                                             Linear(10,20) ReLU Linear(20,1), torch.manual_seed(0)
                                             (the same weights as tests/data's `seed` case)
  examples/firmware/model/seed_model.hpp     its export (+ seed_model_reference.hpp)
  tests/export/models/activations.pt         a state_dict using every layer the exporter maps,
                                             torch.manual_seed(7), see ACTIVATIONS_ARCH
  tests/export/models/activations.arch       and its topology (the --arch text)
  tests/export/data/activations_model.hpp    its export in float (+ _reference.hpp)
  tests/export/data/activations_model_f64.hpp  and in double (+ _reference.hpp)

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


def run_exporter(*args):
    status = export_torch.main(list(args))
    if status != 0:
        sys.exit(status)


def new_models():
    torch.manual_seed(0)  # tests/data/forward.hpp's `seed` case: same seed, same construction
    seed = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 1))
    os.makedirs("examples/firmware/model", exist_ok=True)
    torch.jit.script(seed).save("examples/firmware/model/seed.pt")

    torch.manual_seed(7)
    activations = export_torch.parse_arch(ACTIVATIONS_ARCH)
    for layer in activations:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=2.0 / layer.in_features ** 0.5)
            if layer.bias is not None:
                nn.init.normal_(layer.bias, std=0.5)
    os.makedirs("tests/export/models", exist_ok=True)
    torch.save(activations.state_dict(), "tests/export/models/activations.pt")
    with open("tests/export/models/activations.arch", "w", newline="\n") as f:
        f.write("# Topology of activations.pt (a state_dict) for tools/export_torch.py --arch.\n")
        f.write("\n".join(ACTIVATIONS_ARCH.split()) + "\n")


def main():
    os.chdir(ROOT)  # the exporter records the paths it was given: keep them relative to the repo
    torch.set_num_threads(1)
    if "--new-models" in sys.argv[1:]:
        new_models()
    run_exporter("examples/firmware/model/seed.pt", "-o", "examples/firmware/model/seed_model.hpp")
    arch = "tests/export/models/activations.arch"
    run_exporter("tests/export/models/activations.pt", "--arch", arch, "-o", "tests/export/data/activations_model.hpp")
    run_exporter("tests/export/models/activations.pt", "--arch", arch, "--scalar", "double",
                 "-o", "tests/export/data/activations_model_f64.hpp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
