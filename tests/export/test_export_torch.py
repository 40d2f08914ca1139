#!/usr/bin/python3
"""tools/export_torch.py with torch: it regenerates the committed headers exactly, accepts every
form of model it documents, and refuses what ctnet cannot express with a message naming the layer.

    /usr/bin/python3 tests/export/test_export_torch.py      (needs torch; ctest runs it if found)
"""

import io
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_torch  # noqa: E402


def body(text):
    """A header without its opening comment (which records paths and the command)."""
    return text[text.index("#pragma once"):]


def read(path):
    with open(path) as f:
        return f.read()


class Exporter(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def run_export(self, *args):
        """(exit status, stderr) of export_torch.main(args)."""
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            status = export_torch.main([str(a) for a in args])
        return status, err.getvalue()

    def save_script(self, model, name="m.pt"):
        path = os.path.join(self.dir, name)
        torch.jit.script(model).save(path)
        return path

    def assert_refused(self, model, *needles, script=True, extra=()):
        path = os.path.join(self.dir, "bad.pt")
        if script:
            torch.jit.script(model).save(path)
        else:
            torch.save(model, path)
        status, err = self.run_export(path, "-o", os.path.join(self.dir, "bad.hpp"), *extra)
        self.assertEqual(status, 2, err)
        for needle in needles:
            self.assertIn(needle, err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "bad.hpp")))

    # ---- the committed exports ------------------------------------------------------------
    def test_regenerates_the_committed_headers(self):
        cases = [
            ("examples/firmware/model/seed.pt", [], "examples/firmware/model", "seed_model"),
            ("tests/export/models/activations.pt", ["--arch", os.path.join(ROOT, "tests/export/models/activations.arch")],
             "tests/export/data", "activations_model"),
            ("tests/export/models/activations.pt",
             ["--arch", os.path.join(ROOT, "tests/export/models/activations.arch"), "--scalar", "double"],
             "tests/export/data", "activations_model_f64"),
        ]
        for model, extra, committed_dir, stem in cases:
            with self.subTest(stem=stem):
                out = os.path.join(self.dir, stem + ".hpp")
                status, err = self.run_export(os.path.join(ROOT, model), *extra, "-o", out)
                self.assertEqual(status, 0, err)
                for suffix in ("", "_reference"):
                    self.assertEqual(body(read(os.path.join(self.dir, stem + suffix + ".hpp"))),
                                     body(read(os.path.join(ROOT, committed_dir, stem + suffix + ".hpp"))))

    # ---- accepted forms -------------------------------------------------------------------
    def test_traced_pickled_and_nested_models(self):
        torch.manual_seed(3)
        model = nn.Sequential(nn.Linear(4, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 2, bias=False)), nn.Tanh())
        traced = os.path.join(self.dir, "traced.pt")
        torch.jit.trace(model, torch.zeros(1, 4)).save(traced)
        pickled = os.path.join(self.dir, "pickled.pt")
        torch.save(model, pickled)
        bodies = []
        for path in (traced, pickled, self.save_script(model)):
            out = os.path.join(self.dir, "nested.hpp")
            status, err = self.run_export(path, "-o", out, "--no-reference")
            self.assertEqual(status, 0, err)
            bodies.append(body(read(out)))
        self.assertEqual(bodies[0], bodies[1])
        self.assertEqual(bodies[0], bodies[2])
        self.assertIn("using Model = ctnet::Network<float, ctnet::Input<4>, ctnet::Dense<3>, ctnet::ReLU, "
                      "ctnet::Dense<2, ctnet::Bias::none>, ctnet::Tanh>;", bodies[0])

    # ---- refusals -------------------------------------------------------------------------
    def test_refuses_unsupported_layers_by_name(self):
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.Hardtanh()),
                            "layer 1 (1: Hardtanh) is not supported by ctnet", "supported layers: Linear, ReLU")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.Dropout()), "layer 1 (1: Dropout)")

    def test_refuses_batchnorm_and_residual_for_now(self):
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)),
                            "layer 1 (1: BatchNorm1d) cannot be exported yet")

        class Residual(nn.Module):
            def __init__(self):
                super().__init__()
                self.f = nn.Sequential(nn.Linear(4, 4))

            def forward(self, x):
                return x + self.f(x)
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), Residual()),
                            "layer 1 (1: Residual) cannot be exported yet")

    def test_refuses_hyper_parameters_ctnet_lacks(self):
        self.assert_refused(nn.Sequential(nn.Linear(2, 2), nn.Softplus(beta=2)),
                            "ctnet::Softplus is beta=1, threshold=20 only")
        self.assert_refused(nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=0)), "Softmax(dim=0)")
        self.assert_refused(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(1.5)), "slope in [0, 1)")
        # 0.1234567891 is 1/8.1 to float precision, but no ratio below 10^6 is it in double
        self.assert_refused(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(0.1234567891)), "std::ratio",
                            extra=("--scalar", "double"))
        self.assert_refused(nn.Sequential(nn.Linear(2, 2), nn.ELU(alpha=-1.0)), "alpha >= 0")

    def test_refuses_what_it_cannot_read(self):
        torch.manual_seed(0)
        traced = os.path.join(self.dir, "traced.pt")
        torch.jit.trace(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(0.2)), torch.zeros(1, 2)).save(traced)
        status, err = self.run_export(traced, "-o", os.path.join(self.dir, "t.hpp"))
        self.assertEqual(status, 2)
        self.assertIn("torch.jit.script", err)

        class Custom(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(2, 2)

            def forward(self, x):
                return self.a(x) * 2
        self.assert_refused(Custom(), "the model is a Custom; ctnet exports torch.nn.Sequential models")

        state = os.path.join(self.dir, "state.pt")
        torch.save(nn.Sequential(nn.Linear(2, 3), nn.ReLU()).state_dict(), state)
        status, err = self.run_export(state, "-o", os.path.join(self.dir, "s.hpp"))
        self.assertEqual(status, 2)
        self.assertIn("give the topology with --arch", err)
        status, err = self.run_export(state, "--arch", "Linear(2,4) ReLU", "-o", os.path.join(self.dir, "s.hpp"))
        self.assertEqual(status, 2)
        self.assertIn("does not match --arch", err)
        status, err = self.run_export(state, "--arch", "Linear(2,3) ReLU", "-o", os.path.join(self.dir, "s.hpp"))
        self.assertEqual(status, 0, err)

    def test_command_line(self):
        result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_torch.py"), "--help"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0)
        self.assertIn("--arch", result.stdout)


if __name__ == "__main__":
    unittest.main()
