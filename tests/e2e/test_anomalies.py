"""Anomaly detection in `pantau serve`: a replayed stream of three days of two web servers' logs,
with anomalies planted in one of them (a volume spike, a message never seen before, a login from a
new address), becomes alerts of dataset `anomaly` with their explanations; the other server's
stream stays quiet. Marking an anomaly expected closes its alert; a restart keeps the baselines
(nothing is learnt again)."""
import json
import random
import time
import unittest

from harness import ServerTest, pantau, wait_for

MINUTE = 60
CONFIG = """\
anomaly:
  split_weekend: false        # the test runs on any day of the week
  new_template:
    learning_days: 1
  new_value:
    learning_days: 1
"""


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def event(t, host, message, **fields):
    e = {"@timestamp": iso(t), "message": message, "host": {"name": host}}
    e.update(fields)
    return e


def regular_minute(t, host, rng):
    """What a quiet web server logs in one minute: 2 to 4 requests of three kinds."""
    kinds = [
        lambda: f"GET /index.php?id={rng.randrange(1, 9999)} HTTP/1.1 200 {rng.randrange(900, 9000)}",
        lambda: f"GET /static/app.js?v={rng.randrange(1, 50)} HTTP/1.1 304 0",
        lambda: f"POST /api/search?q={rng.randrange(1, 999)} HTTP/1.1 200 {rng.randrange(100, 900)}",
    ]
    return [event(t + i * 15, host, rng.choice(kinds)()) for i in range(rng.randrange(2, 5))]


def login(t, host, ip):
    return event(t, host, f"Accepted password for budi from {ip} port {40000 + int(t) % 999} ssh2",
                 user={"name": "budi"}, source={"ip": ip},
                 event={"category": "authentication", "outcome": "success"})


class AnomalyTest(ServerTest):
    config_text = CONFIG

    def setUp(self):
        super().setUp()
        self.server = self.start_server()
        self.ingest_key = self.api_key()
        self.triage_key = pantau("apikey", "create", "e2e-triage", "--scope", "search", "triage", "--data",
                                 self.data_dir).stdout.decode().strip().split()[-1]

    def send(self, events):
        for i in range(0, len(events), 2000):
            body = "".join(json.dumps(e) + "\n" for e in events[i:i + 2000]).encode()
            status, _, text = self.server.http("POST", "/api/v1/ingest", body, {
                "Authorization": f"Bearer {self.ingest_key}",
                "Content-Type": "application/x-ndjson"})
            self.assertEqual(status, 200, text)

    def api(self, method, path, body=None):
        status, _, text = self.server.http(
            method, path, None if body is None else json.dumps(body).encode(),
            {"Authorization": f"Bearer {self.triage_key}", "Content-Type": "application/json"})
        return status, json.loads(text) if text else None

    def anomaly_alerts(self, host):
        status, page = self.api("GET", f"/api/v1/alerts?host={host}&status=new,acknowledged,closed"
                                       "&from=now-30d&limit=1000")
        self.assertEqual(status, 200, page)
        return [a for a in page["items"] if a["dataset"] == "anomaly"]

    def replay(self):
        """Three days of both servers, ending half an hour ago; web1 gets the planted anomalies
        two hours before the end (its third day: two days of history for that hour)."""
        rng = random.Random(7)
        end = (int(time.time()) - 30 * MINUTE) // (10 * MINUTE) * (10 * MINUTE)
        start = end - 3 * 24 * 60 * MINUTE
        self.spike_at = end - 2 * 60 * MINUTE
        events = []
        for t in range(start, end, MINUTE):
            for host in ("web1", "web2"):
                events += regular_minute(t, host, rng)
                if (t - start) % (24 * 60 * MINUTE) == 8 * 60 * MINUTE:  # a daily login
                    events.append(login(t, host, "10.0.0.5"))
            if t == self.spike_at:
                # 600 requests of a usual kind within one bucket, ...
                events += [event(t + i, "web1", f"GET /index.php?id={i} HTTP/1.1 200 1234")
                           for i in range(600)]
            if t == self.spike_at + 20 * MINUTE:
                # ... a kind of message never seen from web1, ...
                events.append(event(t, "web1", "kernel: traps: php-fpm[4242] general protection "
                                               "fault ip:7f3a sp:7ffd error:0 in libc.so.6"))
            if t == self.spike_at + 30 * MINUTE:
                # ... and budi logging in from an address never seen for him.
                events.append(login(t, "web1", "203.0.113.9"))
        self.send(events)
        return end

    def test_planted_anomalies_are_found_and_explained_quiet_stream_stays_quiet(self):
        end = self.replay()
        kinds = lambda: {a["fields"]["anomaly.kind"] for a in self.anomaly_alerts("web1")}
        wait_for(lambda: {"spike", "new_template", "login_ip"} <= kinds(), "web1's anomalies",
                 interval=0.5)
        alerts = self.anomaly_alerts("web1")
        by_kind = {}
        for a in alerts:
            by_kind.setdefault(a["fields"]["anomaly.kind"], []).append(a)
        self.assertEqual(set(by_kind), {"spike", "new_template", "login_ip"},
                         [a["fields"]["anomaly.explanation.en"] for a in alerts])

        spike = next(a for a in by_kind["spike"] if "template=" in a["fields"]["anomaly.key"])
        f = spike["fields"]
        self.assertEqual(f["anomaly.detector"], "volume")
        self.assertEqual(spike["rule_title"], "Lonjakan satu templat log / Log template volume spike")
        whole = next(a for a in by_kind["spike"] if a is not spike)  # all of web1's events
        self.assertEqual(whole["rule_title"], "Lonjakan volume log / Log volume spike")
        self.assertEqual(spike["level"] in ("medium", "high"), True, spike["level"])
        self.assertRegex(f["anomaly.explanation.en"],
                         r"host web1 logged 6\d\d events of template [0-9a-f]{16} in the 10 "
                         r"minutes from .*; its usual range for this hour is \d+-\d+")
        self.assertIn("web1", f["anomaly.explanation.id"])
        self.assertRegex(f["anomaly.template"], r"^GET <\*>")  # the request line, masked
        # The chart: the buckets before the spike with their band, the spike last.
        series = f["anomaly.series"]
        self.assertGreater(len(series), 6)
        self.assertEqual(series[-1]["value"], max(p["value"] for p in series))
        self.assertGreater(series[-1]["value"], series[-1]["high"])
        self.assertTrue(all(p["low"] <= p["high"] for p in series if p["high"] is not None))

        new_template = by_kind["new_template"][0]
        self.assertIn("never seen", new_template["fields"]["anomaly.explanation.en"])
        self.assertIn("general protection fault", new_template["fields"]["anomaly.template"])
        self.assertEqual(len(new_template["event_ids"]), 1)  # the event it is about
        login_ip = by_kind["login_ip"][0]
        self.assertIn("203.0.113.9", login_ip["fields"]["anomaly.explanation.en"])
        self.assertEqual(len(login_ip["event_ids"]), 1)

        # The other server's stream, as regular and as long, raised nothing.
        self.assertEqual(self.anomaly_alerts("web2"), [])

        # An anomaly the analyst knows: expected, with a reason; the alert closes.
        status, body = self.api("POST", f"/api/v1/alerts/{spike['id']}/expected", {"reason": ""})
        self.assertEqual(status, 400, body)
        status, body = self.api("POST", f"/api/v1/alerts/{spike['id']}/expected",
                                {"reason": "nightly cache warm-up"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "closed")
        self.assertEqual(body["false_positive_reason"], "Diharapkan / expected: nightly cache warm-up")

        # A restart keeps the baselines: web1 is past its learning period at once, so a new kind
        # of message is an anomaly right away, and web2 goes on quietly.
        self.assertEqual(self.server.stop(), 0)
        self.server = self.start_server()
        rng = random.Random(8)
        more = []
        for t in range(end, end + 10 * MINUTE, MINUTE):
            more += regular_minute(t, "web2", rng) + regular_minute(t, "web1", rng)
        more.append(event(end + 5 * MINUTE, "web1", "kernel: Out of memory: Killed process 777 "
                                                    "(php-fpm) total-vm:1234kB"))
        self.send(more)
        wait_for(lambda: len([a for a in self.anomaly_alerts("web1")
                              if a["fields"]["anomaly.kind"] == "new_template"]) == 2,
                 "the new template after the restart", interval=0.5)
        self.assertEqual(self.anomaly_alerts("web2"), [])

    def test_marking_an_unknown_alert_expected_is_refused(self):
        status, body = self.api("POST", "/api/v1/alerts/999999/expected", {"reason": "x"})
        self.assertEqual(status, 404, body)


if __name__ == "__main__":
    unittest.main()
