"""`pantau templates --csv`: one row per input line with the documented columns."""
import csv
import io
import os
import subprocess
import unittest

PANTAU = os.environ.get("PANTAU_BIN", "pantau")
SOURCE = os.environ.get("PANTAU_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLE = os.path.join(SOURCE, "src", "detect", "anomaly", "testdata", "openssh_head.log")


class TemplatesCommand(unittest.TestCase):
    def test_csv_shape(self):
        out = subprocess.run([PANTAU, "templates", "--csv", "--format", "openssh", SAMPLE],
                             check=True, capture_output=True, text=True)
        rows = list(csv.reader(io.StringIO(out.stdout)))
        self.assertEqual(rows[0], ["file", "line", "template_id", "template"])
        with open(SAMPLE) as f:
            n = sum(1 for _ in f)
        self.assertEqual(len(rows) - 1, n)
        self.assertEqual([int(r[1]) for r in rows[1:]], list(range(1, n + 1)))
        for r in rows[1:]:
            self.assertRegex(r[2], r"^[0-9a-f]{16}$")
            self.assertTrue(r[3])
        # Lines of one template share its id and text.
        by_id = {}
        for r in rows[1:]:
            self.assertEqual(by_id.setdefault(r[2], r[3]), r[3])
        self.assertIn("60 lines", out.stderr)

    def test_state_keeps_ids(self):
        state = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"tpl-{os.getpid()}.state")
        try:
            runs = [subprocess.run([PANTAU, "templates", "--csv", "--state", state, "--format",
                                    "openssh", SAMPLE], check=True, capture_output=True,
                                   text=True).stdout for _ in range(2)]
            ids = [[r[2] for r in list(csv.reader(io.StringIO(o)))[1:]] for o in runs]
            self.assertEqual(ids[0], ids[1])
        finally:
            for p in (state, state + ".tmp"):
                if os.path.exists(p):
                    os.remove(p)

    def test_bad_format_is_usage_error(self):
        out = subprocess.run([PANTAU, "templates", "--format", "nosuch", SAMPLE],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 2)
        self.assertIn("unknown log format", out.stderr)


if __name__ == "__main__":
    unittest.main()
