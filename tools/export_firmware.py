#!/usr/bin/python3
"""From a PyTorch model file to a running Cortex-M4 firmware under QEMU, in one command.

    /usr/bin/python3 tools/export_firmware.py MODEL [--arch TOPOLOGY] [--name NAME] [--build-dir DIR]

1. exports MODEL (TorchScript, pickled nn.Module, or state_dict with --arch) with
   tools/export_torch.py to DIR/model/NAME.hpp and NAME_reference.hpp;
2. cross-builds examples/firmware for it (arm-none-eabi-g++, -Os, Cortex-M4 hard float);
3. runs NAME_report.elf under qemu-system-arm -M mps2-an386, prints what it prints, and checks
   every output against PyTorch's within 1e-5 and the stack it used against ctnet's bound;
4. prints the footprint of the inference-only firmware NAME_inference.elf.

NAME defaults to the model file's stem plus "_model" (seed.pt -> seed_model), DIR to
build/firmware-NAME. Needs torch (Debian's /usr/bin/python3), gcc-arm-none-eabi,
libstdc++-arm-none-eabi-newlib, qemu-system-arm, cmake and Boost >= 1.81 (tools/install_deps.sh).
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRMWARE = os.path.join(ROOT, "examples", "firmware", "firmware.py")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="TorchScript file, torch.save'd module, or state_dict (with --arch)")
    parser.add_argument("--arch", help="the topology of a state_dict, e.g. 'Linear(10,20) ReLU Linear(20,1)'")
    parser.add_argument("--name", help="C++ namespace and file stem (default: <model stem>_model)")
    parser.add_argument("--build-dir", help="default: build/firmware-<name> in the repository")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()

    name = args.name or re.sub(r"\W", "_", os.path.splitext(os.path.basename(args.model))[0]) + "_model"
    if not name.isidentifier():
        name = "m_" + name
    build_dir = os.path.abspath(args.build_dir or os.path.join(ROOT, "build", "firmware-" + name))
    header = os.path.join(build_dir, "model", name + ".hpp")

    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import export_torch  # needs torch: imported here so that --help works without it

    export_args = [args.model, "-o", header]
    if args.arch:
        export_args += ["--arch", args.arch]
    print("==== 1/4 export %s -> %s" % (args.model, header), flush=True)
    if export_torch.main(export_args) != 0:
        return 2

    manifest = os.path.join(build_dir, name + "_firmware.json")
    steps = [
        ("2/4 cross-build examples/firmware", ["build", "--build-dir", build_dir, "--model", header]),
        ("3/4 run under QEMU, compare with PyTorch",
         ["compare", "--manifest", manifest, "--print-output", "--tolerance", str(args.tolerance)]),
        ("4/4 footprint of the inference-only firmware", ["footprint", "--manifest", manifest, "--check"]),
    ]
    for title, command in steps:
        print("==== " + title, flush=True)
        if subprocess.call([sys.executable, FIRMWARE] + command) != 0:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
