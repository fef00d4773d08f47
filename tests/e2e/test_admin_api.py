"""The admin API over HTTP: people and API keys managed by an admin (and refused to every other
role and to every key), with CSRF on changes and no way for an admin to lock themselves out."""
import json
import os
import pwd
import re
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request

from harness import DEADLINE_S, pantau, wait_for, wait_for_events
from test_accounts import AccountsCase


class AdminApiCase(AccountsCase):
    def start_as_admin(self):
        """Starts a server and logs in as its first admin; the session's cookies."""
        server = self.start_server()
        printed = wait_for(lambda: re.search(r"user 'admin' created with password (\w+)",
                                             server.output()), "the admin password")
        status, headers, body = self.login("admin", printed.group(1))
        self.assertEqual(status, 200, body)
        return self.session_of(headers)[0]

    def change(self, method, path, who, body=None):
        """A change made from the UI: the session cookie and its CSRF token."""
        return self.request(method, path, cookies=who, csrf=who["pantau_csrf"], body=body)

    def ingest(self, key, lines):
        req = urllib.request.Request(self.server.url("/api/v1/ingest"), method="POST",
                                     data="".join(json.dumps(l) + "\n" for l in lines).encode(),
                                     headers={"Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code


class AccountsApiTest(AdminApiCase):
    def test_admin_manages_people(self):
        admin = self.start_as_admin()
        status, _, page = self.request("GET", "/api/v1/users", cookies=admin)
        self.assertEqual(status, 200, page)
        self.assertEqual(page["total"], 1)
        self.assertIsNone(page["next_cursor"])
        (first,) = page["items"]
        self.assertEqual(set(first), {"name", "role", "disabled", "totp_enrolled", "created"})
        self.assertEqual((first["name"], first["role"], first["disabled"], first["totp_enrolled"]),
                         ("admin", "admin", False, False))
        self.assertRegex(first["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

        # A change made with the session cookie needs the CSRF token.
        budi = {"name": "budi", "role": "analyst", "password": "kata-sandi-analis"}
        status, _, err = self.request("POST", "/api/v1/users", cookies=admin, body=budi)
        self.assertEqual(status, 403)
        self.assertIn("X-CSRF-Token", err["error"]["message"])
        status, _, user = self.change("POST", "/api/v1/users", admin, budi)
        self.assertEqual(status, 201, user)
        self.assertEqual((user["name"], user["role"], user["disabled"]), ("budi", "analyst", False))
        self.assertEqual(self.login("budi", "kata-sandi-analis")[0], 200)
        status, _, err = self.change("POST", "/api/v1/users", admin, budi)
        self.assertEqual(status, 409, err)

        # Bad input says which field.
        for body, field in [({"name": "x", "role": "root", "password": "kata-sandi-panjang"}, "role"),
                            ({"name": "x", "role": "head", "password": "pendek"}, "password"),
                            ({"name": "a b", "role": "head", "password": "kata-sandi-panjang"},
                             "name"),
                            ({"role": "head", "password": "kata-sandi-panjang"}, "name"),
                            ({"name": "x", "role": "head"}, "password"),
                            ({"name": 7, "role": "head", "password": "kata-sandi-panjang"}, "name"),
                            ({"name": "x", "role": "head", "password": "kata-sandi-panjang",
                              "colour": "red"}, "body")]:
            status, _, err = self.change("POST", "/api/v1/users", admin, body)
            self.assertEqual(status, 400, body)
            self.assertTrue(err["error"]["message"].startswith(field + ":"), err)
        status, _, _ = self.change("POST", "/api/v1/users", admin, ["not", "an", "object"])
        self.assertEqual(status, 400)

        # Role, disabled, password.
        status, _, err = self.request("PATCH", "/api/v1/users/budi", cookies=admin,
                                      body={"role": "coordinator"})
        self.assertEqual(status, 403)  # no CSRF token
        status, _, user = self.change("PATCH", "/api/v1/users/budi", admin, {"role": "coordinator"})
        self.assertEqual((status, user["role"]), (200, "coordinator"))
        budi_session, _ = self.session_of(self.login("budi", "kata-sandi-analis")[1])
        status, _, user = self.change("PATCH", "/api/v1/users/budi", admin, {"disabled": True})
        self.assertEqual((status, user["disabled"]), (200, True))
        self.assertEqual(self.request("GET", "/api/v1/auth/me", cookies=budi_session)[0], 401)
        self.assertEqual(self.login("budi", "kata-sandi-analis")[0], 401)
        status, _, user = self.change("PATCH", "/api/v1/users/budi", admin,
                                      {"disabled": False, "password": "kata-sandi-baru-budi"})
        self.assertEqual((status, user["disabled"]), (200, False))
        self.assertEqual(self.login("budi", "kata-sandi-baru-budi")[0], 200)
        status, _, user = self.change("PATCH", "/api/v1/users/budi", admin, {"reset_totp": True})
        self.assertEqual((status, user["totp_enrolled"]), (200, False))
        for body, field in [({"disabled": "yes"}, "disabled"), ({"role": "boss"}, "role"),
                            ({"password": "pendek"}, "password"), ({}, "nothing to change"),
                            ({"name": "budi2"}, "body")]:
            status, _, err = self.change("PATCH", "/api/v1/users/budi", admin, body)
            self.assertEqual(status, 400, body)
            self.assertTrue(err["error"]["message"].startswith(field), err)
        status, _, _ = self.change("PATCH", "/api/v1/users/nobody", admin, {"disabled": True})
        self.assertEqual(status, 404)

        # An admin cannot demote or disable themselves: there is always an admin.
        status, _, err = self.change("PATCH", "/api/v1/users/admin", admin, {"role": "analyst"})
        self.assertEqual(status, 409, err)
        self.assertIn("yourself", err["error"]["message"])
        status, _, err = self.change("PATCH", "/api/v1/users/admin", admin, {"disabled": True})
        self.assertEqual(status, 409, err)
        self.assertIn("yourself", err["error"]["message"])
        status, _, me = self.request("GET", "/api/v1/auth/me", cookies=admin)
        self.assertEqual((status, me["role"]), (200, "admin"))
        # Another admin may.
        status, _, _ = self.change("POST", "/api/v1/users", admin,
                                   {"name": "admin2", "role": "admin",
                                    "password": "kata-sandi-admin-dua"})
        self.assertEqual(status, 201)
        admin2, _ = self.session_of(self.login("admin2", "kata-sandi-admin-dua")[1])
        status, _, user = self.change("PATCH", "/api/v1/users/admin", admin2, {"role": "head"})
        self.assertEqual((status, user["role"]), (200, "head"))
        # Now admin2 is the last admin, and stays one.
        status, _, err = self.change("PATCH", "/api/v1/users/admin2", admin2, {"role": "head"})
        self.assertEqual(status, 409)
        status, _, page = self.request("GET", "/api/v1/users", cookies=admin2)
        self.assertEqual([(u["name"], u["role"]) for u in page["items"]],
                         [("admin", "head"), ("admin2", "admin"), ("budi", "coordinator")])

    def test_admin_manages_api_keys(self):
        admin = self.start_as_admin()
        status, _, err = self.request("POST", "/api/v1/apikeys", cookies=admin,
                                      body={"name": "shipper", "scopes": ["ingest"]})
        self.assertEqual(status, 403)  # no CSRF token
        status, _, key = self.change("POST", "/api/v1/apikeys", admin,
                                     {"name": "shipper", "scopes": ["ingest"]})
        self.assertEqual(status, 201, key)
        self.assertEqual((key["name"], key["scopes"], key["disabled"]), ("shipper", ["ingest"], False))
        self.assertRegex(key["key"], r"^pk_[0-9a-f]{8}_[0-9a-f]{40}$")
        status, _, reader = self.change("POST", "/api/v1/apikeys", admin,
                                        {"name": "reader", "scopes": ["search", "triage"]})
        self.assertEqual(status, 201, reader)

        # The key works at once.
        self.assertEqual(self.ingest(key["key"], [{"message": "hello from the new key"}]), 200)

        # Listed without the secret.
        status, _, page = self.request("GET", "/api/v1/apikeys", cookies=admin)
        self.assertEqual(status, 200, page)
        self.assertEqual((page["total"], page["next_cursor"]), (2, None))
        self.assertEqual([(k["name"], k["scopes"]) for k in page["items"]],
                         [("reader", ["search", "triage"]), ("shipper", ["ingest"])])
        for k in page["items"]:
            self.assertEqual(set(k), {"id", "name", "scopes", "created", "disabled"})
        self.assertNotIn(key["key"][12:], json.dumps(page))

        for body, field in [({"name": "x", "scopes": ["root"]}, "scopes"),
                            ({"name": "x", "scopes": []}, "scopes"),
                            ({"name": "x", "scopes": "ingest"}, "scopes"),
                            ({"name": "", "scopes": ["ingest"]}, "name"),
                            ({"scopes": ["ingest"]}, "name"),
                            ({"name": "x"}, "scopes")]:
            status, _, err = self.change("POST", "/api/v1/apikeys", admin, body)
            self.assertEqual(status, 400, body)
            self.assertTrue(err["error"]["message"].startswith(field + ":"), err)
        status, _, _ = self.change("POST", "/api/v1/apikeys", admin,
                                   {"name": "shipper", "scopes": ["ingest"]})
        self.assertEqual(status, 409)

        # Disabling: the key stops working, and stays listed as disabled.
        status, _, err = self.request("DELETE", "/api/v1/apikeys/shipper", cookies=admin)
        self.assertEqual(status, 403)
        status, _, gone = self.change("DELETE", "/api/v1/apikeys/shipper", admin)
        self.assertEqual((status, gone["name"], gone["disabled"]), (200, "shipper", True))
        self.assertEqual(self.ingest(key["key"], [{"message": "too late"}]), 401)
        status, _, page = self.request("GET", "/api/v1/apikeys", cookies=admin)
        self.assertEqual([k["disabled"] for k in page["items"]], [False, True])
        status, _, _ = self.change("DELETE", "/api/v1/apikeys/nothing", admin)
        self.assertEqual(status, 404)

    def test_only_admins_manage_accounts(self):
        admin = self.start_as_admin()
        for name, role in [("budi", "analyst"), ("siti", "coordinator"), ("kadis", "head")]:
            status, _, _ = self.change("POST", "/api/v1/users", admin,
                                       {"name": name, "role": role, "password": "kata-sandi-" + name})
            self.assertEqual(status, 201)
        status, _, key = self.change("POST", "/api/v1/apikeys", admin,
                                     {"name": "all", "scopes": ["ingest", "search", "triage"]})
        self.assertEqual(status, 201)

        routes = [("GET", "/api/v1/users", None),
                  ("POST", "/api/v1/users",
                   {"name": "mallory", "role": "admin", "password": "kata-sandi-mallory"}),
                  ("PATCH", "/api/v1/users/admin", {"disabled": True}),
                  ("GET", "/api/v1/apikeys", None),
                  ("POST", "/api/v1/apikeys", {"name": "mine", "scopes": ["ingest"]}),
                  ("DELETE", "/api/v1/apikeys/all", None)]
        for name in ("budi", "siti", "kadis"):
            who, _ = self.session_of(self.login(name, "kata-sandi-" + name)[1])
            for method, path, body in routes:
                status, _, err = self.change(method, path, who, body)
                self.assertEqual(status, 403, (name, method, path))
                self.assertIn("may not do this", err["error"]["message"])
        # No API key, whatever its scopes: 403 for a good key, 401 for a bad one.
        for method, path, body in routes:
            status, _, err = self.request(method, path, bearer=key["key"], body=body)
            self.assertEqual(status, 403, (method, path))
            self.assertIn("API keys may not do this", err["error"]["message"])
            status, _, _ = self.request(method, path, bearer="pk_00000000_" + "0" * 40, body=body)
            self.assertEqual(status, 401, (method, path))
            status, _, _ = self.request(method, path, body=body)
            self.assertEqual(status, 401, (method, path))
        # Nothing changed.
        status, _, page = self.request("GET", "/api/v1/users", cookies=admin)
        self.assertEqual([u["name"] for u in page["items"]], ["admin", "budi", "kadis", "siti"])
        self.assertFalse(page["items"][0]["disabled"])
        status, _, page = self.request("GET", "/api/v1/apikeys", cookies=admin)
        self.assertEqual([(k["name"], k["disabled"]) for k in page["items"]], [("all", False)])


class DashboardApiTest(AdminApiCase):
    """What the dashboard and the admin pages read: log sources, rules, alert statistics."""

    def logger(self, *args):
        subprocess.run(["logger", "-n", "127.0.0.1", *args], check=True, timeout=DEADLINE_S)

    def get(self, path, key):
        status, _, body = self.request("GET", path, bearer=key)
        self.assertEqual(status, 200, body)
        return body

    def test_sources_count_what_each_sender_sent(self):
        admin = self.start_as_admin()
        reader = pantau("apikey", "create", "reader", "--scope", "search", "--data",
                        self.data_dir).stdout.decode().strip()
        tcp, udp = str(self.server.ports["syslog_tcp"]), str(self.server.ports["syslog_udp"])
        for i in range(3):
            self.logger("-P", tcp, "-T", "-t", "sshd",
                        f"Failed password for root from 203.0.113.9 port {4000 + i} ssh2")
        for i in range(2):
            self.logger("-P", udp, "-d", "-t", "app", f"hello over udp {i}")
        status, _, key = self.change("POST", "/api/v1/apikeys", admin,
                                     {"name": "shipper", "scopes": ["ingest"]})
        self.assertEqual(self.ingest(key["key"], [{"message": "over http"}]), 200)
        wait_for_events(self.data_dir, 6)

        page = wait_for(lambda: (lambda p: p if sum(r["events"] for r in p["items"]) == 6 else None)(
            self.get("/api/v1/sources", reader)), "six events counted")
        self.assertEqual((page["total"], page["next_cursor"]), (len(page["items"]), None))
        rows = {(r["input"], r["dataset"]): r for r in page["items"]}
        ssh = rows[("syslog-tcp", "linux.auth")]
        self.assertEqual(set(ssh), {"input", "peer", "dataset", "host", "events", "bytes", "errors",
                                    "first_seen", "last_seen"})
        self.assertEqual((ssh["peer"], ssh["events"], ssh["errors"]), ("127.0.0.1", 3, 0))
        self.assertTrue(ssh["host"])  # logger's host name
        self.assertGreater(ssh["bytes"], 3 * len("Failed password for root"))
        self.assertRegex(ssh["first_seen"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertLessEqual(ssh["first_seen"], ssh["last_seen"])
        udp_rows = [r for r in page["items"] if r["input"] == "syslog-udp"]
        self.assertEqual(sum(r["events"] for r in udp_rows), 2)
        self.assertEqual({r["peer"] for r in udp_rows}, {"127.0.0.1"})
        (http,) = [r for r in page["items"] if r["input"] == "http"]
        self.assertEqual((http["peer"], http["events"]), ("127.0.0.1", 1))
        # Every role reads it; nobody without signing in.
        self.assertEqual(self.request("GET", "/api/v1/sources", cookies=admin)[0], 200)
        self.assertEqual(self.request("GET", "/api/v1/sources")[0], 401)

    def test_rules_with_attack_ids_and_text(self):
        rules_dir = os.path.join(self.data_dir, "rules")
        os.makedirs(rules_dir)
        own = ("title: Our Marker\nid: our-marker-1\nstatus: test\ntags: [attack.t1059.004]\n"
               "logsource: {product: linux}\ndetection:\n  keywords: ['pantau-marker']\n"
               "  condition: keywords\nlevel: critical\n")
        with open(os.path.join(rules_dir, "ours.yml"), "w") as f:
            f.write(own)
        self.start_server(f"detection:\n  rules: [{rules_dir}]\n")
        reader = pantau("apikey", "create", "reader", "--scope", "search", "--data",
                        self.data_dir).stdout.decode().strip()
        page = self.get("/api/v1/rules", reader)
        self.assertEqual((page["total"], page["next_cursor"]), (len(page["items"]), None))
        by_title = {r["title"]: r for r in page["items"]}
        brute = by_title["SSH Brute Force Against a Server"]
        self.assertEqual(set(brute), {"id", "title", "kind", "level", "status", "tags", "attack",
                                      "description", "standalone", "source"})
        self.assertEqual((brute["kind"], brute["level"], brute["source"], brute["standalone"]),
                         ("correlation", "high", "builtin", True))
        self.assertEqual(brute["attack"], ["T1110.001"])
        self.assertIn("attack.t1110.001", brute["tags"])
        self.assertIn("password guessing", brute["description"])
        self.assertEqual(by_title["SSH Failed Password"]["standalone"], False)
        self.assertTrue(all(r["source"] == "builtin" for r in page["items"][:-1]))
        ours = page["items"][-1]  # built-in rules first
        self.assertEqual((ours["id"], ours["source"], ours["attack"], ours["status"]),
                         ("our-marker-1", os.path.join(rules_dir, "ours.yml"), ["T1059.004"], "test"))

        # One rule with the YAML document as written: the brute force is one of five in its file.
        rule = self.get(f"/api/v1/rules/{brute['id']}", reader)
        self.assertEqual({k: v for k, v in rule.items() if k != "text"}, brute)
        self.assertTrue(rule["text"].startswith("title: SSH Brute Force Against a Server\n"))
        self.assertIn("    type: event_count\n", rule["text"])
        self.assertNotIn("---", rule["text"])
        self.assertNotIn("SSH Login After a Brute Force", rule["text"])
        self.assertEqual(self.get("/api/v1/rules/our-marker-1", reader)["text"], own)
        status, _, err = self.request("GET", "/api/v1/rules/no-such-rule", bearer=reader)
        self.assertEqual(status, 404, err)

        # A reload shows the new rules.
        with open(os.path.join(rules_dir, "more.yml"), "w") as f:
            f.write(own.replace("Our Marker", "Another Marker").replace("our-marker-1", "our-marker-2"))
        self.server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: any(r["id"] == "our-marker-2" for r in self.get("/api/v1/rules", reader)["items"]),
                 "the reloaded rule")
        self.assertEqual(self.get("/api/v1/rules", reader)["total"], page["total"] + 1)

    def test_alert_stats_add_up_to_the_alerts(self):
        self.start_server()
        reader = pantau("apikey", "create", "reader", "--scope", "search", "--data",
                        self.data_dir).stdout.decode().strip()
        tcp = str(self.server.ports["syslog_tcp"])
        # README "Detect": twelve failed passwords make the brute-force alert; three unknown users
        # make one low alert with a count of 3.
        for _ in range(12):
            self.logger("-P", tcp, "-T", "-t", "sshd",
                        "Failed password for root from 203.0.113.9 port 4242 ssh2")
        for _ in range(3):
            self.logger("-P", tcp, "-T", "-t", "sshd", "Invalid user oracle from 203.0.113.9 port 52113")
        wait_for_events(self.data_dir, 15)

        def settled():
            alerts = self.get("/api/v1/alerts?from=now-1h&limit=1000", reader)["items"]
            stats = self.get("/api/v1/alerts/stats?from=now-1h&buckets=12", reader)
            titles = {a["rule_title"]: a for a in alerts}
            invalid = titles.get("SSH Login Attempt for a User That Does Not Exist")
            if ("SSH Brute Force Against a Server" in titles and invalid and invalid["count"] == 3
                    and stats["events"] == sum(a["count"] for a in alerts)):
                return alerts, stats
            return None
        alerts, stats = wait_for(settled, "both alerts, counted in the stats")

        self.assertEqual(set(stats), {"from", "to", "interval_s", "buckets", "by_status",
                                      "top_rules", "top_hosts", "alerts", "events"})
        self.assertRegex(stats["from"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertEqual(stats["interval_s"], 300)
        self.assertEqual(len(stats["buckets"]), 12)
        self.assertEqual(stats["buckets"][0]["time"], stats["from"])
        levels = {"informational", "low", "medium", "high", "critical"}
        for b in stats["buckets"]:
            self.assertEqual(set(b["counts"]), levels)
        total = sum(alert["count"] for alert in alerts)
        self.assertEqual(sum(sum(b["counts"].values()) for b in stats["buckets"]), total)
        self.assertEqual((stats["events"], stats["alerts"]), (total, len(alerts)))
        per_level = {l: sum(a["count"] for a in alerts if a["level"] == l) for l in levels}
        self.assertEqual({l: sum(b["counts"][l] for b in stats["buckets"]) for l in levels},
                         per_level)
        self.assertEqual(per_level["low"], 3)
        self.assertGreaterEqual(per_level["high"], 1)
        self.assertEqual(stats["by_status"], {"new": total, "acknowledged": 0, "closed": 0})
        self.assertEqual({(r["rule_title"], r["level"], r["count"]) for r in stats["top_rules"]},
                         {(a["rule_title"], a["level"], a["count"]) for a in alerts})
        self.assertEqual(stats["top_rules"][0]["count"], max(a["count"] for a in alerts))
        self.assertEqual(stats["top_hosts"], [{"host": alerts[0]["host"], "count": total}])

        # Defaults: the last 24 hours in 48 buckets; an empty range counts nothing.
        default = self.get("/api/v1/alerts/stats", reader)
        self.assertEqual((default["interval_s"], len(default["buckets"]), default["events"]),
                         (1800, 48, total))
        empty = self.get("/api/v1/alerts/stats?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z",
                         reader)
        self.assertEqual((empty["events"], empty["top_rules"], empty["by_status"]["new"]),
                         (0, [], 0))
        for query, field in [("buckets=0", "buckets"), ("buckets=1001", "buckets"),
                             ("buckets=many", "buckets"), ("from=yesterday", "from"),
                             ("from=now&to=now-1h", "from")]:
            status, _, err = self.request("GET", f"/api/v1/alerts/stats?{query}", bearer=reader)
            self.assertEqual(status, 400, query)
            self.assertTrue(err["error"]["message"].startswith(field), err)
        self.assertEqual(self.request("GET", "/api/v1/alerts/stats")[0], 401)


class AccountAuditTest(AdminApiCase):
    """Account changes over the API and the command line land in the hash-chained audit trail,
    with their actor and what changed, and never a secret (issue 6)."""

    def trail(self):
        """The audit entries about accounts, oldest first, read from the file as it is."""
        db = sqlite3.connect(f"file:{self.data_dir}/pantau.db?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT seq, actor, action, object, details FROM audit_log WHERE "
                              "object LIKE 'user:%' OR object LIKE 'role:%' OR "
                              "object LIKE 'apikey:%' ORDER BY seq").fetchall()
            everything = [str(r) for r in db.execute("SELECT * FROM audit_log")]
        finally:
            db.close()
        self.seqs = [seq for seq, *_ in rows]
        return [(actor, action, obj, json.loads(details))
                for _, actor, action, obj, details in rows], everything

    def test_account_changes_are_chained(self):
        admin = self.start_as_admin()
        cli = "cli:" + pwd.getpwuid(os.geteuid()).pw_name

        # Over the API, by the admin.
        status, _, _ = self.change("POST", "/api/v1/users", admin,
                                   {"name": "budi", "role": "analyst",
                                    "password": "kata-sandi-analis"})
        self.assertEqual(status, 201)
        status, _, _ = self.change("PATCH", "/api/v1/users/budi", admin,
                                   {"role": "coordinator", "password": "sandi-baru-rahasia-1"})
        self.assertEqual(status, 200)
        status, _, _ = self.change("PATCH", "/api/v1/users/budi", admin,
                                   {"disabled": True, "reset_totp": True})
        self.assertEqual(status, 200)
        status, _, key = self.change("POST", "/api/v1/apikeys", admin,
                                     {"name": "shipper", "scopes": ["ingest", "search"]})
        self.assertEqual(status, 201)
        self.assertEqual(self.change("DELETE", "/api/v1/apikeys/shipper", admin)[0], 200)
        # Refused changes write nothing.
        self.assertEqual(self.change("PATCH", "/api/v1/users/admin", admin, {"role": "head"})[0], 409)
        self.assertEqual(self.change("POST", "/api/v1/users", admin,
                                     {"name": "budi", "role": "head",
                                      "password": "kata-sandi-panjang"})[0], 409)
        # Logins, failed or not, are logged and not chained.
        self.assertEqual(self.login("budi", "salah-salah-salah")[0], 401)

        # From the command line, by the operating system account.
        pantau("user", "add", "siti", "--role", "head", "--password-stdin", "--data",
               self.data_dir, input=b"kata-sandi-kepala\n")
        passwd = pantau("user", "passwd", "siti", "--data", self.data_dir)
        new_password = passwd.stdout.decode().strip()
        pantau("user", "reset-2fa", "siti", "--data", self.data_dir)
        pantau("user", "require-2fa", "head", "--data", self.data_dir)
        pantau("user", "disable", "siti", "--data", self.data_dir)
        cli_key = pantau("apikey", "create", "rsyslog", "--scope", "ingest", "--data",
                         self.data_dir).stdout.decode().strip()
        pantau("apikey", "disable", "rsyslog", "--data", self.data_dir)

        entries, everything = self.trail()
        self.assertEqual([e[:3] for e in entries], [
            ("system", "user.create", "user:admin"),
            ("admin", "user.create", "user:budi"),
            ("admin", "user.update", "user:budi"),
            ("admin", "user.update", "user:budi"),
            ("admin", "user.totp_reset", "user:budi"),
            ("admin", "apikey.create", "apikey:shipper"),
            ("admin", "apikey.disable", "apikey:shipper"),
            (cli, "user.create", "user:siti"),
            (cli, "user.update", "user:siti"),
            (cli, "user.totp_reset", "user:siti"),
            (cli, "role.require_2fa", "role:head"),
            (cli, "user.update", "user:siti"),
            (cli, "apikey.create", "apikey:rsyslog"),
            (cli, "apikey.disable", "apikey:rsyslog"),
        ])
        details = [e[3] for e in entries]
        self.assertEqual(details[1], {"role": "analyst"})
        self.assertEqual(details[2], {"role": {"from": "analyst", "to": "coordinator"},
                                      "password_reset": True})
        self.assertEqual(details[3], {"disabled": {"from": False, "to": True}})
        self.assertEqual(details[4], {"was_enrolled": False})
        self.assertEqual(details[5], {"id": key["id"], "scopes": ["ingest", "search"]})
        self.assertEqual(details[6], {"id": key["id"]})
        self.assertEqual(details[8], {"password_reset": True})
        self.assertEqual(details[10], {"required": {"from": False, "to": True}})
        self.assertEqual(details[12]["scopes"], ["ingest"])
        # No secret anywhere in the trail: passwords, generated or given, and keys.
        for secret in ("kata-sandi-analis", "sandi-baru-rahasia-1", "kata-sandi-kepala",
                       new_password, key["key"][12:], cli_key[12:], "salah-salah-salah"):
            self.assertNotIn(secret, "\n".join(everything))

        # The chain verifies, with the server still running beside it.
        verify = pantau("audit", "verify", "--data", self.data_dir)
        n = len(everything)
        self.assertRegex(verify.stdout.decode(),
                         rf"^audit trail intact: {n} entries, last entry {n}, hash [0-9a-f]{{64}}$")
        # And a changed account entry is named: budi made an admin after the fact.
        budi = self.seqs[1]
        db = sqlite3.connect(f"{self.data_dir}/pantau.db")
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET details = '{\"role\":\"admin\"}' WHERE seq = ?", (budi,))
        db.commit()
        db.close()
        broken = pantau("audit", "verify", "--data", self.data_dir, check=False)
        self.assertEqual(broken.returncode, 1)
        self.assertIn(f"entry {budi} (admin user.create on user:budi", broken.stderr.decode())

