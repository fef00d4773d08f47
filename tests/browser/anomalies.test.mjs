// Anomalies in the alert queue (issue 10): three days of a web server's logs replayed through the
// ingest API with a volume spike planted; the analyst opens the spike's alert, reads its
// explanation, sees the chart of the series with its expected band, and marks it expected with a
// reason, which closes it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, login, screenshot, Server, waitFor } from "./harness.mjs";

const MINUTE = 60_000;
const CONFIG = "anomaly:\n  split_weekend: false\n";  // the test runs on any day of the week

// Three days of web1's requests, three a minute, ending half an hour ago, with 600 more in one
// bucket two hours before the end.
function replay() {
  const end = Math.floor((Date.now() - 30 * MINUTE) / (10 * MINUTE)) * 10 * MINUTE;
  const spikeAt = end - 120 * MINUTE;
  const lines = [];
  const event = (t, message) => JSON.stringify({ "@timestamp": new Date(t).toISOString(), message, host: { name: "web1" } });
  for (let t = end - 3 * 24 * 60 * MINUTE, n = 0; t < end; t += MINUTE) {
    for (let i = 0; i < 3; i++) lines.push(event(t + i * 15_000, `GET /index.php?id=${n++ % 977} HTTP/1.1 200 ${(n * 37) % 9000}`));
    if (t === spikeAt) for (let i = 0; i < 600; i++) lines.push(event(t + i * 100, `GET /index.php?id=${i} HTTP/1.1 200 1234`));
  }
  return lines;
}

describe("anomalies", { timeout: 180000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await new Server(CONFIG).start();
    server.addUser("sari", "analyst", "kata sandi sari yang panjang");
    const key = server.cli("apikey", "create", "replay", "--scope", "ingest").trim().split(/\s+/).at(-1);
    const lines = replay();
    for (let i = 0; i < lines.length; i += 2000) {
      const res = await fetch(`${server.url}/api/v1/ingest`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/x-ndjson" },
        body: lines.slice(i, i + 2000).join("\n") + "\n",
      });
      assert.equal(res.status, 200, await res.text());
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("explains an anomaly, draws its band, and learns it is expected", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await login(page, server, "sari", "kata sandi sari yang panjang");
    await page.click("[data-testid=nav-alerts]");
    // The spike's alert comes with the next tick (every 5 seconds): reload until it is listed.
    const spike = page.locator("[data-testid=alert-row]", { hasText: "Lonjakan volume log" }).first();
    await waitFor(
      async () => {
        await page.reload();
        await page.waitForSelector("[data-testid=alerts]");
        await page.waitForLoadState("networkidle");
        return (await spike.count()) > 0;
      },
      "the spike's alert",
      undefined,
      1000,
    );
    await spike.locator("[data-testid=open-alert]").click();
    await page.waitForSelector("[data-testid=anomaly]");
    // Indonesian by default, with the numbers.
    assert.match(await page.textContent("[data-testid=anomaly-explanation]"), /host web1 mencatat 6\d\d event/);
    await page.locator("[data-testid=anomaly-chart] canvas").first().waitFor();
    await screenshot(page, "anomaly-spike");

    await page.fill("[data-testid=anomaly-reason]", "pemanasan cache malam");
    await page.click("[data-testid=anomaly-expected]");
    await waitFor(async () => (await page.locator("[data-testid=anomaly-expected]").count()) === 0, "the alert to close");
    assert.match(await page.textContent("[data-testid=alert-detail]"), /Diharapkan \/ expected: pemanasan cache malam/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
