"""The golden queries (src/query/testdata/queries.txt) through GET /api/v1/events on a live
server whose events arrived over syslog TCP: every construct of the language, end to end."""
import json
import os
import re
import socket
import urllib.parse

from harness import SOURCE_DIR, ServerTest, pantau, wait_for_events

TESTDATA = os.path.join(SOURCE_DIR, "src", "decode", "testdata")
QUERIES = os.path.join(SOURCE_DIR, "src", "query", "testdata", "queries.txt")


def corpus():
    """{"folder/file.log:N": line} for every line the golden test stores; lines that a TCP
    receiver would take for an RFC 6587 octet count ("123 ...") are left out."""
    refs = {}
    for folder in sorted(os.listdir(TESTDATA)):
        path = os.path.join(TESTDATA, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith(".log"):
                continue
            with open(os.path.join(path, name), "rb") as f:
                for i, line in enumerate(f.read().split(b"\n"), start=1):
                    line = line.rstrip(b"\r")
                    if line and not re.match(rb"^[1-9][0-9]* ", line) and b"\x00" not in line:
                        refs[f"{folder}/{name}:{i}"] = line
    return refs


def cases():
    out, current = [], None
    with open(QUERIES, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("query: "):
                current = [line[7:], []]
                out.append(current)
            elif line and not line.startswith("#") and current:
                current[1].append(line)
    return out


class LiveGoldenQueriesTest(ServerTest):
    def test_every_filter_case_through_the_api(self):
        server = self.start_server()
        refs = corpus()
        with socket.create_connection(("127.0.0.1", server.ports["syslog_tcp"])) as s:
            s.sendall(b"".join(line + b"\n" for line in refs.values()))
        wait_for_events(self.data_dir, len(refs))
        key = pantau("apikey", "create", "goldens", "--scope", "search",
                     "--data", self.data_dir).stdout.decode().strip()
        checked = 0
        for query, expected in cases():
            if "|" in query:
                continue  # stages: rows, checked by the golden test and test_search_api
            status, _, body = server.http(
                "GET", "/api/v1/events?" + urllib.parse.urlencode({"q": query, "limit": 10000}),
                headers={"Authorization": f"Bearer {key}"})
            answer = json.loads(body)
            if expected and expected[0].startswith("error: "):
                self.assertEqual(status, 400, query)
                self.assertEqual("error: " + answer["error"]["message"], expected[0], query)
                continue
            self.assertEqual(status, 200, query)
            # Bytes that are not UTF-8 come back escaped as \xNN, as every view shows them.
            want = {refs[r].decode("utf-8", "backslashreplace") for r in expected if r in refs}
            got = {e["raw"] for e in answer["items"]}
            self.assertEqual(got, want, query)
            checked += 1
        self.assertGreater(checked, 40)


if __name__ == "__main__":
    import unittest
    unittest.main()
