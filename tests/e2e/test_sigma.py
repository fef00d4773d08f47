"""Sigma rules through the real binary: `pantau rules check` over every SigmaHQ rule folder and
`pantau hunt` over SigmaHQ's regression data (EVTX files and their JSON exports)."""
import csv
import gzip
import io
import json
import os
import re
import subprocess
import tempfile
import unittest

from harness import PANTAU, SOURCE_DIR

SIGMA = os.path.join(os.path.dirname(SOURCE_DIR), "shared", "data", "sigma")
RULE_FOLDERS = ["rules", "rules-compliance", "rules-dfir", "rules-emerging-threats",
                "rules-placeholder", "rules-threat-hunting"]


def rule_args(folders=RULE_FOLDERS):
    args = []
    for folder in folders:
        args += ["--rules", os.path.join(SIGMA, folder)]
    return args


def run(*args, check=True):
    proc = subprocess.run([PANTAU, *args], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"pantau {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def regression_cases():
    """(info.yml, rule ids, EVTX path) for every info.yml; EVTX is None when it names none."""
    cases = []
    for root, _, files in os.walk(os.path.join(SIGMA, "regression_data")):
        if "info.yml" not in files:
            continue
        info = os.path.join(root, "info.yml")
        with open(info, encoding="utf-8") as f:
            text = f.read()
        # The files are small and regular; read them without a YAML library.
        meta = text.split("rule_metadata:")[1].split("regression_tests_info:")[0]
        ids = re.findall(r"^\s*- id:\s*(\S+)", meta, re.M)
        paths = re.findall(r"^\s+path:\s*(\S+\.evtx)\s*$", text, re.M)
        if not paths:
            cases.append((info, ids, None))
        for p in paths:
            cases.append((info, ids, os.path.join(SIGMA, p)))
    return sorted(cases, key=lambda c: (c[0], c[2] or ""))


class SigmaHQTest(unittest.TestCase):
    def setUp(self):
        # The snapshot is part of the workspace (../shared/data/sigma); without it this test
        # fails rather than skips, so that a missing snapshot is never mistaken for a pass.
        self.assertTrue(os.path.isdir(SIGMA), f"{SIGMA}: the SigmaHQ snapshot is missing")

    def test_regression_samples_match_in_evtx_and_json(self):
        proc = run("hunt", *rule_args(), "--json", os.path.join(SIGMA, "regression_data"))
        matched = {}
        for line in proc.stdout.splitlines():
            m = json.loads(line)
            for key in ("rule_id", "rule_title", "level", "file", "timestamp", "event"):
                self.assertIn(key, m)
            matched.setdefault(os.path.normpath(m["file"]), set()).add(m["rule_id"])
        passed, failed, without = 0, [], []
        for info, ids, evtx in regression_cases():
            if evtx is None:
                without.append(info)
                continue
            for path in (evtx, evtx[:-len(".evtx")] + ".json"):
                got = matched.get(os.path.normpath(path), set())
                if all(i in got for i in ids):
                    passed += 1
                else:
                    failed.append(f"{path}: expected {ids}, matched {sorted(got)}")
        print(f"\nregression samples: {passed} of {passed + len(failed)} pass "
              f"(EVTX and JSON of {(passed + len(failed)) // 2} tests); "
              f"{len(without)} info.yml name no EVTX test: {without}")
        self.assertEqual(failed, [])
        self.assertGreaterEqual(passed, 290)

    def test_rules_check_loads_the_snapshot(self):
        folders = [os.path.join(SIGMA, f) for f in RULE_FOLDERS]
        proc = run("rules", "check", *folders, check=False)
        lines = proc.stdout.splitlines()
        m = re.fullmatch(r"loaded (\d+) of (\d+) rules", lines[-1])
        self.assertIsNotNone(m, lines[-1])
        loaded, total = int(m.group(1)), int(m.group(2))
        problems = lines[:-1]
        print(f"\nwithout placeholder values: loaded {loaded} of {total}; cannot be used:")
        print("\n".join(problems))
        self.assertEqual(len(problems), total - loaded)
        self.assertEqual(proc.returncode, 1 if problems else 0)
        # Every problem names file and line, and the only ones are placeholders with no values.
        for p in problems:
            self.assertRegex(p, r"^/.+\.yml:\d+: .+")
            self.assertIn("has no values", p)

        # With site values for the placeholders (here: examples), every rule loads. A rule
        # reports its first placeholder without values, so ask until none is left.
        names = set()
        with tempfile.TemporaryDirectory() as tmp:
            placeholders = os.path.join(tmp, "placeholders.yml")
            for _ in range(5):
                names.update(n for p in problems for n in re.findall(r"placeholder %([^%]+)%", p))
                with open(placeholders, "w") as f:
                    for name in sorted(names):
                        f.write(f"{name}: ['example-{name.lower()}']\n")
                proc = run("rules", "check", *folders, "--placeholders", placeholders,
                           check=False)
                problems = proc.stdout.splitlines()[:-1]
                if not problems:
                    break
        lines = proc.stdout.splitlines()
        loaded, total = map(int, re.fullmatch(r"loaded (\d+) of (\d+) rules", lines[-1]).groups())
        print(f"with placeholder values: loaded {loaded} of {total}")
        print("\n".join(lines[:-1]))
        self.assertGreaterEqual(loaded / total, 0.995)

    def test_hunt_output_forms_and_filters(self):
        sample = os.path.join(SIGMA, "regression_data", "rules", "windows")
        windows = lambda: rule_args([os.path.join("rules", "windows")])
        table = run("hunt", *windows(), sample)
        self.assertIn("matches of", table.stderr)
        rows = table.stdout.splitlines()
        self.assertGreater(len(rows), 10)
        as_csv = list(csv.reader(io.StringIO(run("hunt", *windows(), "--csv", sample).stdout)))
        self.assertEqual(as_csv[0], ["timestamp", "level", "rule_id", "rule_title", "tags", "host",
                                     "dataset", "file"])
        self.assertEqual(len(as_csv) - 1, len(rows))
        high = [json.loads(l) for l in
                run("hunt", *windows(), "--json", "--level", "high", sample).stdout.splitlines()]
        self.assertTrue(high)
        self.assertTrue(all(m["level"] in ("high", "critical") for m in high))
        self.assertLess(len(high), len(rows))
        tagged = [json.loads(l) for l in run("hunt", *windows(), "--json", "--tags",
                                              "attack.persistence", sample).stdout.splitlines()]
        self.assertTrue(tagged)
        # Matching on several threads gives the same lines, in the same order, as on one.
        one = run("hunt", *windows(), "--json", "--threads", "1", sample).stdout
        three = run("hunt", *windows(), "--json", "--threads", "3", sample).stdout
        self.assertEqual(one, three)
        bad_level = run("hunt", *windows(), "--level", "urgent", sample, check=False)
        self.assertEqual(bad_level.returncode, 2)
        self.assertIn("level 'urgent' is not one of", bad_level.stderr)

    def test_corrupt_evtx_is_read_as_far_as_possible(self):
        source = os.path.join(SIGMA, "regression_data", "rules", "windows", "file", "file_event",
                              "file_event_win_hktl_netexec_file_indicators",
                              "efc21479-9e83-41da-8cf1-122e06ba8db3.evtx")
        windows = rule_args([os.path.join("rules", "windows", "file")])
        with open(source, "rb") as f:
            data = bytearray(f.read())
        # Records start with the signature 2a 2a 00 00; the file holds seven.
        records = [m.start() for m in re.finditer(re.escape(b"\x2a\x2a\x00\x00"), data)]
        self.assertEqual(len(records), 7)
        with tempfile.TemporaryDirectory() as tmp:
            damaged = os.path.join(tmp, "damaged.evtx")
            # Overwrite the body of the fourth record.
            for i in range(records[3] + 24, records[3] + 200):
                data[i] = 0xA5
            with open(damaged, "wb") as f:
                f.write(data)
            proc = run("hunt", *windows, damaged)
            self.assertIn("damaged.evtx: the file is marked corrupted", proc.stderr)
            self.assertIn("damaged.evtx: record 3: ", proc.stderr)
            self.assertIn("hunted 6 events", proc.stderr)
            self.assertEqual(len(proc.stdout.splitlines()), 6)  # NetExec File Indicators

            truncated = os.path.join(tmp, "truncated.evtx")
            with open(truncated, "wb") as f:
                f.write(data[:records[2] + 40])
            proc = run("hunt", *windows, truncated)
            self.assertIn("truncated.evtx: the file is marked corrupted", proc.stderr)

            not_evtx = os.path.join(tmp, "garbage.evtx")
            with open(not_evtx, "wb") as f:
                f.write(b"ElfFile\0" + bytes(100))
            proc = run("hunt", *windows, not_evtx, check=False)
            self.assertEqual(proc.returncode, 2)
            self.assertIn("garbage.evtx: not a readable EVTX file", proc.stderr)


class HuntLogFilesTest(unittest.TestCase):
    """Hunting over the line formats of the decoders (plain and gzip), with Pantau's own rules."""

    def test_access_and_auth_logs(self):
        rules = os.path.join(SOURCE_DIR, "rules")
        with tempfile.TemporaryDirectory() as tmp:
            access = os.path.join(tmp, "access.log")
            with open(access, "w") as f:
                f.write('203.0.113.9 - - [27/Nov/2026:10:00:02 +0700] "GET /berita.php?id=1%20union'
                        '%20select%201,2-- HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n')
                f.write('10.0.0.5 - - [27/Nov/2026:10:00:03 +0700] "GET /berita/rapat HTTP/1.1" '
                        '200 512 "-" "Mozilla/5.0"\n')
            auth = os.path.join(tmp, "auth.log.gz")
            with gzip.open(auth, "wt") as f:
                for i in range(10):
                    f.write(f"Nov 27 10:00:{i:02} web01 sshd[42]: Failed password for root from "
                            f"203.0.113.77 port {40000 + i} ssh2\n")
            proc = run("hunt", "--rules", rules, "--json", tmp)
            found = sorted(json.loads(l)["rule_title"] for l in proc.stdout.splitlines())
            self.assertEqual(found, ["SQL Injection Attempt in a Web Request",
                                     "SSH Brute Force Against a Server"])
            self.assertIn("hunted 12 events", proc.stderr)


if __name__ == "__main__":
    unittest.main()
