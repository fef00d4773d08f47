"""Evidence of cases over HTTP against the real server: files and pasted text uploaded as raw
bodies (as curl --data-binary sends them, also chunked), downloaded and compared by SHA-256,
hostile names, a body over cases.max_evidence_bytes, who may not, a closed case, a blob
changed on disk, and the chain of custody and `pantau audit verify` intact after all of it."""
import hashlib
import http.client
import json
import os
import stat
import urllib.error
import urllib.parse
import urllib.request

from harness import DEADLINE_S, pantau
from test_cases import CasesCase

LIMIT = 100_000


class EvidenceCase(CasesCase):
    config_text = f"cases:\n  max_evidence_bytes: {LIMIT}\n"

    def raw(self, who, method, path, data=None, headers=None, bearer=None):
        """A request as the UI makes it, with a raw body: (status, headers, body bytes)."""
        headers = dict(headers or {})
        if who:
            cookies = self.people[who]
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            if method != "GET":
                headers["X-CSRF-Token"] = cookies["pantau_csrf"]
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        req = urllib.request.Request(self.server.url(path), data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def upload(self, who, case, data, expect=201, content_type="application/octet-stream",
               **params):
        query = urllib.parse.urlencode(params)
        status, _, body = self.raw(who, "POST", f"/api/v1/cases/{case}/evidence?{query}", data,
                                   {"Content-Type": content_type})
        answer = json.loads(body)
        self.assertEqual(status, expect, answer)
        return answer

    def download(self, who, case, eid):
        return self.raw(who, "GET", f"/api/v1/cases/{case}/evidence/{eid}/content")

    def blobs(self):
        root = os.path.join(self.data_dir, "evidence")
        found = []
        for folder, _, files in os.walk(root):
            found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
        return sorted(found)

    def open_case(self, title):
        status, case = self.call("budi", "POST", "/api/v1/cases", {"title": title})
        self.assertEqual(status, 201, case)
        return case["id"]


class EvidenceTest(EvidenceCase):
    def test_upload_download_and_chain_of_custody(self):
        self.start_with_people()
        cid = self.open_case("Webshell di portal desa")

        # A file: its type is sniffed from the content, whatever the client says it is.
        png = b"\x89PNG\r\n\x1a\n" + os.urandom(40_000)
        item = self.upload("budi", cid, png, content_type="image/jpeg", name="tangkapan layar.png",
                           description="Halaman yang diubah, 2 Maret 10:14")
        digest = hashlib.sha256(png).hexdigest()
        self.assertEqual(item["id"], "1")
        self.assertEqual((item["case_id"], item["kind"], item["name"], item["media_type"]),
                         (cid, "file", "tangkapan layar.png", "image/png"))
        self.assertEqual((item["size"], item["sha256"]), (len(png), digest))
        self.assertEqual(item["description"], "Halaman yang diubah, 2 Maret 10:14")
        self.assertEqual(item["added_by"], "budi")
        self.assertEqual([(c["event"], c["actor"], c["role"]) for c in item["custody"]],
                         [("acquired", "budi", "analyst")])
        self.assertEqual(item["custody"][0]["note"], "uploaded from 127.0.0.1 over the HTTP API")
        self.assertEqual(self.blobs(), [f"{digest[:2]}/{digest}"])

        # Pasted text, sent in chunks (no Content-Length), with no name of its own.
        text = "curl 'http://desa.example/uploads/x.php?cmd=id'\nuid=33(www-data) gid=33\n"
        pasted = self.upload("ani", cid, iter([text[:20].encode(), text[20:].encode()]),
                             content_type="text/plain; charset=utf-8", kind="text",
                             description="PoC: perintah dijalankan lewat webshell")
        self.assertEqual((pasted["kind"], pasted["name"], pasted["media_type"]),
                         ("text", "pasted-text.txt", "text/plain"))
        self.assertEqual(pasted["sha256"], hashlib.sha256(text.encode()).hexdigest())
        self.assertEqual(pasted["custody"][0]["note"], "pasted from 127.0.0.1 over the HTTP API")
        answer = self.upload("ani", cid, b"\x00\x01binary", kind="text", expect=400)
        self.assertIn("not UTF-8 text", answer["error"]["message"])

        # Hostile HTML is stored, and never handed to a browser as a page.
        page = b"<html><body><script>fetch('/api/v1/users')</script></body></html>"
        html = self.upload("budi", cid, page, content_type="text/html", name="index.html")
        self.assertEqual(html["media_type"], "text/plain")
        status, headers, body = self.download("siti", cid, html["id"])
        self.assertEqual((status, body), (200, page))
        self.assertEqual(headers["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(headers["Content-Disposition"], "attachment; filename*=UTF-8''index.html")
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(headers.get_all("X-Content-Type-Options"), ["nosniff"])
        self.assertIn("sandbox", headers["Content-Security-Policy"])

        # The list, in the order added, a page at a time.
        status, listed = self.call("kadis", "GET", f"/api/v1/cases/{cid}/evidence")
        self.assertEqual(status, 200, listed)
        self.assertEqual(([i["id"] for i in listed["items"]], listed["next_cursor"],
                          listed["total"]), (["1", "2", "3"], None, 3))
        self.assertNotIn("custody", listed["items"][0])
        status, first = self.call("kadis", "GET", f"/api/v1/cases/{cid}/evidence?limit=2")
        self.assertEqual(([i["id"] for i in first["items"]], first["next_cursor"]), (["1", "2"], "2"))
        status, rest = self.call("kadis", "GET",
                                 f"/api/v1/cases/{cid}/evidence?limit=2&cursor=2")
        self.assertEqual(([i["id"] for i in rest["items"]], rest["next_cursor"]), (["3"], None))
        self.assertEqual(self.call("kadis", "GET", f"/api/v1/cases/{cid}/evidence?limit=0")[0], 400)

        # A coordinator opens the item, downloads it and gets the same bytes.
        status, seen = self.call("siti", "GET", f"/api/v1/cases/{cid}/evidence/1")
        self.assertEqual(status, 200, seen)
        self.assertEqual([c["event"] for c in seen["custody"]], ["acquired", "viewed"])
        status, headers, body = self.download("siti", cid, "1")
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), digest)
        self.assertEqual(headers["X-Evidence-SHA256"], digest)
        self.assertEqual(headers["Content-Type"], "image/png")
        self.assertEqual(headers["Content-Length"], str(len(png)))
        self.assertEqual(headers["Content-Disposition"],
                         "attachment; filename*=UTF-8''tangkapan%20layar.png")
        self.assertEqual(self.raw("siti", "HEAD", f"/api/v1/cases/{cid}/evidence/1/content")[0],
                         400)  # not a download
        status, again = self.call("budi", "GET", f"/api/v1/cases/{cid}/evidence/1")
        custody = again["custody"]
        self.assertEqual([(c["seq"], c["event"], c["actor"]) for c in custody],
                         [(1, "acquired", "budi"), (2, "viewed", "siti"),
                          (3, "downloaded", "siti"), (4, "viewed", "budi")])
        self.assertEqual(custody, sorted(custody, key=lambda c: c["audit_seq"]))

        # Every custody event is in the case's audit trail, under the entry it names.
        status, history = self.call("siti", "GET", f"/api/v1/cases/{cid}/history")
        by_seq = {e["seq"]: e for e in history["items"]}
        for event, action in zip(custody, ["evidence.acquire", "evidence.view",
                                           "evidence.download", "evidence.view"]):
            entry = by_seq[event["audit_seq"]]
            self.assertEqual((entry["action"], entry["actor"]), (action, event["actor"]))
            self.assertEqual((entry["details"]["evidence"], entry["details"]["sha256"]),
                             ("1", digest))

        # The API description has every evidence route.
        status, _, body = self.server.http("GET", "/api/v1/openapi.json")
        paths = json.loads(body)["paths"]
        for path in ("/api/v1/cases/{id}/evidence", "/api/v1/cases/{id}/evidence/{eid}",
                     "/api/v1/cases/{id}/evidence/{eid}/content"):
            self.assertIn(path, paths)

        # Items belong to their case.
        other = self.open_case("Kasus lain")
        self.assertEqual(self.call("budi", "GET", f"/api/v1/cases/{other}/evidence/1")[0], 404)
        self.assertEqual(self.download("budi", other, "1")[0], 404)
        self.assertEqual(self.call("budi", "GET", "/api/v1/cases/99/evidence")[0], 404)
        self.assertEqual(self.upload("budi", "99", b"x", name="x", expect=404)["error"]["code"],
                         "not_found")

    def test_hostile_names_oversize_and_who_may_not(self):
        self.start_with_people()
        cid = self.open_case("Brute force SSH")
        # A name is a label: a path in it reaches nothing but the download's filename.
        passwd = b"root:x:0:0:root:/root:/bin/bash\n"
        item = self.upload("budi", cid, passwd, name="../../etc/passwd")
        self.assertEqual(item["name"], "../../etc/passwd")
        digest = hashlib.sha256(passwd).hexdigest()
        self.assertEqual(self.blobs(), [f"{digest[:2]}/{digest}"])
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "etc")))
        status, headers, body = self.download("budi", cid, item["id"])
        self.assertEqual((status, body), (200, passwd))
        self.assertEqual(headers["Content-Disposition"],
                         "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd")
        for name in ("a\u0000b", "a\nb", "x\u202etxt.exe", "n" * 256):
            answer = self.upload("budi", cid, b"x", name=name, expect=400)
            self.assertTrue(answer["error"]["message"].startswith("name: "), answer)
        answer = self.upload("budi", cid, b"x", expect=400)  # a file needs its name
        self.assertIn("name: give the file's name", answer["error"]["message"])
        self.upload("budi", cid, b"", name="empty.txt", expect=400)
        self.upload("budi", cid, b"x", name="x", kind="video", expect=400)
        answer = self.upload("budi", cid, b"--b\r\n\r\nx\r\n--b--\r\n", name="x", expect=400,
                             content_type="multipart/form-data; boundary=b")
        self.assertIn("not as a multipart form", answer["error"]["message"])

        # Over cases.max_evidence_bytes: refused by its Content-Length, or as it streams in.
        answer = self.upload("budi", cid, b"a" * (LIMIT + 1), name="big.pcap", expect=413)
        self.assertIn(f"cases.max_evidence_bytes ({LIMIT} bytes)", answer["error"]["message"])
        chunks = iter([b"b" * 60_000, b"b" * 60_000])
        answer = self.upload("budi", cid, chunks, name="big.pcap", expect=413)
        self.assertIn("nothing was kept", answer["error"]["message"])
        self.assertEqual(self.blobs(), [f"{digest[:2]}/{digest}"])
        at_limit = self.upload("budi", cid, b"c" * LIMIT, name="exactly.bin")
        self.assertEqual(at_limit["size"], LIMIT)

        # Admins and API keys do not see evidence; changes need the CSRF token.
        for method, path in (("GET", f"/api/v1/cases/{cid}/evidence"),
                             ("GET", f"/api/v1/cases/{cid}/evidence/1"),
                             ("GET", f"/api/v1/cases/{cid}/evidence/1/content"),
                             ("POST", f"/api/v1/cases/{cid}/evidence?name=x")):
            status, _, body = self.raw("boss", method, path, b"x" if method == "POST" else None)
            self.assertEqual(status, 403, (path, body))
            self.assertEqual(json.loads(body)["error"]["message"],
                             "the role 'admin' may not do this")
        key = pantau("apikey", "create", "robot", "--scope", "search", "--scope", "triage",
                     "--data", self.data_dir).stdout.decode().strip()
        status, _, body = self.raw(None, "GET", f"/api/v1/cases/{cid}/evidence/1/content",
                                   bearer=key)
        self.assertEqual(status, 403, body)
        status, _, body = self.raw(None, "POST", f"/api/v1/cases/{cid}/evidence?name=x", b"x",
                                   bearer=key)
        self.assertEqual(status, 403, body)
        req = urllib.request.Request(self.server.url(f"/api/v1/cases/{cid}/evidence?name=x"),
                                     data=b"x", method="POST", headers={"Cookie": "; ".join(
                                         f"{k}={v}" for k, v in self.people["budi"].items())})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=DEADLINE_S)
        self.assertEqual(refused.exception.code, 403)
        self.assertEqual(self.blobs(), sorted([f"{digest[:2]}/{digest}",
                                               f"{at_limit['sha256'][:2]}/{at_limit['sha256']}"]))

    def test_a_refused_upload_does_not_poison_the_connection(self):
        """A body refused before it is read is never taken for the next request on the
        connection (httplib keeps it open): a request hidden at its end never runs."""
        self.start_with_people()
        cid = self.open_case("Keep-alive")
        cookies = self.people["budi"]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                   "X-CSRF-Token": cookies["pantau_csrf"]}
        hidden = (b"junk\r\n" * 3000 + b"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\nCookie: "
                  + headers["Cookie"].encode() + b"\r\n\r\n")
        conn = http.client.HTTPConnection("127.0.0.1", self.server.ports["http"],
                                          timeout=DEADLINE_S)
        for query, who, status in (("name=a%00b", headers, 400), ("name=b", {}, 401),
                                   ("name=c", headers, 201)):
            conn.request("POST", f"/api/v1/cases/{cid}/evidence?{query}", body=hidden,
                         headers=who)
            r = conn.getresponse()
            self.assertEqual(r.status, status, r.read())
            r.read()
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            self.assertEqual((r.status, r.read()), (200, b'{"status":"ok"}'))
        # A chunked body that runs past the limit: 413 once it has been read, in step too.
        conn.request("POST", f"/api/v1/cases/{cid}/evidence?name=big.bin",
                     body=iter([b"z" * 70_000, b"z" * 70_000]), headers=headers,
                     encode_chunked=True)
        r = conn.getresponse()
        self.assertEqual(r.status, 413, r.read())
        r.read()
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (200, b'{"status":"ok"}'))
        conn.close()

    def test_closed_case_corrupt_blob_and_the_audit_trail(self):
        self.start_with_people()
        cid = self.open_case("Pemindaian VA terjadwal")
        log = b"Mar  2 10:00:01 web01 sshd[811]: Failed password for root from 198.51.100.23\n"
        item = self.upload("ani", cid, log, name="auth.log")
        # The case ends as a false positive and takes no more evidence; what it has stays readable.
        self.act("ani", cid, "investigate")
        self.verdict("ani", cid, "false_positive", "Pemindaian oleh tim VA sendiri")
        self.act("ani", cid, "assess")
        self.act("ani", cid, "report")
        self.act("ani", cid, "submit")
        self.act("rina", cid, "verify")
        self.act("rina", cid, "close")
        answer = self.upload("ani", cid, b"later", name="later.txt", expect=409)
        number = answer["error"]["message"].split()[1]
        self.assertEqual(answer["error"]["message"],
                         f"case {number} is closed: no evidence is added to it any more")
        self.assertEqual(self.download("siti", cid, item["id"])[2], log)

        # Someone changes the stored file: the download refuses it with a reason, not the bytes.
        blob = os.path.join(self.data_dir, "evidence", item["sha256"][:2], item["sha256"])
        self.assertEqual(stat.S_IMODE(os.stat(blob).st_mode), 0o440)
        os.chmod(blob, 0o640)
        with open(blob, "wb") as f:
            f.write(log.replace(b"198.51.100.23", b"10.0.0.1"))
        status, headers, body = self.download("siti", cid, item["id"])
        self.assertEqual(status, 500)
        self.assertEqual(headers["Content-Type"], "application/json")
        message = json.loads(body)["error"]["message"]
        self.assertIn(f"('auth.log') of case {number} is corrupt", message)
        self.assertIn(f"not the recorded {item['sha256']}", message)
        self.assertNotIn(b"10.0.0.1", body)
        self.assertIn("is corrupt", self.server.output())
        status, seen = self.call("siti", "GET", f"/api/v1/cases/{cid}/evidence/{item['id']}")
        self.assertEqual([(c["event"], c["actor"]) for c in seen["custody"]],
                         [("acquired", "ani"), ("attached", "ani"), ("downloaded", "siti"),
                          ("corrupt", "siti"), ("viewed", "siti")])
        status, history = self.call("siti", "GET", f"/api/v1/cases/{cid}/history")
        corrupt = [e for e in history["items"] if e["action"] == "evidence.corrupt"]
        self.assertEqual(len(corrupt), 1)
        self.assertEqual(corrupt[0]["details"]["found"],
                         hashlib.sha256(log.replace(b"198.51.100.23", b"10.0.0.1")).hexdigest())

        # The audit trail holds together through all of it, and so does the chain of custody.
        r = pantau("audit", "verify", "--data", self.data_dir, check=False)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertRegex(r.stdout.decode(), r"audit trail intact: \d+ entries")
        seqs = [c["audit_seq"] for c in seen["custody"]]
        self.assertEqual(seqs, sorted(seqs))
