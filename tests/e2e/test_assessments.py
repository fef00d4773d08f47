"""Vulnerability assessments from a case, over HTTP, against a small vulnerable-looking web server
the test starts on 127.0.0.1 (a directory listing, an exposed /.env, online-gambling spam, no
security headers): the built-in web checks and nmap find what is there, the raw output is kept as
the case's evidence with its SHA-256, runs are bounded (two at once) and can be cancelled,
findings get a status, every step is audited; and every target outside the registry is refused.
Nothing here talks to anything but 127.0.0.1."""
import http.server
import json
import threading

from harness import wait_for
from test_cases import CasesCase

LISTING = b"""<html><head><title>Index of /</title></head><body><h1>Index of /</h1>
<ul><li><a href="berita/">berita/</a></li><li><a href=".env">.env</a></li></ul>
<div style="display:none"><a href="http://spam.invalid/">SLOT GACOR hari ini, situs slot terpercaya</a></div>
</body></html>"""
ENV = b"APP_KEY=base64:Zm9vYmFy\nDB_PASSWORD=rahasia-sekali\n"


class VulnerableSite(http.server.BaseHTTPRequestHandler):
    """Answers like a badly kept site: no security headers at all."""

    def do_GET(self):
        if self.path == "/":
            self.answer(200, "text/html; charset=utf-8", LISTING)
        elif self.path == "/.env":
            self.answer(200, "text/plain", ENV)
        else:
            self.answer(404, "text/html", b"<html><h1>404 Not Found</h1></html>")

    def do_HEAD(self):
        self.do_GET()

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class AssessmentsTest(CasesCase):
    def setUp(self):
        super().setUp()
        self.site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), VulnerableSite)
        self.site.daemon_threads = True
        self.site_port = self.site.server_address[1]
        threading.Thread(target=self.site.serve_forever, daemon=True).start()

    def tearDown(self):
        self.site.shutdown()
        self.site.server_close()
        super().tearDown()

    def register_and_open_case(self):
        self.start_with_people()
        status, system = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Situs Uji", "operator": {"agency": "Diskominfo"},
            "urls": [f"http://127.0.0.1:{self.site_port}/"], "ips": ["127.0.0.1"]})
        self.assertEqual(status, 201, system)
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Judi online di situs uji", "system_ids": [system["id"]]})
        self.assertEqual(status, 201, case)
        return system, case

    def start(self, who, case, body, expect=202):
        status, answer = self.call(who, "POST", f"/api/v1/cases/{case['id']}/assessments", body)
        self.assertEqual(status, expect, answer)
        return answer

    def ended(self, case, run_id, timeout=180):
        def run():
            status, page = self.call("siti", "GET", f"/api/v1/cases/{case['id']}/assessments")
            self.assertEqual(status, 200, page)
            for r in page["items"]:
                if r["id"] == run_id and r["status"] != "running":
                    return r
            return None
        return wait_for(run, f"assessment run {run_id} to end", timeout=timeout, interval=0.2)

    def test_web_checks_and_nmap_against_a_registered_fixture(self):
        system, case = self.register_and_open_case()
        url = f"http://127.0.0.1:{self.site_port}/"

        run = self.start("budi", case, {"system_id": system["id"], "kind": "web"})
        self.assertEqual((run["status"], run["kind"], run["targets"]), ("running", "web", [url]))
        run = self.ended(case, run["id"], timeout=60)
        self.assertEqual(run["status"], "done", run)
        self.assertTrue(run["tool_version"].startswith("Pantau web checks 1 (libcurl "), run)
        by_title = {f["title"]: f for f in run["findings"]}
        self.assertEqual(set(by_title), {
            "Missing Content-Security-Policy header", "Missing X-Frame-Options header",
            "Missing X-Content-Type-Options: nosniff", "Directory listing enabled",
            "Online-gambling content in the page", "Exposed environment file (/.env)"}, by_title)
        gambling = by_title["Online-gambling content in the page"]
        self.assertEqual((gambling["severity"], gambling["target"], gambling["status"]),
                         ("high", url, "open"))
        self.assertIn("SLOT GACOR hari ini", gambling["evidence"])
        env = by_title["Exposed environment file (/.env)"]
        self.assertIn("DB_PASSWORD=***", env["evidence"])
        self.assertNotIn("rahasia-sekali", env["evidence"])

        # The raw output is the case's evidence, with its hash and chain of custody.
        status, item = self.call("budi", "GET",
                                 f"/api/v1/cases/{case['id']}/evidence/{run['evidence_id']}")
        self.assertEqual(status, 200, item)
        self.assertEqual(item["sha256"], run["output_sha256"])
        self.assertEqual(item["name"], f"web-checks-run-{run['id']}.txt")
        self.assertEqual(item["custody"][0]["event"], "acquired")

        # nmap against the fixture's port: its open port and service, in nmap's own words.
        run = self.start("siti", case, {"system_id": system["id"], "kind": "nmap",
                                        "ports": str(self.site_port)})
        self.assertEqual(run["targets"], ["127.0.0.1"])
        self.assertEqual(run["command"], "nmap -sV -Pn -oX - --host-timeout 120s -p "
                                         f"{self.site_port} 127.0.0.1")
        run = self.ended(case, run["id"])
        self.assertEqual(run["status"], "done", run)
        self.assertTrue(run["tool_version"].startswith("nmap 7."), run)
        ports = [f for f in run["findings"] if f["title"].startswith(f"Open port {self.site_port}/tcp")]
        self.assertEqual(len(ports), 1, run["findings"])
        self.assertEqual((ports[0]["severity"], ports[0]["target"]),
                         ("info", f"127.0.0.1:{self.site_port}/tcp"))
        self.assertIn("http", ports[0]["title"])
        status, item = self.call("budi", "GET",
                                 f"/api/v1/cases/{case['id']}/evidence/{run['evidence_id']}")
        self.assertEqual((status, item["sha256"]), (200, run["output_sha256"]))
        cookie = "; ".join(f"{k}={v}" for k, v in self.people["budi"].items())
        status, _, xml = self.server.http(
            "GET", f"/api/v1/cases/{case['id']}/evidence/{run['evidence_id']}/content",
            headers={"Cookie": cookie})
        self.assertEqual(status, 200)
        self.assertIn(b"<nmaprun", xml)

        # Findings get a status from analysts and coordinators; a false positive says why.
        status, answer = self.call("budi", "PATCH", f"/api/v1/findings/{gambling['id']}",
                                   {"status": "false_positive"})
        self.assertEqual(status, 400, answer)
        self.assertIn("reason: required", answer["error"]["message"])
        self.assertEqual(self.call("kadis", "PATCH", f"/api/v1/findings/{gambling['id']}",
                                   {"status": "confirmed"})[0], 403)
        status, finding = self.call("budi", "PATCH", f"/api/v1/findings/{gambling['id']}",
                                    {"status": "confirmed", "reason": "PoC: screenshot"})
        self.assertEqual((status, finding["status"], finding["updated_by"]),
                         (200, "confirmed", "budi"), finding)

        # Everyone who works cases reads them; admins do not.
        self.assertEqual(self.call("kadis", "GET", f"/api/v1/cases/{case['id']}/assessments")[0], 200)
        self.assertEqual(self.call("boss", "GET", f"/api/v1/cases/{case['id']}/assessments")[0], 403)

        status, history = self.call("budi", "GET", f"/api/v1/cases/{case['id']}/history")
        actions = [e["action"] for e in history["items"]]
        self.assertEqual([a for a in actions if a.startswith(("assessment.", "finding."))],
                         ["assessment.start", "assessment.finish", "assessment.start",
                          "assessment.finish", "finding.update"])

        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        paths = json.loads(body)["paths"]
        for path in ("/api/v1/cases/{id}/assessments", "/api/v1/assessments/{run}/cancel",
                     "/api/v1/findings/{id}"):
            self.assertIn(path, paths)

    def test_two_at_once_and_cancel(self):
        system, case = self.register_and_open_case()
        body = {"system_id": system["id"], "kind": "nmap", "ports": str(self.site_port)}
        first = self.start("budi", case, body)
        second = self.start("siti", case, body)
        answer = self.start("budi", case, body, expect=503)
        self.assertIn("2 assessments are running", answer["error"]["message"])
        status, cancelled = self.call("siti", "POST", f"/api/v1/assessments/{second['id']}/cancel")
        self.assertEqual((status, cancelled["cancel_requested_by"]), (202, "siti"), cancelled)
        self.assertEqual(self.ended(case, second["id"], timeout=30)["status"], "cancelled")
        self.assertEqual(self.ended(case, first["id"])["status"], "done")
        status, answer = self.call("budi", "POST", f"/api/v1/assessments/{first['id']}/cancel")
        self.assertEqual(status, 409, answer)
        self.assertEqual(self.call("kadis", "POST",
                                   f"/api/v1/assessments/{first['id']}/cancel")[0], 403)

    def test_targets_outside_the_registry_are_refused(self):
        system, case = self.register_and_open_case()
        sid = system["id"]
        refused = [
            ({"system_id": sid, "kind": "nmap", "target": "127.0.0.2"}, 403,
             "target '127.0.0.2' is not a URL, host name or address of system"),
            ({"system_id": sid, "kind": "web", "target": "http://127.0.0.1:1/"}, 403,
             "Pantau scans only what the registry lists"),
            ({"system_id": sid, "kind": "nmap", "target": "localhost"}, 403, "is not a URL"),
            ({"system_id": "99", "kind": "nmap"}, 403, "system '99' is not in the registry"),
            ({"system_id": "99", "kind": "web", "target": "127.0.0.1"}, 403,
             "not in the registry"),
            ({"system_id": sid, "kind": "nmap", "target": "127.0.0.0/16"}, 400,
             "is wider than /24"),
            ({"system_id": sid, "kind": "nmap", "target": "-iL /etc/passwd"}, 400, "target"),
            ({"system_id": sid, "kind": "nmap", "ports": "80; id"}, 400, "ports:"),
            ({"system_id": sid, "kind": "nikto"}, 400, "kind: 'nikto' is not one of nmap, web"),
            ({"system_id": sid, "kind": "web", "target": "127.0.0.1"}, 400,
             "web checks need one of the system's URLs"),
            ({"kind": "web"}, 400, "system_id: required"),
            ({"system_id": sid, "kind": "web", "extra": 1}, 400, "unknown member 'extra'"),
        ]
        for body, want, reason in refused:
            status, answer = self.call("budi", "POST", f"/api/v1/cases/{case['id']}/assessments",
                                       body)
            self.assertEqual(status, want, (body, answer))
            self.assertIn(reason, answer["error"]["message"], body)
        # Retired: nothing of it is scanned any more.
        status, _ = self.call("boss", "PUT", f"/api/v1/systems/{sid}", {
            "name": "Situs Uji", "operator": {"agency": "Diskominfo"},
            "urls": [f"http://127.0.0.1:{self.site_port}/"], "ips": ["127.0.0.1"],
            "status": "retired"})
        self.assertEqual(status, 200)
        answer = self.start("budi", case, {"system_id": sid, "kind": "web"}, expect=403)
        self.assertIn("is retired", answer["error"]["message"])
        # A system the case does not link; heads, admins and API keys start nothing.
        status, other = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Lain", "operator": {"agency": "Diskominfo"}, "ips": ["127.0.0.3"]})
        self.assertEqual(status, 201, other)
        answer = self.start("budi", case, {"system_id": other["id"], "kind": "nmap"}, expect=409)
        self.assertIn("is not linked to case", answer["error"]["message"])
        for who in ("kadis", "boss"):
            self.start(who, case, {"system_id": other["id"], "kind": "nmap"}, expect=403)
        status, page = self.call("budi", "GET", f"/api/v1/cases/{case['id']}/assessments")
        self.assertEqual((status, page["total"]), (200, 0))
