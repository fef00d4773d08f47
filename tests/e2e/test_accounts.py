"""Accounts over HTTP: the first start's admin, login and session cookies, CSRF on changes,
session fixation, lockout, and each role refused what it may not do."""
import base64
import hmac
import json
import re
import struct
import subprocess
import time
import urllib.error
import urllib.request

from harness import ServerTest, pantau, wait_for, DEADLINE_S


class AccountsCase(ServerTest):
    """Requests as a browser makes them: cookies, the CSRF header, every Set-Cookie kept."""

    def request(self, method, path, cookies=None, csrf=None, body=None, bearer=None):
        headers = {"Content-Type": "application/json"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server.url(path), data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
                status, message, text = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, message, text = e.code, e.headers, e.read()
        # Every Set-Cookie header, which a dict of the headers would fold into one.
        response_headers = {"Set-Cookie": "\n".join(message.get_all("Set-Cookie") or [])}
        return status, response_headers, json.loads(text) if text else None

    def login(self, name, password):
        status, headers, body = self.request("POST", "/api/v1/auth/login",
                                             body={"username": name, "password": password})
        return status, headers, body

    def session_of(self, headers):
        raw = headers.get("Set-Cookie", "")
        cookies = dict(re.findall(r"(pantau_session|pantau_csrf)=([0-9a-f]*)", raw))
        return cookies, raw

    def add_user(self, name, role, password):
        pantau("user", "add", name, "--role", role, "--password-stdin", "--data", self.data_dir,
               input=(password + "\n").encode())


class AccountsTest(AccountsCase):
    def test_first_admin_login_roles_and_csrf(self):
        server = self.start_server()
        printed = wait_for(lambda: re.search(r"user 'admin' created with password (\w+)",
                                             server.output()), "the admin password")
        password = printed.group(1)

        status, headers, body = self.login("admin", password)
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"user": {"name": "admin", "role": "admin"}})
        admin, raw = self.session_of(headers)
        self.assertEqual(len(admin["pantau_session"]), 64)
        self.assertIn("HttpOnly", raw)
        self.assertIn("SameSite=Strict", raw)
        status, _, me = self.request("GET", "/api/v1/auth/me", cookies=admin)
        self.assertEqual((status, me), (200, {"name": "admin", "role": "admin",
                                              "must_enrol_totp": False}))

        self.add_user("budi", "analyst", "kata-sandi-analis")
        self.add_user("kadis", "head", "kata-sandi-kepala")
        listed = pantau("user", "list", "--data", self.data_dir).stdout.decode()
        self.assertRegex(listed, r"budi\s+analyst")
        self.assertRegex(listed, r"kadis\s+head")

        # An alert to act on: Pantau's rule for SSH logins with unknown users.
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(server.ports["syslog_tcp"]), "-T",
                        "-t", "sshd", "Invalid user oracle from 203.0.113.9 port 52113"],
                       check=True, timeout=DEADLINE_S)
        analyst, _ = self.session_of(self.login("budi", "kata-sandi-analis")[1])
        head, _ = self.session_of(self.login("kadis", "kata-sandi-kepala")[1])
        page = wait_for(lambda: (lambda r: r[2] if r[2]["total"] else None)(
            self.request("GET", "/api/v1/alerts", cookies=analyst)), "the alert")
        alert_id = page["items"][0]["id"]
        patch = f"/api/v1/alerts/{alert_id}"

        # Every role reads; only analysts (and coordinators) triage; changes need the CSRF token.
        for who in (analyst, head, admin):
            status, _, _ = self.request("GET", "/api/v1/events", cookies=who)
            self.assertEqual(status, 200)
        status, _, err = self.request("PATCH", patch, cookies=head, csrf=head["pantau_csrf"],
                                      body={"status": "acknowledged"})
        self.assertEqual(status, 403)
        self.assertEqual(err["error"]["message"], "the role 'head' may not do this")
        status, _, _ = self.request("PATCH", patch, cookies=admin, csrf=admin["pantau_csrf"],
                                    body={"status": "acknowledged"})
        self.assertEqual(status, 403)
        status, _, err = self.request("PATCH", patch, cookies=analyst,
                                      body={"status": "acknowledged"})
        self.assertEqual(status, 403)
        self.assertIn("X-CSRF-Token", err["error"]["message"])
        status, _, _ = self.request("PATCH", patch, cookies=analyst, csrf=head["pantau_csrf"],
                                    body={"status": "acknowledged"})
        self.assertEqual(status, 403)  # another session's token is no good
        status, _, changed = self.request("PATCH", patch, cookies=analyst,
                                          csrf=analyst["pantau_csrf"],
                                          body={"status": "acknowledged", "assignee": "budi"})
        self.assertEqual((status, changed["status"]), (200, "acknowledged"))
        # People do not send events; machines do, with keys.
        status, _, _ = self.request("POST", "/api/v1/ingest", cookies=analyst,
                                    csrf=analyst["pantau_csrf"])
        self.assertEqual(status, 403)
        # Nobody at all.
        status, _, _ = self.request("GET", "/api/v1/alerts")
        self.assertEqual(status, 401)

        # Logout needs the token too, and ends the session.
        status, _, _ = self.request("POST", "/api/v1/auth/logout", cookies=analyst)
        self.assertEqual(status, 403)
        status, headers, _ = self.request("POST", "/api/v1/auth/logout", cookies=analyst,
                                          csrf=analyst["pantau_csrf"])
        self.assertEqual(status, 200)
        self.assertIn("Max-Age=0", headers.get("Set-Cookie", ""))
        status, _, _ = self.request("GET", "/api/v1/auth/me", cookies=analyst)
        self.assertEqual(status, 401)

        # A second start makes no other admin (the server log is appended to, not replaced).
        self.assertEqual(self.server.stop(), 0)
        self.start_server()
        self.assertEqual(len(re.findall("created with password", self.server.output())), 1)
        self.assertEqual(self.login("admin", password)[0], 200)

    def test_session_fixation_and_lockout(self):
        self.start_server()
        self.add_user("siti", "coordinator", "kata-sandi-koordinator")
        planted = {"pantau_session": "a" * 64, "pantau_csrf": "b" * 64}
        status, headers, _ = self.request("POST", "/api/v1/auth/login", cookies=planted,
                                          body={"username": "siti",
                                                "password": "kata-sandi-koordinator"})
        self.assertEqual(status, 200)
        issued, _ = self.session_of(headers)
        self.assertNotEqual(issued["pantau_session"], planted["pantau_session"])
        self.assertEqual(self.request("GET", "/api/v1/auth/me", cookies=planted)[0], 401)
        self.assertEqual(self.request("GET", "/api/v1/auth/me", cookies=issued)[0], 200)
        # Behind a TLS proxy the cookies are Secure.
        req = urllib.request.Request(self.server.url("/api/v1/auth/login"), method="POST",
                                     data=json.dumps({"username": "siti",
                                                      "password": "kata-sandi-koordinator"}).encode(),
                                     headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(req, timeout=DEADLINE_S) as r:
            cookies = r.headers.get_all("Set-Cookie")
        self.assertTrue(all("; Secure" in c for c in cookies), cookies)

        for i in range(5):
            status, _, err = self.login("siti", f"tebakan-{i}")
            self.assertEqual(status, 401)
            self.assertEqual(err["error"]["message"], "wrong user name or password")
        status, _, err = self.login("siti", "kata-sandi-koordinator")
        self.assertEqual(status, 401)
        self.assertIn("locked", err["error"]["message"])
        self.assertIn("locked for 15 minutes", self.server.output())
        # An admin's new password unlocks it.
        pantau("user", "passwd", "siti", "--password-stdin", "--data", self.data_dir,
               input=b"kata-sandi-baru-siti\n")
        self.assertEqual(self.login("siti", "kata-sandi-baru-siti")[0], 200)
        status, _, err = self.login("siti", "")
        self.assertEqual(status, 401)
        status, _, err = self.request("POST", "/api/v1/auth/login", body={"user": "siti"})
        self.assertEqual(status, 400)


def totp(secret, at=None, offset=0):
    """RFC 6238 code of a base32 secret, computed independently of the server."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30) + offset
    mac = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class SecondFactorTest(AccountsCase):
    def test_enrol_then_login_needs_the_code(self):
        self.start_server()
        self.add_user("budi", "analyst", "kata-sandi-analis")
        budi, _ = self.session_of(self.login("budi", "kata-sandi-analis")[1])
        post = lambda path, body=None: self.request("POST", path, cookies=budi,
                                                    csrf=budi["pantau_csrf"], body=body)
        status, _, enrol = post("/api/v1/auth/totp/enrol")
        self.assertEqual(status, 200, enrol)
        self.assertTrue(enrol["uri"].startswith("otpauth://totp/Pantau:budi?secret="))
        self.assertTrue(enrol["qr_svg"].startswith("<svg"))
        status, _, err = post("/api/v1/auth/totp/confirm", {"code": "000000"})
        self.assertEqual(status, 400)
        status, _, done = post("/api/v1/auth/totp/confirm", {"code": totp(enrol["secret"])})
        self.assertEqual(status, 200, done)
        self.assertEqual(len(done["recovery_codes"]), 10)

        status, _, err = self.login("budi", "kata-sandi-analis")
        self.assertEqual(status, 401)
        self.assertIn("second factor", err["error"]["message"])
        # The code of the next step (the confirmation used this one).
        status, _, _ = self.request("POST", "/api/v1/auth/login", body={
            "username": "budi", "password": "kata-sandi-analis",
            "totp": totp(enrol["secret"], offset=1)})
        self.assertEqual(status, 200)
        status, _, _ = self.request("POST", "/api/v1/auth/login", body={
            "username": "budi", "password": "kata-sandi-analis",
            "totp": done["recovery_codes"][0]})
        self.assertEqual(status, 200)
        status, _, _ = self.request("POST", "/api/v1/auth/login", body={
            "username": "budi", "password": "kata-sandi-analis",
            "totp": done["recovery_codes"][0]})
        self.assertEqual(status, 401)  # used
        pantau("user", "reset-2fa", "budi", "--data", self.data_dir)
        self.assertEqual(self.login("budi", "kata-sandi-analis")[0], 200)

    def test_an_admin_makes_it_mandatory_for_a_role(self):
        self.start_server()
        self.add_user("siti", "coordinator", "kata-sandi-koordinator")
        pantau("user", "require-2fa", "coordinator", "--data", self.data_dir)
        siti, _ = self.session_of(self.login("siti", "kata-sandi-koordinator")[1])
        # Logged in, but only to enrol.
        status, _, me = self.request("GET", "/api/v1/auth/me", cookies=siti)
        self.assertEqual((status, me["must_enrol_totp"]), (200, True))
        status, _, err = self.request("GET", "/api/v1/alerts", cookies=siti)
        self.assertEqual(status, 403)
        self.assertIn("second factor", err["error"]["message"])
        post = lambda path, body=None: self.request("POST", path, cookies=siti,
                                                    csrf=siti["pantau_csrf"], body=body)
        status, _, enrol = post("/api/v1/auth/totp/enrol")
        self.assertEqual(status, 200)
        self.assertEqual(post("/api/v1/auth/totp/confirm", {"code": totp(enrol["secret"])})[0], 200)
        status, _, _ = self.request("GET", "/api/v1/alerts", cookies=siti)
        self.assertEqual(status, 200)
        # Other roles are not affected; --off makes it optional again.
        self.add_user("budi", "analyst", "kata-sandi-analis")
        budi, _ = self.session_of(self.login("budi", "kata-sandi-analis")[1])
        self.assertEqual(self.request("GET", "/api/v1/alerts", cookies=budi)[0], 200)
        pantau("user", "require-2fa", "coordinator", "--off", "--data", self.data_dir)
        bad = pantau("user", "require-2fa", "root", "--data", self.data_dir, check=False)
        self.assertEqual(bad.returncode, 2)


class SavedSearchesTest(AccountsCase):
    def test_each_person_keeps_their_own(self):
        self.start_server()
        self.add_user("budi", "analyst", "kata-sandi-analis")
        self.add_user("siti", "coordinator", "kata-sandi-koordinator")
        budi, _ = self.session_of(self.login("budi", "kata-sandi-analis")[1])
        siti, _ = self.session_of(self.login("siti", "kata-sandi-koordinator")[1])
        save = lambda who, body: self.request("POST", "/api/v1/searches", cookies=who,
                                              csrf=who["pantau_csrf"], body=body)

        status, _, saved = save(budi, {"name": "SSH gagal", "q": '"Failed password" user.name:root',
                                       "from": "now-24h"})
        self.assertEqual(status, 201, saved)
        self.assertEqual((saved["name"], saved["from"], saved["to"]), ("SSH gagal", "now-24h", ""))
        status, _, err = save(budi, {"name": "SSH gagal", "q": "x"})
        self.assertEqual(status, 409)
        status, _, err = save(budi, {"name": "rusak", "q": "user.name:(root"})
        self.assertEqual(status, 400)
        self.assertIn("column", err["error"]["message"])
        status, _, err = save(budi, {"name": "waktu", "q": "x", "from": "kemarin"})
        self.assertEqual(status, 400)
        status, _, _ = self.request("POST", "/api/v1/searches", cookies=budi,
                                    body={"name": "tanpa token", "q": "x"})
        self.assertEqual(status, 403)  # CSRF

        status, _, mine = self.request("GET", "/api/v1/searches", cookies=budi)
        self.assertEqual([s["name"] for s in mine["items"]], ["SSH gagal"])
        # The CLI runs it too (it reads the data directory, as the server's operator does).
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(self.server.ports["syslog_tcp"]),
                        "-T", "-t", "sshd", "Failed password for root from 203.0.113.9 port 1 ssh2"],
                       check=True, timeout=DEADLINE_S)
        found = wait_for(lambda: pantau("search", "--saved", "SSH gagal", "--user", "budi",
                                        "--json", "--data", self.data_dir).stdout.decode().strip(),
                         "the saved search to find the event")
        self.assertIn("203.0.113.9", found)
        missing = pantau("search", "--saved", "SSH gagal", "--user", "siti", "--data",
                         self.data_dir, check=False)
        self.assertEqual(missing.returncode, 2)
        self.assertIn("'siti' has no saved search named 'SSH gagal'", missing.stderr.decode())
        status, _, theirs = self.request("GET", "/api/v1/searches", cookies=siti)
        self.assertEqual(theirs["items"], [])
        # Someone else's search cannot be deleted, nor can a machine keep one.
        status, _, _ = self.request("DELETE", f"/api/v1/searches/{saved['id']}", cookies=siti,
                                    csrf=siti["pantau_csrf"])
        self.assertEqual(status, 404)
        key = pantau("apikey", "create", "tool", "--scope", "search",
                     "--data", self.data_dir).stdout.decode().strip()
        status, _, err = self.request("GET", "/api/v1/searches", bearer=key)
        self.assertEqual(status, 403)
        status, _, _ = self.request("DELETE", f"/api/v1/searches/{saved['id']}", cookies=budi,
                                    csrf=budi["pantau_csrf"])
        self.assertEqual(status, 200)
        self.assertEqual(self.request("GET", "/api/v1/searches", cookies=budi)[2]["items"], [])
