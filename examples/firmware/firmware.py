#!/usr/bin/env python3
"""Build, run and measure the ctnet firmware example (standard library only).

    firmware.py build  --build-dir DIR [--model NAME.hpp ...] [--generator Ninja]
    firmware.py run    --manifest DIR/NAME_firmware.json
    firmware.py compare --manifest DIR/NAME_firmware.json [--host HOST_EXE] [--tolerance 1e-5]
    firmware.py footprint --manifest DIR/NAME_firmware.json [--run] [--check] [--markdown]

build      configures examples/firmware with the arm-none-eabi toolchain file and builds it.
run        runs NAME_report.elf under qemu-system-arm -M mps2-an386 and prints what it prints.
compare    runs the firmware under QEMU (and its host twin, given --host), and checks that the
           firmware, the host and PyTorch (the outputs in NAME_reference.hpp) agree on every output
           within the tolerance (relative to max(1, |PyTorch|)), and that the stack the forward pass
           used under QEMU is within ctnet's compile-time bound.
footprint  the sizes of NAME_inference.elf (.text, .rodata, .data, .bss, the model object), the
           forward pass's stack from GCC's call graph (-fcallgraph-info=su), measured under QEMU
           (--run), and ctnet::forward_stack_bound; --check enforces the firmware goals.
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_LIMIT = 8 * 1024  # the goal for the seed model's inference-only firmware
QEMU_TIMEOUT = 120     # seconds; a firmware that faults exits at once, one that hangs is killed


class Failure(Exception):
    pass


def tool(manifest, name):
    """An arm-none-eabi binutils program next to the size tool the build found."""
    size = manifest["size"]
    return os.path.join(os.path.dirname(size), os.path.basename(size).replace("size", name))


def load_manifest(path):
    with open(path) as f:
        return json.load(f)


# ---- build ---------------------------------------------------------------------------------------
def build(args):
    source = HERE
    command = [args.cmake, "-S", source, "-B", args.build_dir,
               "--toolchain", os.path.join(source, "cmake", "arm-none-eabi.cmake")]
    if args.generator:
        command += ["-G", args.generator]
    if args.model:
        command.append("-DCTNET_FIRMWARE_MODELS=" + ";".join(os.path.abspath(m) for m in args.model))
    for step in (command, [args.cmake, "--build", args.build_dir] + (["-j", str(args.jobs)] if args.jobs else [])):
        print("firmware.py: " + " ".join(step), flush=True)
        if subprocess.call(step) != 0:
            raise Failure("command failed: " + " ".join(step))
    for model in args.model or [os.path.join(HERE, "model", "seed_model.hpp")]:
        name = os.path.splitext(os.path.basename(model))[0]
        print("firmware.py: manifest " + os.path.join(args.build_dir, name + "_firmware.json"))


# ---- run -----------------------------------------------------------------------------------------
def run_qemu(manifest, elf=None):
    command = [manifest["qemu"], "-M", "mps2-an386", "-cpu", "cortex-m4", "-semihosting", "-nographic",
               "-monitor", "none", "-serial", "none", "-kernel", elf or manifest["report_elf"]]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=QEMU_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure("QEMU did not finish within %d s: %s" % (QEMU_TIMEOUT, " ".join(command))) from None
    # QEMU 7.2 writes the semihosting console to stderr (others may use stdout): read both; the
    # report's lines are recognised by their form.
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise Failure("the firmware failed under QEMU (exit status %d):\n%s" % (result.returncode, output))
    return output


def run(args):
    manifest = load_manifest(args.manifest)
    sys.stdout.write(run_qemu(manifest))


# ---- compare -------------------------------------------------------------------------------------
def parse_report(text, who):
    """{tag: {(sample, index): value}}, and the 'stack N bound B' line if any."""
    values, stack = {}, None
    if "ctnet-firmware: end" not in text:
        raise Failure("%s did not finish its report:\n%s" % (who, text))
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[0] in ("y", "torch", "torch_f64"):
            values.setdefault(fields[0], {})[(int(fields[1]), int(fields[2]))] = float.fromhex(fields[3].rstrip("f"))
        elif len(fields) == 4 and fields[0] == "stack" and fields[2] == "bound":
            stack = (int(fields[1]), int(fields[3]))
    return values, stack


def reference_outputs(model_header):
    """PyTorch's outputs from NAME_reference.hpp (beside NAME.hpp): {(sample, index): value}."""
    path = os.path.splitext(model_header)[0] + "_reference.hpp"
    with open(path) as f:
        text = f.read()
    m = re.search(r"output_torch\[(\d+)\]\[(\d+)\] = \{(.*?)\n\};", text, re.S)
    if not m:
        raise Failure("%s has no output_torch table" % path)
    samples, outputs = int(m.group(1)), int(m.group(2))
    values = [float.fromhex(v.rstrip("f")) for v in re.findall(r"-?0x[0-9a-f.]+p[-+]\d+f?", m.group(3))]
    if len(values) != samples * outputs:
        raise Failure("%s: output_torch holds %d values, not %d" % (path, len(values), samples * outputs))
    return {(i // outputs, i % outputs): v for i, v in enumerate(values)}


def compare(args):
    manifest = load_manifest(args.manifest)
    firmware_text = run_qemu(manifest)
    firmware, stack = parse_report(firmware_text, "the firmware")
    if args.print_output:
        sys.stdout.write(firmware_text)
    fw, torch = firmware.get("y", {}), reference_outputs(manifest["model_header"])
    checks_on = [("firmware", fw)]
    host_values = {}
    if args.host:
        host = subprocess.run([args.host], capture_output=True, text=True, timeout=QEMU_TIMEOUT)
        if host.returncode != 0:
            raise Failure("the host twin %s failed (%d):\n%s%s" % (args.host, host.returncode, host.stdout, host.stderr))
        host_values, _ = parse_report(host.stdout, "the host twin")
        if host_values.get("torch") != torch:
            raise Failure("the host twin's PyTorch values differ from %s's reference header" % manifest["name"])
        checks_on.append(("host", host_values.get("y", {})))
    for who, values in checks_on:
        if set(values) != set(torch):
            raise Failure("the %s printed %d values, PyTorch's reference has %d" % (who, len(values), len(torch)))
    tolerance = args.tolerance

    def worst(a, b):
        return max((abs(a[k] - b[k]) / max(1.0, abs(torch[k])), k) for k in torch)

    checks = [("firmware - PyTorch", worst(fw, torch))]
    if args.host:
        ho = host_values["y"]
        checks += [("host - PyTorch", worst(ho, torch)), ("firmware - host", worst(fw, ho))]
    samples = 1 + max(k[0] for k in torch)
    outputs = 1 + max(k[1] for k in torch)
    print("firmware.py: %s: %d samples x %d outputs, tolerance %g x max(1, |PyTorch|)"
          % (manifest["name"], samples, outputs, tolerance))
    failed = []
    for what, (error, key) in checks:
        print("  max |%-18s| = %.3g  (sample %d, output %d)" % (what, error, key[0], key[1]))
        if not error <= tolerance:
            failed.append(what)
    if args.host:
        identical = sum(1 for k in torch if fw[k] == host_values["y"][k])
        print("  firmware and host bit-identical on %d of %d values (GCC contracts a*b+c into one fused"
              " multiply-add on the Cortex-M4, not on x86-64 without -mfma)" % (identical, len(torch)))
    if "torch_f64" in host_values:
        f64 = host_values["torch_f64"]
        print("  (max |firmware - PyTorch float64| = %.3g)" % max(abs(fw[k] - f64[k]) for k in torch))
    if stack is None:
        raise Failure("the firmware printed no 'stack' line")
    used, bound = stack
    print("  forward-pass stack: %d bytes used under QEMU, ctnet::forward_stack_bound %d" % (used, bound))
    if used > bound:
        failed.append("stack bound")
    if failed:
        raise Failure("outside the tolerance: " + ", ".join(failed))
    print("firmware.py: OK")


# ---- footprint -----------------------------------------------------------------------------------
def section_sizes(manifest, elf):
    out = subprocess.run([manifest["size"], "-A", elf], capture_output=True, text=True, check=True).stdout
    sizes = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0].startswith(".") and fields[1].isdigit():
            sizes[fields[0]] = int(fields[1])
    return sizes


def facts(manifest, elf):
    """The .ctnet_facts words of inference.cpp: stack bound, parameter bytes, parameter count, in, out."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "facts.bin")
        subprocess.run([tool(manifest, "objcopy"), "--dump-section", ".ctnet_facts=" + path, elf],
                       check=True, capture_output=True)
        with open(path, "rb") as f:
            data = f.read()
    words = struct.unpack("<%dI" % (len(data) // 4), data)
    if not words or words[0] != 0x74636E74:
        raise Failure("%s has no ctnet facts section" % elf)
    return dict(zip(("stack_bound", "parameter_bytes", "parameter_count", "in_size", "out_size"), words[1:]))


def symbols(manifest, elf):
    """[(section, size, demangled name)] of the ELF's objects."""
    out = subprocess.run([tool(manifest, "objdump"), "-t", "-C", elf], capture_output=True, text=True,
                         check=True).stdout
    result = []
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ .{7} (\S+)\s+([0-9a-f]+) (.*)$", line)
        if m:
            result.append((m.group(1), int(m.group(2), 16), m.group(3).strip()))
    return result


def call_graph_stack(ci_path, root_pattern):
    """The deepest stack of the root function through GCC's -fcallgraph-info=su graph:
    (bytes, [external callees, whose frames are not included], all frames static?)."""
    with open(ci_path) as f:
        text = f.read()
    nodes, edges = {}, {}
    for m in re.finditer(r'node: \{ title: "([^"]*)" label: "((?:[^"\\]|\\.)*)"', text):
        title, label = m.group(1), m.group(2)
        frame = re.search(r"\\n(\d+) bytes \(([^)]*)\)", label)
        nodes[title] = (label.split("\\n")[0], int(frame.group(1)) if frame else None,
                        frame.group(2) if frame else None)
    for m in re.finditer(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"', text):
        edges.setdefault(m.group(1), []).append(m.group(2))
    roots = [t for t, (label, _, _) in nodes.items() if re.search(root_pattern, label)]
    if len(roots) != 1:
        raise Failure("%s: expected one function matching %r, found %d" % (ci_path, root_pattern, len(roots)))
    externals, all_static = set(), True

    def depth(title, path):
        nonlocal all_static
        if title in path:
            raise Failure("recursion through %s" % nodes[title][0])
        label, frame, kind = nodes.get(title, (title, None, None))
        if frame is None:  # defined elsewhere (libgcc, newlib): "float __builtin_expf(float)" -> expf
            externals.add(label.split("(")[0].split()[-1].replace("__builtin_", ""))
            frame = 0
        elif kind != "static":
            all_static = False
        return frame + max((depth(t, path + (title,)) for t in edges.get(title, [])), default=0)

    return depth(roots[0], ()), sorted(externals), all_static


def footprint(args):
    manifest = load_manifest(args.manifest)
    elf = manifest["inference_elf"]
    sizes = section_sizes(manifest, elf)
    fact = facts(manifest, elf)
    name = manifest["name"]
    model_symbols = [(sec, size, sym) for sec, size, sym in symbols(manifest, elf) if sym.startswith(name + "::")]
    model = [(sec, size) for sec, size, sym in model_symbols if sym == name + "::model"]
    ci = [os.path.splitext(o)[0] + ".ci" for o in manifest["inference_objects"].split(";")]
    static_stack, externals, all_static = call_graph_stack(ci[0], r"\bfirmware::run_model\(")
    measured = None
    if args.run:
        _, stack = parse_report(run_qemu(manifest), "the firmware")
        measured = stack[0] if stack else None

    text = sizes.get(".isr_vector", 0) + sizes.get(".text", 0) + sizes.get(".ARM.exidx", 0) + \
        sizes.get(".init_array", 0)
    row = {
        "name": name, "text": text, "rodata": sizes.get(".rodata", 0), "data": sizes.get(".data", 0),
        "bss": sizes.get(".bss", 0), "model_bytes": model[0][1] if model else None,
        "model_section": model[0][0] if model else None, "static_stack": static_stack,
        "externals": externals, "measured_stack": measured, "bound": fact["stack_bound"],
        "parameter_bytes": fact["parameter_bytes"], "parameter_count": fact["parameter_count"],
    }
    if args.markdown:
        measured_text = "%d" % measured if measured is not None else "(run with --run)"
        print("| `%s` | %d | %d | %d | %d | %s in `%s` (%d parameters) | %d%s | %s | %d |" % (
            name, row["text"], row["rodata"], row["data"], row["bss"], row["model_bytes"], row["model_section"],
            row["parameter_count"], static_stack, " + library calls" if externals else "",
            measured_text, row["bound"]))
    else:
        print("firmware.py: %s (%s)" % (elf, manifest["compiler"]))
        print("  .text %d (vector table and code), .rodata %d, .data %d, .bss %d bytes"
              % (row["text"], row["rodata"], row["data"], row["bss"]))
        print("  the model object: %s bytes in %s (%d parameters, ctnet parameter_bytes %d)"
              % (row["model_bytes"], row["model_section"], row["parameter_count"], row["parameter_bytes"]))
        print("  forward-pass stack: %d bytes by the call graph%s%s, bound %d"
              % (static_stack, " (+ " + ", ".join(externals) + ")" if externals else "",
                 ", %d measured under QEMU" % measured if measured is not None else "", row["bound"]))

    if args.check:
        problems = []
        if not model or model[0][0] != ".rodata":
            problems.append("the model object %s::model is not in .rodata (%s)" % (name, model))
        if model and model[0][1] != fact["parameter_bytes"]:
            problems.append("the model object has %d bytes, parameter_bytes is %d" % (model[0][1], fact["parameter_bytes"]))
        in_data = [(sec, size, sym) for sec, size, sym in model_symbols if sec in (".data", ".bss") and size]
        if in_data:
            problems.append("model symbols in RAM: %s" % in_data)
        if not all_static:
            problems.append("a frame of the forward pass has a dynamic size")
        if static_stack > fact["stack_bound"]:
            problems.append("call-graph stack %d > bound %d" % (static_stack, fact["stack_bound"]))
        if measured is not None and measured > fact["stack_bound"]:
            problems.append("measured stack %d > bound %d" % (measured, fact["stack_bound"]))
        if args.no_soft_double:
            # libgcc's software double-precision routines (__aeabi_dadd, __aeabi_ddiv, __muldf3...):
            # a float model on a single-precision FPU must not need them.
            soft_double = sorted({sym.split()[-1] for _, _, sym in symbols(manifest, elf)  # ".hidden __aeabi_ddiv"
                                  if re.search(r"(^|\s)(__aeabi_(d\w+|\w+2d)|__\w*(df[23]|dfsi|dfdi|sidf|didf))$", sym)})
            if soft_double:
                problems.append("software double arithmetic linked: %s" % ", ".join(soft_double))
        if args.text_limit and row["text"] > args.text_limit:
            problems.append(".text %d > %d bytes" % (row["text"], args.text_limit))
        if problems:
            raise Failure("; ".join(problems))
        print("firmware.py: footprint OK (model in .rodata, no model data in RAM, stack within bound%s%s)"
              % (", .text <= %d" % args.text_limit if args.text_limit else "",
                 ", no software double arithmetic" if args.no_soft_double else ""))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--build-dir", required=True)
    p.add_argument("--model", action="append", help="exported header NAME.hpp (repeatable; default the seed model)")
    p.add_argument("--generator", default="Ninja" if shutil.which("ninja") else None)
    p.add_argument("--cmake", default="cmake")
    p.add_argument("--jobs", type=int)
    p.set_defaults(func=build)
    p = sub.add_parser("run")
    p.add_argument("--manifest", required=True)
    p.set_defaults(func=run)
    p = sub.add_parser("compare")
    p.add_argument("--manifest", required=True)
    p.add_argument("--host", help="the host twin executable (else: firmware against PyTorch only)")
    p.add_argument("--tolerance", type=float, default=1e-5)
    p.add_argument("--print-output", action="store_true", help="also print what the firmware printed")
    p.set_defaults(func=compare)
    p = sub.add_parser("footprint")
    p.add_argument("--manifest", required=True)
    p.add_argument("--run", action="store_true", help="also measure the stack under QEMU")
    p.add_argument("--check", action="store_true", help="fail unless the footprint goals hold")
    p.add_argument("--text-limit", type=int, default=0, help="with --check: the largest .text allowed")
    p.add_argument("--no-soft-double", action="store_true",
                   help="with --check: fail if libgcc's software double arithmetic is linked (float models)")
    p.add_argument("--markdown", action="store_true", help="print one row of the footprint table")
    p.set_defaults(func=footprint)
    args = parser.parse_args()
    try:
        args.func(args)
    except (Failure, subprocess.CalledProcessError, OSError) as e:
        print("firmware.py: FAILED: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
