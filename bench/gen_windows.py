#!/usr/bin/env python3
"""Writes Windows events (Sysmon and Security, in the EVTX JSON export form, one per line) for
the Sigma benchmarks: the events of SigmaHQ's regression data, replicated with varied values
(process ids, times, user and host names, and paths and command lines mixed with benign ones
from a pool), so that most events match nothing, as in real logs.

    bench/gen_windows.py --events 5000000 ../shared/data/sigma/regression_data > /tmp/windows.jsonl

With --unique, every process, path, command line, registry and query value of every event ends
with a token of its own (" u<event number>"), so that no value ever repeats: the worst case for
matchers that remember recent values.
"""
import argparse
import copy
import json
import os
import random
import sys

# Everyday processes as (image, parent image, command line, company): parent and child agree, as
# they do on a real workstation, so that benign events look benign to the rules.
SYS32 = "C:\\Windows\\System32\\"
CHROME = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"
WORD = "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"
EDGE = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"
BENIGN_PROCESSES = [
    (SYS32 + "svchost.exe", SYS32 + "services.exe", SYS32 + "svchost.exe -k netsvcs -p -s Schedule",
     "Microsoft Corporation"),
    (SYS32 + "svchost.exe", SYS32 + "services.exe", SYS32 + "svchost.exe -k LocalService -p",
     "Microsoft Corporation"),
    (CHROME, "C:\\Windows\\explorer.exe", f'"{CHROME}" --type=renderer --lang=id', "Google LLC"),
    (CHROME, CHROME, f'"{CHROME}" --type=gpu-process', "Google LLC"),
    (WORD, "C:\\Windows\\explorer.exe", f'"{WORD}" /n "C:\\Users\\budi\\Documents\\Surat.docx"',
     "Microsoft Corporation"),
    (EDGE, "C:\\Windows\\explorer.exe", f'"{EDGE}" --single-argument https://kukarkab.go.id/',
     "Microsoft Corporation"),
    (SYS32 + "RuntimeBroker.exe", SYS32 + "svchost.exe", SYS32 + "RuntimeBroker.exe -Embedding",
     "Microsoft Corporation"),
    (SYS32 + "taskhostw.exe", SYS32 + "svchost.exe", "taskhostw.exe", "Microsoft Corporation"),
    (SYS32 + "SearchIndexer.exe", SYS32 + "services.exe", SYS32 + "SearchIndexer.exe /Embedding",
     "Microsoft Corporation"),
]
USERS = ["KUKAR\\budi", "KUKAR\\siti", "NT AUTHORITY\\SYSTEM", "KUKAR\\admin.dinas",
         "KUKAR\\agus", "NT AUTHORITY\\LOCAL SERVICE"]
# The values --unique makes distinct in every event.
UNIQUE_FIELDS = ("Image", "ParentImage", "SourceImage", "TargetImage", "CommandLine",
                 "ParentCommandLine", "CurrentDirectory", "OriginalFileName", "TargetFilename",
                 "ImageLoaded", "TargetObject", "QueryName", "PipeName", "Details",
                 "ScriptBlockText", "NewProcessName", "ParentProcessName", "ProcessName")
UNIQUE_MARK = "@@unique@@"
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


def vary(r, doc, i, malicious, unique):
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
        image, parent, command, company = r.choice(BENIGN_PROCESSES)
        name = image.rsplit("\\", 1)[-1]
        values = {"Image": image, "SourceImage": image, "ParentImage": parent,
                  "TargetImage": SYS32 + "svchost.exe", "CommandLine": command,
                  "ParentCommandLine": parent, "OriginalFileName": name, "Description": name,
                  "Product": "Microsoft Windows" if company.startswith("Microsoft") else name,
                  "Company": company, "CurrentDirectory": "C:\\Users\\budi\\"}
        for key, value in values.items():
            if key in data:
                data[key] = value
        for key in ("TargetFilename", "ImageLoaded", "TargetObject", "QueryName", "PipeName",
                    "Details", "ScriptBlockText", "Hashes"):
            if key in data and isinstance(data[key], str):
                data[key] = f"C:\\Users\\budi\\AppData\\Local\\Temp\\benign{r.randint(0, 999)}.tmp"
    if unique:
        for key in UNIQUE_FIELDS:
            if isinstance(data.get(key), str):
                data[key] += " " + UNIQUE_MARK
    return ev


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("regression_data")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--malicious", type=float, default=0.01,
                    help="share of events kept as in the sample (default 0.01)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unique", action="store_true",
                    help="append a token of the event's own to every process, path, command "
                         "line, registry and query value, so that values never repeat")
    args = ap.parse_args()
    r = random.Random(args.seed)
    samples = load_samples(args.regression_data)
    # Pre-vary a pool and cycle through it: a deep copy per event would make the generator the
    # bottleneck of the benchmark set-up.
    pool = [json.dumps(vary(r, r.choice(samples), i, r.random() < args.malicious, args.unique),
                       separators=(",", ":"), ensure_ascii=False) for i in range(20_000)]
    out = sys.stdout
    for i in range(args.events):
        line = pool[i % len(pool)]
        if args.unique:
            line = line.replace(UNIQUE_MARK, f"u{i}")
        out.write(line)
        out.write("\n")


if __name__ == "__main__":
    main()
