"""POST /api/v1/ingest with curl: authentication, NDJSON decoding, all-or-nothing requests, and
durability across kill -9."""
import json
import os
import signal
import subprocess
import threading
import unittest

from harness import ServerTest, Server, events, wait_for_events, DEADLINE_S


def curl(server, body, key=None, extra=()):
    """Posts `body` with curl; returns (status, response body)."""
    args = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST",
            "-H", "Content-Type: application/x-ndjson", "--data-binary", "@-",
            server.url("/api/v1/ingest"), "--max-time", str(DEADLINE_S), *extra]
    if key:
        args += ["-H", f"Authorization: Bearer {key}"]
    r = subprocess.run(args, input=body, capture_output=True, check=True, timeout=DEADLINE_S + 5)
    text, _, status = r.stdout.decode().rpartition("\n")
    return int(status), text


class HttpIngestTest(ServerTest):
    def test_ndjson_is_stored_with_fields(self):
        server = self.start_server()
        key = self.api_key()
        body = (b'{"@timestamp":"2026-11-27T10:00:00Z","message":"login ok","user":{"name":"budi"},'
                b'"source":{"ip":"10.1.2.3","port":5050},"tags":["a","b"]}\n'
                b'\n'
                b'{"message":"second","n":1.5,"ok":true}\r\n')
        status, text = curl(server, body, key)
        self.assertEqual(status, 200, text)
        self.assertEqual(json.loads(text), {"accepted": 2})
        got = events(self.data_dir)  # durable when acknowledged: no waiting needed
        self.assertEqual(len(got), 2)
        first = next(e for e in got if e["message"] == "login ok")
        self.assertEqual(first["@timestamp"], "2026-11-27T10:00:00Z")
        self.assertEqual(first["fields"]["user.name"], "budi")
        self.assertEqual(first["fields"]["source.ip"], "10.1.2.3")
        self.assertEqual(first["fields"]["source.port"], 5050)
        self.assertEqual(first["fields"]["input.type"], "http")
        self.assertEqual(first["fields"]["log.source.address"], "127.0.0.1")
        second = next(e for e in got if e["message"] == "second")
        self.assertEqual(second["fields"]["n"], 1.5)
        self.assertIs(second["fields"]["ok"], True)

    def test_malformed_line_rejects_the_whole_request(self):
        server = self.start_server()
        key = self.api_key()
        body = b'{"message":"good"}\n{"message": broken}\n{"message":"also good"}\n'
        status, text = curl(server, body, key)
        self.assertEqual(status, 400)
        error = json.loads(text)["error"]
        self.assertEqual(error["code"], "invalid_argument")
        self.assertIn("line 2", error["message"])
        self.assertEqual(events(self.data_dir), [])
        status, text = curl(server, b"   \n\n", key)
        self.assertEqual(status, 400)

    def test_authentication_and_scope(self):
        server = self.start_server()
        status, text = curl(server, b'{"message":"x"}\n')
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(text)["error"]["code"], "unauthenticated")
        status, _ = curl(server, b'{"message":"x"}\n', "pk_00000000_" + "0" * 40)
        self.assertEqual(status, 401)
        key = self.api_key()
        subprocess.run([os.environ.get("PANTAU_BIN") or server.args[0], "apikey", "disable", "e2e",
                        "--data", self.data_dir], check=True)
        status, _ = curl(server, b'{"message":"x"}\n', key)
        self.assertEqual(status, 401)
        self.assertEqual(events(self.data_dir), [])

    def test_body_sent_as_a_form_is_read_whole(self):
        # curl --data-binary without a content type says application/x-www-form-urlencoded.
        server = self.start_server()
        key = self.api_key()
        body = "".join(json.dumps({"message": f"line {i}"}) + "\n" for i in range(2000)).encode()
        status, _, text = server.http("POST", "/api/v1/ingest", body=body,
                                      headers={"Authorization": f"Bearer {key}"})
        self.assertEqual((status, json.loads(text)), (200, {"accepted": 2000}))

    def test_body_over_the_limit_is_413(self):
        server = self.start_server("ingest:\n  max_body_bytes: 2048\n")
        key = self.api_key()
        status, _ = curl(server, b'{"message":"' + b"x" * 4096 + b'"}\n', key)
        self.assertEqual(status, 413)


class CrashSafetyTest(ServerTest):
    def test_every_acknowledged_event_survives_kill_9(self):
        server = self.start_server()
        key = self.api_key()
        acknowledged = set()
        lock = threading.Lock()
        stop = threading.Event()

        def sender(worker):
            for batch in range(10_000):  # bounded; normally stopped by the kill long before
                if stop.is_set():
                    return
                ids = [f"w{worker}-b{batch}-{i}" for i in range(50)]
                body = "".join(json.dumps({"message": "crash test", "seq": s}) + "\n" for s in ids)
                try:
                    status, _ = curl(server, body.encode(), key)
                except subprocess.CalledProcessError:
                    return  # the server is gone
                if status == 200:
                    with lock:
                        acknowledged.update(ids)

        threads = [threading.Thread(target=sender, args=(w,)) for w in range(3)]
        for t in threads:
            t.start()
        # Kill once a good number of requests have been acknowledged.
        import time
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            with lock:
                if len(acknowledged) >= 3000:
                    break
            time.sleep(0.01)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        server.stop()  # already dead: closes its log
        stop.set()
        for t in threads:
            t.join(timeout=DEADLINE_S)
        self.assertGreaterEqual(len(acknowledged), 3000)

        self.server = Server(self.data_dir).start()  # restart on the same data
        stored = [e["fields"]["seq"] for e in events(self.data_dir)]
        missing = acknowledged - set(stored)
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged events lost")
        self.assertEqual(len(stored), len(set(stored)), "an event was stored twice")


if __name__ == "__main__":
    unittest.main()
