"""Cases over HTTP, with real people of every role: a case opened from a live alert and taken
through the SOP to both ends (a confirmed incident: verified, approved, PSE notified, closed; a
false positive: verified and closed without approval or letter), every forbidden move answered
with its status and reason, the time standards, and `pantau audit verify` on an intact and on a
tampered database."""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess

from harness import DEADLINE_S, pantau, wait_for
from test_accounts import AccountsCase

PEOPLE = {  # name: (role, password)
    "budi": ("analyst", "kata-sandi-analis"),
    "ani": ("analyst", "kata-sandi-analis-2"),
    "siti": ("coordinator", "kata-sandi-koordinator"),
    "rina": ("coordinator", "kata-sandi-koordinator-2"),
    "kadis": ("head", "kata-sandi-kepala"),
    "boss": ("admin", "kata-sandi-admin"),
}


class CasesCase(AccountsCase):
    def start_with_people(self):
        server = self.start_server()
        self.people = {}
        for name, (role, password) in PEOPLE.items():
            self.add_user(name, role, password)
            status, headers, body = self.login(name, password)
            self.assertEqual(status, 200, body)
            self.people[name] = self.session_of(headers)[0]
        return server

    def call(self, who, method, path, body=None):
        """As `who` from the UI: the session cookie, and its CSRF token on changes."""
        cookies = self.people[who]
        csrf = cookies["pantau_csrf"] if method != "GET" else None
        status, _, answer = self.request(method, path, cookies=cookies, csrf=csrf, body=body)
        return status, answer

    def act(self, who, case, action, comment=None, expect=200):
        body = {"comment": comment} if comment is not None else {}
        status, answer = self.call(who, "POST", f"/api/v1/cases/{case}/actions/{action}", body)
        self.assertEqual(status, expect, f"{who} {action}: {answer}")
        return answer

    def refused(self, who, case, action, status, reason, comment=None):
        """A move that must be refused with `status` and a message containing `reason`."""
        answer = self.act(who, case, action, comment, expect=status)
        self.assertIn(reason, answer["error"]["message"])

    def verdict(self, who, case, verdict, justification="", expect=200):
        status, answer = self.call(who, "POST", f"/api/v1/cases/{case}/verdict",
                                   {"verdict": verdict, "justification": justification})
        self.assertEqual(status, expect, answer)
        return answer

    def alert_from_logger(self, message):
        """An alert of Pantau's built-in SSH rules, from a line sent with logger over TCP."""
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                        "-T", "-t", "sshd", message], check=True, timeout=DEADLINE_S)

        def alert():
            status, page = self.call("budi", "GET", "/api/v1/alerts")
            self.assertEqual(status, 200, page)
            return page["items"][0] if page["total"] else None
        return wait_for(alert, "the alert")

    def open_case_from(self, alert, **fields):
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"alert_ids": [alert["id"]], **fields})
        self.assertEqual(status, 201, case)
        return case


class CaseWorkflowTest(CasesCase):
    def test_confirmed_incident_from_alert_to_closed(self):
        self.start_with_people()
        alert = self.alert_from_logger("Invalid user oracle from 203.0.113.9 port 52113")

        # Who may open and see cases at all: people of the response team, not admins, not keys.
        status, answer = self.call("boss", "POST", "/api/v1/cases", {"title": "x"})
        self.assertEqual((status, answer["error"]["message"]),
                         (403, "the role 'admin' may not do this"))
        self.assertEqual(self.call("boss", "GET", "/api/v1/cases")[0], 403)
        key = pantau("apikey", "create", "dash", "--scope", "search", "--data",
                     self.data_dir).stdout.decode().strip()
        status, _, answer = self.request("GET", "/api/v1/cases", bearer=key)
        self.assertEqual(status, 403)
        self.assertIn("API keys may not", answer["error"]["message"])
        status, _, _ = self.request("POST", "/api/v1/cases", cookies=self.people["budi"],
                                    body={"title": "no CSRF token"})
        self.assertEqual(status, 403)

        case = self.open_case_from(alert, incident_type="brute_force")
        cid = case["id"]
        self.assertRegex(case["number"], r"^INS-\d{4}-0001$")
        self.assertEqual(case["state"], "triage")
        self.assertIsNone(case["verdict"])
        self.assertEqual(case["title"], "SSH Login Attempt for a User That Does Not Exist")
        self.assertEqual(case["source"], "detection")
        self.assertEqual(case["risk_level"], "low")  # the alert's level
        self.assertEqual(case["alert_ids"], [alert["id"]])
        self.assertIn({"type": "ip", "value": "203.0.113.9"}, case["observables"])
        self.assertEqual(case["actions"], ["investigate"])
        self.assertEqual(case["sla"]["standard_minutes"], 180)
        self.assertFalse(case["sla"]["overdue"])
        self.assertEqual(case["history"][0]["actor"], "budi")
        status, linked = self.call("budi", "GET", f"/api/v1/alerts/{alert['id']}")
        self.assertEqual((linked["status"], linked["case_id"]), ("acknowledged", cid))
        # By number too; the list shows it.
        status, same = self.call("siti", "GET", f"/api/v1/cases/{case['number']}")
        self.assertEqual((status, same["id"]), (200, cid))
        status, page = self.call("kadis", "GET", "/api/v1/cases?state=triage")
        self.assertEqual((status, page["total"], page["next_cursor"]), (200, 1, None))
        # An alert is in one open case at a time.
        status, answer = self.call("ani", "POST", "/api/v1/cases", {"alert_ids": [alert["id"]]})
        self.assertEqual(status, 409)
        self.assertIn(f"already in case {case['number']}", answer["error"]["message"])

        # Triage -> investigating -> assessing, with the wrong roles and states refused on the way.
        self.refused("kadis", cid, "investigate", 403, "the role 'head' may never investigate")
        self.refused("siti", cid, "verify", 409, "the case is in state 'triage'")
        self.refused("budi", cid, "verify", 403, "the role 'analyst' may never verify")
        self.refused("budi", cid, "assess", 409, "assess is only possible from investigating")
        self.act("budi", cid, "investigate")
        self.act("budi", cid, "assess")
        self.refused("budi", cid, "report", 409, "report needs a verdict")
        self.verdict("kadis", cid, "confirmed", "x", expect=403)
        self.verdict("budi", cid, "false_negative", "x", expect=400)
        self.verdict("budi", cid, "confirmed", "", expect=400)
        case = self.verdict("budi", cid, "confirmed",
                            "PoC: login as oracle succeeded after the scan; webshell found")
        self.assertEqual((case["verdict"], case["verdict_by"]), ("confirmed", "budi"))
        self.act("budi", cid, "report")
        status, case = self.call("budi", "PATCH", f"/api/v1/cases/{cid}",
                                 {"risk_level": "high", "techniques": ["T1110.001", "T1505.003"],
                                  "assignee": "budi"})
        self.assertEqual((status, case["risk_level"], case["assignee"]), (200, "high", "budi"))
        self.act("budi", cid, "submit")
        self.refused("budi", cid, "submit", 409, "the case is in state 'submitted'")
        self.verdict("budi", cid, "false_positive", "changed my mind", expect=409)

        # The coordinator returns it with comments; a return without them is refused.
        self.refused("siti", cid, "return", 400, "comment: say what must change")
        self.refused("kadis", cid, "return", 409, "now only coordinator may return it",
                     comment="x")
        case = self.act("siti", cid, "return", comment="Lengkapi kronologi serangan")
        self.assertEqual(case["state"], "reporting")
        self.assertEqual(case["history"][-1]["comment"], "Lengkapi kronologi serangan")
        # Rina, a coordinator, writes part of the report: she may not verify it.
        self.verdict("rina", cid, "confirmed", "kronologi lengkap di lampiran")
        self.act("budi", cid, "submit")
        self.refused("rina", cid, "verify", 409,
                     "'rina' wrote or submitted this report and may not verify it "
                     "(separation of duties)")
        self.refused("kadis", cid, "approve", 409, "the case is in state 'submitted'")
        case = self.act("siti", cid, "verify")
        self.assertEqual((case["state"], case["verified_by"]), ("verified", "siti"))
        self.refused("siti", cid, "approve", 403, "the role 'coordinator' may never approve")
        self.refused("budi", cid, "close", 409, "a confirmed incident cannot close yet")

        # Rina is made a head: an author still may not approve, whatever her role now.
        status, _ = self.call("boss", "PATCH", "/api/v1/users/rina", {"role": "head"})
        self.assertEqual(status, 200)
        status, headers, _ = self.login("rina", PEOPLE["rina"][1])
        self.people["rina"] = self.session_of(headers)[0]
        self.refused("rina", cid, "approve", 409, "separation of duties")
        case = self.act("kadis", cid, "approve")
        self.assertEqual((case["state"], case["approved_by"]), ("approved", "kadis"))
        self.assertEqual(case["actions"], [])  # nothing more for the head
        self.refused("kadis", cid, "notify", 403, "the role 'head' may never notify")
        case = self.act("ani", cid, "notify")
        self.assertEqual(case["actions"], ["close"])
        case = self.act("budi", cid, "close")
        self.assertEqual(case["state"], "closed")
        self.assertEqual(case["actions"], [])
        self.assertEqual([h["state"] for h in case["history"]],
                         ["triage", "investigating", "assessing", "reporting", "submitted",
                          "reporting", "submitted", "verified", "approved", "notified", "closed"])
        self.assertEqual([h["actor"] for h in case["history"]],
                         ["budi", "budi", "budi", "budi", "budi", "siti", "budi", "siti", "kadis",
                          "ani", "budi"])
        steps = case["sla"]["steps"]
        self.assertEqual(len(steps), 11)
        self.assertTrue(all(s["on_time"] for s in steps[:-1]), steps)
        self.assertIsNone(steps[-1]["standard_minutes"])

        # Closed is the end: no move, no change.
        self.refused("budi", cid, "close", 409, "the case is in state 'closed'")
        status, answer = self.call("budi", "PATCH", f"/api/v1/cases/{cid}", {"title": "later"})
        self.assertEqual(status, 409)
        self.assertIn("is closed", answer["error"]["message"])
        status, closed_alert = self.call("budi", "GET", f"/api/v1/alerts/{alert['id']}")
        self.assertEqual((closed_alert["status"], closed_alert["false_positive"]),
                         ("closed", False))
        self.assertEqual(self.call("budi", "POST", f"/api/v1/cases/{cid}/actions/reopen", {})[0],
                         404)
        self.assertEqual(self.call("budi", "GET", "/api/v1/cases/99")[0], 404)

        # The audit trail has every change, chained.
        status, history = self.call("siti", "GET", f"/api/v1/cases/{cid}/history")
        self.assertEqual(status, 200)
        actions = [e["action"] for e in history["items"]]
        # Each submission froze a report version; the approval signed the report and the letter.
        self.assertEqual(actions, ["case.create", "case.investigate", "case.assess",
                                   "case.verdict", "case.report", "case.update", "case.submit",
                                   "document.freeze", "case.return", "case.verdict",
                                   "case.submit", "document.freeze", "case.verify",
                                   "case.approve", "document.sign", "document.sign",
                                   "case.notify", "case.close"])
        self.assertEqual(history["items"][8]["details"]["comment"], "Lengkapi kronologi serangan")
        self.assertEqual(history["items"][13]["actor"], "kadis")
        self.assertEqual(history["items"][5]["details"]["changes"]["risk_level"],
                         {"from": "low", "to": "high"})
        r = pantau("audit", "verify", "--data", self.data_dir)
        self.assertRegex(r.stdout.decode(), r"audit trail intact: \d+ entries")

    def test_false_positive_closes_after_verification_without_a_letter(self):
        self.start_with_people()
        alert = self.alert_from_logger("Invalid user admin from 198.51.100.23 port 40022")
        cid = self.open_case_from(alert)["id"]
        self.act("ani", cid, "investigate")
        self.verdict("ani", cid, "false_positive",
                     "Pemindaian oleh tim VA sendiri dari 198.51.100.23, terjadwal")
        self.act("ani", cid, "assess")
        self.act("ani", cid, "report")
        self.act("ani", cid, "submit")
        case = self.act("rina", cid, "verify")
        self.assertEqual(case["actions"], ["close"])
        self.refused("kadis", cid, "approve", 409,
                     "approve is only for a confirmed incident; a false positive closes after "
                     "verification")
        self.refused("kadis", cid, "close", 403, "the role 'head' may never close")
        case = self.act("rina", cid, "close")
        self.assertEqual(case["state"], "closed")
        self.assertEqual(case["verdict"], "false_positive")
        self.assertIsNone(case["approved_by"])
        self.assertEqual([h["state"] for h in case["history"]],
                         ["triage", "investigating", "assessing", "reporting", "submitted",
                          "verified", "closed"])
        status, a = self.call("ani", "GET", f"/api/v1/alerts/{alert['id']}")
        self.assertEqual((a["status"], a["false_positive"]), ("closed", True))
        self.assertEqual(a["false_positive_reason"],
                         f"{case['number']}: Pemindaian oleh tim VA sendiri dari "
                         "198.51.100.23, terjadwal")
        status, page = self.call("budi", "GET", "/api/v1/cases?state=closed&overdue=false")
        self.assertEqual((status, page["total"]), (200, 1))

    def test_time_standards(self):
        self.start_with_people()
        status, sla = self.call("budi", "GET", "/api/v1/sla")
        self.assertEqual(status, 200)
        self.assertEqual({s["state"]: s["minutes"] for s in sla["items"]},
                         {"triage": 180, "investigating": 1440, "assessing": 2880,
                          "reporting": 1440, "submitted": 5, "verified": 5, "approved": 5,
                          "notified": 10})
        self.assertEqual(self.call("siti", "PUT", "/api/v1/sla", {"triage": 60})[0], 403)
        status, answer = self.call("boss", "PUT", "/api/v1/sla", {"triage": 0})
        self.assertEqual(status, 400)
        self.assertEqual(self.call("boss", "PUT", "/api/v1/sla", {"closed": 5})[0], 400)
        self.assertEqual(self.call("boss", "PUT", "/api/v1/sla", {"triage": "1h"})[0], 400)
        self.assertEqual(self.call("boss", "PUT", "/api/v1/sla", {"open": 5})[0], 400)
        status, sla = self.call("boss", "PUT", "/api/v1/sla", {"triage": 120, "notified": 15})
        self.assertEqual(status, 200, sla)
        triage = sla["items"][0]
        self.assertEqual((triage["minutes"], triage["default_minutes"], triage["updated_by"]),
                         (120, 180, "boss"))
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Laporan PSE: situs disdik berisi konten judi",
                                  "source": "complaint", "incident_type": "gambling_injection"})
        self.assertEqual(status, 201, case)
        self.assertEqual(case["sla"]["standard_minutes"], 120)
        self.assertGreater(case["sla"]["left_seconds"], 119 * 60)
        status, page = self.call("budi", "GET", "/api/v1/cases?overdue=true")
        self.assertEqual((status, page["total"]), (200, 0))
        self.assertEqual(self.call("budi", "GET", "/api/v1/cases?overdue=maybe")[0], 400)

        # The API description has every case route.
        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        paths = json.loads(body)["paths"]
        for path in ("/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/verdict",
                     "/api/v1/cases/{id}/actions/{action}", "/api/v1/cases/{id}/history",
                     "/api/v1/sla"):
            self.assertIn(path, paths)


class AuditVerifyTest(CasesCase):
    def verify(self):
        r = pantau("audit", "verify", "--data", self.data_dir, check=False)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def test_verify_finds_a_changed_and_a_deleted_entry(self):
        self.start_with_people()
        for i in range(3):
            status, case = self.call("budi", "POST", "/api/v1/cases", {"title": f"kasus {i}"})
            self.assertEqual(status, 201, case)
            self.act("budi", case["id"], "investigate")
        code, out, err = self.verify()  # beside the running server
        self.assertEqual(code, 0, err)
        # The accounts come first: the first admin and each person added are entries too.
        a = 1 + len(PEOPLE)
        self.assertRegex(out, rf"audit trail intact: {a + 6} entries, last entry {a + 6}, "
                              r"hash [0-9a-f]{64}")
        self.assertEqual(self.server.stop(), 0)
        self.server = None

        db_path = os.path.join(self.data_dir, "pantau.db")
        clean = db_path + ".clean"
        shutil.copy(db_path, clean)
        with sqlite3.connect(db_path) as db:
            with self.assertRaises(sqlite3.DatabaseError):  # append-only
                db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (a + 3,))
            db.execute("DROP TRIGGER audit_log_no_update")
            db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (a + 3,))
        db.close()
        code, out, err = self.verify()
        self.assertEqual(code, 1, out)
        self.assertIn(f"audit trail broken at entry {a + 3}: entry {a + 3} (mallory case.create on "
                      "case:2", err)
        self.assertIn("changed after it was written", err)
        self.assertIn("append-only triggers are missing", err)

        shutil.copy(clean, db_path)
        self.assertEqual(self.verify()[0], 0)
        with sqlite3.connect(db_path) as db:
            db.execute("DROP TRIGGER audit_log_no_delete")
            db.execute("DELETE FROM audit_log WHERE seq = ?", (a + 4,))
        db.close()
        code, out, err = self.verify()
        self.assertEqual(code, 1, out)
        self.assertIn(f"audit trail broken at entry {a + 4}: entry {a + 4} is missing: entry {a + 5} "
                      f"follows entry {a + 3}", err)

        code, out, err = self.verify_missing()
        self.assertEqual(code, 2)
        self.assertIn("no database", err)

    def verify_missing(self):
        r = pantau("audit", "verify", "--data", os.path.join(self.data_dir, "nothing"), check=False)
        return r.returncode, r.stdout.decode(), r.stderr.decode()
