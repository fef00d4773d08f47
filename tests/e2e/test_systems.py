"""The registry of electronic systems over HTTP: admins register, change, export, import and
delete systems, everyone reads them; every field refused with its reason; a CSV round trip and an
import refused whole with each bad line named; an alert from a logger line enriched with the
system it concerns; cases linking only registered systems, and a vital one giving the case its
24-hour reporting deadline."""
import csv
import io
import json
import urllib.error
import urllib.request

from harness import DEADLINE_S, pantau
from test_cases import CasesCase

PORTAL = {
    "name": "Portal Kukar",
    "operator": {"agency": "Dinas Komunikasi dan Informatika", "head_name": "Ir. Siti",
                 "head_title": "Kepala Dinas", "emails": ["admin@kukarkab.go.id"],
                 "phones": ["+62 541 661234"], "chat": ["telegram: @kominfo_kukar"]},
    "urls": ["https://portal.kukarkab.go.id/"],
    "hosts": ["portal.kukarkab.go.id"],
    "ips": ["203.0.113.0/24", "2001:db8:5::/48"],
    "technology": {"cms": "WordPress", "cms_version": "6.4.3", "server": "nginx 1.22"},
    "criticality": "high",
}


class SystemsTest(CasesCase):
    def raw(self, who, method, path, data=b"", content_type="text/csv"):
        """A request with a body that is not JSON (the CSV file), as `who`."""
        cookies = self.people[who]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                   "Content-Type": content_type}
        if method != "GET":
            headers["X-CSRF-Token"] = cookies["pantau_csrf"]
        req = urllib.request.Request(self.server.url(path), method=method, headers=headers,
                                     data=data if method != "GET" else None)
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def test_crud_roles_and_validation(self):
        self.start_with_people()
        status, portal = self.call("boss", "POST", "/api/v1/systems", PORTAL)
        self.assertEqual(status, 201, portal)
        self.assertEqual(portal["id"], "1")
        self.assertEqual(portal["status"], "active")
        self.assertEqual(portal["check_interval_s"], 300)
        self.assertEqual(portal["operator"]["agency"], "Dinas Komunikasi dan Informatika")
        self.assertEqual(portal["created_by"], "boss")

        # Everyone reads; only admins change; API keys read with the search scope only.
        for who in ("budi", "siti", "kadis", "boss"):
            status, page = self.call(who, "GET", "/api/v1/systems")
            self.assertEqual((status, page["total"]), (200, 1), who)
        status, answer = self.call("budi", "POST", "/api/v1/systems", {**PORTAL, "name": "x"})
        self.assertEqual((status, answer["error"]["code"]), (403, "permission_denied"))
        self.assertEqual(self.call("siti", "DELETE", "/api/v1/systems/1")[0], 403)
        key = pantau("apikey", "create", "inventory", "--scope", "search", "--data",
                     self.data_dir).stdout.decode().strip()
        status, _, page = self.request("GET", "/api/v1/systems/1", bearer=key)
        self.assertEqual((status, page["name"]), (200, "Portal Kukar"))
        status, _, _ = self.request("POST", "/api/v1/systems", bearer=key, body=PORTAL)
        self.assertEqual(status, 403)
        status, _, _ = self.request("POST", "/api/v1/systems", cookies=self.people["boss"],
                                    body={**PORTAL, "name": "no CSRF token"})
        self.assertEqual(status, 403)

        # Each field refused with its name and why.
        bad = [
            ({"ips": ["203.0.113.300"]}, 400, "ips: '203.0.113.300' is not an IPv4 or IPv6"),
            ({"ips": ["198.51.100.7/24"]}, 400, "has host bits set: the range is 198.51.100.0/24"),
            ({"urls": ["portal.example"]}, 400, "urls: 'portal.example' is not an absolute URL"),
            ({"criticality": "kritis"}, 400,
             "criticality: 'kritis' is not one of low, medium, high, vital"),
            ({"status": "mati"}, 400, "status: 'mati' is not one of active, maintenance, retired"),
            ({"operator": {"agency": ""}}, 400, "operator.agency: required"),
            ({"operator": {"agency": "x", "emails": ["bukan-email"]}}, 400,
             "operator.emails: 'bukan-email' is not an e-mail address"),
            ({"hosts": ["10.1.1.1"]}, 400, "hosts: '10.1.1.1' is an IP address: list it under ips"),
            ({"check_interval_s": 1}, 400, "check_interval_s: 1 is not 30 to 86400 seconds"),
            ({"owner": "x"}, 400, "body: unknown member 'owner'"),
            ({"name": "portal kukar", "hosts": [], "ips": []}, 409,
             "name: 'portal kukar' is already the name of system 1"),
            ({"name": "Lain", "hosts": [], "ips": ["203.0.113.0/24"]}, 409,
             "ips: '203.0.113.0/24' is already registered to system 1 (Portal Kukar)"),
        ]
        for change, want, message in bad:
            status, answer = self.call("boss", "POST", "/api/v1/systems",
                                       {**PORTAL, "name": "Baru", **change})
            self.assertEqual(status, want, (change, answer))
            self.assertIn(message, answer["error"]["message"])
        self.assertEqual(self.call("budi", "GET", "/api/v1/systems")[1]["total"], 1)

        # PUT replaces the fields; a system linked to a case cannot be deleted, only retired.
        status, changed = self.call("boss", "PUT", "/api/v1/systems/1",
                                    {**portal, "criticality": "vital", "status": "maintenance"})
        self.assertEqual((status, changed["criticality"], changed["status"]),
                         (200, "vital", "maintenance"), changed)
        status, case = self.call("budi", "POST", "/api/v1/cases",
                                 {"title": "Judi online", "system_ids": ["1"]})
        self.assertEqual(status, 201, case)
        status, answer = self.call("boss", "DELETE", "/api/v1/systems/1")
        self.assertEqual(status, 409)
        self.assertIn("linked to case " + case["number"], answer["error"]["message"])
        status, other = self.call("boss", "POST", "/api/v1/systems",
                                  {**PORTAL, "name": "Uji", "hosts": [], "ips": []})
        self.assertEqual(status, 201)
        self.assertEqual(self.call("boss", "DELETE", f"/api/v1/systems/{other['id']}")[0], 204)
        self.assertEqual(self.call("budi", "GET", f"/api/v1/systems/{other['id']}")[0], 404)
        self.assertEqual(self.call("budi", "GET", "/api/v1/systems/nope")[0], 404)

        # The API description has every registry route.
        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        paths = json.loads(body)["paths"]
        for path in ("/api/v1/systems", "/api/v1/systems/{id}", "/api/v1/systems.csv",
                     "/api/v1/systems/import"):
            self.assertIn(path, paths)

        # Every change is in the audit trail, which is intact.
        out = pantau("audit", "verify", "--data", self.data_dir)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_csv_round_trip_and_import_all_or_nothing(self):
        self.start_with_people()
        self.assertEqual(self.call("boss", "POST", "/api/v1/systems", PORTAL)[0], 201)
        mail = {**PORTAL, "name": "=Mail \"Surat\"", "hosts": ["mail.kukarkab.go.id"], "ips": [],
                "urls": []}
        self.assertEqual(self.call("boss", "POST", "/api/v1/systems", mail)[0], 201)

        status, headers, body = self.raw("budi", "GET", "/api/v1/systems.csv")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment", headers["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual([r["name"] for r in rows], ["'=Mail \"Surat\"", "Portal Kukar"])
        portal_row = rows[1]
        self.assertEqual(portal_row["ips"], "203.0.113.0/24; 2001:db8:5::/48")
        self.assertEqual(portal_row["phones"], "'+62 541 661234")

        # The file as exported comes back unchanged; a changed cell and a new line are applied.
        status, _, answer = self.raw("boss", "POST", "/api/v1/systems/import", body)
        self.assertEqual(status, 200, answer)
        before = self.call("budi", "GET", "/api/v1/systems")[1]["items"]
        portal_row["criticality"] = "vital"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
        writer.writerow({"name": "SIPD", "agency": "Bappeda", "ips": "10.9.0.0/16",
                         "criticality": "medium"})
        status, _, answer = self.raw("boss", "POST", "/api/v1/systems/import", out.getvalue().encode())
        self.assertEqual(status, 200, answer)
        answer = json.loads(answer)
        self.assertEqual((answer["created"], answer["updated"]), (1, 2))
        items = {s["name"]: s for s in self.call("budi", "GET", "/api/v1/systems")[1]["items"]}
        self.assertEqual(items["Portal Kukar"]["criticality"], "vital")
        self.assertEqual(items["Portal Kukar"]["operator"]["phones"], ["+62 541 661234"])
        self.assertEqual(items["=Mail \"Surat\""], before[0])
        self.assertEqual(items["SIPD"]["ips"], ["10.9.0.0/16"])

        # A file with problems: every bad line named, nothing imported.
        bad = ("name,agency,ips,urls\n"
               "Baru,Dinas A,10.1.0.0/16,\n"
               "Rusak,Dinas B,10.1.0.300,\n"
               "Tanpa URL,Dinas C,,portal.example\n")
        status, _, answer = self.raw("boss", "POST", "/api/v1/systems/import", bad.encode())
        self.assertEqual(status, 400, answer)
        error = json.loads(answer)["error"]
        self.assertEqual(error["code"], "invalid_argument")
        self.assertIn("nothing was imported", error["message"])
        self.assertEqual([p["line"] for p in error["lines"]], [3, 4])
        self.assertTrue(error["lines"][0]["message"].startswith(
            "ips: '10.1.0.300' is not an IPv4 or IPv6 address"))
        self.assertTrue(error["lines"][1]["message"].startswith(
            "urls: 'portal.example' is not an absolute URL"))
        names = [s["name"] for s in self.call("budi", "GET", "/api/v1/systems")[1]["items"]]
        self.assertNotIn("Baru", names)
        status, _, answer = self.raw("boss", "POST", "/api/v1/systems/import",
                                     b"nama,instansi\nx,y\n")
        self.assertEqual(status, 400)
        self.assertIn("line 1: unknown column 'nama'", json.loads(answer)["error"]["message"])
        self.assertEqual(self.raw("budi", "POST", "/api/v1/systems/import", body)[0], 403)

    def test_alert_names_its_system_and_vital_cases_report_in_24_hours(self):
        self.start_with_people()
        status, portal = self.call("boss", "POST", "/api/v1/systems", PORTAL)
        self.assertEqual(status, 201, portal)
        # The alert of a logger line from an address inside the registered range.
        alert = self.alert_from_logger("Invalid user oracle from 203.0.113.9 port 52113")
        self.assertEqual(alert["system_id"], portal["id"])

        # An unknown system is refused, on create and on change.
        status, answer = self.call("budi", "POST", "/api/v1/cases",
                                   {"title": "x", "system_ids": [portal["id"], "99"]})
        self.assertEqual(status, 400)
        self.assertEqual(answer["error"]["message"], "system_ids: no system '99' in the registry")

        # A case from the alert takes its system; a high one gives no reporting deadline ...
        case = self.open_case_from(alert)
        self.assertEqual(case["system_ids"], [portal["id"]])
        self.assertIsNone(case["sla"]["reporting"])
        status, answer = self.call("budi", "PATCH", f"/api/v1/cases/{case['id']}",
                                   {"system_ids": ["42"]})
        self.assertEqual((status, answer["error"]["message"]),
                         (400, "system_ids: no system '42' in the registry"))

        # ... a vital one does: 24 hours from the case's opening.
        status, vital = self.call("boss", "POST", "/api/v1/systems",
                                  {"name": "SIMPEG", "operator": {"agency": "BKPSDM"},
                                   "urls": ["https://simpeg.kukarkab.go.id/"],
                                   "criticality": "vital"})
        self.assertEqual(status, 201, vital)
        status, changed = self.call("budi", "PATCH", f"/api/v1/cases/{case['id']}",
                                    {"system_ids": [portal["id"], vital["id"]]})
        self.assertEqual(status, 200, changed)
        reporting = changed["sla"]["reporting"]
        self.assertEqual(reporting["standard_minutes"], 1440)
        self.assertFalse(reporting["overdue"])
        self.assertIsNone(reporting["reported_at"])
        self.assertGreater(reporting["left_seconds"], 24 * 3600 - 120)
        self.assertEqual(changed["sla"]["standard_minutes"], 180)  # the step's own standard stays
        status, fresh = self.call("budi", "POST", "/api/v1/cases",
                                  {"title": "SIMPEG diretas", "system_ids": [vital["id"]]})
        self.assertEqual(status, 201, fresh)
        self.assertEqual(fresh["sla"]["reporting"]["standard_minutes"], 1440)
        status, page = self.call("budi", "GET", "/api/v1/cases")
        self.assertTrue(all(c["sla"]["reporting"] for c in page["items"]))
