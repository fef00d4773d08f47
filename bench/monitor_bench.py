#!/usr/bin/env python3
"""Website monitoring: one scheduled cycle over many registered URLs of a loopback fixture site.

    bench/monitor_bench.py --urls 1000 --runs 3

Starts a fixture web server on 127.0.0.1 (asyncio, one distinct HTML page per URL), registers
--urls systems of one URL each through the API (crawl off: --crawl-pages 0 by default), then, per
run, restarts `pantau serve` with the scheduler on: every system is first seen at the same second,
so after one interval (30 s, the registry's smallest) all are due together and checked in one
batch. The cycle's time is the server's own log line ("monitor: checked N systems (...) in X
ms"); memory is the server's peak resident set (VmHWM of /proc/PID/status) after the cycle,
beside its resident set just before it. Loopback only, bounded in time.

The pantau binary is $PANTAU_BIN (default build/ci/src/app/pantau).
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import Server, pantau  # noqa: E402

INTERVAL_S = 30
CYCLE_LIMIT_S = 600
PASSWORD = "kata-sandi-bench-monitor"

PAGE = """<!doctype html><html><head><title>Dinas {n} Kabupaten Kutai Kartanegara</title>
<meta name="description" content="Portal resmi dinas nomor {n}">
<script src="/js/app.js"></script></head><body><h1>Dinas nomor {n}</h1>
<ul>{links}</ul>{paragraphs}</body></html>"""


def page_for(n, size):
    """A distinct page of about `size` bytes: a menu, and news paragraphs that name `n`."""
    links = "".join(f'<li><a href="/site/{n}/menu{i}">Menu {i}</a></li>' for i in range(10))
    para = (f"<p>Berita {n}: Pemerintah Kabupaten menyelenggarakan layanan publik nomor {n} "
            "bagi masyarakat, dengan informasi jadwal, persyaratan dan pengaduan.</p>")
    paragraphs = para * max(1, size // len(para))
    return PAGE.format(n=n, links=links, paragraphs=paragraphs).encode()


class Fixture:
    """GET /site/N/ answers page N; anything else 404. Counts requests; one connection each."""

    def __init__(self, urls, page_bytes, delay_s):
        self.delay_s = delay_s
        self.pages = {f"/site/{n}/": page_for(n, page_bytes) for n in range(urls)}
        self.requests = 0
        self.first = self.last = None
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self.run, args=(started,), daemon=True).start()
        started.wait(10)

    def run(self, started):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=1024))
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()

    async def handle(self, reader, writer):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = head.split(b" ", 2)[1].decode(errors="replace")
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
            self.requests += 1
            if self.delay_s > 0:
                await asyncio.sleep(self.delay_s)  # a real site's time to answer
            body = self.pages.get(path)
            status = b"200 OK" if body is not None else b"404 Not Found"
            body = body if body is not None else b"<html>404</html>"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                         b"Content-Length: " + str(len(body)).encode() +
                         b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    def url(self, n):
        return f"http://127.0.0.1:{self.port}/site/{n}/"


def call(server, cookies, method, path, body=None):
    headers = {"Content-Type": "application/json",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if method != "GET":
        headers["X-CSRF-Token"] = cookies.get("pantau_csrf", "")
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url(path), data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"{}")


def proc_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def config(enabled, max_parallel):
    return (f"monitor:\n  enabled: {'true' if enabled else 'false'}\n"
            f"  max_parallel: {max_parallel}\n  request_timeout_s: 20\n")


def register(data, fixture, urls, crawl_pages, max_parallel):
    pantau("user", "add", "bench", "--role", "admin", "--password-stdin", "--data", data,
           input=(PASSWORD + "\n").encode())
    server = Server(data, config(False, max_parallel)).start()
    try:
        status, headers, answer = call(server, {}, "POST", "/api/v1/auth/login",
                                       {"username": "bench", "password": PASSWORD})
        if status != 200:
            sys.exit(f"login failed: {status} {answer}")
        cookies = dict(re.findall(r"(pantau_session|pantau_csrf)=([0-9a-f]*)",
                                  headers.get("Set-Cookie", "") + ", " +
                                  ", ".join(headers.get_all("Set-Cookie") or [])))
        t0 = time.monotonic()
        for n in range(urls):
            status, _, answer = call(server, cookies, "POST", "/api/v1/systems", {
                "name": f"Portal Dinas {n:04d}", "operator": {"agency": f"Dinas {n:04d}"},
                "urls": [fixture.url(n)], "check_interval_s": INTERVAL_S,
                "crawl_pages": crawl_pages})
            if status != 201:
                sys.exit(f"registering system {n} failed: {status} {answer}")
        print(f"registered {urls} systems in {time.monotonic() - t0:.1f} s", flush=True)
    finally:
        server.stop()


def one_cycle(data, fixture, urls, max_parallel):
    """Restarts the server with the scheduler on; returns (cycle ms, RSS before, VmHWM after)."""
    server = Server(data, config(True, max_parallel))
    log_start = os.path.getsize(server.log_path) if os.path.exists(server.log_path) else 0
    server.start()
    try:
        time.sleep(2)
        rss_before = proc_kib(server.proc.pid, "VmRSS")
        requests_before = fixture.requests
        pattern = re.compile(r"monitor: checked (\d+) systems \((\d+) URLs, (\d+) internal pages\) "
                             r"in (\d+) ms")
        deadline = time.monotonic() + INTERVAL_S + CYCLE_LIMIT_S
        while time.monotonic() < deadline:
            with open(server.log_path, "rb") as f:
                f.seek(log_start)
                found = pattern.search(f.read().decode(errors="replace"))
            if found:
                break
            time.sleep(0.2)
        else:
            sys.exit("no cycle within the limit; server log: " + server.log_path)
        systems, checked_urls, pages, ms = (int(g) for g in found.groups())
        if systems != urls or checked_urls != urls:
            sys.exit(f"the cycle checked {systems} systems, {checked_urls} URLs; expected {urls}")
        hwm = proc_kib(server.proc.pid, "VmHWM")
        return ms, rss_before, hwm, fixture.requests - requests_before, pages
    finally:
        server.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--urls", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--page-bytes", type=int, default=8192)
    p.add_argument("--max-parallel", type=int, default=8, help="monitor.max_parallel")
    p.add_argument("--crawl-pages", type=int, default=0)
    p.add_argument("--delay-ms", type=int, default=0, help="the fixture's time to answer")
    a = p.parse_args()
    fixture = Fixture(a.urls, a.page_bytes, a.delay_ms / 1000)
    data = tempfile.mkdtemp(prefix="pantau-monitor-bench-")
    try:
        register(data, fixture, a.urls, a.crawl_pages, a.max_parallel)
        results = []
        for run in range(a.runs):
            ms, rss, hwm, requests, pages = one_cycle(data, fixture, a.urls, a.max_parallel)
            results.append((ms, hwm))
            print(f"run {run + 1}: {a.urls} URLs ({pages} internal pages, {requests} fixture "
                  f"requests) in {ms} ms = {ms / a.urls:.2f} ms per URL; RSS before "
                  f"{rss / 1024:.1f} MiB, peak {hwm / 1024:.1f} MiB", flush=True)
        times = sorted(r[0] for r in results)
        peaks = sorted(r[1] for r in results)
        print(f"cycle of {a.urls} URLs, max_parallel {a.max_parallel}, {a.page_bytes} B pages, "
              f"{a.delay_ms} ms to answer: "
              f"median {statistics.median(times) / 1000:.2f} s (range {times[0] / 1000:.2f}-"
              f"{times[-1] / 1000:.2f} s), {statistics.median(times) / a.urls:.2f} ms per URL; "
              f"peak RSS median {statistics.median(peaks) / 1024:.1f} MiB (range "
              f"{peaks[0] / 1024:.1f}-{peaks[-1] / 1024:.1f})")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
