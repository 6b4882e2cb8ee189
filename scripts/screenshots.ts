/**
 * Writes PNGs of the web UI's main pages to docs/screenshots/ (referenced from the README):
 *   node bin/run-ts.js scripts/screenshots.ts
 * Starts a standalone over a temp home with the example DAGs, runs a few of them, then drives Debian's chromium
 * (UPDRAFT_CHROMIUM, default /usr/bin/chromium) through playwright-core at a laptop's 1440×900.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { startStandalone } from "../cli/standalone.ts";
import { setPaused } from "../core/runs/pause-dag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";

const OUT = resolve("docs/screenshots");
const DAGS = ["phase5_03_task_groups", "phase4_04_dynamic_tasks", "phase1_02_parallel_tasks", "phase3_01_bash_operator"];

const home = await mkdtemp(join(tmpdir(), "updraft-shots-"));
const standalone = await startStandalone({ port: 0, home, dagsFolder: resolve("dags"), parallelism: 2, log: () => {} });
const browser = await chromium.launch({ executablePath: process.env.UPDRAFT_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
try {
  await mkdir(OUT, { recursive: true });
  const { db } = standalone;
  for (const dagId of DAGS) {
    await setPaused(db, dagId, false, "admin");
    for (let i = 3; i >= 1; i--) {
      await triggerDagRun(db, dagId, { logicalDate: new Date(Date.now() - i * 3600_000), owner: "admin" });
    }
  }
  standalone.scheduler.runsCreated();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM dag_run WHERE state IN ('queued', 'running')");
    if (rows[0].n === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // One run still going, for the live look of the grid.
  await triggerDagRun(db, "phase1_02_parallel_tasks", { owner: "admin", conf: {} });
  standalone.scheduler.runsCreated();

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const base = standalone.url;
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`wrote docs/screenshots/${name}.png`);
  };
  await page.goto(`${base}/login`);
  await shot("login");
  await page.fill("input[name=username]", "admin");
  await page.fill("input[name=password]", standalone.adminPassword!);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/dags`);
  await page.goto(`${base}/dags?status=active`);
  await shot("dags");
  await page.goto(`${base}/dags/phase5_03_task_groups/grid`);
  await shot("grid");
  await page.goto(`${base}/dags/phase5_03_task_groups/graph`);
  await page.waitForSelector("#graph-svg .node");
  await shot("graph");
  await page.goto(`${base}/dags/phase4_04_dynamic_tasks/grid`);
  await shot("grid-mapped");
  const mappedRun = await page.locator(".run-bar").first().getAttribute("href");
  await page.goto(`${base}/dags/phase5_03_task_groups/gantt`);
  await shot("gantt");
  await page.goto(`${base}/dags/phase5_03_task_groups/durations`);
  await shot("durations");
  await page.goto(`${base}/dags/phase5_03_task_groups/grid`);
  const runHref = await page.locator(".run-bar").last().getAttribute("href");
  await page.goto(`${base}${runHref}`);
  await shot("run");
  await page.goto(`${base}${mappedRun}/tasks/total`);
  await shot("task-instance");
  await page.goto(`${base}/dags/phase3_01_bash_operator/grid`);
  const bashRun = await page.locator(".run-bar").first().getAttribute("href");
  await page.goto(`${base}${bashRun}/tasks/templated_command/log?try=1`);
  await page.waitForSelector("pre#log[data-complete]");
  await shot("log");
  await page.goto(`${base}/dags/phase3_01_bash_operator/trigger`);
  await shot("trigger");
  await page.goto(`${base}/audit-log`);
  await shot("audit-log");
  await page.goto(`${base}/pools`);
  await shot("pools");
  await page.goto(`${base}/datasets`);
  await shot("datasets");
} finally {
  await browser.close();
  await standalone.stop();
  await rm(home, { recursive: true, force: true });
}
