import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { createTimetable } from "../core/timetables/index.ts";
import { DagCache } from "../scheduler/dag-cache.ts";
import { SlaChecker } from "../scheduler/sla-check.ts";
import { missedSchedulePoints } from "../scheduler/sla-points.ts";
import { listen, type RunningServer } from "../webserver/app.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { createUsers } from "./helpers/api.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { UiClient } from "./helpers/ui-session.ts";
import { waitFor } from "./helpers/wait-for.ts";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("the SLA walk (Airflow 2.10 manage_slas)", () => {
  const daily = createTimetable("@daily", { timezone: "UTC" });
  const interval = { start: new Date("2024-01-09T00:00:00Z"), end: new Date("2024-01-10T00:00:00Z") };

  it("steps over the first point after the last success, then records each point whose logical date + sla has passed", () => {
    const now = new Date("2024-01-14T01:30:00Z");
    expect(missedSchedulePoints(daily, interval, 3600, now).map((d) => d.toISOString())).toEqual([
      "2024-01-11T00:00:00.000Z", "2024-01-12T00:00:00.000Z", "2024-01-13T00:00:00.000Z", "2024-01-14T00:00:00.000Z",
    ]);
    // 2024-01-14 00:00 + 2 h is still ahead at 01:30: not missed yet.
    expect(missedSchedulePoints(daily, interval, 7200, now).map((d) => d.toISOString())).toEqual([
      "2024-01-11T00:00:00.000Z", "2024-01-12T00:00:00.000Z", "2024-01-13T00:00:00.000Z",
    ]);
  });

  it("finds nothing for a recent success or a schedule without a next point", () => {
    expect(missedSchedulePoints(daily, interval, 60, new Date("2024-01-10T12:00:00Z"))).toEqual([]);
    expect(missedSchedulePoints(createTimetable(null, { timezone: "UTC" }), interval, 60, new Date("2024-02-01T00:00:00Z"))).toEqual([]);
  });
});

// PostgreSQL when reachable: there two schedulers' checks really race.
const backend = BACKENDS.find((b) => b.name === (POSTGRES_REACHABLE ? "postgres" : "pglite"))!;

describe(`SLA misses through a real scheduler, the REST API and the UI [${backend.name}]`, () => {
  let db: Database;
  let harness: Harness;
  let web: RunningServer;
  let dir: string;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const base = today - 4 * DAY;
  const calls = async () =>
    (await readFile(join(dir, "sla.jsonl"), "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l));

  beforeAll(async () => {
    db = await backend.open();
    dir = await mkdtemp(join(tmpdir(), "updraft-sla-"));
    process.env.UPDRAFT_TEST_SLA_OUT = join(dir, "sla.jsonl");
    process.env.UPDRAFT_SLA_CHECK_INTERVAL_SEC = "0.3";
    const bag = await DagBag.load(join(import.meta.dirname, "fixtures", "sla"));
    expect(bag.importErrors).toEqual([]);
    harness = await startHarness(db, [...bag.dags.values()], { parallelism: 1 });
    await createUsers(db);
    const app = express();
    app.use("/api/v1", restApiRouter(db, { onChange() {} }));
    app.use("/", uiRouter(db, { onChange() {} } as never));
    web = await listen(app, 0);
  });
  afterAll(async () => {
    delete process.env.UPDRAFT_SLA_CHECK_INTERVAL_SEC;
    await web?.close();
    await harness?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records each missed point once, and calls sla_miss_callback once with Airflow's arguments; a throwing callback is only logged", async () => {
    // A failed try of `report` two days after the success: it blocks the misses of its date and is no success to walk from.
    const failed = await triggerDagRun(db, "sla_dag", { logicalDate: new Date(base + 2 * DAY), conf: { fail: true } });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun("sla_dag", failed.run_id)).toBe("failed");
    const ok = await triggerDagRun(db, "sla_dag", { logicalDate: new Date(base) });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun("sla_dag", ok.run_id)).toBe("success");

    const expected = [1, 2, 3, 4].map((d) => iso(base + d * DAY));
    await waitFor("the sla_miss_callback", async () => ((await calls()).length ? true : undefined));
    await waitFor("the misses to be marked notified", async () => {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sla_miss WHERE notification_sent");
      return rows[0].n === 4 ? true : undefined;
    });
    // A second scheduler's check at the same moment adds nothing: each miss is recorded once.
    expect(await new SlaChecker(db, new DagCache(), () => {}).check()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // three more checks of the running scheduler
    await waitFor("every runner to be idle", () => (harness.executor.isIdle() ? true : undefined));

    const { rows } = await db.query<{ task_id: string; execution_date: Date; notification_sent: boolean; email_sent: boolean }>(
      "SELECT task_id, execution_date, notification_sent, email_sent FROM sla_miss ORDER BY execution_date",
    );
    expect(rows.map((r) => [r.task_id, r.execution_date.toISOString(), r.notification_sent, r.email_sent])).toEqual(expected.map((d) => ["report", d, true, false]));
    const sent = await calls();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      dag_id: "sla_dag",
      task_list: expected.map((d) => `report on ${d}`).join("\n"),
      blocking_task_list: `report on ${expected[1]}`,
      blocking_tis: [{ task_id: "report", execution_date: expected[1], state: "failed" }],
    });
    expect(sent[0].slas.map((s: { execution_date: string }) => s.execution_date)).toEqual(expected);
    expect(sent[0].pid).not.toBe(process.pid);
    expect(harness.logs.join("\n")).toMatch(/4 new SLA miss\(es\) in sla_dag/);
    const log = await readFile(join(harness.home, "logs", "dag_id=sla_dag", "sla_callbacks.log"), "utf8");
    expect(log).toMatch(/Could not call sla_miss_callback buggy: sla callback bug/);
  });

  it("GET /api/v1/slaMisses lists them in Airflow's SLAMiss shape, and the UI's SLA misses page shows them", async () => {
    const auth = { authorization: `Basic ${Buffer.from("viewer:viewer-pw").toString("base64")}` };
    const response = await fetch(`${web.url}/api/v1/slaMisses?dag_id=sla_dag&limit=2`, { headers: auth });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { total_entries: number; sla_misses: Array<Record<string, unknown>> };
    expect(body.total_entries).toBe(4);
    expect(body.sla_misses).toHaveLength(2);
    expect(Object.keys(body.sla_misses[0]).sort()).toEqual(["dag_id", "description", "email_sent", "execution_date", "notification_sent", "task_id", "timestamp"]);
    expect((await fetch(`${web.url}/api/v1/slaMisses?limit=-1`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${web.url}/api/v1/slaMisses`, { headers: { authorization: `Basic ${Buffer.from("public:public-pw").toString("base64")}` } })).status).toBe(403);

    const ui = new UiClient(web.url);
    await ui.login("viewer", "viewer-pw");
    const page = await ui.get("/sla-misses?dag_id=sla_dag");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/sla-misses">SLA misses</a>');
    expect(page.text.match(/<td>report<\/td>/g)).toHaveLength(4);
    expect(page.text).toContain("4 miss(es).");
  });
});
