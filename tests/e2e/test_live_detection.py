"""Live detection: logger -> pantau serve -> Sigma rules -> alerts in GET /api/v1/alerts, grouped
on repeats; triage through PATCH and bulk; rules reloaded with SIGHUP while events flow."""
import json
import os
import signal
import subprocess
import urllib.parse

from harness import ServerTest, pantau, wait_for, wait_for_events, DEADLINE_S


class LiveDetectionTest(ServerTest):
    def key(self, name, *scopes):
        args = []
        for s in scopes:
            args += ["--scope", s]
        return pantau("apikey", "create", name, *args, "--data", self.data_dir).stdout.decode().strip()

    def call(self, method, path, key, body=None, **params):
        query = urllib.parse.urlencode(params)
        status, _, text = self.server.http(
            method, f"{path}?{query}" if query else path,
            body=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        return status, json.loads(text)

    def logger(self, tag, message, count=1):
        for _ in range(count):
            subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                            "-T", "-t", tag, "--id=4242", message], check=True, timeout=DEADLINE_S)

    def alerts(self, key, **params):
        status, page = self.call("GET", "/api/v1/alerts", key, **params)
        self.assertEqual(status, 200, page)
        return page

    def test_logger_to_alert_grouped_and_triaged(self):
        self.start_server()
        reader, triage = self.key("analyst", "search"), self.key("desk", "search", "triage")
        # Pantau's built-in rule "SSH Login Attempt for a User That Does Not Exist", three times.
        self.logger("sshd", "Invalid user oracle from 203.0.113.9 port 52113", count=3)
        # And one that no rule matches.
        self.logger("sshd", "Accepted publickey for budi from 10.0.0.5 port 50000 ssh2")
        wait_for_events(self.data_dir, 4)
        page = wait_for(lambda: (lambda p: p if p["total"] and p["items"][0]["count"] == 3 else None)(
            self.alerts(reader)), "one alert with a count of 3")
        self.assertEqual(page["total"], 1)
        (alert,) = page["items"]
        self.assertEqual(alert["rule_title"], "SSH Login Attempt for a User That Does Not Exist")
        self.assertEqual(alert["level"], "low")
        self.assertEqual(alert["dataset"], "linux.auth")
        self.assertEqual(alert["status"], "new")
        self.assertIn("attack.t1110", alert["tags"])
        self.assertEqual(alert["fields"]["source.ip"], "203.0.113.9")
        self.assertEqual(len(alert["event_ids"]), 3)
        # The alert's events are stored and readable.
        status, event = self.call("GET", f"/api/v1/events/{alert['event_ids'][0]}", reader)
        self.assertEqual(status, 200)
        self.assertIn("Invalid user oracle", event["raw"])
        # Rule matches count those that only feed correlations too: the accepted login is one.
        self.assertEqual(self.server.metric("pantau_detection_matches_total"), 4)

        # The API description lists the alert routes.
        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        self.assertIn("/api/v1/alerts/{id}", json.loads(body)["paths"])

        # Filters.
        self.assertEqual(self.alerts(reader, level="low,medium")["total"], 1)
        self.assertEqual(self.alerts(reader, level="critical")["total"], 0)
        self.assertEqual(self.alerts(reader, **{"from": "now-1h", "status": "new"})["total"], 1)
        status, err = self.call("GET", "/api/v1/alerts", reader, level="urgent")
        self.assertEqual(status, 400)
        self.assertIn("level: 'urgent' is not one of", err["error"]["message"])

        # Triage: a reader may not change alerts; the desk may.
        status, _ = self.call("PATCH", f"/api/v1/alerts/{alert['id']}", reader,
                              body={"status": "acknowledged"})
        self.assertEqual(status, 403)
        status, changed = self.call("PATCH", f"/api/v1/alerts/{alert['id']}", triage,
                                    body={"status": "acknowledged", "assignee": "budi"})
        self.assertEqual((status, changed["status"], changed["assignee"]), (200, "acknowledged", "budi"))
        status, err = self.call("PATCH", f"/api/v1/alerts/{alert['id']}", triage,
                                body={"false_positive": True})
        self.assertEqual(status, 400)
        self.assertIn("say why", err["error"]["message"])
        status, err = self.call("PATCH", f"/api/v1/alerts/{alert['id']}", triage, body={"colour": "red"})
        self.assertEqual((status, err["error"]["message"]), (400, "body: unknown key 'colour'"))
        status, _ = self.call("PATCH", "/api/v1/alerts/999999", triage, body={"status": "closed"})
        self.assertEqual(status, 404)

        # Bulk close as a false positive; the next repeat then opens a new alert.
        status, done = self.call("POST", "/api/v1/alerts/bulk", triage,
                                 body={"ids": [alert["id"]], "status": "closed",
                                       "false_positive": True,
                                       "false_positive_reason": "pemindaian internal tim"})
        self.assertEqual(status, 200, done)
        self.assertTrue(done["items"][0]["false_positive"])
        self.logger("sshd", "Invalid user oracle from 203.0.113.9 port 52114")
        wait_for(lambda: self.alerts(reader)["total"] == 2, "a new alert after the closed one")
        self.assertEqual(self.alerts(reader, status="new")["items"][0]["count"], 1)

    def test_correlation_ssh_brute_force(self):
        self.start_server()
        reader = self.key("analyst", "search")
        self.logger("sshd", "Failed password for root from 203.0.113.77 port 40000 ssh2", count=12)
        wait_for_events(self.data_dir, 12)
        page = wait_for(lambda: (lambda p: p if p["total"] else None)(self.alerts(reader)),
                        "the brute-force alert")
        # Single failed passwords are no alerts; ten within five minutes are one.
        self.assertEqual(page["total"], 1)
        (alert,) = page["items"]
        self.assertEqual(alert["rule_title"], "SSH Brute Force Against a Server")
        self.assertEqual(alert["level"], "high")
        self.assertEqual(alert["fields"]["source.ip"], "203.0.113.77")
        self.assertEqual(alert["fields"]["correlation.type"], "event_count")
        self.assertEqual(alert["fields"]["correlation.value"], 10)
        self.assertEqual(len(alert["event_ids"]), 1)  # the event that completed the count

    def test_rules_from_config_and_reload_on_sighup(self):
        rules = os.path.join(self.data_dir, "rules")
        os.makedirs(rules)
        rule = """title: Test rule {n}
id: 00000000-0000-0000-0000-00000000000{n}
logsource: {{product: linux}}
detection:
  keywords: ['pantau-e2e-marker-{n}']
  condition: keywords
level: critical
"""
        with open(os.path.join(rules, "one.yml"), "w") as f:
            f.write(rule.format(n=1))
        self.start_server(f"detection:\n  builtin_rules: false\n  rules: [{rules}]\n")
        reader = self.key("analyst", "search")
        self.logger("app", "pantau-e2e-marker-1 and pantau-e2e-marker-2")
        wait_for(lambda: self.alerts(reader)["total"] == 1, "the alert of rule 1")
        self.assertEqual(self.alerts(reader)["items"][0]["rule_title"], "Test rule 1")

        with open(os.path.join(rules, "two.yml"), "w") as f:
            f.write(rule.format(n=2))
        self.server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "2 of 2 Sigma rules loaded" in self.server.output(), "the reload")
        self.logger("app", "pantau-e2e-marker-1 and pantau-e2e-marker-2")
        wait_for(lambda: self.alerts(reader)["total"] == 2, "an alert of rule 2 as well")
        titles = sorted(a["rule_title"] for a in self.alerts(reader)["items"])
        self.assertEqual(titles, ["Test rule 1", "Test rule 2"])
        self.assertEqual(self.server.stop(), 0)
