#!/usr/bin/env python3
"""Search speed on a large store, beside ripgrep over the same raw file.

    bench/search_bench.py --events 10000000 --work /tmp/pantau-search-bench

Generates the mixed file (bench/gen_mixed.py), imports it once, then times each search as a
whole `pantau search` process (5 runs after one warm-up; p50 and max), and the closest ripgrep
command over the raw file as the baseline. Loopback and local files only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PANTAU = os.environ.get("PANTAU_BIN", os.path.join(ROOT, "build", "ci", "src", "app", "pantau"))


def timed(cmd, runs, ok_codes=(0,)):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        times.append(time.monotonic() - t0)
        if r.returncode not in ok_codes:
            sys.exit(f"{' '.join(cmd)} failed: {r.stderr.decode()}")
    return statistics.median(times), max(times), r.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--work", default="/tmp/pantau-search-bench")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    raw = os.path.join(a.work, f"mixed-{a.events}.log")
    data = os.path.join(a.work, f"var-{a.events}")
    if not os.path.exists(raw):
        with open(raw, "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_mixed.py"),
                            "--lines", str(a.events)], stdout=f, check=True)
    if not os.path.exists(data):
        r = subprocess.run([PANTAU, "import", "--data", data, raw], capture_output=True, check=True)
        print(r.stdout.decode().strip())
    day = ["--from", "2026-11-27T00:00:00Z", "--to", "2026-11-28T00:00:00Z"]
    closed = ["--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z"]
    cases = [
        ("field equality, indexed day (srcip of a closed FortiGate day), newest 100",
         ["dstport:3389"] + closed, ["rg", "-c", "dstport=3389", raw]),
        ("field equality on the open day (user.name:root), newest 100",
         ["user.name:root"] + day, ["rg", "-c", "for root from", raw]),
        ("field equality, rare value (source.ip:10.1.2.3), whole store",
         ["source.ip:10.1.2.3"], ["rg", "-c", "10\\.1\\.2\\.3[ \"]", raw]),
        ("full-text term (\"Failed password\"), newest 100",
         ["\"Failed password\""], ["rg", "-c", "Failed password", raw]),
        ("24-hour histogram (| timechart span=1h count) over the open day",
         ["| timechart span=1h count"] + day, ["rg", "-c", "Nov 27", raw]),
        ("| stats count by source.ip over one day",
         ["| stats count by source.ip | sort -count | head 10"] + day,
         ["sh", "-c", f"rg -o 'from [0-9.]+' {raw} | sort | uniq -c | sort -rn | head -10"]),
    ]
    print(f"{a.events:,} events; p50 and max of {a.runs} runs, whole process")
    for name, query, baseline in cases:
        cmd = [PANTAU, "search", "--data", data, "--limit", "100"] + query
        p50, worst, _ = timed(cmd, a.runs)
        b50, bworst, _ = timed(baseline, a.runs, ok_codes=(0, 1))  # rg: 1 is "no match"
        print(f"{name}: pantau p50 {p50 * 1000:.0f} ms (max {worst * 1000:.0f}); "
              f"ripgrep p50 {b50 * 1000:.0f} ms; ratio {b50 / p50:.1f}x", flush=True)


if __name__ == "__main__":
    main()
