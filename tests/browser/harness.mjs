// Starts the real `pantau serve` on free loopback ports and Debian's Chromium through
// playwright-core, for the browser tests. Nothing here touches anything but 127.0.0.1.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import dgram from "node:dgram";
import { fileURLToPath } from "node:url";

export const SOURCE_DIR =
  process.env.PANTAU_SOURCE_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const PANTAU = process.env.PANTAU_BIN ?? path.join(SOURCE_DIR, "build/ci/src/app/pantau");
export const SCREENSHOTS = process.env.PANTAU_SCREENSHOTS ?? path.join(SOURCE_DIR, "build/screenshots");
const DEADLINE_MS = 30000;

// playwright-core is a dependency of the UI (web/package.json), installed by the setup.
const { chromium } = createRequire(path.join(SOURCE_DIR, "web/package.json"))("playwright-core");

export async function waitFor(predicate, what, timeoutMs = DEADLINE_MS, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export class Server {
  // `configText`: a config file's YAML, when the test needs settings of its own.
  constructor(configText) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pantau-browser-"));
    this.logPath = path.join(this.dataDir, "server.log");
    this.args = ["serve", "--data", this.dataDir, "--http", "127.0.0.1:0", "--syslog", "127.0.0.1:0"];
    if (configText !== undefined) {
      const configPath = path.join(this.dataDir, "config.yaml");
      fs.writeFileSync(configPath, configText);
      this.args.push("--config", configPath);
    }
  }

  async start() {
    const log = fs.openSync(this.logPath, "a");
    this.proc = spawn(PANTAU, this.args, { stdio: ["ignore", log, log] });
    const portsFile = path.join(this.dataDir, "ports.json");
    this.ports = await waitFor(() => {
      if (this.proc.exitCode !== null) throw new Error(`pantau serve exited:\n${this.output()}`);
      return fs.existsSync(portsFile) && JSON.parse(fs.readFileSync(portsFile, "utf8"));
    }, "ports.json");
    this.url = `http://127.0.0.1:${this.ports.http}`;
    this.adminPassword = (await waitFor(
      () => /user 'admin' created with password (\w+)/.exec(this.output()),
      "the admin password",
    ))[1];
    return this;
  }

  output() {
    return fs.readFileSync(this.logPath, "utf8");
  }

  cli(...args) {
    const input = typeof args.at(-1) === "object" ? args.pop().input : undefined;
    return execFileSync(PANTAU, [...args, "--data", this.dataDir], { input, encoding: "utf8" });
  }

  addUser(name, role, password) {
    this.cli("user", "add", name, "--role", role, "--password-stdin", { input: `${password}\n` });
  }

  // Sends a line with `logger` over TCP to the server's syslog port, `count` times.
  logger(tag, message, count = 1) {
    for (let i = 0; i < count; i++) {
      execFileSync("logger", ["-n", "127.0.0.1", "-P", String(this.ports.syslog_tcp), "-T", "-t", tag, "--id=4242", message]);
    }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill("SIGTERM");
      await waitFor(() => this.proc.exitCode !== null, "pantau serve to stop");
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// UDP syslog without `logger`, for content `logger` would not pass through as written.
export async function sendUdp(port, message) {
  const socket = dgram.createSocket("udp4");
  await new Promise((resolve, reject) => socket.send(message, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  socket.close();
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PANTAU_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function login(page, server, name, password, totp) {
  await page.goto(server.url + "/");
  await page.fill("input[name=username]", name);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  if (totp) {
    await page.waitForSelector("input[name=totp]");
    await page.fill("input[name=totp]", totp);
    await page.click("button[type=submit]");
  }
  // Signed in: the app, or the second-factor enrolment that the role requires first.
  await page.waitForSelector("[data-testid=whoami], [data-testid=enrol-form]");
}

// RFC 6238 code for a base32 secret, as an authenticator app computes it.
export function totpCode(base32, timeMs = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, "0");
}

// A JSON request to the API from `page`, as its signed-in user (session cookie and CSRF token):
// [status, answer].
export async function apiFromPage(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("pantau_csrf="))?.split("=")[1];
      const r = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return [r.status, await r.json()];
    },
    [method, path, body],
  );
}
