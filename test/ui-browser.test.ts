import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Standalone } from "../cli/standalone.ts";
import { startUiStandalone } from "./helpers/ui-session.ts";

const CHROMIUM = process.env.UPDRAFT_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM) || process.env.UPDRAFT_REQUIRE_SERVICES === "1";
const LONG = { timeout: 120_000 };

let standalone: Standalone & { removeHome(): Promise<void> };
let browser: Browser;

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${standalone.url}/dags`);
  await page.waitForURL(/\/login\?next=/);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${standalone.url}/dags`);
}

describe.skipIf(!available)("the web UI in a real browser (Debian's chromium through playwright-core)", () => {
  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    standalone = await startUiStandalone();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await standalone?.stop();
    await standalone?.removeHome();
  });

  it("logs in, unpauses a DAG, triggers it with conf, sees the grid turn green live, reads a log, clears a task and sees it re-run", LONG, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await logIn(page, "admin", standalone.adminPassword!);

    // Unpause ui_quick with its switch.
    const row = page.locator('tr[data-dag-id="ui_quick"]');
    await expect(row.locator("button.switch").getAttribute("aria-checked")).resolves.toBe("false");
    await row.locator("button.switch").click();
    await page.waitForSelector('tr[data-dag-id="ui_quick"] button.switch[aria-checked="true"]');
    await expect(page.locator(".flash").textContent()).resolves.toContain('DAG "ui_quick" unpaused.');

    // A second tab shows the grid before the run exists: whatever turns green there arrived live.
    const watcher = await context.newPage();
    await watcher.goto(`${standalone.url}/dags/ui_quick/grid`);
    await watcher.waitForSelector("[data-live-indicator].connected");
    expect(await watcher.locator(".cell").count()).toBe(0);
    await watcher.evaluate("window.loadedOnce = true");

    // Trigger with conf through the form generated from the DAG's params.
    await row.locator("a.dag-link").click();
    await page.click("text=▶ Trigger");
    await page.fill("#param-greeting", "from-browser");
    await page.fill("#param-times", "2");
    await page.click("#trigger-button");
    await page.waitForURL(`${standalone.url}/dags/ui_quick/grid`);
    await expect(page.locator(".flash").textContent()).resolves.toContain("Triggered run");

    await watcher.waitForFunction('document.querySelectorAll("#grid a.cell.state-success").length === 2', undefined, { timeout: 30_000 });
    expect(await watcher.evaluate("window.loadedOnce")).toBe(true);
    await expect(watcher.locator(".run-bar.state-success").count()).resolves.toBe(1);

    // The graph view lays the tasks out (dagre, in the browser) and colours them by the run's states.
    await page.goto(`${standalone.url}/dags/ui_quick/graph`);
    await page.waitForFunction('document.querySelectorAll("#graph-svg a.node rect[data-state=success]").length === 2');
    await expect(page.locator("#graph-svg path.edge").count()).resolves.toBe(1);
    // The DAG dependencies view lays out DAG and dataset nodes the same way.
    await page.goto(`${standalone.url}/dag-dependencies`);
    await page.waitForSelector('#dependency-svg a.node[data-node-id="dataset:s3://ui-tests/report"]');
    await expect(page.locator("#dependency-svg path.edge").count()).resolves.toBe(2);
    await page.goto(`${standalone.url}/dags/ui_quick/grid`);

    // Open the task's log.
    await watcher.click('tr[data-task-id="hello"] a.cell');
    await watcher.waitForSelector("h1:has-text('hello')");
    await watcher.click("text=Try 1");
    await watcher.waitForSelector("pre#log[data-complete]");
    await expect(watcher.locator("pre#log").textContent()).resolves.toContain("from-browser x2 from manual__");

    // Clear it (with its downstream task) and watch both run again on a grid loaded before the clear.
    await watcher.goto(`${standalone.url}/dags/ui_quick/grid`);
    await watcher.waitForSelector("[data-live-indicator].connected");
    await watcher.evaluate("window.loadedOnce = true");
    const runPage = await context.newPage();
    await runPage.goto(`${standalone.url}${await watcher.locator(".run-bar").first().getAttribute("href")}`);
    await runPage.waitForSelector("[data-live-indicator].connected");
    await page.click('tr[data-task-id="hello"] a.cell');
    await page.waitForSelector("#clear-form");
    await page.click("#clear-button");
    await expect(page.locator(".flash").textContent()).resolves.toContain("Cleared 2 task instances");
    await watcher.waitForSelector('a.cell.state-success[title="hello: success (try 2)"]', { timeout: 30_000 });
    await watcher.waitForSelector('a.cell.state-success[title="goodbye: success (try 2)"]', { timeout: 30_000 });
    expect(await watcher.evaluate("window.loadedOnce")).toBe(true);
    // The run's page, open since before the clear, shows the second tries too.
    await runPage.waitForFunction(`[...document.querySelectorAll('[data-live-region="tis"] tbody tr')]
      .filter((row) => row.cells[3].textContent.trim() === "2" && row.cells[2].textContent.includes("success")).length === 2`, undefined, { timeout: 30_000 });
    await context.close();
  });

  it("shows a Viewer no actions and answers 403 when it tries one", LONG, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, "viewer", "viewer-pass");
    await expect(page.locator('tr[data-dag-id="ui_quick"] button.switch').count()).resolves.toBe(0);
    await page.goto(`${standalone.url}/dags/ui_quick/grid`);
    await expect(page.locator("text=▶ Trigger").count()).resolves.toBe(0);

    const response = await page.goto(`${standalone.url}/dags/ui_quick/trigger`);
    expect(response!.status()).toBe(403);
    await expect(page.locator("h1").textContent()).resolves.toContain("403");

    // Even a well-formed POST with the session's CSRF token is refused.
    const status = await page.evaluate(`(async () => {
      const token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
      const r = await fetch("/dags/ui_quick/pause", { method: "POST", body: new URLSearchParams({ _csrf: token, is_paused: "true" }), redirect: "manual" });
      return r.status;
    })()`);
    expect(status).toBe(403);
    const { rows } = await standalone.db.query<{ is_paused: boolean }>("SELECT is_paused FROM dag WHERE dag_id = 'ui_quick'");
    expect(rows[0].is_paused).toBe(false);
    await context.close();
  });
});
