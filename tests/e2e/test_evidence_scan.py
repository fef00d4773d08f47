"""Malware and webshell scanning of evidence against the real server: a harmless web shell
fixture uploaded, scanned (YARA finds it; ClamAV with a signature file this test writes finds its
marker), the results kept with the item and in its chain of custody and the audit trail; a clean
file without matches; ClamAV without signatures said plainly; an item over scan.max_bytes and a
blob changed on disk refused; who may not."""
import json
import os

from harness import pantau
from test_evidence import EvidenceCase

# Written for this test: a web shell's trait (eval of request input), nothing that works.
SHELL = b"<?php /* pantau e2e fixture */ if (isset($_POST['k'])) { @eval($_POST['k']); } ?>\n"
MARKER = b"PANTAU-E2E-CLAMAV-MARKER-51c2"


class EvidenceScanTest(EvidenceCase):
    def configure(self, clamav=True, max_bytes=4096):
        db = os.path.join(self.data_dir, "clamav-db")
        os.makedirs(db, exist_ok=True)
        if clamav:
            with open(os.path.join(db, "pantau-e2e.ndb"), "w") as f:
                f.write(f"Pantau.E2E.Marker:0:*:{MARKER.hex()}\n")
        self.config_text = (f"cases:\n  max_evidence_bytes: 100000\n"
                            f"scan:\n  clamav_db_dir: {db}\n  max_bytes: {max_bytes}\n"
                            f"  timeout_s: 10\n")
        self.start_with_people()

    def scan(self, who, case, eid, expect=200):
        status, _, body = self.raw(who, "POST", f"/api/v1/cases/{case}/evidence/{eid}/scan")
        answer = json.loads(body)
        self.assertEqual(status, expect, answer)
        return answer

    def test_upload_scan_and_results(self):
        self.configure()
        cid = self.open_case("Webshell di portal desa")
        shell = self.upload("budi", cid, SHELL, name="upload.php")
        item = self.scan("budi", cid, shell["id"])
        self.assertEqual([s["engine"] for s in item["scans"]], ["yara", "clamav"])
        yara, clam = item["scans"]
        self.assertEqual(yara["status"], "ok")
        self.assertGreater(yara["signatures"], 10)
        self.assertTrue(yara["version"])
        rules = [m["rule"] for m in yara["matches"]]
        self.assertEqual(rules, ["webshells.php_eval_of_request_input"])
        self.assertEqual(yara["matches"][0]["tags"], ["webshell", "php"])
        self.assertEqual(yara["matches"][0]["offset"], SHELL.index(b"eval("))
        self.assertEqual(clam["status"], "ok")
        self.assertEqual(clam["matches"], [])
        self.assertEqual(clam["signatures"], 1)
        self.assertEqual(item["custody"][-1]["event"], "scanned")
        self.assertEqual(item["custody"][-1]["actor"], "budi")
        for s in item["scans"]:
            self.assertTrue(s["started"].endswith("Z") and s["ended"].endswith("Z"))

        # ClamAV finds the marker of its test signature.
        marked = self.upload("budi", cid, b"header " + MARKER + b" trailer", name="sample.bin")
        item = self.scan("siti", cid, marked["id"])
        clam = item["scans"][1]
        self.assertEqual(len(clam["matches"]), 1, clam)
        self.assertTrue(clam["matches"][0]["rule"].startswith("Pantau.E2E.Marker"), clam)
        self.assertEqual(item["scans"][0]["matches"], [])

        # Kept with the item: the record and the list show it.
        status, got = self.call("budi", "GET", f"/api/v1/cases/{cid}/evidence/{shell['id']}")
        self.assertEqual(status, 200)
        self.assertEqual(len(got["scans"]), 2)
        status, page = self.call("budi", "GET", f"/api/v1/cases/{cid}/evidence")
        self.assertEqual([len(i["scans"]) for i in page["items"]], [2, 2])

        # Audited, and the chain still verifies.
        self.server.stop()
        self.server = None
        r = pantau("audit", "verify", "--data", self.data_dir, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_without_signatures_bounds_and_who_may_not(self):
        self.configure(clamav=False, max_bytes=2048)
        cid = self.open_case("Pindai tanpa basis data ClamAV")
        clean = self.upload("budi", cid, b"10.0.0.5 - - GET /index.php 200\n", name="access.log")
        item = self.scan("budi", cid, clean["id"])
        yara, clam = item["scans"]
        self.assertEqual(yara["matches"], [])
        self.assertEqual(clam["status"], "no_signatures")
        self.assertEqual(clam["signatures"], 0)
        self.assertIn("no signatures installed", clam["message"])

        big = self.upload("budi", cid, b"A" * 5000, name="big.bin")
        answer = self.scan("budi", cid, big["id"], expect=413)
        self.assertIn("scan.max_bytes", answer["error"]["message"])

        # A blob changed on disk is not scanned; it is recorded as corrupt.
        shell = self.upload("budi", cid, SHELL, name="shell.php")
        blob = os.path.join(self.data_dir, "evidence", shell["sha256"][:2], shell["sha256"])
        os.chmod(blob, 0o600)
        with open(blob, "wb") as f:
            f.write(b"<?php echo 'changed'; ?>")
        answer = self.scan("budi", cid, shell["id"], expect=500)
        self.assertIn("corrupt", answer["error"]["message"])
        status, got = self.call("budi", "GET", f"/api/v1/cases/{cid}/evidence/{shell['id']}")
        self.assertEqual(got["scans"], [])
        self.assertIn("corrupt", [c["event"] for c in got["custody"]])

        self.scan("budi", cid, "999", expect=404)
        status, _, _ = self.raw(None, "POST", f"/api/v1/cases/{cid}/evidence/{clean['id']}/scan")
        self.assertEqual(status, 401)
        # Without the CSRF token a session cannot start a scan.
        cookies = self.people["budi"]
        status, _, _ = self.raw(None, "POST", f"/api/v1/cases/{cid}/evidence/{clean['id']}/scan",
                                headers={"Cookie": "; ".join(f"{k}={v}"
                                                             for k, v in cookies.items())})
        self.assertEqual(status, 403)
