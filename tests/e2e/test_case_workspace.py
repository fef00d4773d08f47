"""The investigation workspace of a case over HTTP, against the real server: SSH lines sent with
logger become an alert, a case is opened from it, and its timeline has those events; notes are
written and revised (every revision kept, a stale edit and a closed case refused); the attack
reference for the case's technique T1110 comes from the library, where an admin's change shows
up and an analyst's is refused."""
import json
import subprocess
import urllib.parse
from datetime import datetime, timedelta, timezone

from harness import DEADLINE_S, events, pantau, wait_for
from test_cases import PEOPLE, CasesCase

WITA = timezone(timedelta(hours=8))  # Kutai Kartanegara's time zone


class CaseWorkspaceTest(CasesCase):
    def ssh_alert(self, lines):
        """One alert of Pantau's rule for SSH logins of unknown users over all `lines`."""
        for line in lines:
            subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                            "-T", "-t", "sshd", line], check=True, timeout=DEADLINE_S)

        def alert():
            status, page = self.call("budi", "GET", "/api/v1/alerts")
            self.assertEqual(status, 200, page)
            items = [a for a in page["items"] if a["count"] == len(lines)]
            return items[0] if items else None
        return wait_for(alert, f"an alert over {len(lines)} lines")

    def test_timeline_notes_and_attack_reference(self):
        self.start_with_people()
        lines = [f"Invalid user oracle from 203.0.113.9 port {52113 + i}" for i in range(3)]
        alert = self.ssh_alert(lines)
        self.assertEqual(len(alert["event_ids"]), 3)
        case = self.open_case_from(alert, incident_type="brute_force")
        cid = case["id"]
        self.assertEqual(case["techniques"], ["T1110"])  # from the rule's attack.t1110 tag

        # The timeline: the alert's events (log content), the alert, the case's first state.
        status, timeline = self.call("budi", "GET", f"/api/v1/cases/{cid}/timeline")
        self.assertEqual(status, 200, timeline)
        events = [i for i in timeline["items"] if i["kind"] == "event"]
        self.assertEqual(sorted(e["event_id"] for e in events), sorted(alert["event_ids"]))
        for e in events:
            self.assertEqual(e["alert_id"], alert["id"])
            self.assertIn("Invalid user oracle from 203.0.113.9", e["summary"])
            self.assertTrue(e["dataset"])
        self.assertEqual(sorted(e["summary"].split("port ")[-1] for e in events),
                         ["52113", "52114", "52115"])
        kinds = [i["kind"] for i in timeline["items"]]
        self.assertEqual(kinds.count("alert"), 1)
        self.assertEqual(kinds[-1], "state")
        self.assertEqual(timeline["items"][-1]["state"], "triage")
        times = [i["time"] for i in timeline["items"]]
        self.assertEqual(times, sorted(times))
        self.assertEqual((timeline["total"], timeline["events_omitted"],
                          timeline["events_missing"]), (len(kinds), 0, 0))

        # A manual entry, in the past, in local time (WITA).
        reported = (datetime.now(WITA) - timedelta(days=1)).replace(microsecond=0)
        status, entry = self.call("siti", "POST", f"/api/v1/cases/{cid}/timeline",
                                  {"time": reported.isoformat(),
                                   "text": "PSE melapor: login SSH mencurigakan di web01"})
        self.assertEqual(status, 201, entry)
        self.assertEqual(entry["author"], "siti")
        self.assertEqual(entry["time"],
                         reported.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        status, answer = self.call("siti", "POST", f"/api/v1/cases/{cid}/timeline",
                                   {"time": "kemarin", "text": "x"})
        self.assertEqual(status, 400)
        self.assertIn("RFC 3339", answer["error"]["message"])
        later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
        status, answer = self.call("siti", "POST", f"/api/v1/cases/{cid}/timeline",
                                   {"time": later, "text": "x"})
        self.assertEqual(status, 400)
        self.assertIn("in the future", answer["error"]["message"])

        # Notes: written, revised, withdrawn; every revision kept.
        status, note = self.call("budi", "POST", f"/api/v1/cases/{cid}/notes",
                                 {"kind": "attack_form", "title": "Bentuk serangan",
                                  "body": "Brute force SSH dari **203.0.113.9**."})
        self.assertEqual(status, 201, note)
        nid = note["id"]
        self.assertEqual((note["revisions"], note["created_by"], note["withdrawn"]),
                         (1, "budi", False))
        status, note = self.call("siti", "PUT", f"/api/v1/cases/{cid}/notes/{nid}",
                                 {"body": "Brute force SSH dari **203.0.113.9**, akun "
                                          "`oracle` tidak ada.", "base_revision": 1})
        self.assertEqual(status, 200, note)
        self.assertEqual((note["revisions"], note["updated_by"], note["title"]),
                         (2, "siti", "Bentuk serangan"))
        status, answer = self.call("budi", "PUT", f"/api/v1/cases/{cid}/notes/{nid}",
                                   {"body": "ditimpa", "base_revision": 1})
        self.assertEqual(status, 409, answer)
        self.assertIn("revision 2 is by siti", answer["error"]["message"])
        status, note = self.call("budi", "PUT", f"/api/v1/cases/{cid}/notes/{nid}",
                                 {"withdrawn": True})
        self.assertEqual((status, note["revisions"], note["withdrawn"]), (200, 3, True))
        status, revisions = self.call("kadis", "GET",
                                      f"/api/v1/cases/{cid}/notes/{nid}/revisions")
        self.assertEqual(status, 200, revisions)
        self.assertEqual([(r["revision"], r["author"], r["withdrawn"])
                          for r in revisions["items"]],
                         [(1, "budi", False), (2, "siti", False), (3, "budi", True)])
        self.assertEqual(revisions["items"][0]["body"], "Brute force SSH dari **203.0.113.9**.")
        status, notes = self.call("kadis", "GET", f"/api/v1/cases/{case['number']}/notes")
        self.assertEqual((status, notes["total"], notes["items"][0]["revisions"]), (200, 1, 3))
        self.assertEqual(self.call("boss", "GET", f"/api/v1/cases/{cid}/notes")[0], 403)
        status, answer = self.call("budi", "POST", f"/api/v1/cases/{cid}/notes",
                                   {"kind": "kesimpulan", "title": "x"})
        self.assertEqual(status, 400)
        self.assertIn("root_cause", answer["error"]["message"])
        status, answer = self.call("budi", "POST", f"/api/v1/cases/{cid}/notes",
                                   {"kind": "general", "title": "x", "body": "a" * 204801})
        self.assertEqual(status, 413, answer)
        self.assertEqual(self.call("budi", "GET", f"/api/v1/cases/{cid}/notes/999")[0], 404)

        # The timeline now has the note and the manual entry (first: it is the oldest).
        status, timeline = self.call("budi", "GET", f"/api/v1/cases/{cid}/timeline")
        self.assertEqual(timeline["items"][0]["kind"], "manual")
        self.assertEqual(timeline["items"][0]["actor"], "siti")
        notes_in = [i for i in timeline["items"] if i["kind"] == "note"]
        self.assertEqual([(n["note_id"], n["note_kind"], n["withdrawn"]) for n in notes_in],
                         [(nid, "attack_form", True)])

        # The attack reference of the case: its incident type and technique T1110.
        status, ref = self.call("budi", "GET", f"/api/v1/cases/{cid}/attack")
        self.assertEqual(status, 200, ref)
        by_id = {i["id"]: i for i in ref["items"]}
        self.assertEqual(list(by_id), ["brute_force", "T1110"])
        t1110 = by_id["T1110"]
        self.assertEqual((t1110["matched_by"], t1110["source"], t1110["url"]),
                         ("technique", "builtin", "https://attack.mitre.org/techniques/T1110/"))
        self.assertTrue(t1110["description"]["id"] and t1110["description"]["en"])
        self.assertTrue(t1110["mitigations"]["id"] and t1110["mitigations"]["en"])
        self.assertEqual(ref["missing"], [])

        # Admins edit the library; nobody else may.
        change = {"mitigations": {
            "id": ["Blokir 203.0.113.0/24 di FortiGate", "Wajibkan kunci SSH, matikan kata sandi"],
            "en": ["Block 203.0.113.0/24 on the FortiGate", "Require SSH keys, no passwords"]}}
        status, answer = self.call("budi", "PUT", "/api/v1/attack/T1110", change)
        self.assertEqual(status, 403, answer)
        self.assertEqual(self.call("siti", "PUT", "/api/v1/attack/T1110", change)[0], 403)
        status, answer = self.call("boss", "PUT", "/api/v1/attack/T1110",
                                   {"mitigations": {"id": ["hanya satu bahasa"]}})
        self.assertEqual(status, 400)
        status, entry = self.call("boss", "PUT", "/api/v1/attack/T1110", change)
        self.assertEqual(status, 200, entry)
        self.assertEqual((entry["source"], entry["updated_by"]), ("override", "boss"))
        status, ref = self.call("budi", "GET", f"/api/v1/cases/{cid}/attack")
        t1110 = {i["id"]: i for i in ref["items"]}["T1110"]
        self.assertEqual(t1110["mitigations"], change["mitigations"])
        self.assertEqual(t1110["source"], "override")
        status, library = self.call("kadis", "GET", "/api/v1/attack")
        self.assertEqual(status, 200, library)
        self.assertGreaterEqual(library["total"], 40)
        self.assertIn("gambling_injection", [e["id"] for e in library["items"]])
        status, entry = self.call("boss", "GET", "/api/v1/attack/t1110")
        self.assertEqual((status, entry["mitigations"]), (200, change["mitigations"]))
        self.assertEqual(self.call("budi", "DELETE", "/api/v1/attack/T1110")[0], 403)
        status, entry = self.call("boss", "DELETE", "/api/v1/attack/T1110")
        self.assertEqual((status, entry["source"]), (200, "builtin"))
        self.assertNotEqual(entry["mitigations"], change["mitigations"])
        self.assertEqual(self.call("boss", "GET", "/api/v1/attack/T0000")[0], 404)

        # Everything above is in the case's audit trail and the chain holds.
        status, history = self.call("siti", "GET", f"/api/v1/cases/{cid}/history")
        actions = [e["action"] for e in history["items"]]
        self.assertEqual(actions, ["case.create", "timeline.add", "note.create", "note.revise",
                                   "note.revise"])
        self.assertEqual(history["items"][3]["details"]["changed"], ["body"])
        r = pantau("audit", "verify", "--data", self.data_dir)
        # The case's five, the attack library's two, and the accounts' (the first admin and each
        # person added).
        self.assertRegex(r.stdout.decode(), rf"audit trail intact: {7 + 1 + len(PEOPLE)} entries")

        # A closed case's workspace is read-only.
        self.act("budi", cid, "investigate")
        self.verdict("budi", cid, "false_positive", "Uji penetrasi terjadwal dari 203.0.113.9")
        for action in ("assess", "report", "submit"):
            self.act("budi", cid, action)
        self.act("siti", cid, "verify")
        self.act("siti", cid, "close")
        status, answer = self.call("budi", "POST", f"/api/v1/cases/{cid}/notes",
                                   {"kind": "general", "title": "terlambat"})
        self.assertEqual(status, 409)
        self.assertIn("is closed", answer["error"]["message"])
        self.assertEqual(self.call("budi", "PUT", f"/api/v1/cases/{cid}/notes/{nid}",
                                   {"withdrawn": False})[0], 409)
        self.assertEqual(self.call("budi", "POST", f"/api/v1/cases/{cid}/timeline",
                                   {"time": reported.isoformat(), "text": "terlambat"})[0], 409)
        status, timeline = self.call("kadis", "GET", f"/api/v1/cases/{cid}/timeline")
        self.assertEqual((status, timeline["items"][-1]["state"]), (200, "closed"))

        # The API description has the routes.
        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        paths = json.loads(body)["paths"]
        for path in ("/api/v1/cases/{id}/notes", "/api/v1/cases/{id}/notes/{note_id}",
                     "/api/v1/cases/{id}/notes/{note_id}/revisions", "/api/v1/cases/{id}/timeline",
                     "/api/v1/cases/{id}/attack", "/api/v1/attack", "/api/v1/attack/{id}"):
            self.assertIn(path, paths)

    def test_a_case_links_events_from_a_search(self):
        """A case opened from a search result keeps the event: it is on the case and on its
        timeline (as the case's own, not an alert's); ids that are no event are refused."""
        self.start_with_people()
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                        "-T", "-t", "nginx", "GET /wp-content/slot-gacor.php 200"],
                       check=True, timeout=DEADLINE_S)

        def event():
            status, page = self.call("budi", "GET", "/api/v1/events?q=%22slot-gacor%22")
            self.assertEqual(status, 200, page)
            return page["items"][0] if page["items"] else None
        ev = wait_for(event, "the event in search")
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Tautan judi di situs dinas", "event_ids": [ev["id"]]})
        self.assertEqual(status, 201, case)
        self.assertEqual(case["event_ids"], [ev["id"]])
        status, timeline = self.call("budi", "GET", f"/api/v1/cases/{case['id']}/timeline")
        self.assertEqual(status, 200, timeline)
        events = [i for i in timeline["items"] if i["kind"] == "event"]
        self.assertEqual([(e["event_id"], e["alert_id"]) for e in events], [(ev["id"], None)])
        self.assertIn("slot-gacor", events[0]["summary"])

        for bad, reason in [("20261127-999999", "event_ids: no event '20261127-999999'"),
                            ("../etc", "event_ids: '../etc' is not an event id")]:
            status, answer = self.call("budi", "PATCH", f"/api/v1/cases/{case['id']}",
                                       {"event_ids": [ev["id"], bad]})
            self.assertEqual(status, 400, answer)
            self.assertIn(reason, answer["error"]["message"])
        # Unlinking is a change like any other, and the audit trail has it.
        status, changed = self.call("budi", "PATCH", f"/api/v1/cases/{case['id']}",
                                    {"event_ids": []})
        self.assertEqual((status, changed["event_ids"]), (200, []))
        status, history = self.call("budi", "GET", f"/api/v1/cases/{case['id']}/history")
        self.assertEqual(status, 200, history)
        updates = [h for h in history["items"] if h["action"] == "case.update"]
        self.assertEqual(updates[-1]["details"]["changes"]["event_ids"],
                         {"from": [ev["id"]], "to": []})

    def test_a_long_timeline_is_read_by_pages(self):
        """A case with more events than a page (issue 6): read in full by following next_cursor,
        while entries are added between the pages; nothing repeats and nothing is skipped."""
        self.start_with_people()
        key = self.api_key()
        start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
        body = "".join(json.dumps({"@timestamp": (start + timedelta(seconds=i)).isoformat(),
                                   "message": f"baris {i}"}) + "\n" for i in range(450)).encode()
        status, _, text = self.server.http("POST", "/api/v1/ingest", body=body,
                                           headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(status, 200, text)
        ids = [e["id"] for e in events(self.data_dir)]
        self.assertEqual(len(ids), 450)
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Banyak peristiwa", "event_ids": ids})
        self.assertEqual(status, 201, case)
        path = f"/api/v1/cases/{case['id']}/timeline"

        # The default page is 200 items.
        status, first = self.call("budi", "GET", path)
        self.assertEqual((status, len(first["items"]), first["total"]), (200, 200, 451))
        self.assertIsNotNone(first["next_cursor"])

        seen, cursor, pages = [], None, 0
        while True:
            query = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            status, page = self.call("budi", "GET", f"{path}?{urllib.parse.urlencode(query)}")
            self.assertEqual(status, 200, page)
            pages += 1
            seen += page["items"]
            cursor = page["next_cursor"]
            if pages == 1:
                # One entry dated before every event (behind the cursor), one now (ahead of it).
                for when, text in [(start - timedelta(hours=1), "PSE melapor lebih awal"),
                                   (datetime.now(timezone.utc), "Situs diturunkan")]:
                    status, _ = self.call("siti", "POST", path,
                                          {"time": when.isoformat(), "text": text})
                    self.assertEqual(status, 201)
            if cursor is None:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(page["total"], 453)
        keys = [(i["kind"], i.get("event_id") or i.get("entry_id") or i.get("state")) for i in seen]
        self.assertEqual(len(keys), len(set(keys)), "an item came twice")
        self.assertEqual(sorted(i["event_id"] for i in seen if i["kind"] == "event"), sorted(ids))
        self.assertEqual([i["summary"] for i in seen if i["kind"] == "manual"], ["Situs diturunkan"])
        times = [i["time"] for i in seen]
        self.assertEqual(times, sorted(times))
        self.assertEqual([i["summary"] for i in seen[:3]], ["baris 0", "baris 1", "baris 2"])

        for query, field in [("limit=0", "limit"), ("limit=1001", "limit"), ("cursor=x", "cursor"),
                             ("cursor=1.9.1", "cursor")]:
            status, answer = self.call("budi", "GET", f"{path}?{query}")
            self.assertEqual(status, 400, answer)
            self.assertTrue(answer["error"]["message"].startswith(field + ":"), answer)

