// The web UI in Debian's Chromium against a real `pantau serve`: log in (with and without a second
// factor), the dashboard filling after `logger` lines, a search with a brushed time range, an
// opened event, alert triage, the language switch, and hostile log content that must stay text.
// Screenshots of every page go to build/screenshots/ for people to look at.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, login, screenshot, sendUdp, Server, totpCode, waitFor } from "./harness.mjs";

const VIEWPORT = { width: 1400, height: 900 };

// Hostile content, each a different way to run script or to mislead the reader.
const HOSTILE = [
  "<script>window.__pwned='script'</script>",
  "<img src=x onerror=\"window.__pwned='img'\">",
  "javascript:window.__pwned='url'",
  "\u001b[31mANSI red\u001b[0m",
  "invoice\u202Etxt.exe",
];

describe("web UI", { timeout: 240000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await new Server().start();
    // Analysts triage alerts; admins run the system and may not (src/auth/roles.cc).
    server.addUser("sari", "analyst", "kata sandi sari yang panjang");
    server.addUser("kiki", "coordinator", "kata sandi kiki yang panjang");
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage() {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      d.dismiss();
    });
    page.problems = problems;
    return page;
  }

  async function eventsStored(n) {
    await waitFor(async () => {
      const r = await fetch(`${server.url}/metrics`);
      const m = /^pantau_events_stored_total (\d+)/m.exec(await r.text());
      return m && Number(m[1]) >= n;
    }, `${n} events stored`);
  }

  it("refuses a wrong password and logs in with the printed one", async () => {
    const page = await newPage();
    await page.goto(server.url + "/");
    await screenshot(page, "01-login");
    await page.fill("input[name=username]", "admin");
    await page.fill("input[name=password]", "wrong password");
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=login-error]");
    await login(page, server, "admin", server.adminPassword);
    assert.match(await page.textContent("[data-testid=whoami]"), /admin/);
    // Indonesian is the default.
    assert.equal(await page.textContent("[data-testid=nav-dashboard]"), "Dasbor");
    const headers = (await page.request.get(server.url + "/")).headers();
    assert.match(headers["content-security-policy"], /script-src 'self'/);
    assert.equal(headers["x-frame-options"], "DENY");
    await page.context().close();
  });

  it("fills the dashboard after logger lines and shows the alert", async () => {
    for (let i = 0; i < 12; i++) server.logger("sshd", "Failed password for root from 203.0.113.9 port 4242 ssh2");
    server.logger("sshd", "Invalid user oracle from 203.0.113.9 port 52113");
    await eventsStored(13);
    const page = await newPage();
    await login(page, server, "admin", server.adminPassword);
    await waitFor(async () => {
      await page.reload();
      await page.waitForSelector("[data-testid=kpi-events] .kpi-value");
      return (await page.textContent("[data-testid=kpi-events] .kpi-value")) === "13";
    }, "13 events on the dashboard");
    await waitFor(
      async () => /SSH Brute Force Against a Server/.test(await page.textContent("[data-testid=top-rules]")),
      "the brute-force rule among the top rules",
    );
    await screenshot(page, "02-dashboard");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("searches, zooms by brushing the histogram, opens an event and filters on a value", async () => {
    const page = await newPage();
    await login(page, server, "admin", server.adminPassword);
    await page.click("[data-testid=nav-search]");
    await page.fill("[data-testid=query]", '"Failed password"');
    await page.press("[data-testid=query]", "Enter");
    await waitFor(async () => (await page.textContent("[data-testid=hits]")).startsWith("12 "), "12 hits");
    assert.equal(await page.locator("[data-testid=event-row]").count(), 12);

    // Brush the last part of the histogram, where the events are: the range becomes absolute.
    await page.selectOption("[data-testid=time-range]", "now-15m");
    await page.waitForSelector("[data-testid=running]", { state: "detached" });
    assert.match(await page.textContent("[data-testid=hits]"), /^12 /);
    // A search still finishing redraws the chart and drops a brush under way: brush again then
    // (a bounded number of times).
    const box = await page.locator("[data-testid=histogram]").boundingBox();
    for (let attempt = 0; attempt < 5 && !/from=20\d\d-/.test(page.url()); attempt++) {
      await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 8 });
      await page.mouse.move(box.x + box.width * 0.995, box.y + box.height * 0.5, { steps: 8 });
      await page.mouse.up();
      await waitFor(() => /from=20\d\d-/.test(page.url()), "an absolute range from the brush", 3000).catch(() => {});
    }
    assert.match(page.url(), /from=20\d\d-/, "an absolute range from the brush");
    const from = Date.parse(new URL(page.url()).searchParams.get("from"));
    const to = Date.parse(new URL(page.url()).searchParams.get("to"));
    assert.ok(to - from < 15 * 60 * 1000, "the brushed range is narrower than 15 minutes");
    await waitFor(async () => (await page.textContent("[data-testid=hits]")).startsWith("12 "), "12 hits in the brush");

    // Open an event: every field and the raw line.
    await page.locator("[data-testid=event-row]").first().click();
    await page.waitForSelector("[data-testid=event-detail]");
    assert.match(await page.textContent("[data-testid=raw]"), /Failed password for root from 203\.0\.113\.9/);
    await screenshot(page, "03-search-event");

    // Filter out a value from the field sidebar: the query grows and nothing is left.
    await page.locator("[data-testid=fields] .field-name", { hasText: /^user\.name\b/ }).click();
    await page.locator(".top-values button[title]").nth(1).click();
    await waitFor(async () => /NOT user\.name:"root"/.test(await page.inputValue("[data-testid=query]")), "the exclusion");
    await waitFor(async () => (await page.textContent("[data-testid=hits]")).startsWith("0 "), "no hits left");

    // An aggregation answers as a table.
    await page.fill("[data-testid=query]", "| stats count by source.ip");
    await page.press("[data-testid=query]", "Enter");
    await page.waitForSelector("[data-testid=aggregate]");
    assert.match(await page.textContent("[data-testid=aggregate]"), /203\.0\.113\.9/);

    // A malformed query says where.
    await page.fill("[data-testid=query]", "(user.name:root OR");
    await page.press("[data-testid=query]", "Enter");
    await page.waitForSelector("[data-testid=search-error]");
    assert.match(await page.textContent("[data-testid=search-error]"), /column/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("triages alerts: acknowledge, false positive with a reason, rule text and events", async () => {
    // An admin sees the queue but not the triage actions.
    const adminPage = await newPage();
    await login(adminPage, server, "admin", server.adminPassword);
    await adminPage.click("[data-testid=nav-alerts]");
    await adminPage.locator("[data-testid=alert-row]").first().waitFor();
    await adminPage.locator("[data-testid=open-alert]").first().click();
    await adminPage.waitForSelector("[data-testid=alert-detail]");
    assert.equal(await adminPage.locator("[data-testid=acknowledge]").count(), 0);
    await adminPage.context().close();

    const page = await newPage();
    await login(page, server, "sari", "kata sandi sari yang panjang");
    await page.click("[data-testid=nav-alerts]");
    const brute = page.locator("[data-testid=alert-row]", { hasText: "SSH Brute Force Against a Server" });
    await brute.waitFor();
    await brute.locator("[data-testid=open-alert]").click();
    await page.waitForSelector("[data-testid=alert-detail]");
    await waitFor(async () => (await page.locator("[data-testid=alert-events] li").count()) > 0, "the alert's events");
    await page.locator("[data-testid=alert-detail] [data-testid=acknowledge]").click();
    await waitFor(async () => (await brute.locator("[data-testid=alert-status]").textContent()) === "diakui", "acknowledged");
    await screenshot(page, "04-alerts");

    // The other alert: a false positive needs a reason, then it is closed and leaves the queue.
    const invalid = page.locator("[data-testid=alert-row]", { hasText: "User That Does Not Exist" });
    await invalid.locator("input[type=checkbox]").check();
    await page.locator("[data-testid=bulk] [data-testid=false-positive]").click();
    await page.fill("[data-testid=fp-form] textarea", "uji pemindaian terjadwal dari tim TTIS");
    await page.click("[data-testid=fp-form] button[type=submit]");
    await waitFor(async () => (await invalid.count()) === 0, "the false positive to leave the open queue");
    await page.selectOption("[data-testid=filter-status]", "closed");
    await page.locator("[data-testid=alert-row]", { hasText: "User That Does Not Exist" }).waitFor();
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("switches the language and keeps it", async () => {
    const page = await newPage();
    await login(page, server, "admin", server.adminPassword);
    await page.click("[data-testid=lang-switch]");
    assert.equal(await page.textContent("[data-testid=nav-dashboard]"), "Dashboard");
    assert.equal(await page.textContent("[data-testid=nav-search]"), "Security Log Analysis");
    await page.reload();
    await page.waitForSelector("[data-testid=nav-alerts]");
    assert.equal(await page.textContent("[data-testid=nav-alerts]"), "Alerts");
    await screenshot(page, "05-dashboard-en");
    await page.click("[data-testid=lang-switch]");
    assert.equal(await page.textContent("[data-testid=nav-alerts]"), "Peringatan");
    await page.context().close();
  });

  it("makes a role enrol a second factor, then asks for it at login", async () => {
    server.addUser("budi", "analyst", "kata sandi budi yang panjang");
    server.cli("user", "require-2fa", "analyst");
    const page = await newPage();
    await login(page, server, "budi", "kata sandi budi yang panjang");
    // Logged in, but the role must enrol before anything else.
    await page.waitForSelector("[data-testid=enrol-form]");
    const secret = await page.textContent("[data-testid=totp-secret]");
    await screenshot(page, "06-enrol");
    await page.fill("input[name=code]", totpCode(secret));
    await page.click("button[type=submit]");
    await page.waitForSelector("[data-testid=recovery-codes]");
    await page.click("text=Lanjut ke dasbor");
    await page.waitForSelector("[data-testid=nav-dashboard]");
    // An analyst has no administration.
    assert.equal(await page.locator("[data-testid=nav-admin]").count(), 0);
    await page.click("[data-testid=logout]");
    await page.waitForSelector("[data-testid=login-form]");

    // The next login asks for the code after the password; a code of the next time step is one
    // the server has not seen (a code is accepted once).
    await login(page, server, "budi", "kata sandi budi yang panjang", totpCode(secret, Date.now() + 30000));
    assert.match(await page.textContent("[data-testid=whoami]"), /budi/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it("shows hostile log content as text on every page", async () => {
    // Through syslog (TCP, as logger sends it) and raw UDP for the control characters.
    for (const h of HOSTILE.slice(0, 3)) server.logger("sshd", `Invalid user ${h} from 198.51.100.7 port 1`);
    // RFC 5424 stamped now: the search page looks at the last 24 hours.
    const now = new Date().toISOString();
    for (const h of HOSTILE.slice(3)) await sendUdp(server.ports.syslog_udp, `<38>1 ${now} web01 sshd 1 - - Invalid user ${h} from 198.51.100.8 port 2`);
    await eventsStored(13 + HOSTILE.length);

    const page = await newPage();
    await login(page, server, "admin", server.adminPassword);
    await page.click("[data-testid=nav-search]");
    await page.fill("[data-testid=query]", '"from 198.51.100."');
    await page.press("[data-testid=query]", "Enter");
    await waitFor(async () => (await page.textContent("[data-testid=hits]")).startsWith(`${HOSTILE.length} `), "the hostile events");
    const rows = page.locator("[data-testid=event-row]");
    for (let i = 0; i < HOSTILE.length; i++) await rows.nth(i).click();
    // The markup arrives as text; the control characters are shown, marked, not obeyed.
    const text = await page.textContent("[data-testid=events]");
    assert.ok(text.includes("<script>window.__pwned='script'</script>"));
    assert.ok(text.includes("onerror="));
    assert.ok(text.includes("U+001B"));
    assert.ok(text.includes("U+202E"));
    assert.equal(await page.locator("[data-testid=events] img").count(), 0);
    assert.equal(await page.locator("[data-testid=events] script").count(), 0);
    await screenshot(page, "07-hostile-search");

    // The alerts they raised, their details and the dashboard.
    await page.click("[data-testid=nav-alerts]");
    await page.locator("[data-testid=alert-row]").first().waitFor();
    for (const open of await page.locator("[data-testid=open-alert]").all()) {
      await open.click();
      await page.waitForSelector("[data-testid=alert-detail]");
    }
    await screenshot(page, "08-hostile-alerts");
    await page.click("[data-testid=nav-dashboard]");
    await page.waitForSelector("[data-testid=chart-sources]");
    await page.goto(`${server.url}/warroom`);
    await page.waitForSelector("[data-testid=warroom]");
    await screenshot(page, "09-warroom");
    await page.goto(`${server.url}/admin`);
    await page.waitForSelector("[data-testid=admin-sources]");
    await screenshot(page, "10-admin");

    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(page.problems, []);
    await page.context().close();

    // A case opened from a hostile event carries its text into the title and description.
    const desk = await newPage();
    await login(desk, server, "kiki", "kata sandi kiki yang panjang");
    await desk.click("[data-testid=nav-search]");
    await desk.fill("[data-testid=query]", '"__pwned=\'script\'"');
    await desk.press("[data-testid=query]", "Enter");
    await waitFor(async () => /^1 /.test(await desk.textContent("[data-testid=hits]")), "the one event");
    await desk.waitForSelector("[data-testid=running]", { state: "detached" });
    await desk.locator("[data-testid=event-row]").first().click();
    await desk.click("[data-testid=event-detail] [data-testid=event-open-case]");
    await desk.waitForSelector("[data-testid=case-page]");
    assert.ok((await desk.textContent("[data-testid=case-page]")).includes("<script>window.__pwned='script'</script>"));
    assert.equal(await desk.locator("[data-testid=case-page] script").count(), 0);
    await desk.click("[data-testid=nav-cases]");
    await desk.waitForSelector("[data-testid=case-row]");
    await desk.click("[data-testid=nav-dashboard]");
    await desk.waitForSelector("[data-testid=open-cases] li a");
    await screenshot(desk, "11-hostile-case");
    assert.equal(await desk.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(desk.problems, []);
    await desk.context().close();
  });
});
