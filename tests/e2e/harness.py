"""Starts the real `pantau` binary on free loopback ports and talks to it like a user would.

Every test gets its own data directory and server; nothing here touches anything but 127.0.0.1.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SOURCE_DIR = os.environ.get("PANTAU_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PANTAU = os.environ.get("PANTAU_BIN", os.path.join(SOURCE_DIR, "build", "ci", "src", "app", "pantau"))
DEADLINE_S = 30


def wait_for(predicate, what, timeout=DEADLINE_S, interval=0.05):
    """Polls `predicate` until it returns a true value; bounded in time."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Server:
    def __init__(self, data_dir, config_text=None, extra_args=()):
        self.data_dir = data_dir
        self.args = [PANTAU, "serve", "--data", data_dir, "--http", "127.0.0.1:0",
                     "--syslog", "127.0.0.1:0", *extra_args]
        if config_text is not None:
            path = os.path.join(data_dir, "config.yaml")
            with open(path, "w") as f:
                f.write(config_text)
            self.args += ["--config", path]
        self.proc = None
        self.ports = None
        self.log_path = os.path.join(data_dir, "server.log")

    def start(self):
        ports_file = os.path.join(self.data_dir, "ports.json")
        if os.path.exists(ports_file):
            os.remove(ports_file)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"pantau serve exited with {self.proc.returncode}:\n{self.output()}")
            if os.path.exists(ports_file):
                with open(ports_file) as f:
                    return json.load(f)
            return None
        self.ports = wait_for(ready, "ports.json")
        return self

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("pantau serve did not stop within the deadline")
        if self.proc:
            self.log.close()
        return self.proc.returncode if self.proc else None

    def url(self, path):
        return f"http://127.0.0.1:{self.ports['http']}{path}"

    def http(self, method, path, body=None, headers=None):
        """Returns (status, headers, body bytes) without raising on HTTP errors."""
        req = urllib.request.Request(self.url(path), data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def metric(self, name_and_labels):
        status, _, body = self.http("GET", "/metrics")
        assert status == 200
        for line in body.decode().splitlines():
            if line.startswith(name_and_labels + " "):
                return float(line.split()[-1])
        return None


def pantau(*args, check=True, input=None):
    r = subprocess.run([PANTAU, *args], capture_output=True, input=input, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"pantau {' '.join(args)} exited {r.returncode}: {r.stderr.decode()}")
    return r


def events(data_dir, limit=1_000_000, words=()):
    """Every stored event (newest first), read back through `pantau search --json`."""
    r = pantau("search", "--data", data_dir, "--json", "--limit", str(limit), *words)
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def wait_for_events(data_dir, count, words=()):
    return wait_for(lambda: (lambda e: e if len(e) >= count else None)(events(data_dir, words=words)),
                    f"{count} stored events")


class ServerTest(unittest.TestCase):
    """A test case with a fresh data directory and, after start_server, a running server."""
    config_text = None

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="pantau-e2e-")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop(signal.SIGKILL)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def start_server(self, config_text=None):
        self.server = Server(self.data_dir, config_text or self.config_text).start()
        return self.server

    def api_key(self):
        r = pantau("apikey", "create", "e2e", "--scope", "ingest", "--data", self.data_dir)
        return r.stdout.decode().strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
