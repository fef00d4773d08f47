#!/usr/bin/env python3
"""Writes Windows events (Sysmon and Security, in the EVTX JSON export form, one per line) for
the Sigma benchmarks: the events of SigmaHQ's regression data, replicated with varied values
(process ids, times, user and host names, and paths and command lines mixed with benign ones
from a pool), so that most events match nothing, as in real logs.

    bench/gen_windows.py --events 5000000 ../shared/data/sigma/regression_data > /tmp/windows.jsonl
"""
import argparse
import copy
import json
import os
import random
import sys

BENIGN_IMAGES = [
    "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\explorer.exe",
    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    "C:\\Windows\\System32\\RuntimeBroker.exe", "C:\\Windows\\System32\\conhost.exe",
    "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
    "C:\\Windows\\System32\\taskhostw.exe", "C:\\Windows\\System32\\SearchIndexer.exe",
]
BENIGN_ARGS = ["", " /background", " --type=renderer --lang=id", " -k netsvcs -p",
               " /n /e:embedding", " --update"]
USERS = ["KUKAR\\budi", "KUKAR\\siti", "NT AUTHORITY\\SYSTEM", "KUKAR\\admin.dinas",
         "KUKAR\\agus", "NT AUTHORITY\\LOCAL SERVICE"]
HOSTS = ["PC-DISKOMINFO-01", "PC-BAPPEDA-07", "SRV-SIMPEG", "SRV-AD01", "LAPTOP-KEUANGAN-3"]


def load_samples(root):
    dec = json.JSONDecoder()
    samples = []
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                text = f.read()
            i = 0
            while True:
                while i < len(text) and text[i].isspace():
                    i += 1
                if i >= len(text):
                    break
                doc, i = dec.raw_decode(text, i)
                samples.append(doc)
    return samples


def vary(r, doc, i, malicious):
    ev = copy.deepcopy(doc)
    system = ev["Event"]["System"]
    data = ev["Event"].get("EventData") or {}
    sec = i // 50
    system["TimeCreated"]["#attributes"]["SystemTime"] = (
        f"2026-11-{1 + (sec // 86400) % 28:02}T{(sec // 3600) % 24:02}:{(sec // 60) % 60:02}:"
        f"{sec % 60:02}.{r.randint(0, 999999):06}Z")
    system["EventRecordID"] = i
    system["Computer"] = r.choice(HOSTS)
    for key in ("ProcessId", "ParentProcessId", "SourceProcessId", "TargetProcessId"):
        if key in data:
            data[key] = r.randint(100, 65000)
    if "User" in data:
        data["User"] = r.choice(USERS)
    if not malicious:
        # Most events are benign: swap what makes them match for everyday values.
        image = r.choice(BENIGN_IMAGES)
        for key in ("Image", "ParentImage", "SourceImage", "TargetImage"):
            if key in data:
                data[key] = r.choice(BENIGN_IMAGES)
        if "CommandLine" in data:
            data["CommandLine"] = f'"{image}"{r.choice(BENIGN_ARGS)}'
        if "ParentCommandLine" in data:
            data["ParentCommandLine"] = f'"{r.choice(BENIGN_IMAGES)}"'
        for key in ("TargetFilename", "ImageLoaded", "TargetObject", "QueryName", "PipeName"):
            if key in data and isinstance(data[key], str):
                data[key] = data[key][: len(data[key]) // 2] + f"\\benign{r.randint(0, 999)}"
        for key in ("OriginalFileName", "Description", "Product", "Company"):
            if key in data:
                data[key] = r.choice(["", "Microsoft Corporation", "Google LLC"])
    return ev


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("regression_data")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--malicious", type=float, default=0.01,
                    help="share of events kept as in the sample (default 0.01)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    r = random.Random(args.seed)
    samples = load_samples(args.regression_data)
    # Pre-vary a pool and cycle through it: a deep copy per event would make the generator the
    # bottleneck of the benchmark set-up.
    pool = [json.dumps(vary(r, r.choice(samples), i, r.random() < args.malicious),
                       separators=(",", ":"), ensure_ascii=False) for i in range(20_000)]
    out = sys.stdout
    for i in range(args.events):
        out.write(pool[i % len(pool)])
        out.write("\n")


if __name__ == "__main__":
    main()
