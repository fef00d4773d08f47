#!/usr/bin/env python3
"""Grouping accuracy and speed of `pantau templates` on the loghub 2k samples.

  template_accuracy.py [--data DIR] [--sets HDFS,Linux,...] [--speed-lines N] [--runs R]
                       [-- extra pantau templates flags]

For each data set it runs `pantau templates --csv --content --format <set> <Set>_2k.log`, checks
that the message it took from each line equals the `Content` column of `<Set>_2k.log_structured.csv`
(the header was removed the way loghub's ground truth removes it), and computes grouping
accuracy as Zhu et al. (ICSE-SEIP 2019) define it: a line is parsed correctly when the set of
lines sharing its predicted template equals the set of lines sharing its true template
(`EventId`). Speed: the 2k file repeated to --speed-lines lines, timed --runs times; the median of
the miner's own rate (header parsing and mining, CPU time of its one thread, as the command prints
it) and of the whole process (reading, mining, writing CSV to /dev/null, wall time).

The pantau binary is $PANTAU_BIN (default build/ci/src/app/pantau). Prints a Markdown table.
"""
import argparse
import collections
import csv
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PANTAU = os.environ.get("PANTAU_BIN", os.path.join(ROOT, "build", "ci", "src", "app", "pantau"))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data", "loghub")

# Drain's grouping accuracy as published (Zhu et al., ICSE-SEIP 2019, table of 16 data sets).
DRAIN = {"HDFS": 0.998, "Hadoop": 0.948, "Spark": 0.920, "BGL": 0.963, "HPC": 0.887,
         "Windows": 0.997, "Linux": 0.690, "Apache": 1.000, "OpenSSH": 0.788, "OpenStack": 0.733}
SETS = list(DRAIN)


def grouping_accuracy(predicted, truth):
    true_groups = collections.Counter(truth)
    by_pred = collections.defaultdict(list)
    for p, t in zip(predicted, truth):
        by_pred[p].append(t)
    correct = 0
    for members in by_pred.values():
        kinds = set(members)
        if len(kinds) == 1 and true_groups[members[0]] == len(members):
            correct += len(members)
    return correct / len(truth)


def run_set(name, data, extra):
    log = os.path.join(data, name, f"{name}_2k.log")
    with open(os.path.join(data, name, f"{name}_2k.log_structured.csv"), newline="") as f:
        truth_rows = list(csv.DictReader(f))
    out = subprocess.run([PANTAU, "templates", "--csv", "--content", "--format", name.lower(), log,
                          *extra], check=True, capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    if len(rows) != len(truth_rows):
        sys.exit(f"{name}: {len(rows)} lines printed, {len(truth_rows)} in the ground truth")
    differ = sum(1 for r, t in zip(rows, truth_rows) if r["content"].strip() != t["Content"].strip())
    acc = grouping_accuracy([r["template_id"] for r in rows], [t["EventId"] for t in truth_rows])
    templates = len({r["template_id"] for r in rows})
    return acc, differ, templates, len({t["EventId"] for t in truth_rows})


def speed(name, data, lines, runs, extra):
    with open(os.path.join(data, name, f"{name}_2k.log"), "rb") as f:
        sample = f.read()
    if not sample.endswith(b"\n"):
        sample += b"\n"
    repeat = max(1, lines // sample.count(b"\n"))
    miner, whole = [], []
    with tempfile.NamedTemporaryFile(suffix=".log") as tmp:
        tmp.write(sample * repeat)
        tmp.flush()
        n = sample.count(b"\n") * repeat
        for _ in range(runs):
            start = time.perf_counter()
            out = subprocess.run([PANTAU, "templates", "--csv", "--format", name.lower(), tmp.name,
                                  *extra], check=True, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            whole.append(n / (time.perf_counter() - start))
            miner.append(float(re.search(r"miner: (\d+) lines/s", out.stderr).group(1)))
    return statistics.median(miner), statistics.median(whole)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--speed-lines", type=int, default=200000, help="0: accuracy only")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("extra", nargs="*", help="more flags for pantau templates (after --)")
    args = ap.parse_args()
    sets = args.sets.split(",")
    print("| data set | Pantau | Drain | templates (true) | content differs | miner lines/s | "
          "whole command lines/s |")
    print("|---|---|---|---|---|---|---|")
    accs = []
    for name in sets:
        acc, differ, templates, true_templates = run_set(name, args.data, args.extra)
        accs.append(acc)
        rates = ("", "")
        if args.speed_lines > 0:
            m, w = speed(name, args.data, args.speed_lines, args.runs, args.extra)
            rates = (f"{m:,.0f}", f"{w:,.0f}")
        print(f"| {name} | **{acc:.3f}** | {DRAIN[name]:.3f} | {templates} ({true_templates}) | "
              f"{differ} | {rates[0]} | {rates[1]} |")
    drain_avg = statistics.mean(DRAIN[s] for s in sets)
    print(f"| average | **{statistics.mean(accs):.3f}** | {drain_avg:.3f} | | | | |")


if __name__ == "__main__":
    main()
