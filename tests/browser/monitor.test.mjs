// Site monitoring in the browser (issue 9): against a fixture web site on loopback, an analyst
// opens a registered system's monitoring page from the registry, checks it now, sees the deep
// page with hidden gambling links that the crawl found (its evidence shown as text, never run),
// approves the baseline; the dashboard's board lists the system with its state and open alerts
// and opens it; a head sees the page without the buttons; the war-room wall shows the board.
// With Chromium configured for screenshots, a defaced page's alert shows its screenshot and
// saves it into the alert's case.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { apiFromPage, launchBrowser, login, screenshot, Server, waitFor } from "./harness.mjs";

const PEOPLE = {
  sari: ["analyst", "kata sandi sari yang panjang"],
  hadi: ["head", "kata sandi hadi yang panjang"],
};

const HOME = `<!doctype html><html><head><title>Dinas Pariwisata</title></head><body>
<h1>Dinas Pariwisata Kabupaten</h1><p>Informasi destinasi wisata, agenda budaya dan layanan
perizinan usaha pariwisata di kabupaten.</p><a href="/agenda">Agenda</a></body></html>`;
const AGENDA = `<!doctype html><html><head><title>Agenda</title></head><body><h1>Agenda</h1>
<p>Festival budaya tahunan.</p></body></html>`;
// Deep, linked from nowhere but the sitemap, with hidden links whose text is markup.
const DEEP = `<!doctype html><html><head><title>Arsip 2019</title></head><body><h1>Arsip</h1>
<div style="position:absolute;left:-9999px"><a href="https://slot-gacor.example/">slot gacor
&lt;img src=x onerror="window.__pwned=1"&gt;</a></div></body></html>`;

function startSite() {
  const site = http.createServer((req, res) => {
    const port = site.address().port;
    const pages = {
      "/": ["text/html", HOME],
      "/agenda": ["text/html", AGENDA],
      "/arsip/2019": ["text/html", DEEP],
      "/sitemap.xml": [
        "application/xml",
        `<urlset><url><loc>http://127.0.0.1:${port}/arsip/2019</loc></url></urlset>`,
      ],
    };
    const page = pages[req.url];
    res.writeHead(page ? 200 : 404, { "Content-Type": page ? page[0] : "text/html" });
    res.end(page ? page[1] : "<h1>404</h1>");
  });
  return new Promise((resolve) => site.listen(0, "127.0.0.1", () => resolve(site)));
}

describe("site monitoring", { timeout: 240000 }, () => {
  let server;
  let browser;
  let site;
  let system;

  before(async () => {
    server = await new Server().start();
    for (const [name, [role, password]] of Object.entries(PEOPLE)) server.addUser(name, role, password);
    site = await startSite();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    site?.close();
  });

  async function as(name, password = PEOPLE[name]?.[1]) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.problems = [];
    page.on("pageerror", (e) => page.problems.push(e.message));
    page.on("dialog", (d) => d.accept());
    await login(page, server, name, password);
    return page;
  }

  it("registers the site, checks it from its page, shows the crawl's finding as text", async () => {
    const admin = await as("admin", server.adminPassword);
    const [status, created] = await apiFromPage(admin, "POST", "/api/v1/systems", {
      name: "Portal Pariwisata",
      operator: { agency: "Dinas Pariwisata" },
      urls: [`http://127.0.0.1:${site.address().port}/`],
      ips: ["127.0.0.1"],
      public_status: true,
    });
    assert.equal(status, 201, JSON.stringify(created));
    system = created;

    const sari = await as("sari");
    await sari.click("[data-testid=nav-systems]");
    await sari.click("[data-testid=system-monitor]");
    await sari.waitForSelector("[data-testid=site-monitor-page]");
    assert.equal(new URL(sari.url()).pathname, `/systems/${system.id}/monitor`);
    // The heading names the system once its status has loaded.
    await waitFor(async () => /Pemantauan situs: Portal Pariwisata/.test(await sari.textContent("h1")), "the heading");
    assert.match(await sari.textContent("[data-testid=monitor-availability]"), /belum pernah/);

    await sari.click("[data-testid=monitor-check]");
    await waitFor(async () => /Pemeriksaan selesai: 1 peringatan/.test(await sari.textContent("body")), "the check");
    await sari.click("[data-testid=monitor-check]"); // a second point on the chart
    await waitFor(async () => (await sari.locator("[data-testid=monitor-url] .mon-up").count()) === 1, "up");
    assert.match(await sari.textContent("[data-testid=monitor-availability]"), /HTTP 200/);
    assert.match(await sari.textContent("[data-testid=monitor-certificate]"), /bukan https/);
    assert.match(await sari.textContent("[data-testid=monitor-content]"), /Dinas Pariwisata/);
    assert.match(await sari.textContent("[data-testid=monitor-content]"), /Tidak ada temuan/);
    assert.equal(await sari.locator("[data-testid=monitor-chart] canvas").count(), 1);

    const deep = sari.locator("[data-testid=monitor-deep-page]");
    await deep.waitFor();
    assert.match(await deep.textContent(), /\/arsip\/2019/);
    assert.match(await deep.textContent(), /gambling/);
    await deep.locator("summary").first().click();
    // The page's markup is shown as text and never becomes an element.
    assert.match(await deep.locator("pre").first().textContent(), /<img src=x onerror="window.__pwned=1">/);
    assert.equal(await sari.locator("[data-testid=monitor-deep-page] img").count(), 0);
    assert.equal(await sari.evaluate(() => window.__pwned), undefined);
    assert.equal(await sari.textContent("[data-testid=monitor-open-alerts]"), "1");
    assert.match(await sari.textContent("[data-testid=monitor-baseline-info]"), /belum ada acuan/);

    await sari.click("[data-testid=monitor-baseline]");
    await waitFor(
      async () => /disetujui oleh sari/.test(await sari.textContent("[data-testid=monitor-baseline-info]")),
      "the baseline",
    );
    await screenshot(sari, "monitor-01-system-page");
    assert.deepEqual(sari.problems, []);
  });

  it("shows the system on the dashboard's board, which opens its page", async () => {
    const sari = await as("sari");
    const row = sari.locator("[data-testid=monitor-row]", { hasText: "Portal Pariwisata" });
    await row.waitFor();
    assert.match(await row.textContent(), /aktif/);
    assert.match(await row.textContent(), /\d+ ms/);
    assert.match(await sari.textContent("[data-testid=monitor-summary]"), /1 sistem dipantau, 0 tidak dapat diakses/);
    assert.equal((await row.locator("td").last().textContent()).trim(), "1");
    await row.scrollIntoViewIfNeeded();
    await screenshot(sari, "monitor-02-dashboard-board");
    await row.locator("td").nth(1).click();
    await sari.waitForSelector("[data-testid=site-monitor-page]");
    assert.equal(new URL(sari.url()).pathname, `/systems/${system.id}/monitor`);
    assert.deepEqual(sari.problems, []);
  });

  it("lets a head read the page without the buttons, in English too, and shows the board on the wall", async () => {
    const hadi = await as("hadi");
    await hadi.goto(`${server.url}/systems/${system.id}/monitor`);
    await hadi.waitForSelector("[data-testid=monitor-url]");
    assert.equal(await hadi.locator("[data-testid=monitor-check]").count(), 0);
    assert.equal(await hadi.locator("[data-testid=monitor-baseline]").count(), 0);
    await hadi.evaluate(() => localStorage.setItem("pantau.lang", "en"));
    await hadi.reload();
    await hadi.waitForSelector("[data-testid=monitor-url]");
    assert.match(await hadi.textContent("h1"), /Site monitoring: Portal Pariwisata/);
    assert.match(await hadi.textContent("[data-testid=monitor-baseline-info]"), /approved by sari/);

    await hadi.goto(`${server.url}/warroom`);
    const row = hadi.locator("[data-testid=warroom] [data-testid=monitor-row]", { hasText: "Portal Pariwisata" });
    await row.waitFor();
    assert.match(await row.textContent(), /up/);
    await screenshot(hadi, "monitor-03-warroom");
    assert.deepEqual(hadi.problems, []);
  });
});

// With a headless browser configured, a defaced page's alert carries its screenshot: the alert's
// detail shows the picture (loaded from the download route), links the kept page, and saves the
// picture into the alert's case in one click.
const DEFACED = `<html><head><title>Hacked by Kukar Xploit Team</title></head>
<body style="background:black;color:lime"><h1>Hacked by Kukar Xploit Team</h1>
<p>Your security is low.</p></body></html>`;

describe("site monitoring screenshots", { timeout: 240000 }, () => {
  let server;
  let browser;
  let site;

  before(async () => {
    server = await new Server(
      "monitor:\n  enabled: false\n  screenshot_browser: /usr/bin/chromium\n  screenshot_timeout_s: 60\n",
    ).start();
    server.addUser("sari", PEOPLE.sari[0], PEOPLE.sari[1]);
    site = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(DEFACED);
    });
    await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    site?.close();
  });


  it("shows the defaced page's screenshot in the alert and saves it to the case", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const admin = await context.newPage();
    await login(admin, server, "admin", server.adminPassword);
    const [status, system] = await apiFromPage(admin, "POST", "/api/v1/systems", {
      name: "Portal Kecamatan",
      operator: { agency: "Kecamatan Tenggarong" },
      urls: [`http://127.0.0.1:${site.address().port}/`],
      ips: ["127.0.0.1"],
    });
    assert.equal(status, 201, JSON.stringify(system));
    await context.close();

    const sariContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const sari = await sariContext.newPage();
    const problems = [];
    sari.on("pageerror", (e) => problems.push(e.message));
    await login(sari, server, "sari", PEOPLE.sari[1]);
    const [checked, result] = await apiFromPage(sari, "POST", `/api/v1/systems/${system.id}/check`);
    assert.equal(checked, 200, JSON.stringify(result));
    const [, alerts] = await apiFromPage(sari, "GET", "/api/v1/alerts?limit=100");
    const alert = alerts.items.find((a) => a.rule_id === "pantau-monitor-defacement");
    assert.ok(alert?.fields["monitor.screenshot_sha256"], JSON.stringify(alert?.fields));
    const [opened, kase] = await apiFromPage(sari, "POST", "/api/v1/cases", { alert_ids: [alert.id] });
    assert.equal(opened, 201, JSON.stringify(kase));

    await sari.click("[data-testid=nav-alerts]");
    const row = sari.locator("[data-testid=alert-row]", { hasText: alert.rule_title });
    await row.locator("[data-testid=open-alert]").click();
    const evidence = sari.locator("[data-testid=monitor-evidence]");
    await evidence.waitFor();
    const img = evidence.locator("[data-testid=monitor-screenshot]").first();
    await img.scrollIntoViewIfNeeded();
    await waitFor(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) > 0, "the screenshot");
    assert.equal(await img.evaluate((el) => el.naturalWidth), 1280);
    // The page itself is a download link, never shown.
    const links = await evidence.locator("[data-testid=monitor-evidence-download]").evaluateAll((els) =>
      els.map((el) => el.getAttribute("href")),
    );
    assert.ok(links.includes(`/api/v1/monitor/bodies/${alert.fields["monitor.body_sha256"]}`), links.join());
    assert.equal(await sari.locator("[data-testid=alert-detail] iframe").count(), 0);
    await screenshot(sari, "monitor-04-alert-screenshot");

    await evidence.locator("[data-testid=monitor-evidence-save]").first().click();
    await evidence.locator("[data-testid=monitor-evidence-saved]").first().waitFor();
    const [, items] = await apiFromPage(sari, "GET", `/api/v1/cases/${kase.id}/evidence`);
    assert.deepEqual(
      items.items.map((i) => [i.name, i.sha256]),
      [[`tangkapan-layar-${alert.fields["monitor.screenshot_sha256"].slice(0, 12)}.png`, alert.fields["monitor.screenshot_sha256"]]],
    );
    assert.deepEqual(problems, []);
    await sariContext.close();
  });
});

// An alert that names the baseline and the defaced page shows what changed, as text: the title,
// the added and removed lines, the new hidden link; markup in the page's text never becomes an
// element.
const BEFORE = `<html><head><title>Kecamatan Loa Kulu</title><script src="/js/app.js"></script></head>
<body><h1>Selamat datang.</h1><p>Layanan administrasi kependudukan.</p><a href="/profil">Profil</a></body></html>`;
const AFTER = `<html><head><title>Hacked by Xploit</title></head><body><h1>Selamat datang.</h1>
<p>Hacked by Xploit &lt;img src=x onerror="window.__pwned=1"&gt;.</p>
<a href="https://slot.example/" style="display:none">slot gacor</a></body></html>`;

describe("site monitoring: what changed against the baseline", { timeout: 240000 }, () => {
  let server;
  let browser;
  let site;
  let page = BEFORE;

  before(async () => {
    server = await new Server("monitor:\n  enabled: false\n").start();
    server.addUser("sari", PEOPLE.sari[0], PEOPLE.sari[1]);
    site = http.createServer((req, res) => {
      res.writeHead(req.url === "/" ? 200 : 404, { "Content-Type": "text/html" });
      res.end(req.url === "/" ? page : "<h1>404</h1>");
    });
    await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    site?.close();
  });

  it("shows the title change, the added and removed lines and the new link, as text", async () => {
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await login(admin, server, "admin", server.adminPassword);
    const [status, system] = await apiFromPage(admin, "POST", "/api/v1/systems", {
      name: "Portal Loa Kulu",
      operator: { agency: "Kecamatan Loa Kulu" },
      urls: [`http://127.0.0.1:${site.address().port}/`],
      ips: ["127.0.0.1"],
      crawl_pages: 0,
    });
    assert.equal(status, 201, JSON.stringify(system));
    await adminContext.close();

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const sari = await context.newPage();
    const problems = [];
    sari.on("pageerror", (e) => problems.push(e.message));
    await login(sari, server, "sari", PEOPLE.sari[1]);
    const call = (method, path, body) => apiFromPage(sari, method, path, body);
    const [approved, base] = await call("POST", `/api/v1/systems/${system.id}/baseline`);
    assert.equal(approved, 200, JSON.stringify(base));
    page = AFTER;
    const [checked, result] = await call("POST", `/api/v1/systems/${system.id}/check`);
    assert.equal(checked, 200, JSON.stringify(result));
    const [, alerts] = await call("GET", "/api/v1/alerts?limit=100");
    const alert = alerts.items.find((a) => a.rule_id === "pantau-monitor-title-changed");
    assert.ok(alert?.fields["monitor.baseline_sha256"], JSON.stringify(alerts.items.map((a) => a.rule_id)));

    await sari.click("[data-testid=nav-alerts]");
    const row = sari.locator("[data-testid=alert-row]", { hasText: alert.rule_title }).first();
    await row.locator("[data-testid=open-alert]").click();
    const diff = sari.locator("[data-testid=monitor-diff]");
    await diff.locator("[data-testid=monitor-diff-text]").waitFor();
    assert.match(await diff.locator("h4").textContent(), /Perubahan terhadap baseline/);
    assert.match(await diff.locator("[data-testid=monitor-diff-title]").textContent(), /Kecamatan Loa Kulu.*Hacked by Xploit/);
    const added = await diff.locator("[data-testid=monitor-diff-added]").allTextContents();
    assert.ok(added.some((l) => l.includes('Hacked by Xploit <img src=x onerror="window.__pwned=1">')), added.join("|"));
    const removed = await diff.locator("[data-testid=monitor-diff-removed]").allTextContents();
    assert.ok(removed.some((l) => l.includes("Layanan administrasi kependudukan.")), removed.join("|"));
    assert.match(await diff.locator("[data-testid=monitor-diff-links-added]").textContent(), /https:\/\/slot\.example\/.*display:none/);
    assert.match(await diff.locator("[data-testid=monitor-diff-scripts-removed]").textContent(), /\/js\/app\.js/);
    assert.equal(await diff.locator("img").count(), 0);
    assert.equal(await sari.evaluate(() => window.__pwned), undefined);
    await diff.scrollIntoViewIfNeeded();
    await screenshot(sari, "monitor-05-alert-diff");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
