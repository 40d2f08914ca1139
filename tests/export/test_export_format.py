#!/usr/bin/env python3
"""tools/export_format.py writes the hex-float literals of tests/export/data/hex_literals.txt
(the table tests/export/round_trip.cpp checks ctnet::TextWriter::hex_float against). No torch.

    python3 tests/export/test_export_format.py
"""

import os
import struct
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_format  # noqa: E402


class HexLiterals(unittest.TestCase):
    def test_table(self):
        rows = 0
        with open(os.path.join(ROOT, "tests", "export", "data", "hex_literals.txt")) as table:
            for line in table:
                if not line.strip() or line.startswith("#"):
                    continue
                scalar, bits, expected = line.split()
                packed = struct.pack("<I", int(bits, 16)) if scalar == "float" else struct.pack("<Q", int(bits, 16))
                value = struct.unpack("<f" if scalar == "float" else "<d", packed)[0]
                with self.subTest(line=line.strip()):
                    self.assertEqual(export_format.hex_literal(value, scalar), expected)
                    self.assertEqual(float.fromhex(expected.rstrip("f")), value)  # exact
                rows += 1
        self.assertGreaterEqual(rows, 20)

    def test_refuses_what_a_literal_cannot_hold(self):
        for value in (float("nan"), float("inf")):
            with self.assertRaises(export_format.ExportError):
                export_format.hex_literal(value, "double")
        with self.assertRaises(export_format.ExportError):
            export_format.hex_literal(0.1, "float")  # 0.1 (double) is not a float32 value

    def test_values_five_a_line(self):
        self.assertEqual(export_format.write_values([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "float"),
                         "    0x1p+0f, 0x1p+1f, 0x1.8p+1f, 0x1p+2f, 0x1.4p+2f,\n    0x1.8p+2f,\n")


if __name__ == "__main__":
    unittest.main()
