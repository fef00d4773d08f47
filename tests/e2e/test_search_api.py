"""GET /api/v1/events and /api/v1/events/{id} on a server fed by logger and HTTP ingest: queries,
stable cursor paging while events keep arriving, authentication, and errors with a column."""
import json
import subprocess
import threading
import urllib.parse

from harness import ServerTest, pantau, wait_for, wait_for_events, DEADLINE_S


class SearchApiTest(ServerTest):
    def key(self, name, scope):
        return pantau("apikey", "create", name, "--scope", scope,
                      "--data", self.data_dir).stdout.decode().strip()

    def get(self, path, key, **params):
        query = urllib.parse.urlencode(params)
        status, _, body = self.server.http("GET", f"{path}?{query}" if query else path,
                                           headers={"Authorization": f"Bearer {key}"})
        return status, json.loads(body)

    def ingest(self, key, records):
        body = "".join(json.dumps(r) + "\n" for r in records).encode()
        status, _, text = self.server.http("POST", "/api/v1/ingest", body=body,
                                           headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(status, 200, text)

    def test_query_paging_and_get(self):
        server = self.start_server()
        search, ingest = self.key("analyst-tool", "search"), self.key("shipper", "ingest")
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(server.ports["syslog_tcp"]), "-T",
                        "-t", "sshd", "--id=77",
                        "Failed password for root from 203.0.113.9 port 4242 ssh2"],
                       check=True, timeout=DEADLINE_S)
        self.ingest(ingest, [{"message": f"web hit {i}", "source": {"ip": f"10.0.0.{i}"},
                              "http": {"response": {"status_code": 200 + i}}} for i in range(25)])
        wait_for_events(self.data_dir, 26)

        status, page = self.get("/api/v1/events", search, q="user.name:root AND source.ip:203.0.113.0/24")
        self.assertEqual(status, 200)
        self.assertEqual(page["total"], 1)
        (event,) = page["items"]
        self.assertEqual(event["dataset"], "linux.auth")
        self.assertEqual(event["fields"]["process.pid"], 77)
        self.assertIsNone(page["next_cursor"])

        status, one = self.get(f"/api/v1/events/{event['id']}", search)
        self.assertEqual((status, one["raw"]), (200, event["raw"]))
        status, missing = self.get("/api/v1/events/20261127-999999", search)
        self.assertEqual(status, 404)

        status, page = self.get("/api/v1/events", search, q="http.response.status_code>=220")
        self.assertEqual(page["total"], 5)

        status, table = self.get("/api/v1/events", search,
                                 q="| stats count, dc(source.ip) by dataset | sort -count")
        self.assertEqual(status, 200)
        self.assertEqual(table["columns"], ["dataset", "count", "dc(source.ip)"])
        self.assertEqual(table["rows"], [["json", 25, 25], ["linux.auth", 1, 1]])

        status, hist = self.get("/api/v1/events/histogram", search, q="web hit",
                                **{"from": "now-10m", "to": "now+10m", "buckets": "20"})
        self.assertEqual(status, 200)
        self.assertEqual(len(hist["buckets"]), 20)
        self.assertEqual(hist["interval_s"], 60)
        self.assertEqual(sum(b["count"] for b in hist["buckets"]), 25)
        # Without a query, from the per-minute counts: whole minutes, every event.
        status, hist = self.get("/api/v1/events/histogram", search,
                                **{"from": "now-1h", "to": "now+1h", "buckets": "24"})
        self.assertEqual((status, hist["interval_s"]), (200, 300))
        self.assertTrue(hist["from"].endswith(":00Z"))
        self.assertEqual(sum(b["count"] for b in hist["buckets"]), 26)

        status, fields = self.get("/api/v1/events/fields", search, q="dataset:json")
        self.assertEqual((status, fields["sample"]), (200, 25))
        by_name = {f["name"]: f for f in fields["fields"]}
        self.assertEqual(by_name["source.ip"]["count"], 25)
        self.assertEqual(len(by_name["source.ip"]["top"]), 5)
        self.assertEqual(by_name["input.type"]["top"], [{"value": "http", "count": 25}])
        status, _ = self.get("/api/v1/events/fields", search, q="| stats count")
        self.assertEqual(status, 400)

        # The same through the CLI, on the data directory the server is writing.
        out = pantau("search", "--data", self.data_dir, "--json", "| top 1 dataset").stdout
        self.assertEqual(json.loads(out), {"dataset": "json", "count": 25, "percent": 25 / 26 * 100})

        # Page through 25 events, 4 at a time, while more arrive: no event twice, none missed.
        seen = []
        stop = threading.Event()

        def keep_ingesting():
            for i in range(20):
                if stop.is_set():
                    return
                self.ingest(ingest, [{"message": f"late hit {i}"}])

        t = threading.Thread(target=keep_ingesting)
        t.start()
        cursor = None
        for _ in range(20):  # bounded
            params = {"q": "web hit", "limit": 4}
            if cursor:
                params["cursor"] = cursor
            status, page = self.get("/api/v1/events", search, **params)
            self.assertEqual(status, 200)
            seen += [e["message"] for e in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        stop.set()
        t.join(timeout=DEADLINE_S)
        self.assertEqual(sorted(seen), sorted(f"web hit {i}" for i in range(25)))

    def test_export_streams_every_match(self):
        self.start_server()
        search, ingest = self.key("exporter", "search"), self.key("shipper", "ingest")
        for batch in range(3):  # 2,400 events: more than two export pages
            self.ingest(ingest, [{"message": f"row {batch}-{i}", "user": {"name": "=cmd|' /C calc'!A0"}}
                                 for i in range(800)])
        status, headers, body = self.server.http(
            "GET", "/api/v1/events/export?" + urllib.parse.urlencode({"q": "row", "format": "ndjson"}),
            headers={"Authorization": f"Bearer {search}"})
        self.assertEqual(status, 200)
        lines = body.decode().splitlines()
        self.assertEqual(len(lines), 2400)
        self.assertEqual(len({json.loads(l)["id"] for l in lines}), 2400)
        status, headers, body = self.server.http(
            "GET", "/api/v1/events/export?" + urllib.parse.urlencode(
                {"q": "row", "format": "csv", "fields": "@timestamp,user.name,message"}),
            headers={"Authorization": f"Bearer {search}"})
        rows = body.decode().split("\r\n")
        self.assertEqual(rows[0], "@timestamp,user.name,message")
        self.assertEqual(len([r for r in rows[1:] if r]), 2400)
        self.assertIn(",\"'=cmd|' /C calc'!A0\",row ", rows[1])  # a formula is defused
        out = pantau("search", "--data", self.data_dir, "--csv", "--fields", "user.name,message",
                     "--limit", "2", "row").stdout.decode().split("\r\n")
        self.assertEqual(out[0], "user.name,message")
        self.assertEqual(len([r for r in out[1:] if r]), 2)

    def test_errors_and_access(self):
        self.start_server()
        search, ingest = self.key("reader", "search"), self.key("writer", "ingest")
        status, body = self.get("/api/v1/events", search, q="(user.name:root OR")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["message"], "query column 19: expected a search term")
        status, body = self.get("/api/v1/events", search, q="", **{"from": "yesterday"})
        self.assertEqual(status, 400)
        self.assertIn("from:", body["error"]["message"])
        status, body = self.get("/api/v1/events", search, cursor="garbage")
        self.assertEqual(status, 400)
        status, body = self.get("/api/v1/events", search, limit="0")
        self.assertEqual(status, 400)
        status, body = self.get("/api/v1/events", ingest)
        self.assertEqual(status, 403)
        status, body = self.get("/api/v1/events", "pk_00000000_" + "0" * 40)
        self.assertEqual(status, 401)
        status, body = self.get("/api/v1/events", search, q="user.name:\"x' OR 1=1; DROP TABLE events --\"")
        self.assertEqual((status, body["total"]), (200, 0))


if __name__ == "__main__":
    import unittest
    unittest.main()
