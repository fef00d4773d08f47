"""Website monitoring over HTTP (issue 9), against a fixture web server the test starts on
127.0.0.1 that it switches between a clean page, the same page defaced, the page with hidden
gambling links, a page that shows gambling only to Googlebot (cloaking), a slow page and a failing
one. The test registers the system, approves the baseline, switches the fixture, asks for a check
and finds exactly the expected alerts in GET /api/v1/alerts. Nothing here talks to anything but
127.0.0.1."""
import hashlib
import http.server
import os
import shutil
import tempfile
import sqlite3
import ssl
import subprocess
import json
import threading
import time
import urllib.error
import unittest
import urllib.request

from harness import pantau
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
    pages = {}  # path -> (content type, body): the site's other pages; the rest is 404
    requests = []  # (Host header, path) of every request

    def do_GET(self):
        mode = Site.mode
        Site.requests.append((self.headers.get("Host", ""), self.path))
        if self.path != "/":
            if self.path not in Site.pages:
                return self.answer(404, "<html><h1>404 Not Found</h1></html>")
            content_type, text = Site.pages[self.path]
            return self.answer(200, text, content_type)
        if mode == "slow":
            time.sleep(4)  # longer than the monitor's request timeout
            return self.answer(200, CLEAN)
        if mode == "down":
            return self.answer(503, "<html><h1>503 Service Unavailable</h1></html>")
        if mode == "cloak" and "Googlebot" in self.headers.get("User-Agent", ""):
            return self.answer(200, CLOAKED_FOR_BOTS)
        page = {"clean": CLEAN, "cloak": CLEAN, "defaced": DEFACED, "gambling": GAMBLING}[mode]
        self.answer(200, page)

    def answer(self, status, text, content_type="text/html; charset=utf-8"):
        body = text.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the monitor gave up waiting (the slow page)

    def log_message(self, *args):
        pass


class MonitorCase(CasesCase):
    # The scheduler is off so that only the checks the test asks for run.
    config_text = ("monitor:\n  enabled: false\n  request_timeout_s: 2\n"
                   "  down_after_failures: 2\n")

    def setUp(self):
        super().setUp()
        Site.mode = "clean"
        Site.pages = {}
        Site.requests = []
        self.site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        self.site.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.site.server_address[1]}/"
        threading.Thread(target=self.site.serve_forever, daemon=True).start()

    def tearDown(self):
        self.site.shutdown()
        self.site.server_close()
        super().tearDown()

    def register(self, **fields):
        self.start_with_people()
        status, system = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Portal Kominfo", "operator": {"agency": "Diskominfo"},
            "urls": [self.url], "ips": ["127.0.0.1"], **fields})
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

    def raw(self, who, path):
        """GET as `who` (None: nobody): (status, headers, body bytes)."""
        headers = {}
        if who:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.people[who].items())
        req = urllib.request.Request(self.server.url(path), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


class MonitorTest(MonitorCase):
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
        # No browser configured: no screenshot, and no word of one.
        self.assertNotIn("monitor.screenshot_sha256", a["fields"])
        self.assertNotIn("monitor.screenshot_error", a["fields"])

        # What changed, from the baseline to the defaced page: read as text, for whoever reads alerts.
        base_sha, body_sha = a["fields"]["monitor.baseline_sha256"], a["fields"]["monitor.body_sha256"]
        status, diff = self.call("kadis", "GET",
                                 f"/api/v1/monitor/diff?from={base_sha}&to={body_sha}")
        self.assertEqual(status, 200, diff)
        self.assertEqual(diff["title"], {"from": "Dinas Kominfo Kukar",
                                         "to": "Hacked By Kukar Xploit Team"})
        added = [l["text"] for l in diff["text"] if l["op"] == "added"]
        removed = [l["text"] for l in diff["text"] if l["op"] == "removed"]
        self.assertTrue(any(l.startswith("Hacked by Kukar Xploit Team") for l in added), diff)
        self.assertIn("Greetz to all member.", added)
        self.assertTrue(any("Selamat datang di portal resmi" in l for l in removed), diff)
        self.assertEqual(diff["scripts"], {"added": [], "removed": ["/js/app.js"]})
        self.assertEqual(sorted(l["href"] for l in diff["links"]["removed"]), ["/berita", "/profil"])
        self.assertEqual((diff["links"]["added"], diff["iframes"]["added"]), ([], []))
        self.assertEqual((diff["truncated"], diff["truncated_reason"]), (False, ""))
        status, same = self.call("kadis", "GET",
                                 f"/api/v1/monitor/diff?from={base_sha}&to={base_sha}")
        self.assertEqual(status, 200, same)
        self.assertEqual({l["op"] for l in same["text"]}, {"same"})
        status, answer = self.call("kadis", "GET", f"/api/v1/monitor/diff?from={base_sha}&to={'0' * 64}")
        self.assertEqual(status, 404, answer)
        status, answer = self.call("kadis", "GET", f"/api/v1/monitor/diff?from=..%2Fx&to={body_sha}")
        self.assertEqual(status, 400, answer)
        status, answer = self.call("kadis", "GET", f"/api/v1/monitor/diff?from={base_sha}")
        self.assertEqual(status, 400, answer)
        status, _, _ = self.raw(None, f"/api/v1/monitor/diff?from={base_sha}&to={body_sha}")
        self.assertEqual(status, 401)

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

    def test_kept_pages_go_into_a_case_as_evidence(self):
        system = self.register(crawl_pages=0)
        cloaked = self.check(system, "cloak")
        alert = self.monitor_alerts()["pantau-monitor-cloaking"]
        crawler_sha = alert["fields"]["monitor.crawler_sha256"]
        self.assertEqual(crawler_sha, cloaked["crawler_sha256"])
        status, case = self.call("budi", "POST", "/api/v1/cases", {"title": "Cloaking judi"})
        self.assertEqual(status, 201, case)
        path = f"/api/v1/cases/{case['id']}/evidence/monitor"

        status, item = self.call("budi", "POST", path, {"sha256": crawler_sha})
        self.assertEqual(status, 201, item)
        self.assertEqual((item["sha256"], item["kind"], item["name"]),
                         (crawler_sha, "file", f"halaman-{crawler_sha[:12]}.html"))
        self.assertEqual(item["size"], len(CLOAKED_FOR_BOTS.encode()))
        self.assertIn(crawler_sha, item["description"])
        self.assertEqual([c["event"] for c in item["custody"]], ["acquired"])
        self.assertIn("website monitoring", item["custody"][0]["note"])
        status, listed = self.call("kadis", "GET", f"/api/v1/cases/{case['id']}/evidence")
        self.assertEqual([i["sha256"] for i in listed["items"]], [crawler_sha])

        # Only kept bodies, named by their hash; an admin does not work cases.
        status, answer = self.call("budi", "POST", path, {"sha256": "0" * 64})
        self.assertEqual(status, 404, answer)
        self.assertIn("is kept", answer["error"]["message"])
        status, answer = self.call("budi", "POST", path, {"sha256": "../../etc/passwd"})
        self.assertEqual(status, 400, answer)
        status, answer = self.call("budi", "POST", path, {"hash": crawler_sha})
        self.assertEqual(status, 400, answer)
        status, answer = self.call("boss", "POST", path, {"sha256": crawler_sha})
        self.assertEqual(status, 403, answer)

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

    def openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    def tls_site(self, cert, key):
        """An https copy of the fixture site on 127.0.0.1 that shows `cert`; returns its URL."""
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        tls.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        self.addCleanup(tls.server_close)
        self.addCleanup(tls.shutdown)
        return f"https://127.0.0.1:{tls.server_address[1]}/"

    def test_certificate_that_does_not_verify(self):
        # A self-signed certificate valid for 3 days: it does not verify, and its expiry is read.
        key, cert = (os.path.join(self.data_dir, n) for n in ("site-key.pem", "site-cert.pem"))
        self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                     "-days", "3", "-subj", "/CN=127.0.0.1")
        self.url = self.tls_site(cert, key)
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

    def test_certificate_about_to_expire(self):
        # The test's own CA, which the monitor is told to trust (monitor.ca_file), signs two site
        # certificates: one valid 5 more days (under cert_warn_days, 14), one valid for a year.
        path = lambda name: os.path.join(self.data_dir, name)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self.openssl("req", "-x509", *ec, "-keyout", path("ca-key.pem"), "-out", path("ca.pem"),
                     "-days", "400", "-subj", "/CN=Pantau Test CA")
        urls = {}
        for serial, (name, days) in enumerate((("soon", 5), ("long", 365)), start=1):
            key, csr, cert = path(f"{name}-key.pem"), path(f"{name}.csr"), path(f"{name}.pem")
            self.openssl("req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
            self.openssl("x509", "-req", "-in", csr, "-CA", path("ca.pem"), "-CAkey",
                         path("ca-key.pem"), "-set_serial", str(serial), "-days", str(days),
                         "-out", cert)
            urls[name] = self.tls_site(cert, key)
        self.config_text = MonitorCase.config_text + f"  ca_file: {path('ca.pem')}\n"
        self.url = urls["soon"]
        system = self.register(urls=[urls["soon"], urls["long"]], crawl_pages=0)

        status, result = self.call("budi", "POST", f"/api/v1/systems/{system['id']}/check")
        self.assertEqual(status, 200, result)
        checked = {u["url"]: u for u in result["urls"]}
        soon, long = checked[urls["soon"]], checked[urls["long"]]
        for u in (soon, long):
            self.assertEqual((u["up"], u["certificate"]["verified"]), (True, True), u)
            self.assertIn("Pantau Test CA", u["certificate"]["issuer"])
        self.assertEqual(self.kinds(soon), {"cert_expiring"})
        self.assertEqual(long["findings"], [])
        self.assertEqual(result["alerts"], ["pantau-monitor-cert-expiring"])

        alerts = self.monitor_alerts()
        self.assertEqual(set(alerts), {"pantau-monitor-cert-expiring"})
        alert = alerts["pantau-monitor-cert-expiring"]
        self.assertEqual((alert["level"], alert["system_id"], alert["fields"]["url.full"]),
                         ("medium", system["id"], urls["soon"]))
        self.assertRegex(alert["fields"]["monitor.summary"], r"\([45] days left\)")
        self.assertIn("Pantau Test CA", alert["fields"]["monitor.evidence"])

        status, board = self.call("budi", "GET", "/api/v1/monitor/board")
        self.assertEqual(status, 200, board)
        self.assertIn(board["items"][0]["cert_days_left"], (4, 5))
        self.assertIs(board["items"][0]["cert_verified"], True)


CHROMIUM = shutil.which("chromium")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class MonitorScreenshotTest(MonitorCase):
    """With monitor.screenshot_browser set, a page that raised a defacement or cloaking alert is
    screenshotted by headless Chromium (as the crawler too for cloaking), the PNG is kept by its
    SHA-256, the alert names it, and GET /api/v1/monitor/bodies/{sha256} gives it back."""
    config_text = MonitorCase.config_text + f"  screenshot_browser: {CHROMIUM}\n" \
        "  screenshot_timeout_s: 60\n"

    def setUp(self):
        # scripts/setup.sh installs it (the browser tests need it too): its absence is a failure,
        # never a skip.
        self.assertIsNotNone(CHROMIUM, "Debian's chromium is not installed (scripts/setup.sh)")
        super().setUp()

    def png(self, sha):
        status, headers, body = self.raw("kadis", f"/api/v1/monitor/bodies/{sha}")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["Content-Type"], "image/png")
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertTrue(body.startswith(PNG_SIGNATURE), body[:16])
        self.assertGreater(len(body), 1024)
        self.assertEqual(hashlib.sha256(body).hexdigest(), sha)
        return body

    def test_defacement_and_cloaking_are_screenshotted(self):
        system = self.register(crawl_pages=0)
        defaced = self.check(system, "defaced")
        self.assertEqual(self.kinds(defaced), {"defacement"})
        a = self.monitor_alerts()["pantau-monitor-defacement"]
        shot = a["fields"].get("monitor.screenshot_sha256")
        self.assertIsNotNone(shot, a["fields"])
        self.assertNotIn("monitor.crawler_screenshot_sha256", a["fields"])  # not cloaking
        self.png(shot)
        # The browser asked only the registered URL (the fixture's page has no other resource).
        self.assertIn(("127.0.0.1:" + str(self.site.server_address[1]), "/"), Site.requests)

        # The page body itself: text, an attachment, never HTML.
        status, headers, body = self.raw("kadis", f"/api/v1/monitor/bodies/{defaced['body_sha256']}")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["Content-Type"], "text/plain; charset=utf-8")
        self.assertTrue(headers["Content-Disposition"].startswith("attachment;"), headers)
        self.assertEqual(headers["Content-Security-Policy"], "default-src 'none'; sandbox")
        self.assertEqual(body, DEFACED.encode())

        # Cloaking: the browser's view and the crawler's, two pictures.
        self.check(system, "cloak")
        cloaking = self.monitor_alerts()["pantau-monitor-cloaking"]
        browser_shot = cloaking["fields"].get("monitor.screenshot_sha256")
        crawler_shot = cloaking["fields"].get("monitor.crawler_screenshot_sha256")
        self.assertIsNotNone(crawler_shot, cloaking["fields"])
        self.assertNotEqual(browser_shot, crawler_shot)
        self.png(browser_shot)
        self.png(crawler_shot)
        bots = [p for h, p in Site.requests if p == "/"]
        self.assertGreaterEqual(len(bots), 4)  # two fetches and two screenshots of the check

        # Refusals: another form, an unknown hash, nobody logged in.
        status, _, body = self.raw("kadis", "/api/v1/monitor/bodies/..%2F..%2Fetc%2Fpasswd")
        self.assertIn(status, (400, 404), body)
        status, _, body = self.raw("kadis", "/api/v1/monitor/bodies/" + "0" * 64)
        self.assertEqual(status, 404, body)
        status, _, body = self.raw(None, f"/api/v1/monitor/bodies/{shot}")
        self.assertEqual(status, 401, body)

        # A screenshot into a case's evidence, as a PNG file.
        status, case = self.call("budi", "POST", "/api/v1/cases", {"title": "Defacement"})
        self.assertEqual(status, 201, case)
        status, item = self.call("budi", "POST", f"/api/v1/cases/{case['id']}/evidence/monitor",
                                 {"sha256": shot})
        self.assertEqual(status, 201, item)
        self.assertEqual((item["sha256"], item["name"]),
                         (shot, f"tangkapan-layar-{shot[:12]}.png"))
        self.assertIn("Screenshot", item["description"])

    def test_a_browser_that_is_not_there_stops_the_start(self):
        with tempfile.TemporaryDirectory() as d:
            config = os.path.join(d, "c.yaml")
            with open(config, "w") as f:
                f.write("http:\n  listen: 127.0.0.1:0\nsyslog:\n  udp: \"off\"\n  tcp: \"off\"\n"
                        "monitor:\n  screenshot_browser: chromum\n")
            r = pantau("serve", "--data", d, "--config", config, check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn("monitor.screenshot_browser: 'chromum' is not found in PATH",
                          r.stderr.decode())

    def test_no_screenshot_past_the_bound(self):
        self.config_text += "  screenshots_per_cycle: 0\n"  # read when register() starts it
        system = self.register(crawl_pages=0)
        self.check(system, "defaced")
        a = self.monitor_alerts()["pantau-monitor-defacement"]
        self.assertNotIn("monitor.screenshot_sha256", a["fields"])
        self.assertIn("at most 0 screenshots", a["fields"]["monitor.screenshot_error"])


class MonitorScheduleTest(MonitorCase):
    """The scheduler alone, no POST /check: a site that starts serving cloaked gambling, then is
    defaced, raises each alert, with the evidence, within one check interval of the change."""
    INTERVAL_S = 30  # the smallest check_interval_s the registry accepts
    SLACK_S = 8  # the scheduler wakes once a second; the fetch and the recording take the rest
    config_text = "monitor:\n  enabled: true\n  request_timeout_s: 2\n"

    def wait(self, what, seconds, probe):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            time.sleep(0.5)
        self.fail(f"{what}: not within {seconds} s")

    def last_check(self, system):
        status, board = self.call("kadis", "GET", f"/api/v1/systems/{system['id']}/status")
        self.assertEqual(status, 200, board)
        return board["urls"][0]["last_check"]

    def test_cloaking_and_defacement_alerts_within_one_interval(self):
        system = self.register(check_interval_s=self.INTERVAL_S, crawl_pages=0)
        self.assertEqual(system["check_interval_s"], self.INTERVAL_S)
        status, base = self.call("budi", "POST", f"/api/v1/systems/{system['id']}/baseline")
        self.assertEqual(status, 200, base)

        # A newly registered system waits one interval; its first scheduled check finds it clean.
        first = self.wait("the first scheduled check", self.INTERVAL_S + self.SLACK_S,
                          lambda: self.last_check(system))
        self.assertEqual(self.monitor_alerts(), {})

        Site.mode = "cloak"  # from now on Googlebot is shown a gambling page
        changed = time.monotonic()
        alert = self.wait("the cloaking alert", self.INTERVAL_S + self.SLACK_S,
                          lambda: self.monitor_alerts().get("pantau-monitor-cloaking"))
        self.assertLessEqual(time.monotonic() - changed, self.INTERVAL_S + self.SLACK_S)
        self.assertEqual(set(self.monitor_alerts()), {"pantau-monitor-cloaking"})
        self.assertEqual((alert["level"], alert["system_id"]), ("critical", system["id"]))

        # The evidence: the excerpts, and both views by hash, kept with the baseline's.
        fields = alert["fields"]
        self.assertIn("SLOT GACOR MAXWIN", fields["monitor.evidence"])
        self.assertEqual(fields["monitor.baseline_sha256"], base["items"][0]["body_sha256"])
        self.assertEqual(fields["monitor.body_sha256"], base["items"][0]["body_sha256"])
        self.assertNotEqual(fields["monitor.crawler_sha256"], fields["monitor.body_sha256"])
        latest = self.last_check(system)
        self.assertGreater(latest["checked_at"], first["checked_at"])
        self.assertEqual(first["findings"], [])
        self.assertEqual(self.kinds(latest), {"cloaking"})
        self.assertEqual(latest["crawler_sha256"], fields["monitor.crawler_sha256"])

        # Then defaced for everyone: the next scheduled check raises the defacement.
        Site.mode = "defaced"
        changed = time.monotonic()
        defaced = self.wait("the defacement alert", self.INTERVAL_S + self.SLACK_S,
                            lambda: self.monitor_alerts().get("pantau-monitor-defacement"))
        self.assertLessEqual(time.monotonic() - changed, self.INTERVAL_S + self.SLACK_S)
        self.assertEqual(defaced["level"], "critical")
        self.assertIn("Hacked by Kukar Xploit Team", defaced["fields"]["monitor.evidence"])
        self.assertEqual(defaced["fields"]["monitor.baseline_sha256"],
                         base["items"][0]["body_sha256"])
        self.assertNotEqual(defaced["fields"]["monitor.body_sha256"],
                            base["items"][0]["body_sha256"])


class MonitorDnsTest(MonitorCase):
    """The addresses of a URL's host name, per check: a change from the last check is a low
    alert with the old and new addresses."""

    def test_dns_change_of_the_host_raises_a_low_alert(self):
        self.url = f"http://localhost:{self.site.server_address[1]}/"
        system = self.register(hosts=["localhost"], crawl_pages=0)
        first = self.check(system, "clean")
        self.assertTrue(first["addresses"], first)
        self.assertTrue(set(first["addresses"]) <= {"127.0.0.1", "::1"}, first["addresses"])
        self.assertEqual(first["findings"], [])
        self.assertEqual(self.check(system, "clean")["findings"], [])  # the same: no alert

        # A test cannot point localhost elsewhere: the record of the last check is made to say
        # that the name answered with another address then.
        db = sqlite3.connect(os.path.join(self.data_dir, "pantau.db"), timeout=30)
        with db:
            self.assertEqual(db.execute("UPDATE monitor_dns SET addresses = '10.9.8.7'").rowcount,
                             1)
        db.close()
        changed = self.check(system, "clean")
        self.assertEqual(self.kinds(changed), {"dns_changed"})
        alerts = self.monitor_alerts()
        self.assertEqual(set(alerts), {"pantau-monitor-dns-changed"})
        alert = alerts["pantau-monitor-dns-changed"]
        self.assertEqual((alert["level"], alert["host"], alert["system_id"]),
                         ("low", "localhost", system["id"]))
        now = ", ".join(changed["addresses"])
        self.assertIn("DNS berubah", alert["fields"]["monitor.summary"])
        self.assertIn(f"Before: 10.9.8.7\nNow: {now}\n", alert["fields"]["monitor.evidence"])
        self.assertEqual(self.check(system, "clean")["findings"], [])  # settled again

    def test_an_ip_address_url_has_no_dns_check(self):
        system = self.register(crawl_pages=0)
        checked = self.check(system, "clean")
        self.assertEqual((checked["addresses"], checked["findings"]), ([], []))


DEEP_INJECTED = """<!doctype html><html><head><title>Pengumuman 2019</title></head><body>
<h1>Pengumuman Seleksi Pegawai 2019</h1><p>Hasil seleksi administrasi telah diumumkan.</p>
<div style="display:none"><a href="https://slot-gacor.example/">slot gacor maxwin</a>
<a href="https://togel.example/">situs togel online</a></div></body></html>"""

PLAIN_PAGE = """<!doctype html><html><head><title>{0}</title></head><body><h1>{0}</h1>
<p>Informasi {0} Dinas Komunikasi dan Informatika.</p></body></html>"""


class MonitorCrawlTest(MonitorCase):
    """The crawl of internal pages: the sitemap and the registered page's links, only on the
    registered URL's host and port, read in turn over the checks."""

    def sitemap(self, paths):
        port = self.site.server_address[1]
        locs = "".join(f"<url><loc>{p if '://' in p else f'http://127.0.0.1:{port}{p}'}</loc></url>"
                       for p in paths)
        return ("application/xml",
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{locs}</urlset>')

    def test_hidden_gambling_on_a_deep_page_raises_an_alert(self):
        port = self.site.server_address[1]
        Site.pages = {
            # A page no registered URL links to; and one on another host name and one on another
            # port of the same machine, which the crawl must not read.
            "/sitemap.xml": self.sitemap(["/arsip/2019/pengumuman", "/profil",
                                          f"http://localhost:{port}/luar-host",
                                          "http://127.0.0.1:9/luar-port"]),
            "/arsip/2019/pengumuman": ("text/html", DEEP_INJECTED),
            "/profil": ("text/html", PLAIN_PAGE.format("Profil")),
        }
        system = self.register()
        Site.mode = "clean"
        status, result = self.call("budi", "POST", f"/api/v1/systems/{system['id']}/check")
        self.assertEqual(status, 200, result)
        self.assertEqual(result["urls"][0]["findings"], [])  # the front page is clean
        pages = {p["url"]: p for p in result["pages"]}
        base = f"http://127.0.0.1:{port}"
        self.assertEqual(set(pages), {f"{base}/arsip/2019/pengumuman", f"{base}/profil",
                                      f"{base}/berita"})
        self.assertEqual(pages[f"{base}/berita"]["status"], 404)
        self.assertEqual(pages[f"{base}/profil"]["findings"], [])
        deep = pages[f"{base}/arsip/2019/pengumuman"]
        self.assertEqual(self.kinds(deep), {"gambling"})  # no baseline: no hidden-link diff
        self.assertEqual(result["alerts"], ["pantau-monitor-gambling"])

        alert = self.monitor_alerts()["pantau-monitor-gambling"]
        self.assertEqual(len(self.monitor_alerts()), 1)
        self.assertEqual((alert["level"], alert["system_id"], alert["host"]),
                         ("high", system["id"], "127.0.0.1"))
        self.assertEqual(alert["fields"]["url.full"], f"{base}/arsip/2019/pengumuman")
        self.assertIs(alert["fields"]["monitor.crawled"], True)
        self.assertIn("slot gacor", alert["fields"]["monitor.evidence"].lower())

        # Only the registered host and port were asked for.
        paths = {path for _, path in Site.requests}
        self.assertNotIn("/luar-host", paths)
        self.assertEqual({host for host, _ in Site.requests}, {f"127.0.0.1:{port}"})

        status, board = self.call("kadis", "GET", f"/api/v1/systems/{system['id']}/status")
        self.assertEqual(status, 200, board)
        self.assertEqual((board["crawl"]["pages"], board["crawl"]["checked"]), (3, 3))
        self.assertEqual([p["url"] for p in board["crawl"]["with_findings"]],
                         [f"{base}/arsip/2019/pengumuman"])
        self.assertEqual(board["open_alerts"], 1)

    def test_pages_are_read_in_turn_and_crawl_can_be_off(self):
        Site.pages = {"/sitemap.xml": self.sitemap(["/a", "/b", "/c"])}
        for p in ("/a", "/b", "/c", "/profil", "/berita"):
            Site.pages.setdefault(p, ("text/html", PLAIN_PAGE.format(p)))
        system = self.register(crawl_pages=2)
        self.assertEqual(system["crawl_pages"], 2)
        read = []
        for _ in range(3):
            status, result = self.call("budi", "POST", f"/api/v1/systems/{system['id']}/check")
            self.assertEqual(status, 200, result)
            self.assertEqual(len(result["pages"]), 2, result["pages"])
            read += [p["url"].rsplit("/", 1)[1] for p in result["pages"]]
        # Five pages known, two a check: every one read before any is read again.
        self.assertEqual(set(read[:5]), {"a", "b", "c", "profil", "berita"})

        status, bare = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Tanpa Crawl", "operator": {"agency": "Diskominfo"},
            "urls": [self.url.replace("127.0.0.1", "localhost")], "hosts": ["localhost"],
            "crawl_pages": 0})
        self.assertEqual(status, 201, bare)
        Site.requests = []
        status, result = self.call("budi", "POST", f"/api/v1/systems/{bare['id']}/check")
        self.assertEqual((status, result["pages"]), (200, []))
        self.assertEqual({path for _, path in Site.requests}, {"/"})

        status, answer = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Terlalu Banyak", "operator": {"agency": "Diskominfo"}, "crawl_pages": 500})
        self.assertEqual(status, 400, answer)
        self.assertIn("crawl_pages: 500 is not 0 to 200 pages", answer["error"]["message"])


class PublicStatusTest(MonitorCase):
    """GET /api/v1/status/public: only systems marked public, only name, state, response time;
    for people and keys with the status scope, which opens nothing else."""

    def key(self, scopes):
        status, key = self.call("boss", "POST", "/api/v1/apikeys", {"name": "-".join(scopes),
                                                                      "scopes": scopes})
        self.assertEqual(status, 201, key)
        return key["key"]

    def get_with_key(self, path, key):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        req = urllib.request.Request(self.server.url(path), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def test_only_public_systems_and_only_what_is_public(self):
        public = self.register(public_status=True, crawl_pages=0)
        self.assertIs(public["public_status"], True)
        status, private = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Aplikasi Internal", "operator": {"agency": "BKD"},
            "urls": [self.url.replace("127.0.0.1", "localhost")], "hosts": ["localhost"],
            "crawl_pages": 0})
        self.assertEqual(status, 201, private)
        status, never = self.call("boss", "POST", "/api/v1/systems", {
            "name": "Belum Dicek", "operator": {"agency": "Dishub"}, "public_status": True,
            "urls": ["http://belum.example.go.id/"], "crawl_pages": 0})
        self.assertEqual(status, 201, never)
        for s in (public, private):
            self.check(s, "clean")

        key = self.key(["status"])
        status, answer = self.get_with_key("/api/v1/status/public", key)
        self.assertEqual(status, 200, answer)
        self.assertEqual(set(answer), {"generated_at", "systems"})
        self.assertEqual([s["name"] for s in answer["systems"]], ["Belum Dicek", "Portal Kominfo"])
        for s in answer["systems"]:
            self.assertEqual(set(s), {"name", "state", "response_ms"})
        by_name = {s["name"]: s for s in answer["systems"]}
        self.assertEqual(by_name["Portal Kominfo"]["state"], "up")
        self.assertIsInstance(by_name["Portal Kominfo"]["response_ms"], int)
        self.assertEqual((by_name["Belum Dicek"]["state"], by_name["Belum Dicek"]["response_ms"]),
                         ("unknown", None))
        self.assertNotIn("127.0.0.1", json.dumps(answer))
        self.assertNotIn("Aplikasi Internal", json.dumps(answer))

        # Down shows as down.
        Site.mode = "down"
        for _ in range(2):
            self.check(public, "down")
        status, answer = self.get_with_key("/api/v1/status/public", key)
        self.assertEqual({s["name"]: s["state"] for s in answer["systems"]}["Portal Kominfo"],
                         "down")

        # The status scope opens nothing else; other scopes and no key do not open this.
        for path in ("/api/v1/alerts", "/api/v1/systems", "/api/v1/monitor/board",
                     f"/api/v1/systems/{public['id']}/status"):
            self.assertEqual(self.get_with_key(path, key)[0], 403, path)
        self.assertEqual(self.get_with_key("/api/v1/status/public", self.key(["search"]))[0], 403)
        self.assertEqual(self.get_with_key("/api/v1/status/public", None)[0], 401)
        # People read it too (an admin checks what the portal will show).
        status, answer = self.call("kadis", "GET", "/api/v1/status/public")
        self.assertEqual((status, len(answer["systems"])), (200, 2))

    def test_board_lists_every_monitored_system(self):
        system = self.register(crawl_pages=0)
        self.check(system, "defaced")
        status, board = self.call("kadis", "GET", "/api/v1/monitor/board")
        self.assertEqual(status, 200, board)
        self.assertEqual(len(board["items"]), 1)
        item = board["items"][0]
        self.assertEqual((item["system_id"], item["name"], item["state"], item["open_alerts"]),
                         (system["id"], "Portal Kominfo", "up", 1))
        self.assertEqual(item["last_content_check"]["findings"], 1)
        self.assertIsNone(item["cert_days_left"])
        self.assertIsInstance(item["response_ms"], int)
