// The log templates page (issue 10): an analyst opens "Templat log" from the navigation, sees the
// templates of the lines sent over syslog with their counts, hostile log text shown as text
// (never markup), and opens the search for one template's events.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, login, screenshot, Server, waitFor } from "./harness.mjs";

describe("log templates", { timeout: 180000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await new Server().start();
    server.addUser("sari", "analyst", "kata sandi sari yang panjang");
    for (const [ip, port] of [["203.0.113.9", 4242], ["198.51.100.7", 5151], ["192.0.2.1", 22]]) {
      server.logger("sshd", `Failed password for root from ${ip} port ${port} ssh2`);
    }
    server.logger("webapp", `<img src=x onerror="window.__pwned=1"> upload rejected`);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lists templates with counts, shows hostile text as text, and searches a template", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await login(page, server, "sari", "kata sandi sari yang panjang");
    await page.click("[data-testid=nav-templates]");
    await page.waitForSelector("[data-testid=templates-page]");
    const rows = page.locator("[data-testid=template-row]");
    // The lines may still be on their way to the store: reload until both templates are listed.
    await waitFor(async () => {
      await page.click("[data-testid=templates-page] button[type=submit]");
      return (await rows.count()) === 2;
    }, "two templates");
    const first = rows.first();
    assert.match(await first.textContent(), /Failed password for root from <\*> port <\*> <\*>/);
    assert.match(await first.locator("td.num").textContent(), /^3$/);
    assert.match(await rows.nth(1).textContent(), /<img src=x onerror=/);
    assert.equal(await page.locator("[data-testid=templates-table] img").count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await screenshot(page, "templates");

    await first.locator("[data-testid=template-search]").click();
    await page.waitForSelector("[data-testid=events]");
    assert.match(await page.inputValue("[data-testid=query]"), /^log\.template_id:[0-9a-f]{16}$/);
    await waitFor(async () => (await page.locator("[data-testid=event-row]").count()) === 3, "3 events");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
