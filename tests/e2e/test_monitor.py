"""Website monitoring over HTTP (issue 9), against a fixture web server the test starts on
127.0.0.1 that it switches between a clean page, the same page defaced, the page with hidden
gambling links, a page that shows gambling only to Googlebot (cloaking), a slow page and a failing
one. The test registers the system, approves the baseline, switches the fixture, asks for a check
and finds exactly the expected alerts in GET /api/v1/alerts. Nothing here talks to anything but
127.0.0.1."""
import http.server
import os
import ssl
import subprocess
import threading
import time

from test_cases import CasesCase

CLEAN = """<!doctype html><html><head><title>Dinas Kominfo Kukar</title>
<script src="/js/app.js"></script></head><body><h1>Dinas Komunikasi dan Informatika</h1>
<p>Selamat datang di portal resmi Dinas Komunikasi dan Informatika Kabupaten Kutai Kartanegara.
Kami melayani informasi publik, layanan aplikasi pemerintahan dan pengaduan masyarakat.</p>
<ul><li><a href="/profil">Profil</a></li><li><a href="/berita">Berita</a></li></ul>
</body></html>"""

DEFACED = """<html><head><title>Hacked By Kukar Xploit Team</title></head><body bgcolor=black>
<h1>Hacked by Kukar Xploit Team</h1><p>Your security is low. Greetz to all member.</p>
</body></html>"""

GAMBLING = CLEAN.replace("</body>", """<div style="position:absolute;left:-9999px">
<a href="https://slot-gacor.example/">SLOT GACOR hari ini</a>
<a href="https://togel.example/">bandar togel terpercaya</a></div></body>""")

CLOAKED_FOR_BOTS = """<html><head><title>SLOT GACOR MAXWIN - Situs Slot Online Terpercaya</title>
</head><body><h1>Situs slot gacor hari ini</h1><p>Daftar slot online, rtp live, maxwin.</p>
</body></html>"""


class Site(http.server.BaseHTTPRequestHandler):
    mode = "clean"  # set by the test

    def do_GET(self):
        mode = Site.mode
        if mode == "slow":
            time.sleep(4)  # longer than the monitor's request timeout
            return self.answer(200, CLEAN)
        if mode == "down":
            return self.answer(503, "<html><h1>503 Service Unavailable</h1></html>")
        if mode == "cloak" and "Googlebot" in self.headers.get("User-Agent", ""):
            return self.answer(200, CLOAKED_FOR_BOTS)
        page = {"clean": CLEAN, "cloak": CLEAN, "defaced": DEFACED, "gambling": GAMBLING}[mode]
        self.answer(200, page)

    def answer(self, status, text):
        body = text.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the monitor gave up waiting (the slow page)

    def log_message(self, *args):
        pass


class MonitorTest(CasesCase):
    # The scheduler is off so that only the checks the test asks for run.
    config_text = ("monitor:\n  enabled: false\n  request_timeout_s: 2\n"
                   "  down_after_failures: 2\n")

    def setUp(self):
        super().setUp()
        Site.mode = "clean"
        self.site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        self.site.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.site.server_address[1]}/"
        threading.Thread(target=self.site.serve_forever, daemon=True).start()

    def tearDown(self):
        self.site.shutdown()
        self.site.server_close()
        super().tearDown()

    def register(self):
        self.start_with_people()
        status, system = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Portal Kominfo", "operator": {"agency": "Diskominfo"},
            "urls": [self.url], "ips": ["127.0.0.1"]})
        self.assertEqual(status, 201, system)
        return system

    def check(self, system, mode, who="budi"):
        Site.mode = mode
        status, result = self.call(who, "POST", f"/api/v1/systems/{system['id']}/check")
        self.assertEqual(status, 200, result)
        self.assertEqual(len(result["urls"]), 1, result)
        return result["urls"][0]

    def monitor_alerts(self):
        status, page = self.call("budi", "GET", "/api/v1/alerts?limit=100")
        self.assertEqual(status, 200, page)
        return {a["rule_id"]: a for a in page["items"] if a["dataset"] == "monitor.web"}

    def kinds(self, url_check):
        return {f["kind"] for f in url_check["findings"]}

    def test_defacement_gambling_and_cloaking_raise_their_alerts(self):
        system = self.register()
        # A check without a baseline still looks for gambling, defacement and cloaking.
        first = self.check(system, "clean")
        self.assertEqual((first["up"], first["status"], first["baseline"]), (True, 200, False))
        self.assertEqual(first["title"], "Dinas Kominfo Kukar")
        self.assertEqual(first["findings"], [])

        status, base = self.call("budi", "POST", f"/api/v1/systems/{system['id']}/baseline")
        self.assertEqual(status, 200, base)
        self.assertEqual([i["url"] for i in base["items"]], [self.url])
        self.assertEqual(base["items"][0]["approved_by"], "budi")
        self.assertEqual(base["items"][0]["body_sha256"], first["body_sha256"])

        clean = self.check(system, "clean")
        self.assertEqual((clean["findings"], clean["baseline"]), ([], True))
        self.assertEqual(self.monitor_alerts(), {})

        defaced = self.check(system, "defaced")
        self.assertEqual(self.kinds(defaced), {"defacement", "title_changed", "content_changed"})
        alerts = self.monitor_alerts()
        self.assertEqual(set(alerts), {"pantau-monitor-defacement", "pantau-monitor-title-changed",
                                       "pantau-monitor-content-changed"})
        a = alerts["pantau-monitor-defacement"]
        self.assertEqual((a["level"], a["system_id"], a["host"], a["event_ids"]),
                         ("critical", system["id"], "127.0.0.1", []))
        self.assertEqual(a["fields"]["url.full"], self.url)
        self.assertEqual(a["fields"]["monitor.kind"], "defacement")
        self.assertEqual(a["fields"]["monitor.body_sha256"], defaced["body_sha256"])
        self.assertEqual(a["fields"]["monitor.baseline_sha256"], base["items"][0]["body_sha256"])
        self.assertIn("Hacked by Kukar Xploit Team", a["fields"]["monitor.evidence"])

        gambling = self.check(system, "gambling")
        self.assertEqual(self.kinds(gambling), {"gambling", "hidden_link"})
        alerts = self.monitor_alerts()
        self.assertIn("pantau-monitor-gambling", alerts)
        hidden = alerts["pantau-monitor-hidden-link"]
        self.assertIn("https://slot-gacor.example/", hidden["fields"]["monitor.evidence"])
        self.assertIn("off-screen (left:-9999px)", hidden["fields"]["monitor.evidence"])

        cloaked = self.check(system, "cloak")
        self.assertEqual(self.kinds(cloaked), {"cloaking"})
        self.assertNotEqual(cloaked["crawler_sha256"], cloaked["body_sha256"])
        cloaking = self.monitor_alerts()["pantau-monitor-cloaking"]
        self.assertEqual(cloaking["level"], "critical")
        self.assertIn("SLOT GACOR MAXWIN", cloaking["fields"]["monitor.evidence"])
        self.assertEqual(cloaking["fields"]["monitor.crawler_sha256"], cloaked["crawler_sha256"])

        # The same defacement again groups into its alert.
        self.check(system, "defaced")
        alerts = self.monitor_alerts()
        self.assertEqual(alerts["pantau-monitor-defacement"]["count"], 2)
        self.assertEqual(len(alerts), 6, sorted(alerts))

        status, board = self.call("kadis", "GET", f"/api/v1/systems/{system['id']}/status")
        self.assertEqual(status, 200, board)
        u = board["urls"][0]
        self.assertEqual((u["url"], u["state"], u["consecutive_failures"]), (self.url, "up", 0))
        self.assertEqual(u["baseline"]["approved_by"], "budi")
        self.assertEqual(len(u["history"]), 6)
        self.assertEqual(u["last_check"]["title"], "Hacked By Kukar Xploit Team")
        self.assertEqual(u["last_content_check"]["findings"][0]["kind"], "defacement")
        self.assertIsNone(u["certificate"])  # http: no certificate

    def test_slow_and_failing_site_goes_down_and_up(self):
        system = self.register()
        self.assertEqual(self.check(system, "clean", who="boss")["up"], True)

        slow = self.check(system, "slow")
        self.assertEqual((slow["up"], slow["status"]), (False, 0))
        self.assertIn("no answer within 2000 ms", slow["error"])
        self.assertEqual(slow["findings"], [])  # one failure is not down yet

        down = self.check(system, "down")
        self.assertEqual((down["up"], down["status"], self.kinds(down)), (False, 503, {"down"}))
        self.assertEqual(self.kinds(self.check(system, "down")), set())  # still down: no repeat
        alert = self.monitor_alerts()["pantau-monitor-down"]
        self.assertEqual((alert["level"], alert["count"], alert["system_id"]),
                         ("high", 1, system["id"]))

        status, board = self.call("budi", "GET", f"/api/v1/systems/{system['id']}/status")
        self.assertEqual((board["urls"][0]["state"], board["urls"][0]["consecutive_failures"]),
                         ("down", 3))

        up = self.check(system, "clean")
        self.assertEqual(self.kinds(up), {"up"})
        self.assertEqual(self.monitor_alerts()["pantau-monitor-up"]["level"], "informational")

    def test_permissions_and_refusals(self):
        system = self.register()
        # A head reads the status but neither checks nor approves.
        for path in ("check", "baseline"):
            status, answer = self.call("kadis", "POST", f"/api/v1/systems/{system['id']}/{path}")
            self.assertEqual(status, 403, answer)
        status, answer = self.call("budi", "POST", "/api/v1/systems/999/check")
        self.assertEqual(status, 404, answer)
        Site.mode = "down"
        status, answer = self.call("siti", "POST", f"/api/v1/systems/{system['id']}/baseline")
        self.assertEqual(status, 409, answer)
        self.assertIn("no page could be taken as the baseline", answer["error"]["message"])
        # A system without URLs has nothing to check.
        status, bare = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Server Tanpa Web", "operator": {"agency": "Diskominfo"}, "ips": ["10.9.8.7"]})
        self.assertEqual(status, 201, bare)
        status, answer = self.call("budi", "POST", f"/api/v1/systems/{bare['id']}/check")
        self.assertEqual(status, 409, answer)

    def test_certificate_that_does_not_verify(self):
        # A self-signed certificate valid for 3 days: it does not verify, and its expiry is read.
        key, cert = (os.path.join(self.data_dir, n) for n in ("site-key.pem", "site-cert.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "3", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        tls.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        self.addCleanup(tls.server_close)
        self.addCleanup(tls.shutdown)
        self.url = f"https://127.0.0.1:{tls.server_address[1]}/"
        system = self.register()
        checked = self.check(system, "clean")
        self.assertEqual((checked["up"], self.kinds(checked)), (True, {"cert_invalid"}))
        self.assertEqual(checked["certificate"]["verified"], False)
        self.assertIn("self-signed", checked["certificate"]["problem"])
        self.assertIn("127.0.0.1", checked["certificate"]["subject"])
        self.assertIsNotNone(checked["certificate"]["not_after"])
        alert = self.monitor_alerts()["pantau-monitor-cert-invalid"]
        self.assertEqual((alert["level"], alert["system_id"]), ("high", system["id"]))
        status, board = self.call("budi", "GET", f"/api/v1/systems/{system['id']}/status")
        self.assertEqual(board["urls"][0]["certificate"]["verified"], False)
