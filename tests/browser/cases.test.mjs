// The SOP's chain in the browser: an analyst opens a case from an alert and takes it to
// "submitted", a coordinator verifies it, a head approves it, the analyst records the letter and
// closes it; a false positive closes after verification, without the head. Each person sees only
// the buttons their role and the case's state allow. An admin registers an electronic system in
// the registry, and a case linked to it shows it by name with its operator.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { launchBrowser, login, screenshot, Server, waitFor } from "./harness.mjs";

const PEOPLE = {
  sari: ["analyst", "kata sandi sari yang panjang"],
  kiki: ["coordinator", "kata sandi kiki yang panjang"],
  hadi: ["head", "kata sandi hadi yang panjang"],
};

describe("case desk", { timeout: 240000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await new Server().start();
    for (const [name, [role, password]] of Object.entries(PEOPLE)) server.addUser(name, role, password);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function as(name) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.problems = [];
    page.on("pageerror", (e) => page.problems.push(e.message));
    await login(page, server, name, PEOPLE[name][1]);
    return page;
  }

  async function buttons(page) {
    return page.locator("[data-testid=workflow] button").evaluateAll((bs) => bs.map((b) => b.dataset.testid));
  }

  async function act(page, action, state) {
    await page.click(`[data-testid=action-${action}]`);
    await waitFor(async () => (await page.textContent("[data-testid=case-state]")) === state, `state ${state}`);
  }

  it("takes a confirmed incident from an alert through verification, approval and the letter", async () => {
    for (let i = 0; i < 12; i++) server.logger("sshd", "Failed password for root from 203.0.113.9 port 4242 ssh2");

    const sari = await as("sari");
    await sari.click("[data-testid=nav-alerts]");
    const alert = sari.locator("[data-testid=alert-row]", { hasText: "SSH Brute Force Against a Server" });
    await alert.waitFor();
    await alert.locator("[data-testid=open-alert]").click();
    await sari.click("[data-testid=alert-detail] [data-testid=open-case]");
    await sari.waitForSelector("[data-testid=case-page]");
    assert.match(await sari.textContent("[data-testid=case-number]"), /^INS-\d{4}-\d{4}$/);
    const caseUrl = sari.url();
    assert.equal(await sari.textContent("[data-testid=case-state]"), "Triase");
    assert.deepEqual(await buttons(sari), ["action-investigate"]);
    await act(sari, "investigate", "Investigasi");
    await act(sari, "assess", "Penilaian kerentanan");
    // The report needs a verdict first: until then there is no button for it.
    assert.deepEqual(await buttons(sari), []);
    await sari.check("[data-testid=verdict-form] input[type=radio] >> nth=0");
    await sari.fill("[data-testid=verdict-form] textarea", "PoC: 12 kata sandi salah lalu login root berhasil");
    await sari.click("[data-testid=verdict-form] button[type=submit]");
    await waitFor(async () => /FALSE NEGATIVE/.test(await sari.textContent("[data-testid=case-verdict]")), "the verdict");
    await act(sari, "report", "Pelaporan");
    await act(sari, "submit", "Diajukan");
    // The author may not verify their own report: no such button.
    assert.deepEqual(await buttons(sari), []);
    await screenshot(sari, "cases-01-submitted");

    const kiki = await as("kiki");
    await kiki.goto(caseUrl);
    await kiki.waitForSelector("[data-testid=case-page]");
    assert.deepEqual((await buttons(kiki)).sort(), ["action-return", "action-verify"]);
    await act(kiki, "verify", "Diverifikasi");

    const hadi = await as("hadi");
    await hadi.click("[data-testid=nav-cases]");
    await hadi.locator("[data-testid=case-link]").first().click();
    await hadi.waitForSelector("[data-testid=case-page]");
    await act(hadi, "approve", "Disetujui");
    await screenshot(hadi, "cases-02-approved");

    await sari.reload();
    await sari.waitForSelector("[data-testid=case-page]");
    // The report tab: the report frozen at submission and signed by the head, and the letter.
    await sari.click("[data-testid=tab-documents]");
    await waitFor(async () => (await sari.locator("[data-testid=document-row]").count()) === 2, "two documents");
    const states = await sari.locator("[data-testid=document-state]").allTextContents();
    assert.deepEqual(states, ["ditandatangani", "ditandatangani"]);
    const numbers = await sari.locator("[data-testid=document-number]").allTextContents();
    assert.ok(numbers.every((n) => /^T-\d+\/DISKOMINFO\/000\.6\/\d{2}\/\d{4}$/.test(n)), numbers.join());
    // No certificate was configured: the installation's signs, and the page says it is not BSrE.
    assert.equal(await sari.locator("[data-testid=document-uncertified]").count(), 2);
    const pdf = await sari.request.get(await sari.locator("[data-testid=document-pdf]").first().evaluate((a) => a.href));
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.ok((await pdf.body()).subarray(0, 5).toString() === "%PDF-");
    const verify = await sari.request.get(await sari.locator("[data-testid=document-verify]").first().evaluate((a) => a.href));
    assert.equal((await verify.json()).valid, true);
    await screenshot(sari, "cases-02b-documents");
    await sari.click("[data-testid=tab-summary]");
    await act(sari, "notify", "Diberitahukan ke PSE");
    await act(sari, "close", "Ditutup");
    assert.equal(await sari.locator("[data-testid=case-steps] tbody tr").count(), 9);
    assert.ok((await sari.locator("[data-testid=case-history] li").count()) >= 9);
    await screenshot(sari, "cases-03-closed");
    // The SOP's quality measure now counts these nine steps' eight with a standard.
    await sari.click("[data-testid=nav-cases]");
    await sari.waitForSelector("[data-testid=compliance]");
    assert.match(await sari.textContent("[data-testid=compliance]"), /Triase\s*1\s*100\s*%/);
    await screenshot(sari, "cases-04-list");
    for (const p of [sari, kiki, hadi]) {
      assert.deepEqual(p.problems, []);
      await p.context().close();
    }
  });

  it("opens a case from an event found in the Security Log Analysis list", async () => {
    const sari = await as("sari");
    await sari.click("[data-testid=nav-search]");
    await sari.fill("[data-testid=query]", '"Failed password"');
    await sari.press("[data-testid=query]", "Enter");
    // The rows of this search, not of the one before it.
    await waitFor(async () => /^12 /.test(await sari.textContent("[data-testid=hits]")), "12 hits");
    await sari.waitForSelector("[data-testid=running]", { state: "detached" });
    await sari.locator("[data-testid=event-row]").first().click();
    await sari.click("[data-testid=event-detail] [data-testid=event-open-case]");
    await sari.waitForSelector("[data-testid=case-page]");
    assert.equal(await sari.textContent("[data-testid=case-state]"), "Triase");
    assert.match(await sari.textContent("[data-testid=case-page]"), /ip: 203\.0\.113\.9/);
    // The event stays linked to the case, and leads back to itself in the search page.
    await sari.click("[data-testid=case-event]");
    await sari.waitForSelector("[data-testid=event-detail]");
    assert.match(await sari.textContent("[data-testid=event-detail]"), /Failed password/);
    assert.deepEqual(sari.problems, []);
    await sari.context().close();
  });

  it("keeps the investigation: timeline, notes with revisions, evidence, attack reference", async () => {
    const sari = await as("sari");
    await sari.click("[data-testid=nav-cases]");
    await sari.click("[data-testid=new-case]");
    await sari.fill("[data-testid=new-case-form] input", "Brute force ke server SIMPEG");
    await sari.selectOption("[data-testid=new-case-form] select >> nth=0", "brute_force");
    await sari.click("[data-testid=new-case-form] button[type=submit]");
    await sari.waitForSelector("[data-testid=case-page]");

    // The case's fields change as the investigation learns; a bad value is refused with its reason.
    await sari.click("[data-testid=case-edit]");
    await sari.selectOption("[data-testid=edit-risk]", "very_high");
    await sari.fill("[data-testid=edit-techniques]", "T1110, 1110");
    await sari.click("[data-testid=case-edit-save]");
    await waitFor(async () => /techniques/.test((await sari.textContent("[data-testid=case-edit-error]")) ?? ""), "the refusal");
    await sari.fill("[data-testid=edit-techniques]", "T1110");
    await sari.click("[data-testid=case-edit-save]");
    await sari.waitForSelector("[data-testid=case-edit-form]", { state: "detached" });
    await waitFor(async () => /sangat tinggi[\s\S]*T1110/i.test(await sari.textContent("[data-testid=case-page]")), "the changed fields");

    await sari.click("[data-testid=tab-timeline]");
    await sari.fill("[data-testid=timeline-text]", "08.05 WITA: PSE memutus akses SSH dari luar");
    await sari.press("[data-testid=timeline-text]", "Enter");
    await waitFor(async () => /PSE memutus akses SSH/.test(await sari.textContent("[data-testid=case-timeline]")), "the entry");
    // A timeline longer than a page (200 items) shows the first and reads the rest on request.
    const caseId = decodeURIComponent(new URL(sari.url()).pathname.split("/").pop());
    const added = await sari.evaluate(async (id) => {
      const csrf = /pantau_csrf=([0-9a-f]+)/.exec(document.cookie)[1];
      let ok = 0;
      for (let i = 0; i < 200; i++) {
        const r = await fetch(`/api/v1/cases/${encodeURIComponent(id)}/timeline`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ time: new Date(Date.now() - (i + 1) * 60000).toISOString(), text: `catatan ${i}` }),
        });
        if (r.status === 201) ok++;
      }
      return ok;
    }, caseId);
    assert.equal(added, 200);
    await sari.click("[data-testid=tab-notes]");
    await sari.click("[data-testid=tab-timeline]");
    await waitFor(async () => /200 dari 202 butir/.test(await sari.textContent("[data-testid=timeline-count]")), "the first page");
    await sari.click("[data-testid=timeline-more]");
    await waitFor(async () => /202 dari 202 butir/.test(await sari.textContent("[data-testid=timeline-count]")), "the second page");
    await sari.waitForSelector("[data-testid=timeline-more]", { state: "detached" });
    assert.equal(await sari.locator("[data-testid=case-timeline] li").count(), 202);

    await sari.click("[data-testid=tab-notes]");
    await sari.fill("[data-testid=note-form] input", "Bentuk serangan");
    await sari.fill("[data-testid=note-form] textarea", "Tebak kata sandi *root* lewat SSH <b>bukan HTML</b>");
    await sari.click("[data-testid=note-form] button[type=submit]");
    await sari.locator("[data-testid=note]").first().waitFor();
    await sari.click("[data-testid=note-edit]");
    await sari.fill("[data-testid=note] textarea", "Tebak kata sandi root lewat SSH, 12 kali dalam semenit");
    await sari.click("[data-testid=note-save]");
    await waitFor(async () => /2 revisi/.test(await sari.textContent("[data-testid=note]")), "the second revision");

    await sari.click("[data-testid=tab-evidence]");
    await sari.fill("[data-testid=evidence-text]", "Nov 27 10:00:01 srv sshd[1]: Accepted password for root from 203.0.113.9");
    await sari.click("[data-testid=evidence-form] button[type=submit]");
    await sari.locator("[data-testid=evidence-row]").first().waitFor();
    assert.match(await sari.textContent("[data-testid=evidence-row]"), /[0-9a-f]{64}/);
    // Scanned for malware: YARA finds nothing in a log line; ClamAV answers too (with or without
    // signatures installed on this machine).
    await sari.click("[data-testid=evidence-scan]");
    await sari.locator("[data-testid=scan-clamav]").waitFor();
    assert.match(await sari.textContent("[data-testid=scan-yara]"), /YARA.*bersih/);
    await screenshot(sari, "cases-05-evidence");

    await sari.click("[data-testid=tab-attack]");
    await waitFor(async () => /Indikator/.test(await sari.textContent("[data-testid=case-attack]")), "the reference");
    await screenshot(sari, "cases-06-attack");
    assert.deepEqual(sari.problems, []);
    await sari.context().close();
  });

  it("closes a false positive after verification, without the head", async () => {
    const sari = await as("sari");
    await sari.click("[data-testid=nav-cases]");
    await sari.click("[data-testid=new-case]");
    await sari.fill("[data-testid=new-case-form] input", "Laporan PSE: halaman judi di situs dinas");
    await sari.click("[data-testid=new-case-form] button[type=submit]");
    await sari.waitForSelector("[data-testid=case-page]");
    const caseUrl = sari.url();
    await act(sari, "investigate", "Investigasi");
    await sari.check("[data-testid=verdict-false-positive]");
    await sari.fill("[data-testid=verdict-form] textarea", "Halaman promosi resmi dinas pariwisata, bukan injeksi");
    await sari.click("[data-testid=verdict-form] button[type=submit]");
    await waitFor(async () => /FALSE POSITIVE/.test(await sari.textContent("[data-testid=case-verdict]")), "the verdict");
    await act(sari, "assess", "Penilaian kerentanan");
    await act(sari, "report", "Pelaporan");
    await act(sari, "submit", "Diajukan");

    const kiki = await as("kiki");
    await kiki.goto(caseUrl);
    await kiki.waitForSelector("[data-testid=case-page]");
    await act(kiki, "verify", "Diverifikasi");
    // A head may not approve a false positive: no button.
    const hadi = await as("hadi");
    await hadi.goto(caseUrl);
    await hadi.waitForSelector("[data-testid=case-page]");
    assert.equal((await buttons(hadi)).includes("action-approve"), false);
    await sari.reload();
    await sari.waitForSelector("[data-testid=case-page]");
    await act(sari, "close", "Ditutup");
    for (const p of [sari, kiki, hadi]) {
      assert.deepEqual(p.problems, []);
      await p.context().close();
    }
  });

  it("registers an electronic system, which a case then shows with its operator", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const admin = await context.newPage();
    admin.problems = [];
    admin.on("pageerror", (e) => admin.problems.push(e.message));
    admin.on("dialog", (d) => d.accept());
    await login(admin, server, "admin", server.adminPassword);
    await admin.click("[data-testid=nav-systems]");
    await admin.waitForSelector("[data-testid=systems-page]");
    await admin.click("[data-testid=system-new]");
    const form = admin.locator("[data-testid=system-form]");
    const name = 'Portal <img src=x onerror="window.__pwned=1"> Kukar';
    await form.locator("input[name=name]").fill(name);
    await form.locator("input[name=agency]").fill("Dinas Komunikasi dan Informatika");
    await form.locator("input[name=head_name]").fill("Ir. Siti");
    await form.locator("textarea[name=emails]").fill("admin@kukarkab.go.id");
    await form.locator("textarea[name=urls]").fill("https://portal.kukarkab.go.id/");
    // A wrong address is refused with its reason, and the form keeps what was typed.
    await form.locator("textarea[name=ips]").fill("198.51.100.0/24\n10.0.0.300");
    await form.locator("select[name=criticality]").selectOption("vital");
    await admin.click("[data-testid=system-save]");
    await waitFor(
      async () => /ips: '10\.0\.0\.300' is not an IPv4 or IPv6 address/.test(await admin.textContent("[data-testid=system-error]")),
      "the refusal of the address",
    );
    await form.locator("textarea[name=ips]").fill("198.51.100.0/24\n2001:db8:5::/48");
    await admin.click("[data-testid=system-save]");
    const row = admin.locator("[data-testid=system-row]", { hasText: "Portal <img" });
    await row.waitFor();
    assert.match(await row.textContent(), /Dinas Komunikasi dan Informatika/);
    assert.match(await row.textContent(), /vital \(IIV\)/);
    assert.equal(await admin.locator("[data-testid=systems-table] img").count(), 0);
    assert.equal(await admin.evaluate(() => window.__pwned), undefined);
    await screenshot(admin, "systems-01-registered");

    // The analyst reads the registry but may not change it, and links the system to a case.
    const sari = await as("sari");
    await sari.click("[data-testid=nav-systems]");
    await sari.locator("[data-testid=system-row]", { hasText: "Portal <img" }).waitFor();
    assert.equal(await sari.locator("[data-testid=system-new], [data-testid=system-edit]").count(), 0);
    const number = await sari.evaluate(async () => {
      const csrf = document.cookie.match(/pantau_csrf=([0-9a-f]+)/)[1];
      const systems = await (await fetch("/api/v1/systems")).json();
      const res = await fetch("/api/v1/cases", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ title: "Situs portal diretas", system_ids: [systems.items[0].id] }),
      });
      return (await res.json()).number;
    });
    await sari.goto(`${server.url}/cases/${number}`);
    await sari.waitForSelector("[data-testid=case-page]");
    const linked = await sari.textContent("[data-testid=case-systems]");
    assert.match(linked, /Portal <img src=x onerror="window.__pwned=1"> Kukar/);
    assert.match(linked, /Dinas Komunikasi dan Informatika · Ir\. Siti/);
    assert.match(await sari.textContent("[data-testid=reporting]"), /batas lapor IIV 24 jam: sisa 23 jam 5\d mnt|batas lapor IIV 24 jam: sisa 1 hari/);
    assert.equal(await sari.evaluate(() => window.__pwned), undefined);
    await screenshot(sari, "systems-02-case");

    // The admin takes the system out of service; deleting it is refused while the case links it.
    await admin.click("[data-testid=system-delete]");
    await waitFor(async () => /linked to case INS-/.test((await admin.textContent("[role=alert]")) ?? ""), "the refusal");
    for (const p of [admin, sari]) {
      assert.deepEqual(p.problems, []);
      await p.context().close();
    }
  });

  it("runs the web checks on a system of a case and judges a finding", async () => {
    // A site of the regency that carries gambling spam and sends no security headers, on loopback.
    const site = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><title>Dinas</title><body>Promo <a href=/x>SLOT GACOR</a> hari ini</body></html>");
    });
    await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const admin = await context.newPage();
      await login(admin, server, "admin", server.adminPassword);
      const systemId = await admin.evaluate(async (url) => {
        const csrf = document.cookie.match(/pantau_csrf=([0-9a-f]+)/)[1];
        const res = await fetch("/api/v1/systems", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ name: "Situs Dinas Pariwisata", operator: { agency: "Dispar" }, urls: [url], criticality: "medium" }),
        });
        return (await res.json()).id;
      }, siteUrl);
      await context.close();

      const sari = await as("sari");
      const number = await sari.evaluate(async (id) => {
        const csrf = document.cookie.match(/pantau_csrf=([0-9a-f]+)/)[1];
        const res = await fetch("/api/v1/cases", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ title: "Spam judi di situs Dispar", incident_type: "gambling_injection", system_ids: [id] }),
        });
        return (await res.json()).number;
      }, systemId);
      await sari.goto(`${server.url}/cases/${number}`);
      await sari.click("[data-testid=tab-assessment]");
      await sari.selectOption("[data-testid=assessment-kind]", "web");
      await sari.click("[data-testid=assessment-start]");
      const run = sari.locator("[data-testid=assessment-run]").first();
      await waitFor(async () => (await run.locator("[data-testid=assessment-status]").textContent()) === "selesai", "the run to end");
      const gambling = run.locator("[data-testid=finding-row]", { hasText: /judi|gambling/i });
      await gambling.waitFor();
      assert.match(await run.textContent(), /SLOT GACOR/i);
      await gambling.locator("[data-testid=finding-status]").selectOption("confirmed");
      await gambling.locator("[data-testid=finding-save]").click();
      await waitFor(async () => {
        const res = await sari.evaluate(async (n) => (await fetch(`/api/v1/cases/${n}/assessments`)).json(), number);
        return res.items[0].findings.some((f) => /judi|gambling/i.test(f.title) && f.status === "confirmed");
      }, "the confirmed finding");
      await screenshot(sari, "assessment-01-web-checks");

      // A ZAP report of the same site imported from a file, one of another host left out; with
      // no alert in the case there is nothing to suggest yet, and the panel says so.
      const host = new URL(siteUrl).host;
      const zap = JSON.stringify({
        "@version": "2.14.0",
        site: [
          { "@name": siteUrl, "@host": "127.0.0.1", alerts: [{ pluginid: "40018", name: "SQL Injection", riskcode: "3", instances: [{ uri: `http://${host}/berita?id=5`, method: "GET", param: "id" }] }] },
          { "@name": "http://cdn.example.net", "@host": "cdn.example.net", alerts: [{ pluginid: "10035", name: "HSTS", riskcode: "1" }] },
        ],
      });
      await sari.selectOption("[data-testid=import-format]", "zap");
      await sari.setInputFiles("[data-testid=import-file]", { name: "zap.json", mimeType: "application/json", buffer: Buffer.from(zap) });
      await sari.click("[data-testid=import-start]");
      await sari.locator("[data-testid=import-outside]", { hasText: "cdn.example.net (1)" }).waitFor();
      const imported = sari.locator("[data-testid=assessment-run]", { hasText: "Impor OWASP ZAP" });
      await imported.locator("[data-testid=finding-row]", { hasText: "SQL Injection" }).waitFor();
      assert.equal(await sari.textContent("[data-testid=suggestion-value]"), "belum dapat disarankan");
      await screenshot(sari, "assessment-02-import-and-suggestion");
      assert.deepEqual(sari.problems, []);
      await sari.context().close();
    } finally {
      site.close();
    }
  });

  it("shows a running web run's progress and stops polling when it ends", async () => {
    // A slow site on loopback: every answer a third of a second late, so the run is seen running.
    const site = http.createServer((req, res) => {
      setTimeout(() => {
        res.writeHead(404, { "Content-Type": "text/html" });
        res.end("<html>Tidak ada</html>");
      }, 330);
    });
    await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const admin = await context.newPage();
      await login(admin, server, "admin", server.adminPassword);
      const systemId = await admin.evaluate(async (url) => {
        const csrf = document.cookie.match(/pantau_csrf=([0-9a-f]+)/)[1];
        const res = await fetch("/api/v1/systems", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ name: "Situs Lambat", operator: { agency: "Dispar" }, urls: [url] }),
        });
        return (await res.json()).id;
      }, siteUrl);
      await context.close();

      const sari = await as("sari");
      const number = await sari.evaluate(async (id) => {
        const csrf = document.cookie.match(/pantau_csrf=([0-9a-f]+)/)[1];
        const res = await fetch("/api/v1/cases", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ title: "Situs lambat", system_ids: [id] }),
        });
        return (await res.json()).number;
      }, systemId);
      await sari.goto(`${server.url}/cases/${number}`);
      await sari.click("[data-testid=tab-assessment]");
      await sari.selectOption("[data-testid=assessment-kind]", "web");
      await sari.click("[data-testid=assessment-start]");
      const run = sari.locator("[data-testid=assessment-run]").first();
      // The bar moves by polling alone: wait for a check past the first one.
      await waitFor(async () => {
        const text = (await run.locator("[data-testid=assessment-progress]").textContent().catch(() => "")) ?? "";
        return /\b[1-4] dari 5\b/.test(text);
      }, "the progress bar past the first check");
      assert.match(await run.locator("[data-testid=assessment-step]").textContent(), new RegExp(siteUrl.replace(/[.]/g, "\\.")));
      assert.equal(await run.locator("[data-testid=assessment-cancel]").count(), 1);
      await screenshot(sari, "assessment-03-progress");
      await waitFor(async () => (await run.locator("[data-testid=assessment-status]").textContent()) === "selesai", "the run to end");
      assert.equal(await run.locator("[data-testid=assessment-progress]").count(), 0);
      assert.deepEqual(sari.problems, []);
      await sari.context().close();
    } finally {
      site.close();
    }
  });
});
