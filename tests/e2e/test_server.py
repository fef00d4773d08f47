"""Server behaviour a user relies on: health and metrics, clean shutdown that keeps everything
accepted, limits on misbehaving TCP peers, TLS, oversized lines, and clear errors for bad input."""
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import unittest

from harness import ServerTest, Server, events, pantau, wait_for, wait_for_events, DEADLINE_S


class HealthAndMetricsTest(ServerTest):
    def test_healthz_and_metrics(self):
        server = self.start_server()
        status, _, body = server.http("GET", "/healthz")
        self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(10):
                s.sendto(f"<14>Nov 27 10:00:00 h app: m{i}".encode(), ("127.0.0.1", server.ports["syslog_udp"]))
        wait_for_events(self.data_dir, 10)
        wait_for(lambda: server.metric('pantau_events_received_total{input="syslog-udp"}') == 10,
                 "received counter")
        wait_for(lambda: server.metric("pantau_events_stored_total") == 10, "stored counter")
        self.assertEqual(server.metric('pantau_events_dropped_total{input="syslog-udp"}'), 0)
        self.assertIsNotNone(server.metric('pantau_queue_bytes{queue="store"}'))
        self.assertIsNotNone(server.metric("pantau_events_decode_failed_total"))
        status, _, body = server.http("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        self.assertIn("/api/v1/events", json.loads(body)["paths"])
        status, _, body = server.http("GET", "/api/v1/nope")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["error"]["code"], "not_found")
        # Other paths belong to the web UI, which routes in the browser: its page, or a page
        # saying how to build it.
        status, headers, body = server.http("GET", "/alerts")
        self.assertIn(status, (200, 404))
        self.assertIn(b"<title>Pantau</title>", body)
        self.assertIn("script-src 'self'", headers["Content-Security-Policy"])
        self.assertEqual(headers["X-Frame-Options"], "DENY")


class ShutdownTest(ServerTest):
    def test_sigterm_stores_everything_accepted(self):
        server = self.start_server()
        n = 20_000
        payload = "".join(f"<13>Nov 27 10:00:00 h app: line {i}\n" for i in range(n)).encode()
        last = b"<13>Nov 27 10:00:00 h app: the last line has no newline"
        with socket.create_connection(("127.0.0.1", server.ports["syslog_tcp"])) as s:
            s.sendall(payload + last)
            # Wait until the server has read every byte, then stop it at once.
            wait_for(lambda: server.metric('pantau_received_bytes_total{input="syslog-tcp"}') ==
                     len(payload) + len(last), "all bytes read")
            self.assertEqual(server.stop(signal.SIGTERM), 0)
        got = events(self.data_dir)
        self.assertEqual(len(got), n + 1)
        self.assertIn("stopped; ", server.output())


class TcpLimitsTest(ServerTest):
    config_text = "syslog:\n  frame_timeout_s: 1\n  max_line_bytes: 1024\n"

    def test_unfinished_frame_is_cut_off_and_others_carry_on(self):
        server = self.start_server()
        port = server.ports["syslog_tcp"]
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"<13>Nov 27 10:00:00 h app: never finished")
        good = socket.create_connection(("127.0.0.1", port))
        good.sendall(b"<13>Nov 27 10:00:00 h app: fine\n")
        stalled.settimeout(DEADLINE_S)
        self.assertEqual(stalled.recv(10), b"")  # closed by the server
        stalled.close()
        good.sendall(b"<13>Nov 27 10:00:00 h app: still fine\n")
        good.close()
        got = {e["message"]: e for e in wait_for_events(self.data_dir, 3)}
        self.assertIn("fine", got)
        self.assertIn("still fine", got)
        self.assertIn("never finished", got)  # what it did send is kept
        self.assertEqual(server.metric('pantau_disconnects_total{input="syslog-tcp",reason="frame_timeout"}'), 1)

    def test_garbage_stream_is_disconnected_and_long_lines_are_cut(self):
        server = self.start_server()
        port = server.ports["syslog_tcp"]
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"999999999 " + b"x" * 100)
            s.settimeout(DEADLINE_S)
            self.assertEqual(s.recv(10), b"")
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"<13>Nov 27 10:00:00 h app: " + b"y" * 5000 + b"\n")
        (e,) = wait_for_events(self.data_dir, 1)
        self.assertEqual(len(e["raw"]), 1024)
        self.assertIn("truncated", e["flags"])
        self.assertEqual(server.metric('pantau_disconnects_total{input="syslog-tcp",reason="garbage"}'), 1)
        self.assertEqual(server.metric('pantau_events_truncated_total{input="syslog-tcp"}'), 1)


class HostileBytesTest(ServerTest):
    def test_invalid_utf8_and_undecodable_lines_are_kept(self):
        server = self.start_server()
        line = b"\xff\xfe garbage \x00 with NUL and \x1b[31m escape"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(line, ("127.0.0.1", server.ports["syslog_udp"]))
        (e,) = wait_for_events(self.data_dir, 1)
        self.assertIn("invalid_utf8", e["flags"])
        self.assertIn("decode_error", e["flags"])
        self.assertEqual(e["dataset"], "unknown")
        self.assertIn("\\xff", e["raw"])  # shown escaped, byte-exact underneath
        self.assertEqual(server.metric("pantau_events_decode_failed_total"), 1)
        text = pantau("search", "--data", self.data_dir).stdout
        self.assertNotIn(b"\x1b", text)  # the terminal escape is shown, not executed


class TlsTest(ServerTest):
    def start_tls_server(self):
        """A server with a TLS listener on a fresh self-signed certificate, and a client context
        that trusts it."""
        cert = os.path.join(self.data_dir, "cert.pem")
        key = os.path.join(self.data_dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=DEADLINE_S)
        server = self.start_server(
            f"syslog:\n  tls:\n    listen: 127.0.0.1:0\n    cert: {cert}\n    key: {key}\n")
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        return server, ctx

    def test_syslog_over_tls(self):
        server, ctx = self.start_tls_server()
        with socket.create_connection(("127.0.0.1", server.ports["syslog_tls"])) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"47 <13>1 2026-11-27T10:00:00Z h app - - - over tls")
                s.sendall(b"<13>Nov 27 10:00:00 h app: second over tls\n")
                # Closing at once could reset the connection (TLS 1.3 session tickets left
                # unread by this client), and a reset discards unread bytes in the kernel.
                got = {e["message"]: e for e in wait_for_events(self.data_dir, 2)}
        self.assertEqual(set(got), {"over tls", "second over tls"})
        self.assertEqual(got["over tls"]["fields"]["input.type"], "syslog-tls")

    def test_sigterm_keeps_what_a_tls_peer_sent(self):
        server, ctx = self.start_tls_server()
        n = 5000
        payload = "".join(f"<13>Nov 27 10:00:00 h app: tls line {i}\n" for i in range(n)).encode()
        last = b"<13>Nov 27 10:00:00 h app: unfinished over tls"
        raw = socket.create_connection(("127.0.0.1", server.ports["syslog_tls"]))
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        s.sendall(payload + last)
        wait_for(lambda: server.metric('pantau_received_bytes_total{input="syslog-tls"}') ==
                 len(payload) + len(last), "all bytes read")
        self.assertEqual(server.stop(signal.SIGTERM), 0)  # the peer is still connected
        s.close()
        got = events(self.data_dir)
        self.assertEqual(len(got), n + 1)
        self.assertIn("unfinished over tls", {e["message"] for e in got})


class OversizedUdpTest(ServerTest):
    config_text = "syslog:\n  max_line_bytes: 512\n"

    def test_long_datagram_is_cut_and_marked(self):
        server = self.start_server()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"<13>Nov 27 10:00:00 h app: " + b"z" * 3000, ("127.0.0.1", server.ports["syslog_udp"]))
        (e,) = wait_for_events(self.data_dir, 1)
        self.assertEqual(len(e["raw"]), 512)
        self.assertIn("truncated", e["flags"])


class BadInputTest(unittest.TestCase):
    def test_errors_say_what_and_where(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            r = pantau("import", "--data", d, "--format", "xml", "/dev/null", check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"xml", r.stderr)
            r = pantau("import", "--data", d, os.path.join(d, "missing.log"), check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"missing.log", r.stderr)
            config = os.path.join(d, "c.yaml")
            with open(config, "w") as f:
                f.write("store:\n  retention_dayz: 3\n")
            r = pantau("serve", "--data", d, "--config", config, check=False)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.decode().strip(),
                             f"pantau: {config}:2: store.retention_dayz: unknown setting")
            r = pantau("serve", "--data", d, "--http", "nonsense", check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"--http", r.stderr)
            r = pantau("search", "--data", d, "--from", "yesterday", check=False)
            self.assertEqual(r.returncode, 2)
            r = pantau("frobnicate", check=False)
            self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
