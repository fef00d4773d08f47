"""`pantau import` of real log files (loghub samples), plain and gzip."""
import gzip
import os
import shutil
import tempfile
import unittest

from harness import SOURCE_DIR, events, pantau

LOGHUB = os.path.join(os.path.dirname(SOURCE_DIR), "shared", "data", "loghub")


class ImportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pantau-import-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_loghub_openssh_plain_and_gzip(self):
        src = os.path.join(LOGHUB, "OpenSSH", "OpenSSH_2k.log")
        gz = os.path.join(self.dir, "linux.log.gz")
        with open(os.path.join(LOGHUB, "Linux", "Linux_2k.log"), "rb") as f, gzip.open(gz, "wb") as g:
            g.write(f.read())
        r = pantau("import", "--data", os.path.join(self.dir, "var"), src, gz)
        summary = r.stdout.decode()
        self.assertRegex(summary, r"^imported 4000 events from 2 files .* events/s")
        got = events(os.path.join(self.dir, "var"))
        self.assertEqual(len(got), 4000)
        datasets = {}
        for e in got:
            datasets[e["dataset"]] = datasets.get(e["dataset"], 0) + 1
        self.assertGreater(datasets.get("linux.auth", 0), 1500)
        failed = [e for e in got if e["fields"].get("event.outcome") == "failure"
                  and e["fields"].get("source.ip") == "183.62.140.253"]
        self.assertTrue(failed, "failed logins from a known attacker address are decoded")
        self.assertTrue(all(e["fields"]["input.type"] == "file" for e in got))


if __name__ == "__main__":
    unittest.main()
