"""The SOP's documents end to end, with real tools on the other side: a case taken from a live
alert to approval gets a frozen report version at each submission, and on approval a numbered
incident report and notification letter signed by the head; poppler's `pdfsig` accepts both
signatures and names the signer, `pdftotext` shows the required fields and numbers, the public
verify page confirms them and refuses a PDF with one byte changed, and `notify` sends the letter
with the report to the operator's address, received by a real SMTP server on loopback. A false
positive ends with a work report signed by the verifying coordinator with a trial certificate,
which the document and the verify page say is not a certified one. PNG renderings of every
document go to build/<preset>/docs-renderings/e2e for people to look at."""
import http.server
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from harness import DEADLINE_S, SOURCE_DIR, pantau, wait_for
from test_cases import CasesCase

RENDERINGS = os.environ.get("PANTAU_DOCS_RENDERINGS",
                            os.path.join(SOURCE_DIR, "build", "ci", "docs-renderings"))

SYSTEM = {
    "name": "Laman Dinas Pendidikan",
    "operator": {"agency": "Dinas Pendidikan dan Kebudayaan", "head_name": "Drs. Ahmad Fauzi",
                 "head_title": "Kepala", "emails": ["pse@disdik.kukarkab.go.id"]},
    "urls": ["https://disdik.kukarkab.go.id/"],
    "hosts": ["disdik.kukarkab.go.id"],
    "ips": ["203.0.113.40"],
}


def run(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, timeout=DEADLINE_S)


def text_of(pdf_path):
    return run("pdftotext", "-layout", pdf_path, "-").stdout.decode()


def pdfsig(pdf_path):
    return run("pdfsig", pdf_path, check=False).stdout.decode()


class DocumentsTest(CasesCase):
    def setUp(self):
        super().setUp()
        self.work = os.path.join(self.data_dir, "work")
        os.makedirs(self.work)
        self.mail_dir = os.path.join(self.work, "mail")
        port_file = os.path.join(self.work, "smtp.port")
        self.sink = subprocess.Popen(
            [sys.executable, os.path.join(SOURCE_DIR, "tests", "e2e", "smtp_sink.py"), "--port", "0",
             "--port-file", port_file, "--out", self.mail_dir, "--max-seconds", "280"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def port():
            if os.path.exists(port_file):
                with open(port_file) as f:
                    return f.read().strip()
            return None
        self.smtp_port = int(wait_for(port, "the SMTP sink's port"))

        # A webhook receiver on loopback: the team's chat bridge.
        self.hooks = []
        hooks = self.hooks

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                hooks.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass
        self.hook_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=self.hook_server.serve_forever, daemon=True).start()

    def tearDown(self):
        self.hook_server.shutdown()
        self.hook_server.server_close()
        self.sink.send_signal(signal.SIGTERM)
        self.sink.wait(timeout=DEADLINE_S)
        super().tearDown()

    def head_certificate(self):
        """A CA and the head's certificate signed by it, in PKCS#12: a certified signer."""
        w = self.work
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=Uji CA Pantau", "-keyout", f"{w}/ca.key", "-out", f"{w}/ca.pem")
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=Dr. Andi Pratama",
            "-keyout", f"{w}/kadis.key", "-out", f"{w}/kadis.csr")
        run("openssl", "x509", "-req", "-in", f"{w}/kadis.csr", "-CA", f"{w}/ca.pem", "-CAkey",
            f"{w}/ca.key", "-CAcreateserial", "-days", "2", "-out", f"{w}/kadis.pem")
        run("openssl", "pkcs12", "-export", "-inkey", f"{w}/kadis.key", "-in", f"{w}/kadis.pem",
            "-certfile", f"{w}/ca.pem", "-out", f"{w}/kadis.p12", "-passout", "pass:rahasia-kadis")
        with open(f"{w}/kadis.pass", "w") as f:
            f.write("rahasia-kadis\n")
        return f"{w}/kadis.p12", f"{w}/kadis.pass"

    def start(self):
        p12, password = self.head_certificate()
        self.config_text = f"""documents:
  team: {{name: TTIS KUKARKAB, email: ttis@kukarkab.go.id, phone: 0541-661234}}
  letter_cc: [Bupati Kutai Kartanegara]
  signers:
    - {{user: kadis, full_name: "Dr. Andi Pratama, S.Kom., M.T.", position: Kepala Dinas Komunikasi dan Informatika, nip: "19760101 200003 1 002", pkcs12: {p12}, password_file: {password}}}
    - {{user: siti, full_name: "Siti Rahmawati, S.T.", position: Koordinator TTIS}}
notify:
  smtp: {{url: "smtp://127.0.0.1:{self.smtp_port}", from: "TTIS Kukar <ttis@kukarkab.go.id>"}}
  webhooks:
    - {{url: "http://127.0.0.1:{self.hook_server.server_port}/pantau", events: [approve, notify]}}
"""
        self.start_with_people()
        status, system = self.call("boss", "POST", "/api/v1/systems", SYSTEM)
        self.assertEqual(status, 201, system)
        return system

    def pdf(self, who, path, name):
        status, headers, body = self.raw(who, "GET", path)
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", headers["Content-Disposition"])
        self.assertTrue(body.startswith(b"%PDF-"))
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(body)
        self.keep_rendering(path, name)
        return path, body

    def keep_rendering(self, pdf_path, name):
        out = os.path.join(RENDERINGS, "e2e")
        os.makedirs(out, exist_ok=True)
        run("pdftoppm", "-r", "60", "-png", pdf_path, os.path.join(out, name.removesuffix(".pdf")))

    def raw(self, who, method, path, data=None, headers=None):
        headers = dict(headers or {})
        if who:
            cookies = self.people[who]
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            if method != "GET":
                headers["X-CSRF-Token"] = cookies["pantau_csrf"]
        req = urllib.request.Request(self.server.url(path), data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def documents(self, case):
        status, page = self.call("budi", "GET", f"/api/v1/cases/{case}/documents")
        self.assertEqual(status, 200, page)
        return page["items"]

    def verify(self, doc_id, pdf_bytes=None):
        """The public page, no login: JSON about the stored document or an uploaded PDF."""
        status, _, body = self.raw(None, "POST" if pdf_bytes else "GET",
                                   f"/api/v1/verify/{doc_id}", pdf_bytes)
        self.assertEqual(status, 200, body[:300])
        return json.loads(body)

    def note(self, case, kind, body):
        status, note = self.call("budi", "POST", f"/api/v1/cases/{case}/notes",
                                 {"kind": kind, "title": kind, "body": body})
        self.assertEqual(status, 201, note)

    def test_confirmed_incident_reports_and_letter_signed_verified_and_sent(self):
        system = self.start()
        alert = self.alert_from_logger("Invalid user oracle from 203.0.113.9 port 52113")
        case = self.open_case_from(alert, incident_type="web_defacement", system_ids=[system["id"]],
                                   description="Halaman utama diganti dan konten judi disisipkan.",
                                   risk_level="high", classification="B")
        cid, number = case["id"], case["number"]
        self.note(cid, "impact", "Laman tidak dapat dipercaya; reputasi pemerintah daerah turun.")
        self.note(cid, "attack_form", "Deface melalui unggahan berkas.")
        self.note(cid, "mitigation", "- Hapus web shell\n- Perbarui CMS")
        status, _, body = self.raw("budi", "POST",
                                   f"/api/v1/cases/{cid}/evidence?name=access.log&kind=text"
                                   "&description=Log%20akses",
                                   b"GET /shell.php 200\n", {"Content-Type": "text/plain"})
        evidence = json.loads(body)
        self.assertEqual(status, 201, evidence)
        self.act("budi", cid, "investigate")
        self.act("budi", cid, "assess")
        self.verdict("budi", cid, "confirmed", "PoC: web shell ditemukan")
        self.act("budi", cid, "report")
        status, answer = self.call("budi", "GET", f"/api/v1/cases/{cid}/report.pdf")
        self.assertEqual(status, 404)
        self.assertIn("made when the case is submitted", answer["error"]["message"])
        preview, _ = self.pdf("budi", f"/api/v1/cases/{cid}/report.pdf?preview=1", "preview.pdf")
        self.assertIn("LAPORAN INSIDEN SIBER", text_of(preview))

        # Submitting freezes version 1; a return supersedes it; the next submission is version 2.
        self.act("budi", cid, "submit")
        [v1] = self.documents(cid)
        self.assertEqual((v1["kind"], v1["version"], v1["state"], v1["number"]),
                         ("incident_report", 1, "frozen", None))
        draft, draft_bytes = self.pdf("budi", f"/api/v1/cases/{cid}/report.pdf", "report-v1.pdf")
        text = text_of(draft)
        for needle in ("LAPORAN INSIDEN SIBER", number, "Laman Dinas Pendidikan",
                       "Dinas Pendidikan dan Kebudayaan", "Deface situs web", "Tinggi", "BIASA",
                       "reputasi pemerintah daerah", "Deface melalui unggahan berkas",
                       "KONSEP", "TTIS KUKARKAB", "Halaman 1 dari"):
            self.assertIn(needle, text, needle)
        self.assertIn(evidence["sha256"], re.sub(r"\s+", "", text))  # wrapped in its cell
        unsigned = run("pdfsig", draft, check=False)
        self.assertIn("does not contain any signatures",
                      unsigned.stdout.decode() + unsigned.stderr.decode())
        # The evidence it lists is attached to it in the chain of custody.
        status, item = self.call("budi", "GET", f"/api/v1/cases/{cid}/evidence/{evidence['id']}")
        attached = [e for e in item["custody"] if e["event"] == "attached"]
        self.assertEqual([e["note"] for e in attached], [f"Laporan Insiden Siber v1 ({v1['id']})"])
        self.act("siti", cid, "return", comment="Lengkapi dampak")
        self.assertEqual(self.documents(cid)[0]["state"], "superseded")
        self.act("budi", cid, "submit")
        v2 = self.documents(cid)[0]
        self.assertEqual((v2["version"], v2["state"]), (2, "frozen"))
        self.act("siti", cid, "verify")
        self.assertEqual(self.documents(cid)[0]["state"], "frozen")

        # The head approves: the report is numbered and signed, the letter made and signed.
        self.act("kadis", cid, "approve")
        docs = self.documents(cid)
        letter, report = docs[0], docs[1]
        self.assertEqual((letter["kind"], letter["state"]), ("letter", "signed"))
        self.assertEqual((report["kind"], report["version"], report["state"]),
                         ("incident_report", 2, "signed"))
        month_year = time.strftime("%m/%Y", time.gmtime())
        self.assertEqual(report["number"], f"B-1/DISKOMINFO/000.6/{month_year}")
        self.assertEqual(letter["number"], f"B-2/DISKOMINFO/000.6/{month_year}")
        self.assertEqual((report["signed_by"], report["signer_name"], report["signer_certified"]),
                         ("kadis", "Dr. Andi Pratama, S.Kom., M.T.", True))

        signed_report, report_bytes = self.pdf("budi", f"/api/v1/cases/{cid}/report.pdf",
                                               "report-signed.pdf")
        sig = pdfsig(signed_report)
        self.assertIn("Signature is Valid.", sig)
        self.assertIn("Dr. Andi Pratama", sig)
        self.assertIn("Total document signed", sig)
        text = text_of(signed_report)
        for needle in (report["number"], "Siti Rahmawati", "Dr. Andi Pratama",
                       "19760101 200003 1 002", "Ditandatangani secara elektronik"):
            self.assertIn(needle, text, needle)
        self.assertNotIn("KONSEP", text)
        signed_letter, letter_bytes = self.pdf("budi", f"/api/v1/cases/{cid}/letter.pdf",
                                               "letter-signed.pdf")
        self.assertIn("Signature is Valid.", pdfsig(signed_letter))
        text = text_of(signed_letter)
        for needle in (letter["number"], "Segera", "Pemberitahuan Insiden Siber", "Yth.",
                       "Yth. Kepala Dinas Pendidikan dan Kebudayaan", "Drs. Ahmad Fauzi",
                       "1 (satu) berkas", "Hapus web shell", "Tembusan", "Bupati Kutai Kartanegara"):
            self.assertIn(needle, text, needle)
        # The draft of version 2 is still there, unchanged, beside the signed one.
        status, _, frozen = self.raw("budi", "GET",
                                     f"/api/v1/documents/{report['id']}.pdf?draft=1")
        self.assertEqual(status, 200)
        self.assertTrue(report_bytes.startswith(b"%PDF"))
        self.assertNotEqual(frozen, report_bytes)

        # The public verify page, with no login: the stored document, an upload, a changed byte.
        checked = self.verify(report["id"])
        self.assertTrue(checked["valid"], checked)
        self.assertEqual(checked["document"]["number"], report["number"])
        self.assertTrue(checked["document"]["signer_certified"])
        self.assertNotIn("Laman Dinas", json.dumps(checked))  # nothing of the case's content
        status, headers, page = self.raw(None, "GET", f"/api/v1/verify/{letter['id']}",
                                         headers={"Accept": "text/html"})
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["Content-Type"])
        self.assertIn(b"ASLI", page)
        self.assertTrue(self.verify(letter["id"], letter_bytes)["valid"])
        tampered = bytearray(letter_bytes)
        at = letter_bytes.index(b"stream") + 200  # inside the first revision's page content
        tampered[at] ^= 0x01
        answer = self.verify(letter["id"], bytes(tampered))
        self.assertFalse(answer["valid"])
        self.assertIn("differs from the document Pantau signed", answer["problem"])
        self.assertFalse(answer["signatures"][0]["valid"])
        with open(os.path.join(self.work, "tampered.pdf"), "wb") as f:
            f.write(tampered)
        self.assertNotIn("Signature is Valid.", pdfsig(os.path.join(self.work, "tampered.pdf")))
        self.assertEqual(self.raw(None, "GET", "/api/v1/verify/0123456789abcdef0123")[0], 404)

        # Notify: the letter, with the report (classification B), goes to the operator.
        self.act("budi", cid, "notify")

        def sent():
            status, page = self.call("budi", "GET", f"/api/v1/cases/{cid}/dispatches")
            self.assertEqual(status, 200, page)
            mail = [d for d in page["items"] if d["kind"] == "email"]
            return mail[0] if mail and mail[0]["status"] == "sent" else None
        dispatch = wait_for(sent, "the letter to be sent")
        self.assertEqual(dispatch["recipients"], ["pse@disdik.kukarkab.go.id"])
        [name] = [n for n in os.listdir(self.mail_dir) if n.endswith(".json")]
        with open(os.path.join(self.mail_dir, name)) as f:
            received = json.load(f)
        self.assertEqual(received["rcpt_to"], ["pse@disdik.kukarkab.go.id"])
        self.assertIn(letter["number"], received["subject"])
        self.assertIn(f"/api/v1/verify/{letter['id']}", received["text"])
        hashes = {a["sha256"] for a in received["attachments"]}
        self.assertEqual(hashes, {letter["signed_sha256"], report["signed_sha256"]})

        # The team's webhook heard the steps it asked for, and only those.
        wait_for(lambda: len(self.hooks) == 2, "two webhook calls")
        self.assertEqual([(h["event"], h["case"], h["state"]) for h in self.hooks],
                         [("approve", number, "approved"), ("notify", number, "notified")])

        # Every document step is in the hash-chained audit trail, which still verifies.
        status, history = self.call("budi", "GET", f"/api/v1/cases/{cid}/history")
        actions = [e["action"] for e in history["items"]]
        self.assertEqual(actions.count("document.freeze"), 2)
        self.assertEqual(actions.count("document.sign"), 2)
        self.assertEqual(pantau("audit", "verify", "--data", self.data_dir,
                                check=False).returncode, 0)

    def test_false_positive_work_report_signed_by_the_verifier(self):
        pantau("cert", "dev", "--user", "siti", "--name", "Siti Rahmawati, S.T.",
               "--data", self.data_dir)
        self.start()
        alert = self.alert_from_logger("Invalid user backup from 203.0.113.77 port 40022")
        case = self.open_case_from(alert)
        cid = case["id"]
        self.act("budi", cid, "investigate")
        self.verdict("budi", cid, "false_positive", "Pemindai internal tim sendiri")
        self.act("budi", cid, "assess")
        self.act("budi", cid, "report")
        self.act("budi", cid, "submit")
        [draft] = self.documents(cid)
        self.assertEqual((draft["kind"], draft["state"]), ("work_report", "frozen"))
        # A case submitted before Pantau made documents has no frozen version: verifying it
        # freezes one from the case as it is, then signs it.
        db = sqlite3.connect(os.path.join(self.data_dir, "pantau.db"))
        with db:
            db.execute("DELETE FROM documents")
        db.close()
        self.act("siti", cid, "verify")
        [work] = self.documents(cid)
        self.assertEqual((work["state"], work["signed_by"], work["signer_certified"]),
                         ("signed", "siti", False))
        path, _ = self.pdf("budi", f"/api/v1/cases/{cid}/report.pdf", "work-report-signed.pdf")
        sig = pdfsig(path)
        self.assertIn("Signature is Valid.", sig)
        self.assertIn("Siti Rahmawati", sig)
        text = text_of(path)
        for needle in ("LAPORAN KERJA", work["number"], "Pemindai internal tim sendiri",
                       "BUKAN sertifikat elektronik tersertifikasi"):
            self.assertIn(needle, re.sub(r"\s+", " ", text), needle)
        checked = self.verify(work["id"])
        self.assertTrue(checked["valid"])
        self.assertFalse(checked["document"]["signer_certified"])
        # No letter for a false positive; the case closes.
        status, _ = self.call("budi", "GET", f"/api/v1/cases/{cid}/letter.pdf")
        self.assertEqual(status, 404)
        self.assertEqual(self.act("budi", cid, "close")["state"], "closed")
