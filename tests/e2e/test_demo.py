"""`pantau serve --demo`: a first look that is alive. The generated stream reaches the store in
every dataset (searchable through the API), the opening attacks become alerts of several rules
within a minute, and SIGTERM stops the feed and the server cleanly."""
import json
import signal
import time
import urllib.parse

from harness import Server, ServerTest, pantau

# The demo promises alerts within a minute of the start.
DEMO_DEADLINE_S = 60
DATASETS = ["fortigate.traffic", "fortigate.utm", "linux.auth", "web.access", "windows.security"]
# Rules the opening attacks set off (src/ingest/demo_feed.h), one of each kind.
OPENING_RULES = {
    "SSH Brute Force Against a Server",
    "SQL Injection Attempt in a Web Request",
    "FortiGate IPS Blocked an Attack",
    "Online Gambling Terms in a Web Request or Referrer",
}


class DemoTest(ServerTest):
    def get(self, path, key, **params):
        status, _, body = self.server.http(
            "GET", f"{path}?{urllib.parse.urlencode(params)}",
            headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_demo_feed_fills_search_and_alerts_then_stops_cleanly(self):
        self.server = Server(self.data_dir, extra_args=["--demo"]).start()
        started = time.monotonic()
        self.assertIn("demo feed on", self.server.output())
        self.assertIn("FAKE", self.server.output())
        key = pantau("apikey", "create", "demo-e2e", "--scope", "search",
                     "--data", self.data_dir).stdout.decode().strip()

        datasets_seen, rules_seen = {}, set()
        while time.monotonic() - started < DEMO_DEADLINE_S:
            for d in DATASETS:
                if d not in datasets_seen:
                    page = self.get("/api/v1/events", key, q=f"dataset:{d}", limit=1)
                    if page["items"]:
                        datasets_seen[d] = page["items"][0]
            alerts = self.get("/api/v1/alerts", key, limit=200)
            rules_seen = {a["rule_title"] for a in alerts["items"]}
            if len(datasets_seen) == len(DATASETS) and OPENING_RULES <= rules_seen:
                break
            time.sleep(1)
        elapsed = time.monotonic() - started
        self.assertEqual(sorted(datasets_seen), sorted(DATASETS),
                         f"datasets after {elapsed:.0f} s")
        self.assertTrue(OPENING_RULES <= rules_seen,
                        f"after {elapsed:.0f} s, alerts of {sorted(rules_seen)}")
        self.assertGreaterEqual(len(rules_seen), 3)
        print(f"demo: every dataset and {len(rules_seen)} rules' alerts after {elapsed:.0f} s",
              flush=True)

        # The events say they are the demo's, and decode without errors.
        for d, event in datasets_seen.items():
            self.assertEqual(event["dataset"], d)
            self.assertEqual(event["fields"]["input.type"], "demo")
            self.assertEqual(event["fields"]["log.source.address"], "demo")
        self.assertEqual(self.get("/api/v1/events", key, q="dataset:unknown")["items"], [])
        self.assertEqual(self.server.metric("pantau_events_decode_failed_total"), 0)
        received = self.server.metric('pantau_events_received_total{input="demo"}')
        self.assertGreater(received, 20 * 5)  # 20-50 a second

        self.assertEqual(self.server.stop(signal.SIGTERM), 0, self.server.output())
        self.assertIn("stopped;", self.server.output())
        # Everything the feed handed over was stored before the exit.
        stored = int(self.server.output().split("stopped; ")[1].split(" events")[0])
        self.assertGreaterEqual(stored, received)


if __name__ == "__main__":
    import unittest
    unittest.main()
