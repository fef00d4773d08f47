#!/usr/bin/env python3
"""A small SMTP server for tests: it accepts mail on 127.0.0.1 and keeps it, never relaying.

Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, and optionally STARTTLS (--tls-cert and
--tls-key; --implicit-tls for smtps) and AUTH PLAIN / LOGIN (--auth USER:PASSWORD, then required
before MAIL). Each message received is written as JSON (one object per message):

  {"n", "peer", "helo", "tls", "auth", "mail_from", "rcpt_to", "queue_id", "size", "data",
   "subject", "message_id", "from", "to", "cc", "text",
   "attachments": [{"filename", "content_type", "size", "sha256"}]}

to DIR/NNNN.json (with the raw message in DIR/NNNN.eml) with --out DIR, or as one line on stdout
otherwise. The message is parsed with Python's email package, so the attachments' sizes and
SHA-256 are of the bytes after base64 decoding, checked by a parser that is not Pantau's.

The port it listens on (ask for 0 to get a free one) is written to --port-file (atomically)
and printed as the first line on stdout: {"port": N}.

Failure knobs for tests: --reject-rcpt ADDR (550 for that recipient, repeatable),
--fail-mail N (451 to the first N MAIL commands, then accept).

Standard library only. Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 300),
so that a sink a test forgot never outlives it for long.

Examples:
  python3 tests/e2e/smtp_sink.py --port 0 --port-file /tmp/sink.port --out /tmp/mail
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \\
      -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout key.pem -out cert.pem
  python3 tests/e2e/smtp_sink.py --tls-cert cert.pem --tls-key key.pem --auth pantau:rahasia
"""

import argparse
import base64
import email
import email.policy
import hashlib
import json
import os
import signal
import socketserver
import ssl
import sys
import threading

MAX_LINE = 4096
MAX_MESSAGE = 64 << 20


class State:
    """What all sessions share: options, counters, the output."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.mail_commands = 0
        self.tls_context = None
        if args.tls_cert:
            self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def next_mail_fails(self):
        with self.lock:
            self.mail_commands += 1
            return self.mail_commands <= self.args.fail_mail

    def keep(self, record, raw):
        with self.lock:
            self.count += 1
            n = self.count
        record["n"] = n
        record["queue_id"] = "SINK%04d" % n
        if self.args.out:
            os.makedirs(self.args.out, exist_ok=True)
            base = os.path.join(self.args.out, "%04d" % n)
            with open(base + ".eml", "wb") as f:
                f.write(raw)
            with open(base + ".json.tmp", "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False, indent=1)
            os.replace(base + ".json.tmp", base + ".json")
        else:
            with self.lock:
                print(json.dumps(record, ensure_ascii=False), flush=True)
        return record["queue_id"]


def describe(raw):
    """The parts of a message a test checks, read with the standard library's parser."""
    out = {"subject": None, "message_id": None, "from": None, "to": None, "cc": None,
           "text": None, "attachments": [], "defects": []}
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        for key in ("subject", "message_id", "from", "to", "cc"):
            value = msg.get(key.replace("_", "-"))
            out[key] = None if value is None else str(value)
        out["defects"] = [type(d).__name__ for d in msg.defects]
        for part in msg.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            if part.get_content_disposition() == "attachment":
                out["attachments"].append({
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                })
            elif part.get_content_type() == "text/plain" and out["text"] is None:
                out["text"] = payload.decode(part.get_content_charset() or "utf-8", "replace")
    except Exception as e:  # a test wants to see what it sent, even when it does not parse
        out["defects"].append("parse error: %s" % e)
    return out


class Session(socketserver.StreamRequestHandler):
    timeout = 30

    def setup(self):
        super().setup()
        self.state = self.server.state
        self.tls = False
        if self.state.args.implicit_tls:
            self.start_tls()

    def start_tls(self):
        self.connection = self.state.tls_context.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.tls = True

    def reply(self, text):
        self.wfile.write(text.encode("utf-8") + b"\r\n")
        self.wfile.flush()

    def read_line(self):
        line = self.rfile.readline(MAX_LINE + 2)
        if not line:
            return None
        return line.rstrip(b"\r\n").decode("utf-8", "replace")

    def handle(self):
        args = self.state.args
        self.reply("220 sink.pantau.test ESMTP test sink")
        helo = None
        user = None
        mail_from = None
        rcpt_to = []
        while True:
            line = self.read_line()
            if line is None:
                return
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "HELO"):
                helo = arg
                mail_from, rcpt_to = None, []
                if verb == "HELO":
                    self.reply("250 sink.pantau.test")
                    continue
                lines = ["sink.pantau.test greets " + arg, "SIZE %d" % MAX_MESSAGE, "8BITMIME"]
                if self.state.tls_context and not self.tls:
                    lines.append("STARTTLS")
                if args.auth:
                    lines.append("AUTH PLAIN LOGIN")
                for i, text in enumerate(lines):
                    self.reply(("250 " if i == len(lines) - 1 else "250-") + text)
            elif verb == "STARTTLS":
                if not self.state.tls_context or self.tls:
                    self.reply("502 5.5.1 STARTTLS not available")
                    continue
                self.reply("220 2.0.0 Ready to start TLS")
                try:
                    self.start_tls()
                except (ssl.SSLError, OSError):
                    return
                helo = None
            elif verb == "AUTH":
                user = self.authenticate(arg)
                if user is None and self.connection.fileno() < 0:
                    return
            elif verb == "MAIL":
                if args.auth and user is None:
                    self.reply("530 5.7.0 Authentication required")
                elif helo is None:
                    self.reply("503 5.5.1 EHLO first")
                elif self.state.next_mail_fails():
                    self.reply("451 4.3.0 Try again later (test sink)")
                else:
                    mail_from = address_of(arg, "FROM:")
                    rcpt_to = []
                    self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 MAIL first")
                    continue
                rcpt = address_of(arg, "TO:")
                if rcpt in args.reject_rcpt:
                    self.reply("550 5.1.1 <%s>: Recipient address rejected: "
                               "User unknown (test sink)" % rcpt)
                else:
                    rcpt_to.append(rcpt)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpt_to:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                raw = self.read_data()
                if raw is None:
                    return
                record = {"peer": "%s:%d" % self.client_address[:2], "helo": helo,
                          "tls": self.tls, "auth": user, "mail_from": mail_from,
                          "rcpt_to": rcpt_to, "size": len(raw),
                          "data": raw.decode("utf-8", "replace")}
                record.update(describe(raw))
                queue_id = self.state.keep(record, raw)
                self.reply("250 2.0.0 Ok: queued as " + queue_id)
                mail_from, rcpt_to = None, []
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")

    def read_data(self):
        """The message up to the lone '.', dot-unstuffed, with its CRLF line ends."""
        chunks = []
        size = 0
        while True:
            line = self.rfile.readline(MAX_MESSAGE)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(chunks)
            if line.startswith(b"."):
                line = line[1:]
            size += len(line)
            if size > MAX_MESSAGE:
                self.reply("552 5.3.4 Message too big")
                return None
            chunks.append(line)

    def authenticate(self, arg):
        want_user, _, want_password = self.state.args.auth.partition(":")
        parts = arg.split()
        mechanism = parts[0].upper() if parts else ""
        try:
            if mechanism == "PLAIN":
                if len(parts) > 1:
                    blob = parts[1]
                else:
                    self.reply("334 ")
                    blob = self.read_line() or ""
                _, user, password = base64.b64decode(blob).decode().split("\0")
            elif mechanism == "LOGIN":
                if len(parts) > 1:
                    user = base64.b64decode(parts[1]).decode()
                else:
                    self.reply("334 VXNlcm5hbWU6")
                    user = base64.b64decode(self.read_line() or "").decode()
                self.reply("334 UGFzc3dvcmQ6")
                password = base64.b64decode(self.read_line() or "").decode()
            else:
                self.reply("504 5.5.4 Unrecognized authentication type")
                return None
        except (ValueError, UnicodeDecodeError):
            self.reply("501 5.5.2 Cannot decode the response")
            return None
        if user == want_user and password == want_password:
            self.reply("235 2.7.0 Authentication successful")
            return user
        self.reply("535 5.7.8 Error: authentication failed")
        return None


def address_of(arg, prefix):
    """The address of 'FROM:<a@b> SIZE=1' or 'TO:<a@b>'."""
    if arg.upper().startswith(prefix):
        arg = arg[len(prefix):].strip()
    if arg.startswith("<"):
        end = arg.find(">")
        return arg[1:end] if end > 0 else arg[1:]
    return arg.split(" ", 1)[0]


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--out", help="directory for NNNN.json and NNNN.eml; default: JSON on stdout")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    p.add_argument("--auth", help="USER:PASSWORD, then required before MAIL")
    p.add_argument("--reject-rcpt", action="append", default=[])
    p.add_argument("--fail-mail", type=int, default=0)
    p.add_argument("--max-seconds", type=float, default=300)
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and not args.tls_cert:
        p.error("--implicit-tls needs --tls-cert and --tls-key")

    server = Server((args.host, args.port), Session)
    server.state = State(args)
    port = server.server_address[1]
    print(json.dumps({"port": port}), flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.max_seconds, stop)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
