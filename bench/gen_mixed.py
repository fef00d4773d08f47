#!/usr/bin/env python3
"""Writes a mixed log file for the ingest benchmarks: RFC 3164 syslog (sshd, sudo), RFC 5424,
FortiGate traffic and UTM, Apache/Nginx access, and JSON lines, in a fixed shuffled order.

    bench/gen_mixed.py --lines 1000000 > /tmp/mixed.log
"""
import argparse
import random
import sys

USERS = ["root", "admin", "budi", "siti", "agus", "dewi", "oracle", "test", "ubuntu", "postgres"]
HOSTS = ["web01", "web02", "db01", "mail", "dns1", "fw-kutai", "app-sipd", "app-simpeg"]
PATHS = ["/", "/index.php", "/wp-login.php", "/berita/2026/11/27/rapat", "/api/v1/login",
         "/uploads/shell.php", "/.env", "/admin/", "/search?q=slot+gacor", "/static/app.js"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
          "curl/7.88.1", "Googlebot/2.1 (+http://www.google.com/bot.html)", "sqlmap/1.7"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def ip(r):
    return f"{r.choice([10, 172, 192, 203, 36, 114])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def line(r, i):
    sec = i // 20
    hh, mm, ss = (sec // 3600) % 24, (sec // 60) % 60, sec % 60
    kind = r.random()
    host = r.choice(HOSTS)
    if kind < 0.30:
        user = r.choice(USERS)
        msg = r.choice([
            f"Failed password for {user} from {ip(r)} port {r.randint(1024, 65535)} ssh2",
            f"Failed password for invalid user {user} from {ip(r)} port {r.randint(1024, 65535)} ssh2",
            f"Accepted publickey for {user} from {ip(r)} port {r.randint(1024, 65535)} ssh2",
            f"Invalid user {user} from {ip(r)} port {r.randint(1024, 65535)}",
        ])
        return f"<38>Nov 27 {hh:02}:{mm:02}:{ss:02} {host} sshd[{r.randint(100, 99999)}]: {msg}"
    if kind < 0.35:
        user = r.choice(USERS)
        return (f"<85>Nov 27 {hh:02}:{mm:02}:{ss:02} {host} sudo: {user} : TTY=pts/{r.randint(0, 9)} ; "
                f"PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx")
    if kind < 0.40:
        return (f"<165>1 2026-11-27T{hh:02}:{mm:02}:{ss:02}.{r.randint(0, 999):03}Z {host} app "
                f"{r.randint(1, 9999)} ID47 [meta seq=\"{i}\" zone=\"dmz\"] request handled in "
                f"{r.randint(1, 900)} ms")
    if kind < 0.65:
        action = r.choice(["accept", "accept", "accept", "deny", "close"])
        return (f'date=2026-11-27 time={hh:02}:{mm:02}:{ss:02} devname="FG100E-KUKAR" '
                f'devid="FG100ETK19000000" eventtime={1795000000 + sec}000000000 tz="+0800" '
                f'logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" '
                f'srcip={ip(r)} srcport={r.randint(1024, 65535)} srcintf="port1" srcintfrole="lan" '
                f'dstip={ip(r)} dstport={r.choice([80, 443, 53, 22, 3389])} dstintf="wan1" '
                f'dstintfrole="wan" sessionid={r.randint(1, 10**9)} proto=6 action="{action}" '
                f'policyid={r.randint(1, 200)} policytype="policy" service="HTTPS" '
                f'dstcountry="Indonesia" srccountry="Reserved" trandisp="snat" duration={r.randint(1, 600)} '
                f'sentbyte={r.randint(40, 10**6)} rcvdbyte={r.randint(40, 10**7)} sentpkt={r.randint(1, 999)} '
                f'rcvdpkt={r.randint(1, 9999)} appcat="unscanned"')
    if kind < 0.70:
        return (f'date=2026-11-27 time={hh:02}:{mm:02}:{ss:02} devname="FG100E-KUKAR" '
                f'devid="FG100ETK19000000" eventtime={1795000000 + sec}000000000 tz="+0800" '
                f'logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" '
                f'severity="high" srcip={ip(r)} srcport={r.randint(1024, 65535)} dstip={ip(r)} '
                f'dstport=80 proto=6 service="HTTP" policyid=12 action="dropped" '
                f'attack="PHP.CGI.Argument.Injection" attackid=31825 ref="http://www.fortinet.com/ids/VID31825" '
                f'msg="web_server: PHP.CGI.Argument.Injection," crscore=30 craction=8192')
    if kind < 0.92:
        status = r.choice([200, 200, 200, 301, 404, 403, 500])
        return (f'{ip(r)} - - [27/Nov/2026:{hh:02}:{mm:02}:{ss:02} +0800] "{r.choice(["GET", "GET", "POST"])} '
                f'{r.choice(PATHS)} HTTP/1.1" {status} {r.randint(0, 50000)} "-" "{r.choice(AGENTS)}"')
    return ('{"@timestamp":"2026-11-27T%02d:%02d:%02dZ","event":{"dataset":"app.audit","action":"%s"},'
            '"user":{"name":"%s"},"source":{"ip":"%s"},"message":"user %s did %s","seq":%d}'
            % (hh, mm, ss, r.choice(["login", "export", "delete"]), r.choice(USERS), ip(r),
               r.choice(USERS), r.choice(["login", "export"]), i))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    r = random.Random(a.seed)
    out = sys.stdout
    buf = []
    for i in range(a.lines):
        buf.append(line(r, i))
        if len(buf) == 10000:
            out.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
