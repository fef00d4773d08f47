"""Real syslog senders into `pantau serve`: util-linux logger over UDP and TCP (both framings of
RFC 6587), and a real rsyslog forwarding over TCP with omfwd."""
import os
import shutil
import signal
import socket
import subprocess
import unittest
import uuid

from harness import ServerTest, events, wait_for, wait_for_events, free_port, DEADLINE_S


def logger(*args):
    subprocess.run(["logger", *args], check=True, timeout=DEADLINE_S)


class LoggerTest(ServerTest):
    def test_udp_tcp_and_octet_counting(self):
        server = self.start_server()
        port = str(server.ports["syslog_udp"])
        tcp_port = str(server.ports["syslog_tcp"])
        tag = "e2e" + uuid.uuid4().hex[:8]
        logger("-n", "127.0.0.1", "-P", port, "-d", "-t", tag, "--id=4242", "hello over udp")
        logger("-n", "127.0.0.1", "-P", tcp_port, "-T", "-t", tag, "hello over tcp")
        logger("-n", "127.0.0.1", "-P", tcp_port, "-T", "--octet-count", "-t", tag,
               "hello octet counted")
        logger("-n", "127.0.0.1", "-P", port, "-d", "--rfc3164", "-t", tag, "-p", "auth.warning",
               "old style 3164")
        got = wait_for_events(self.data_dir, 4)
        by_message = {e["message"]: e for e in got}
        self.assertEqual(set(by_message), {"hello over udp", "hello over tcp",
                                           "hello octet counted", "old style 3164"})
        self.assertEqual(len(events(self.data_dir, words=["hello"])), 3)  # full text: the message
        udp = by_message["hello over udp"]
        self.assertEqual(udp["dataset"], "syslog")
        self.assertEqual(udp["fields"]["process.name"], tag)
        self.assertEqual(udp["fields"]["process.pid"], 4242)
        self.assertEqual(udp["fields"]["host.name"], socket.gethostname())
        self.assertEqual(udp["fields"]["input.type"], "syslog-udp")
        self.assertEqual(udp["fields"]["log.source.address"], "127.0.0.1")
        self.assertEqual(by_message["hello over tcp"]["fields"]["input.type"], "syslog-tcp")
        self.assertEqual(by_message["hello octet counted"]["fields"]["input.type"], "syslog-tcp")
        old = by_message["old style 3164"]
        self.assertEqual(old["fields"]["log.syslog.facility.code"], 4)   # auth
        self.assertEqual(old["fields"]["log.syslog.severity.code"], 4)   # warning
        self.assertTrue(old["raw"].startswith("<36>"))

    def test_sshd_line_is_decoded_as_linux_auth(self):
        server = self.start_server()
        logger("-n", "127.0.0.1", "-P", str(server.ports["syslog_tcp"]), "-T", "-t", "sshd",
               "--id=811", "Failed password for invalid user admin from 203.0.113.9 port 52113 ssh2")
        (e,) = wait_for_events(self.data_dir, 1)
        self.assertEqual(e["dataset"], "linux.auth")
        self.assertEqual(e["fields"]["user.name"], "admin")
        self.assertEqual(e["fields"]["source.ip"], "203.0.113.9")
        self.assertEqual(e["fields"]["source.port"], 52113)
        self.assertEqual(e["fields"]["event.outcome"], "failure")


class RsyslogForwardTest(ServerTest):
    def test_rsyslog_forwards_over_tcp(self):
        server = self.start_server()
        work = os.path.join(self.data_dir, "rsyslog")
        os.makedirs(work)
        in_port = free_port()
        conf = os.path.join(work, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write(f"""
global(workDirectory="{work}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{in_port}")
action(type="omfwd" target="127.0.0.1" port="{server.ports['syslog_tcp']}" protocol="tcp"
       template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted"
       queue.type="LinkedList" queue.filename="fwd" action.resumeRetryCount="-1")
""")
        rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
        proc = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i", os.path.join(work, "pid")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def listening():
                # rsyslog is ready once its UDP input is bound.
                out = subprocess.run(["ss", "-lun"], capture_output=True, text=True).stdout
                return f"127.0.0.1:{in_port}" in out
            wait_for(listening, "rsyslog's UDP input")
            tag = "fwd" + uuid.uuid4().hex[:8]
            for i in range(50):
                logger("-n", "127.0.0.1", "-P", str(in_port), "-d", "-t", tag, f"{tag} {i}")
            # rsyslog forwards its own start message too; the tag picks out the test's lines.
            got = wait_for_events(self.data_dir, 50, words=[tag])
            self.assertEqual(sorted(e["message"] for e in got),
                             sorted(f"{tag} {i}" for i in range(50)))
            for e in got:
                self.assertEqual(e["fields"]["process.name"], tag)
                self.assertEqual(e["fields"]["input.type"], "syslog-tcp")
                self.assertIn("<", e["raw"][:5])  # forwarded with its PRI
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=DEADLINE_S)


if __name__ == "__main__":
    unittest.main()
