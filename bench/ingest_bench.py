#!/usr/bin/env python3
"""Whole-program ingest benchmarks; each prints one result line. Loopback only, bounded in time.

  ingest_bench.py tcp    --lines N FILE   pantau TCP syslog sustained, beside rsyslog imtcp->omfile
  ingest_bench.py memory --rate R --seconds S FILE   resident memory while ingesting R events/s
  ingest_bench.py detect --lines N [--rules DIR]... FILE   TCP ingest with no rules, the built-in
      rules, and the built-in rules plus DIRs (live detection's cost)
  ingest_bench.py templates --lines N [--no-rules] FILE   TCP ingest with log template ids at
      ingest on and off (templates.enabled), alternately (the template miner's cost)
  ingest_bench.py anomaly --lines N [--no-rules] FILE   the same with the anomaly detectors on
      and off (anomaly.enabled)

The pantau binary is $PANTAU_BIN (default build/ci/src/app/pantau).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PANTAU = os.environ.get("PANTAU_BIN", os.path.join(ROOT, "build", "ci", "src", "app", "pantau"))
LIMIT_S = 300


def read_lines(path, n):
    with open(path, "rb") as f:
        lines = []
        for line in f:
            lines.append(line)
            if len(lines) == n:
                break
    while len(lines) < n:  # repeat the file when it is shorter than asked
        lines += lines[: n - len(lines)]
    return b"".join(lines)


def start_pantau(data, config_text=None):
    args = [PANTAU, "serve", "--data", data, "--http", "127.0.0.1:0", "--syslog", "127.0.0.1:0"]
    if config_text is not None:
        config = os.path.join(data, "config.yaml")
        with open(config, "w") as f:
            f.write(config_text)
        args += ["--config", config]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ports_file = os.path.join(data, "ports.json")
    end = time.monotonic() + 120  # loading thousands of rules takes seconds
    while not os.path.exists(ports_file):
        if time.monotonic() > end or proc.poll() is not None:
            raise SystemExit("pantau serve did not start")
        time.sleep(0.05)
    with open(ports_file) as f:
        return proc, json.load(f)


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
    return 0.0


def send(port, payload, chunk=1 << 20):
    with socket.create_connection(("127.0.0.1", port)) as s:
        for i in range(0, len(payload), chunk):
            s.sendall(payload[i:i + chunk])


def wait_until(predicate, what):
    end = time.monotonic() + LIMIT_S
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def cpu_seconds(pid):
    """User plus system CPU time of a process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_pantau_tcp(payload, n, config_text=None, cpu_out=None):
    """Seconds until `n` events are stored, and how many were; `cpu_out` (a list), when given,
    receives the CPU seconds the server spent meanwhile (robust to other load on the machine)."""
    data = tempfile.mkdtemp(prefix="pantau-bench-")
    proc, ports = start_pantau(data, config_text)
    try:
        cpu0 = cpu_seconds(proc.pid)
        t0 = time.monotonic()
        send(ports["syslog_tcp"], payload)
        wait_until(lambda: metric(ports["http"], "pantau_events_stored_total") >= n, "pantau")
        elapsed = time.monotonic() - t0
        if cpu_out is not None:
            cpu_out.append(cpu_seconds(proc.pid) - cpu0)
        stored = metric(ports["http"], "pantau_events_stored_total")
        return elapsed, stored
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def bench_rsyslog_tcp(payload, n):
    work = tempfile.mkdtemp(prefix="rsyslog-bench-")
    port = free_port()
    out = os.path.join(work, "out.log")
    conf = os.path.join(work, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(f"""
global(workDirectory="{work}" maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\\n")
input(type="imtcp" address="127.0.0.1" port="{port}")
action(type="omfile" file="{out}" template="raw" asyncWriting="on" ioBufferSize="1m")
""")
    rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    proc = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i", os.path.join(work, "pid")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: port_open(port), "rsyslog to listen")
        t0 = time.monotonic()
        send(port, payload)
        # rsyslog writes each line as it got it, so it is done when the file is as long as the input.
        wait_until(lambda: os.path.exists(out) and os.path.getsize(out) >= len(payload), "rsyslog")
        return time.monotonic() - t0, count_lines(out)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_pri(payload):
    """Gives every line a syslog PRI, as a sender over TCP would: receivers that detect octet
    counting (rsyslog's imtcp) take a line starting with digits, such as an access log line
    beginning with an IP address, for a frame length."""
    return b"".join(l if l.startswith(b"<") else b"<134>" + l
                    for l in payload.splitlines(keepends=True))


def cmd_tcp(a):
    payload = with_pri(read_lines(a.file, a.lines))
    rows = []
    for _ in range(a.runs):
        p_t, p_n = bench_pantau_tcp(payload, a.lines)
        print(f"run: pantau {a.lines / p_t:,.0f} events/s", flush=True)
        r_t, r_n = bench_rsyslog_tcp(payload, a.lines)
        rows.append((p_t, p_n, r_t, r_n))
        print(f"run: pantau {a.lines / p_t:,.0f} events/s (stored {p_n:.0f} of {a.lines}); "
              f"rsyslog {a.lines / r_t:,.0f} lines/s (written {r_n} of {a.lines}); "
              f"time ratio pantau/rsyslog {p_t / r_t:.2f}", flush=True)
    p = sorted(r[0] for r in rows)[len(rows) // 2]
    r = sorted(r[2] for r in rows)[len(rows) // 2]
    lost = sum(a.lines - r[1] for r in rows)
    print(f"tcp: {a.lines} lines x {a.runs} runs; median pantau {a.lines / p:,.0f} events/s stored, "
          f"rsyslog {a.lines / r:,.0f} lines/s written; ratio of median times {p / r:.2f}; "
          f"events lost by pantau: {lost:.0f}")


def cmd_memory(a):
    payload_lines = with_pri(read_lines(a.file, a.rate // 10)).splitlines(keepends=True)
    chunk = b"".join(payload_lines)
    data = tempfile.mkdtemp(prefix="pantau-bench-")
    proc, ports = start_pantau(data)
    samples = []
    try:
        with socket.create_connection(("127.0.0.1", ports["syslog_tcp"])) as s:
            t0 = time.monotonic()
            for tick in range(a.seconds * 10):  # one tenth of the rate every 100 ms
                s.sendall(chunk)
                with open(f"/proc/{proc.pid}/status") as f:
                    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
                samples.append(rss)
                sleep = t0 + (tick + 1) * 0.1 - time.monotonic()
                if sleep > 0:
                    time.sleep(sleep)
            sent_s = time.monotonic() - t0
        total = len(payload_lines) * a.seconds * 10
        wait_until(lambda: metric(ports["http"], "pantau_events_stored_total") >= total, "drain")
        print(f"memory: {total} events over {sent_s:.1f} s ({total / sent_s:,.0f} events/s offered); "
              f"resident peak {max(samples) / 1024:.0f} MB, median {sorted(samples)[len(samples) // 2] / 1024:.0f} MB")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def cmd_detect(a):
    payload = read_lines(a.file, a.lines)
    setups = [("no rules", "detection:\n  builtin_rules: false\n"),
              ("built-in rules", "detection:\n  builtin_rules: true\n")]
    if a.rules:
        dirs = ", ".join(a.rules)
        setups.append((f"built-in + {len(a.rules)} folder(s)",
                       f"detection:\n  builtin_rules: true\n  rules: [{dirs}]\n"))
    rates = {name: [] for name, _ in setups}
    for _ in range(a.runs):  # interleaved, so drift of the machine hits every setup alike
        for name, config in setups:
            elapsed, stored = bench_pantau_tcp(payload, a.lines, config)
            rates[name].append(stored / elapsed)
    for name, _ in setups:
        r = sorted(rates[name])
        print(f"pantau tcp, {name}: median {r[len(r) // 2]:,.0f} events/s "
              f"(runs: {', '.join(f'{x:,.0f}' for x in rates[name])})")


def cmd_toggle(a):
    """One section of the config on and off, alternately: the cost of what it turns on."""
    section = a.cmd  # templates, anomaly
    what = {"templates": "template ids at ingest", "anomaly": "the anomaly detectors"}[section]
    payload = read_lines(a.file, a.lines)
    rules = "detection:\n  builtin_rules: false\n" if a.no_rules else ""
    on, off = f"{section} on", f"{section} off"
    setups = [(on, rules + f"{section}:\n  enabled: true\n"),
              (off, rules + f"{section}:\n  enabled: false\n")]
    rates = {name: [] for name, _ in setups}
    cpus = {name: [] for name, _ in setups}
    for _ in range(a.runs):  # alternately, so drift of the machine hits both alike
        for name, config in setups:
            elapsed, stored = bench_pantau_tcp(payload, a.lines, config, cpus[name])
            rates[name].append(stored / elapsed)
            print(f"run: {name} {stored / elapsed:,.0f} events/s, "
                  f"{cpus[name][-1] * 1e6 / stored:.2f} CPU us/event", flush=True)
    medians, cpu_medians = {}, {}
    for name, _ in setups:
        r = sorted(rates[name])
        medians[name] = r[len(r) // 2]
        c = sorted(x * 1e6 / a.lines for x in cpus[name])
        cpu_medians[name] = c[len(c) // 2]
        print(f"pantau tcp, {name}{' (no rules)' if a.no_rules else ''}: median "
              f"{medians[name]:,.0f} events/s (runs: {', '.join(f'{x:,.0f}' for x in rates[name])}); "
              f"median {cpu_medians[name]:.2f} CPU us/event (all threads)")
    cost = 1 - medians[on] / medians[off]
    cpu_cost = cpu_medians[on] / cpu_medians[off] - 1
    print(f"cost of {what}: {cost * 100:.1f}% of the median rate, "
          f"{cpu_cost * 100:.1f}% more CPU per event")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tcp")
    t.add_argument("--lines", type=int, default=1_000_000)
    t.add_argument("--runs", type=int, default=3)
    t.add_argument("file")
    m = sub.add_parser("memory")
    m.add_argument("--rate", type=int, default=50_000)
    m.add_argument("--seconds", type=int, default=30)
    m.add_argument("file")
    d = sub.add_parser("detect")
    d.add_argument("--lines", type=int, default=1_000_000)
    d.add_argument("--runs", type=int, default=3)
    d.add_argument("--rules", action="append", default=[])
    d.add_argument("file")
    for section in ("templates", "anomaly"):
        tp = sub.add_parser(section)
        tp.add_argument("--lines", type=int, default=1_000_000)
        tp.add_argument("--runs", type=int, default=3)
        tp.add_argument("--no-rules", action="store_true", help="built-in rules off in both setups")
        tp.add_argument("file")
    a = p.parse_args()
    {"tcp": cmd_tcp, "memory": cmd_memory, "detect": cmd_detect,
     "templates": cmd_toggle, "anomaly": cmd_toggle}[a.cmd](a)


if __name__ == "__main__":
    main()
