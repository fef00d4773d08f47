"""`pantau templates --csv`: one row per input line with the documented columns, and the miner's
grouping accuracy on the loghub samples (../shared/data/loghub) above floors it has earned."""
import csv
import importlib.util
import io
import os
import shutil
import statistics
import json
import subprocess
import tempfile
import unittest
import urllib.parse

from harness import ServerTest, events, pantau, wait_for_events, DEADLINE_S

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


def load_scoring():
    """bench/template_accuracy.py, the one place that scores grouping accuracy."""
    path = os.path.join(SOURCE, "bench", "template_accuracy.py")
    spec = importlib.util.spec_from_file_location("template_accuracy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.PANTAU = PANTAU
    return module


# Measured with the default miner settings (docs/BENCHMARKS.md, "Log templates"), each floor 0.01
# below: a change that makes grouping worse fails here; one that makes it better may raise them.
FLOORS = {"HDFS": 0.988, "Hadoop": 0.951, "Spark": 0.914, "BGL": 0.961, "HPC": 0.895,
          "Windows": 0.685, "Linux": 0.925, "Apache": 0.990, "OpenSSH": 0.792,
          "OpenStack": 0.871}
AVERAGE_FLOOR = 0.897


class TemplateAccuracy(unittest.TestCase):
    def test_loghub_grouping_accuracy_floors(self):
        scoring = load_scoring()
        data = os.path.join(os.path.dirname(os.path.abspath(SOURCE)), "shared", "data", "loghub")
        # The samples are part of the workspace; without them this test fails rather than skips,
        # so that missing data is never mistaken for a pass.
        missing = [n for n in FLOORS
                   if not os.path.isfile(os.path.join(data, n, f"{n}_2k.log"))
                   or not os.path.isfile(os.path.join(data, n, f"{n}_2k.log_structured.csv"))]
        self.assertEqual(missing, [], f"{data}: loghub 2k samples missing")
        accs, below = {}, []
        for name, floor in FLOORS.items():
            acc, differ, _, _ = scoring.run_set(name, data, [])
            accs[name] = acc
            self.assertEqual(differ, 0, f"{name}: messages differ from the ground truth's Content")
            if acc < floor:
                below.append(f"{name} {acc:.3f} < {floor:.3f}")
        average = statistics.mean(accs.values())
        print("\n" + ", ".join(f"{n} {a:.3f}" for n, a in accs.items()) + f"; average {average:.3f}")
        self.assertEqual(below, [])
        self.assertGreaterEqual(average, AVERAGE_FLOOR)


def template_ids(stored, word):
    return {e["fields"].get("log.template_id") for e in stored if word in e["message"]}


class TemplatesAtIngest(ServerTest):
    """Template ids stamped at ingest (syslog and HTTP), listed by /api/v1/templates, searchable
    with log.template_id:ID, and the same after a restart."""

    def key(self, name, scope):
        return pantau("apikey", "create", name, "--scope", scope,
                      "--data", self.data_dir).stdout.decode().strip()

    def get(self, path, key, **params):
        query = urllib.parse.urlencode(params)
        status, _, body = self.server.http("GET", f"{path}?{query}" if query else path,
                                           headers={"Authorization": f"Bearer {key}"})
        return status, json.loads(body)

    def logger(self, message):
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                        "-T", "-t", "sshd", "--id=77", message], check=True, timeout=DEADLINE_S)

    def test_ids_api_search_and_restart(self):
        self.start_server()
        search, ingest = self.key("tool", "search"), self.key("shipper", "ingest")
        for ip, port in (("203.0.113.9", 4242), ("198.51.100.7", 5151), ("192.0.2.1", 22)):
            self.logger(f"Failed password for root from {ip} port {port} ssh2")
        self.logger("Server listening on 0.0.0.0 port 22.")
        body = "".join(json.dumps({"message": f"backup job {i} finished in {i * 3} s",
                                   "dataset": "app.backup"}) + "\n" for i in range(4)).encode()
        status, _, text = self.server.http("POST", "/api/v1/ingest", body=body,
                                           headers={"Authorization": f"Bearer {ingest}"})
        self.assertEqual(status, 200, text)
        stored = wait_for_events(self.data_dir, 8)

        failed = template_ids(stored, "Failed password")
        self.assertEqual(len(failed), 1, stored)
        (failed_id,) = failed
        self.assertRegex(failed_id, r"^[0-9a-f]{16}$")
        (listening_id,) = template_ids(stored, "Server listening")
        self.assertNotEqual(listening_id, failed_id)
        backup = template_ids(stored, "backup job")  # HTTP ingest: stamped too
        self.assertEqual(len(backup), 1)
        self.assertRegex(next(iter(backup)), r"^[0-9a-f]{16}$")

        status, page = self.get("/api/v1/templates", search)
        self.assertEqual(status, 200, page)
        by_id = {t["id"]: t for t in page["items"]}
        self.assertEqual(by_id[failed_id]["count"], 3)
        self.assertEqual(by_id[failed_id]["dataset"], "linux.auth")
        self.assertIn("Failed password for root from <*>", by_id[failed_id]["template"])
        self.assertEqual(by_id[failed_id]["query"], f"log.template_id:{failed_id}")
        self.assertEqual(by_id[next(iter(backup))]["count"], 4)
        self.assertEqual(page["items"][0]["count"], 4)  # sorted by count, descending
        status, one = self.get(f"/api/v1/templates/{failed_id}", search)
        self.assertEqual((status, one["count"]), (200, 3))
        status, page = self.get("/api/v1/templates", search, q="LISTENING", sort="last_seen")
        self.assertEqual([t["id"] for t in page["items"]], [listening_id])
        status, page = self.get("/api/v1/templates", search, limit=1, offset=1)
        self.assertEqual((len(page["items"]), page["total"]), (1, 3))
        self.assertEqual(self.get("/api/v1/templates", search, sort="x")[0], 400)
        self.assertEqual(self.get("/api/v1/templates/nothex", search)[0], 400)
        self.assertEqual(self.get("/api/v1/templates/0000000000000000", search)[0], 404)
        self.assertEqual(self.get("/api/v1/templates", ingest)[0], 403)

        # Searching by template: the API and the command line.
        status, found = self.get("/api/v1/events", search, q=f"log.template_id:{failed_id}")
        self.assertEqual((status, found["total"]), (200, 3))
        self.assertEqual(len(events(self.data_dir, words=[f"log.template_id:{failed_id}"])), 3)

        # A restart keeps the ids: a new line of a known template gets the same one.
        self.assertEqual(self.server.stop(), 0, self.server.output())
        self.start_server()
        self.logger("Failed password for root from 203.0.113.200 port 6000 ssh2")
        stored = wait_for_events(self.data_dir, 9)
        self.assertEqual(template_ids(stored, "Failed password"), {failed_id})
        status, one = self.get(f"/api/v1/templates/{failed_id}", search)
        self.assertEqual(one["count"], 4)

    def test_import_stamps_ids_and_off_switch(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            for i in range(3):
                f.write(f"<38>Nov 27 10:00:0{i} host1 sshd[9{i}]: Accepted password for u{i} "
                        f"from 10.0.0.{i} port 50{i} ssh2\n")
            path = f.name
        try:
            pantau("import", "--data", self.data_dir, path)
            stored = events(self.data_dir)
            self.assertEqual(len(stored), 3)
            ids = template_ids(stored, "Accepted password")
            self.assertEqual(len(ids), 1)
            self.assertRegex(next(iter(ids)), r"^[0-9a-f]{16}$")
            # templates.enabled: false leaves events without the field.
            off = tempfile.mkdtemp(prefix="pantau-e2e-off-")
            config = os.path.join(off, "config.yaml")
            with open(config, "w") as c:
                c.write("templates:\n  enabled: false\n")
            pantau("import", "--data", off, "--config", config, path)
            self.assertEqual(template_ids(events(off), "Accepted password"), {None})
            shutil.rmtree(off, ignore_errors=True)
        finally:
            os.remove(path)


if __name__ == "__main__":
    unittest.main()
