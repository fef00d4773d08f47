"""Vulnerability assessments from a case, over HTTP, against a small vulnerable-looking web server
the test starts on 127.0.0.1 (a directory listing, an exposed /.env, online-gambling spam, no
security headers): the built-in web checks and nmap find what is there, the raw output is kept as
the case's evidence with its SHA-256, runs are bounded (two at once) and can be cancelled,
findings get a status, every step is audited; and every target outside the registry is refused.
Nothing here talks to anything but 127.0.0.1."""
import hashlib
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request

from harness import DEADLINE_S, wait_for
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


class SlowSite(VulnerableSite):
    """The same site, answering each request a quarter of a second late: a web run takes a few
    seconds, long enough to be seen running."""

    def do_GET(self):
        time.sleep(0.25)
        super().do_GET()


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
        # An ended run has no progress any more.
        self.assertIsNone(run["progress"], run)
        self.assertTrue(run["tool_version"].startswith("Pantau web checks 2 (libcurl "), run)
        by_title = {f["title"]: f for f in run["findings"]}
        self.assertEqual(set(by_title), {
            "Missing Content-Security-Policy header", "Missing X-Frame-Options header",
            "Missing X-Content-Type-Options: nosniff", "Directory listing enabled",
            "Online-gambling content in the page", "Exposed environment file (/.env)",
            "Hidden links with gambling words in the page"}, by_title)
        hidden = by_title["Hidden links with gambling words in the page"]
        self.assertEqual((hidden["severity"], hidden["check_id"]), ("high", "web:hidden-link"))
        self.assertIn("http://spam.invalid/", hidden["evidence"])
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
        self.assertEqual(run["command"], "nmap -sV -Pn -oX - --stats-every 2s --host-timeout 120s "
                                         f"-p {self.site_port} 127.0.0.1")
        self.assertEqual((run["progress"]["done"], run["progress"]["total"]), (0, 100), run)
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
                     "/api/v1/assessments/{run}", "/api/v1/findings/{id}"):
            self.assertIn(path, paths)
        self.assertIn("progress", json.loads(body)["components"]["schemas"]["AssessmentRun"][
            "properties"])

    def test_progress_of_a_running_web_run(self):
        slow = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowSite)
        slow.daemon_threads = True
        threading.Thread(target=slow.serve_forever, daemon=True).start()
        self.addCleanup(slow.server_close)
        self.addCleanup(slow.shutdown)
        self.start_with_people()
        url = f"http://127.0.0.1:{slow.server_address[1]}/"
        status, system = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Situs Lambat", "operator": {"agency": "Diskominfo"}, "urls": [url]})
        self.assertEqual(status, 201, system)
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Situs lambat", "system_ids": [system["id"]]})
        self.assertEqual(status, 201, case)
        run = self.start("budi", case, {"system_id": system["id"], "kind": "web"})
        # Five checks of one http URL (page, exposed-files, cms, admin-panels, webshell-paths).
        self.assertEqual((run["progress"]["done"], run["progress"]["total"]), (0, 5), run)

        # While it runs, GET shows how far it is, never going back.
        seen = []

        def moved():
            status, now = self.call("siti", "GET", f"/api/v1/assessments/{run['id']}")
            self.assertEqual(status, 200, now)
            if now["status"] != "running":
                return now
            p = now["progress"]
            self.assertIsNotNone(p, now)
            self.assertEqual(p["total"], 5, p)
            self.assertTrue(0 <= p["done"] <= 5, p)
            if seen:
                self.assertGreaterEqual(p["done"], seen[-1]["done"], seen)
            seen.append(p)
            return now if p["done"] >= 2 else None
        wait_for(moved, "the slow web run to get past two checks", timeout=60, interval=0.2)
        self.assertTrue(seen, "the run ended before it was seen running")
        checks = {"starting", *(f"{c} {url}" for c in
                                ("page", "exposed-files", "cms", "admin-panels", "webshell-paths"))}
        self.assertTrue(all(p["step"] in checks for p in seen), seen)
        self.assertTrue(any(p["step"] != "starting" for p in seen), seen)

        ended = self.ended(case, run["id"], timeout=60)
        self.assertEqual(ended["status"], "done", ended)
        self.assertIsNone(ended["progress"], ended)
        status, one = self.call("kadis", "GET", f"/api/v1/assessments/{run['id']}")
        self.assertEqual((status, one["status"], one["progress"]), (200, "done", None), one)
        self.assertEqual(self.call("boss", "GET", f"/api/v1/assessments/{run['id']}")[0], 403)
        self.assertEqual(self.call("siti", "GET", "/api/v1/assessments/999")[0], 404)

    def test_progress_of_a_running_nmap_run(self):
        # A port that accepts and never says a word: nmap's service scan waits on it, reporting
        # its progress every two seconds, until the run is cancelled.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        held = []
        self.addCleanup(lambda: [c.close() for c in held])

        def hold():
            for _ in range(64):  # bounded: nmap opens a few connections per probe
                try:
                    held.append(silent.accept()[0])
                except OSError:
                    return
        threading.Thread(target=hold, daemon=True).start()
        system, case = self.register_and_open_case()
        run = self.start("budi", case, {"system_id": system["id"], "kind": "nmap",
                                        "ports": str(silent.getsockname()[1])})

        def reported():
            status, now = self.call("siti", "GET", f"/api/v1/assessments/{run['id']}")
            self.assertEqual(status, 200, now)
            self.assertEqual(now["status"], "running", now)
            p = now["progress"]
            self.assertEqual(p["total"], 100, p)
            self.assertTrue(0 <= p["done"] <= 100, p)
            return p if p["step"] != "starting nmap" else None
        p = wait_for(reported, "nmap's first progress report", timeout=60, interval=0.5)
        self.assertIn(p["step"], ("SYN Stealth Scan", "Service scan", "NSE", "Connect Scan"), p)
        status, _ = self.call("budi", "POST", f"/api/v1/assessments/{run['id']}/cancel")
        self.assertEqual(status, 202)
        ended = self.ended(case, run["id"], timeout=30)
        self.assertEqual((ended["status"], ended["progress"]), ("cancelled", None), ended)

    def test_two_at_once_and_cancel(self):
        system, case = self.register_and_open_case()
        body = {"system_id": system["id"], "kind": "nmap", "ports": str(self.site_port)}
        first = self.start("budi", case, body)
        self.assertEqual(first["progress"], {"done": 0, "total": 100, "step": "starting nmap"})
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


SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "src", "assess", "testdata")
IPS_LINE = ('date=2026-03-01 time=08:00:00 devname="FGT-KUKAR" devid="FG100E4Q17000001" '
            'logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" '
            'vd="root" severity="high" srcip=203.0.113.9 dstip=192.0.2.10 srcintf="wan1" '
            'dstintf="dmz" sessionid=99 action="dropped" proto=6 service="HTTP" policyid=5 '
            'attack="Apache.HTTP.Server.cgi-bin.Path.Traversal" srcport=55555 dstport=80 '
            'hostname="portal.example" url="/cgi-bin/.%2e/.%2e/etc/passwd" attackid=50876 '
            'ref="http://www.fortinet.com/ids/VID50876" cve="CVE-2021-41773" '
            'msg="web_server: Apache.HTTP.Server.cgi-bin.Path.Traversal,"')


class ImportAndSuggestionTest(CasesCase):
    """Scanner reports imported into a case (OpenVAS, Nessus, Nuclei, ZAP), hosts outside the
    registry left out, bad files refused with where and why; an IPS alert's CVE matched with the
    findings, the suggested verdict, and the analyst following or overriding it."""

    def upload(self, who, case, query, body, expect=201):
        cookies = self.people[who]
        req = urllib.request.Request(
            self.server.url(f"/api/v1/cases/{case['id']}/assessments/import?{query}"), data=body,
            method="POST", headers={
                "Content-Type": "application/octet-stream",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                "X-CSRF-Token": cookies["pantau_csrf"]})
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        answer = json.loads(text)
        self.assertEqual(status, expect, answer)
        return answer

    def sample(self, name):
        with open(os.path.join(SAMPLES, name), "rb") as f:
            return f.read()

    def register(self):
        self.start_with_people()
        status, system = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Portal Kukar", "operator": {"agency": "Diskominfo"},
            "urls": ["http://portal.example/"], "hosts": ["portal.example"],
            "ips": ["192.0.2.10"]})
        self.assertEqual(status, 201, system)
        return system

    def test_each_format_is_imported_and_outside_hosts_left_out(self):
        system = self.register()
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Temuan pemindai", "system_ids": [system["id"]]})
        self.assertEqual(status, 201, case)
        q = f"system_id={system['id']}&format="
        expected = {  # format: (sample, tool, findings kept, outside host, check id)
            "openvas": ("openvas_sample.xml", "Greenbone GMP 22.4", 3, "198.51.100.7",
                        "openvas:1.3.6.1.4.1.25623.1.0.117680"),
            "nessus": ("nessus_sample.nessus", "Nessus 10.7.1", 3, "198.51.100.7",
                       "nessus:153884"),
            "nuclei": ("nuclei_sample.jsonl", "Nuclei", 2, "198.51.100.7",
                       "nuclei:CVE-2021-41773"),
            "zap": ("zap_sample.json", "ZAP 2.14.0", 2, "cdn.example.net", "zap:40018"),
        }
        for fmt, (name, tool, kept, outside, check) in expected.items():
            body = self.sample(name)
            run = self.upload("budi", case, q + fmt, body)
            self.assertEqual((run["kind"], run["status"], run["tool_version"]),
                             (f"import:{fmt}", "done", tool), run)
            self.assertEqual(len(run["findings"]), kept, run["findings"])
            self.assertIn(check, [f["check_id"] for f in run["findings"]])
            self.assertEqual([o["host"] for o in run["outside_registry"]], [outside])
            self.assertIn("left out", run["message"])
            for f in run["findings"]:
                self.assertNotIn(outside, f["target"])
            # The file is the run's evidence, whole, with its SHA-256.
            self.assertEqual(run["output_sha256"], hashlib.sha256(body).hexdigest())
            status, item = self.call("budi", "GET",
                                     f"/api/v1/cases/{case['id']}/evidence/{run['evidence_id']}")
            self.assertEqual((status, item["sha256"]), (200, run["output_sha256"]), item)
        status, page = self.call("siti", "GET", f"/api/v1/cases/{case['id']}/assessments")
        self.assertEqual(page["total"], 4)

        refused = [
            (q + "openvas", b"<report><results><result>", 400, "line 1, column"),
            (q + "nessus", b"<?xml version='1.0'?>\n<nmaprun/>", 400,
             "line 2, <nmaprun> is not <NessusClientData_v2>"),
            (q + "zap", b'{"site": [\n{"@name": }]}', 400, "line 2, column"),
            (q + "nuclei", b'{"template-id":"x","info":{"severity":"low"},"host":"10.9.9.9"}\n',
             403, "no host of the file (10.9.9.9) is a URL, host name or address of system"),
            (q + "qualys", b"x", 400, "format: 'qualys' is not one of"),
            (f"format=zap", b"{}", 400, "system_id: required"),
            ("system_id=99&format=zap", self.sample("zap_sample.json"), 403, "not in the registry"),
            (q + "zap", b"", 400, "the body is empty"),
        ]
        for query, body, want, reason in refused:
            answer = self.upload("budi", case, query, body, expect=want)
            self.assertIn(reason, answer["error"]["message"], query)
        # Heads read, never import; nothing above was recorded.
        self.upload("kadis", case, q + "zap", self.sample("zap_sample.json"), expect=403)
        status, page = self.call("siti", "GET", f"/api/v1/cases/{case['id']}/assessments")
        self.assertEqual(page["total"], 4)

    def test_ips_alert_matched_with_findings_and_the_verdict_suggested(self):
        system = self.register()
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                        "-T", IPS_LINE], check=True, timeout=DEADLINE_S)

        def alert():
            status, page = self.call("budi", "GET", "/api/v1/alerts")
            self.assertEqual(status, 200, page)
            return page["items"][0] if page["total"] else None
        ips = wait_for(alert, "the IPS alert")
        self.assertEqual(ips["rule_title"], "FortiGate IPS Blocked an Attack")
        self.assertEqual(ips["fields"].get("cve"), "CVE-2021-41773", ips)
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"alert_ids": [ips["id"]], "system_ids": [system["id"]]})
        self.assertEqual(status, 201, case)
        path = f"/api/v1/cases/{case['id']}/verdict-suggestion"

        status, s = self.call("budi", "GET", path)
        self.assertEqual((status, s["suggestion"], s["verdict"]), (200, "unknown", None), s)

        # A ZAP scan checks no CVE, but it does check path traversal, the IPS signature's class,
        # and found none: a likely false positive, for now.
        q = f"system_id={system['id']}&format="
        zap = self.upload("budi", case, q + "zap", self.sample("zap_sample.json"))
        s = self.call("budi", "GET", path)[1]
        self.assertEqual(s["suggestion"], "likely_false_positive", s)
        self.assertEqual([(m["key"], m["kind"], m["run_id"]) for m in s["matches"]],
                         [("path_traversal", "absent", zap["id"])])

        # OpenVAS found the CVE the IPS named: likely real, with the finding.
        run = self.upload("budi", case, q + "openvas", self.sample("openvas_sample.xml"))
        traversal = next(f for f in run["findings"] if "CVE-2021-41773" in f["cves"])
        status, s = self.call("siti", "GET", path)
        self.assertEqual((s["suggestion"], s["verdict"]), ("likely_real", "confirmed"), s)
        self.assertEqual([(m["alert_id"], m["finding_id"], m["kind"], m["key"])
                          for m in s["matches"]],
                         [(ips["id"], traversal["id"], "present", "CVE-2021-41773"),
                          (ips["id"], traversal["id"], "present", "path_traversal")])
        self.assertTrue(any("CVE-2021-41773" in r for r in s["reasons"]), s)

        # Marked fixed: a likely false positive.
        status, _ = self.call("budi", "PATCH", f"/api/v1/findings/{traversal['id']}",
                              {"status": "fixed", "reason": "patched to 2.4.58"})
        self.assertEqual(status, 200)
        s = self.call("budi", "GET", path)[1]
        self.assertEqual((s["suggestion"], {m["kind"] for m in s["matches"]}),
                         ("likely_false_positive", {"dismissed"}), s)

        self.act("budi", case["id"], "investigate")
        self.act("budi", case["id"], "assess")
        # A stale suggestion is refused; an override needs a reason that says why.
        answer = self.call("budi", "POST", f"/api/v1/cases/{case['id']}/verdict", {
            "verdict": "confirmed", "justification": "x", "suggestion": "likely_real"})[1]
        self.assertIn("now suggest likely_false_positive", answer["error"]["message"])
        status, answer = self.call("budi", "POST", f"/api/v1/cases/{case['id']}/verdict", {
            "verdict": "confirmed", "justification": "real", "suggestion":
            "likely_false_positive"})
        self.assertEqual(status, 400, answer)
        self.assertIn("differs from the suggestion", answer["error"]["message"])
        reason = "the access log shows /etc/passwd served before the patch"
        status, answer = self.call("budi", "POST", f"/api/v1/cases/{case['id']}/verdict", {
            "verdict": "confirmed", "justification": reason,
            "suggestion": "likely_false_positive"})
        self.assertEqual((status, answer.get("verdict")), (200, "confirmed"), answer)
        entries = [e for e in self.audit_entries() if e["action"] == "case.verdict"]
        details = json.loads(entries[-1]["details"])
        self.assertEqual((details["suggestion"], details["suggestion_followed"]),
                         ("likely_false_positive", False), details)

    def audit_entries(self):
        db = sqlite3.connect(os.path.join(self.data_dir, "pantau.db"))
        try:
            rows = db.execute("SELECT action, details FROM audit_log ORDER BY seq").fetchall()
        finally:
            db.close()
        return [{"action": a, "details": d} for a, d in rows]
