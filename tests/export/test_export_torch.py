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
from export_format import write_values  # noqa: E402


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
            ("tests/export/models/batchnorm.pt", ["--arch", os.path.join(ROOT, "tests/export/models/batchnorm.arch")],
             "tests/export/data", "batchnorm_model"),
            ("tests/export/models/batchnorm.pt",
             ["--arch", os.path.join(ROOT, "tests/export/models/batchnorm.arch"), "--scalar", "double"],
             "tests/export/data", "batchnorm_model_f64"),
            ("tests/export/models/residual.pt", ["--arch", os.path.join(ROOT, "tests/export/models/residual.arch")],
             "tests/export/data", "residual_model"),
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

    def test_batchnorm_is_exported_for_inference(self):
        """A model saved in train mode is exported in eval mode: check_output uses the running
        statistics, and every form of the model gives the same header."""
        torch.manual_seed(5)
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4, eps=1e-3, momentum=0.3), nn.ReLU(), nn.Linear(4, 2))
        with torch.no_grad():
            for _ in range(5):
                model(torch.randn(8, 3) * 2 + 1)  # running statistics away from (0, 1)
        self.assertTrue(model.training)
        bodies = []
        state = os.path.join(self.dir, "bn_state.pt")
        torch.save(model.state_dict(), state)
        pickled = os.path.join(self.dir, "bn_pickled.pt")
        torch.save(model, pickled)
        for path, extra in ((self.save_script(model, "bn.pt"), []), (pickled, []),
                            (state, ["--arch", "Linear(3,4) BatchNorm1d(4,eps=0.001,momentum=0.3) ReLU Linear(4,2)"])):
            out = os.path.join(self.dir, "bn.hpp")
            status, err = self.run_export(path, "-o", out, *extra)
            self.assertEqual(status, 0, err)
            bodies.append(body(read(out)))
        self.assertEqual(bodies[0], bodies[1])
        self.assertEqual(bodies[0], bodies[2])
        self.assertIn("// PyTorch: Sequential(Linear(3, 4), BatchNorm1d(4, eps=1/1000, momentum=3/10), ReLU(), "
                      "Linear(4, 2))", bodies[0])
        self.assertIn("ctnet::BatchNorm<std::ratio<1, 1000>, std::ratio<3, 10>>", bodies[0])
        self.assertIn("inline constexpr float parameters[%d]" % (12 + 4 + 4 * 4 + 8 + 2), bodies[0])
        # check_output is the eval-mode output on check_input (input 0 of the reference samples)
        model.eval()
        inputs = torch.randn(8, 3, generator=torch.Generator().manual_seed(2024)) * 1.5
        with torch.no_grad():
            expected = model(inputs)[0]
        self.assertIn("check_output = {{\n" + write_values([float(v) for v in expected], "float"), bodies[0])
        with torch.no_grad():
            self.assertNotEqual(model.train()(inputs)[0].tolist(), expected.tolist())  # the batch's statistics differ

    def test_batchnorm_hyper_parameters(self):
        bn = nn.BatchNorm1d(2, eps=1e-8, momentum=0.01)
        out = os.path.join(self.dir, "eps.hpp")
        status, err = self.run_export(self.save_script(nn.Sequential(nn.Linear(2, 2), bn)), "-o", out,
                                      "--scalar", "double")
        self.assertEqual(status, 0, err)
        self.assertIn("ctnet::BatchNorm<std::ratio<1, 100000000>, std::ratio<1, 100>>", read(out))
        self.assertIn("BatchNorm1d(2, eps=1/100000000, momentum=1/100)", read(out))

    def test_residual_blocks_by_structure(self):
        """gen_reference.py's Residual and ResidualProj, any class with their structure (whatever its
        name), TorchScript, pickled and state_dict + --arch forms: the same header; nested
        Sequentials inside f are flattened."""
        class Skip(nn.Module):  # another name, the same structure: f (and proj)
            def __init__(self, *layers, proj=None):
                super().__init__()
                self.f = nn.Sequential(*layers)
                if proj is not None:
                    self.proj = proj

            def forward(self, x):
                return self.f(x) + (self.proj(x) if hasattr(self, "proj") else x)

        torch.manual_seed(9)
        arch = ("Linear(3,4) Residual[Linear(4,4) Tanh Linear(4,4)] ReLU "
                "ResidualProj(4,2)[Linear(4,5) Residual[Linear(5,5) GELU] BatchNorm1d(5) Linear(5,2)] Linear(2,2)")
        from_arch = export_torch.parse_arch(arch)
        with torch.no_grad():
            from_arch(torch.randn(8, 3))  # train mode: running statistics
        state = os.path.join(self.dir, "res_state.pt")
        torch.save(from_arch.state_dict(), state)
        block, proj = from_arch[1].f, from_arch[3]
        inner = Skip(proj.f[1].f[0], nn.Sequential(proj.f[1].f[1]))  # f with a nested Sequential
        skip = nn.Sequential(from_arch[0], Skip(nn.Sequential(block[0], block[1]), block[2]), from_arch[2],
                             Skip(proj.f[0], inner, nn.Sequential(proj.f[2], proj.f[3]), proj=proj.proj), from_arch[4])
        pickled = os.path.join(self.dir, "res_pickled.pt")
        torch.save(from_arch, pickled)
        bodies = []
        for path, extra in ((state, ["--arch", arch]), (pickled, []), (self.save_script(from_arch, "res.pt"), []),
                            (self.save_script(skip, "skip.pt"), [])):
            out = os.path.join(self.dir, "res.hpp")
            status, err = self.run_export(path, "-o", out, "--no-reference", *extra)
            self.assertEqual(status, 0, err)
            bodies.append(body(read(out)))
        for other in bodies[1:]:
            self.assertEqual(bodies[0], other)
        self.assertIn("using Model = ctnet::Network<float, ctnet::Input<3>, ctnet::Dense<4>, "
                      "ctnet::Residual<ctnet::Dense<4>, ctnet::Tanh, ctnet::Dense<4>>, ctnet::ReLU, "
                      "ctnet::ProjectedResidual<ctnet::Dense<5>, ctnet::Residual<ctnet::Dense<5>, ctnet::GELU>, "
                      "ctnet::BatchNorm<std::ratio<1, 100000>, std::ratio<1, 10>>, ctnet::Dense<2>>, ctnet::Dense<2>>;",
                      bodies[0])
        self.assertIn("// PyTorch: Sequential(Linear(3, 4), Residual(Linear(4, 4), Tanh(), Linear(4, 4)), ReLU(), "
                      "ResidualProj(4, 2, Linear(4, 5), Residual(Linear(5, 5), GELU(approximate='none')), "
                      "BatchNorm1d(5, eps=1/100000, momentum=1/10), Linear(5, 2)), Linear(2, 2))", bodies[0])
        # flat order: the state_dict's (f's parameters, then proj.weight), num_batches_tracked skipped
        flat = [float(v) for k, t in from_arch.state_dict().items() if not k.endswith("num_batches_tracked")
                for v in t.reshape(-1).tolist()]
        self.assertIn("inline constexpr float parameters[%d] = {\n%s};" % (len(flat), write_values(flat, "float")),
                      bodies[0])

    def test_a_residual_block_alone(self):
        torch.manual_seed(1)
        block = export_torch.ResidualProj(3, 2, nn.Linear(3, 2), nn.Tanh())
        traced = os.path.join(self.dir, "traced.pt")  # tracing keeps the children f and proj
        torch.jit.trace(block, torch.zeros(1, 3)).save(traced)
        bodies = []
        for path in (self.save_script(block), traced):
            out = os.path.join(self.dir, "alone.hpp")
            status, err = self.run_export(path, "-o", out, "--no-reference")
            self.assertEqual(status, 0, err)
            bodies.append(body(read(out)))
        self.assertEqual(bodies[0], bodies[1])
        self.assertIn("ctnet::Network<float, ctnet::Input<3>, ctnet::ProjectedResidual<ctnet::Dense<2>, ctnet::Tanh>>",
                      bodies[0])

    def test_refuses_batchnorm_ctnet_cannot_run(self):
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4, affine=False)),
                            "layer 1 (1: BatchNorm1d): affine=False", "ctnet::BatchNorm always has them")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4, track_running_stats=False)),
                            "layer 1 (1: BatchNorm1d): track_running_stats=False", "running_mean and running_var")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4, affine=False, track_running_stats=False)),
                            "layer 1 (1: BatchNorm1d): affine=False", script=False)
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4, momentum=None)),
                            "layer 1 (1: BatchNorm1d): momentum=None")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4, eps=0.1234567891234567891)),
                            "layer 1 (1: BatchNorm1d): eps = ", "std::ratio", extra=("--scalar", "double"))
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(5)),
                            "layer 1 (1: BatchNorm1d) normalises 5 features but the layer before gives 4")
        inside = nn.Sequential(nn.Linear(4, 4), export_torch.Residual(nn.Linear(4, 4), nn.BatchNorm1d(4, affine=False)))
        self.assert_refused(inside, "layer 1.1 (1.f.1: BatchNorm1d): affine=False")
        # torch.jit.trace inlines eps and momentum: the module no longer holds them
        traced = os.path.join(self.dir, "traced_bn.pt")
        torch.jit.trace(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).eval(), torch.zeros(2, 2)).save(traced)
        status, err = self.run_export(traced, "-o", os.path.join(self.dir, "t.hpp"))
        self.assertEqual(status, 2)
        self.assertIn("layer 1 (1: BatchNorm1d): its attribute 'eps' is not stored", err)

    def test_refuses_residual_blocks_ctnet_cannot_run(self):
        class Scaled(nn.Module):  # the structure of a residual block, another forward
            def __init__(self):
                super().__init__()
                self.f = nn.Sequential(nn.Linear(4, 4))

            def forward(self, x):
                return x + 2 * self.f(x)

        class Residual(nn.Module):  # the name, not the structure
            def __init__(self):
                super().__init__()
                self.g = nn.Linear(4, 4)

            def forward(self, x):
                return x + self.g(x)

        self.assert_refused(nn.Sequential(nn.Linear(4, 4), Scaled()),
                            "layer 1 (1: Scaled) has the children of a residual block but its forward is not x + f(x)")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), Residual()),
                            "layer 1 (1: Residual) is not a residual block ctnet can export", "g (Linear)")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), export_torch.Residual(nn.Linear(4, 3))),
                            "layer 1 (1: Residual): f gives 3 features for 4 inputs", "proj = Linear(4, 3, bias=False)")
        with_bias = export_torch.ResidualProj(4, 3, nn.Linear(4, 3))
        with_bias.proj = nn.Linear(4, 3)
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), with_bias), "layer 1 (1: ResidualProj): proj has a bias")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), export_torch.ResidualProj(4, 2, nn.Linear(4, 3))),
                            "layer 1 (1: ResidualProj): proj gives 2 features but f gives 3")
        self.assert_refused(nn.Sequential(nn.Linear(4, 4), export_torch.Residual(nn.Linear(4, 4), nn.Hardtanh())),
                            "layer 1.1 (1.f.1: Hardtanh) is not supported by ctnet", "residual blocks (f = Sequential")

    def test_arch_syntax_of_residual_blocks(self):
        model = export_torch.parse_arch("Linear(2,3) Residual[ Linear(3,3)  Tanh ] "
                                        "ResidualProj(3, 2)[Linear(3,2) Residual[Linear(2,2)]] BatchNorm1d(2)")
        self.assertEqual([type(m).__name__ for m in model], ["Linear", "Residual", "ResidualProj", "BatchNorm1d"])
        self.assertEqual(list(model.state_dict())[:8],
                         ["0.weight", "0.bias", "1.f.0.weight", "1.f.0.bias", "2.f.0.weight", "2.f.0.bias",
                          "2.f.1.f.0.weight", "2.f.1.f.0.bias"])
        self.assertEqual(list(model.state_dict())[8], "2.proj.weight")
        self.assertEqual(export_torch.split_arch("A B[C D(1, 2)] E(3)[F]"), ["A", "B[C D(1, 2)]", "E(3)[F]"])
        for bad, needle in (("Residual", "needs its layers in brackets"), ("Linear(2,2)[ReLU]", "only Residual"),
                            ("Residual[Linear(2,2)", "unclosed"), ("ReLU]", "unbalanced")):
            with self.subTest(arch=bad):
                with self.assertRaises(export_torch.ExportError) as caught:
                    export_torch.parse_arch(bad)
                self.assertIn(needle, str(caught.exception))

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
