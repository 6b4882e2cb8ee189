import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { migrate } from "../core/store/migrate.ts";
import { PgDatabase } from "../core/store/pg-database.ts";
import { describePostgres } from "./helpers/databases.ts";
import { PrivatePostgres, postgresBinaries } from "./helpers/private-postgres.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";
import { waitFor } from "./helpers/wait-for.ts";

const fixtures = new URL("./fixtures/scheduler-restart", import.meta.url).pathname;

// The fault: the PostgreSQL server itself restarted (here crashed: `pg_ctl stop -m immediate`) under a running
// scheduler. A server of this test's own, so that no other suite loses its database.
// Skipped only on a machine without Debian's PostgreSQL server binaries (it starts a server of its own); under
// UPDRAFT_REQUIRE_SERVICES=1 (CI) it runs, and fails there if the binaries are missing.
const canStartServer = postgresBinaries() !== null || process.env.UPDRAFT_REQUIRE_SERVICES === "1";
const describeWithServer = canStartServer
  ? describePostgres
  : (name: string, suite: () => void) => describe.skip(`${name} (needs Debian's PostgreSQL server binaries)`, suite);
describeWithServer("PostgreSQL restarted under a running scheduler", () => {
  let server: PrivatePostgres;
  let db: PgDatabase;
  let harness: Harness;
  beforeAll(async () => {
    server = await PrivatePostgres.create();
    db = await PgDatabase.open(server.url, { max: 5 });
    await migrate(db);
    harness = await startHarness(db, [...(await DagBag.load(fixtures)).dags.values()], { parallelism: 4, zombieThresholdMs: 5000 });
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
    await server?.destroy();
  });

  it("logs it clearly, waits, recovers; every run succeeds and no task instance succeeds twice", { timeout: 120_000 }, async () => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await triggerDagRun(db, "restart_chain", { logicalDate: new Date(Date.UTC(2024, 0, 1 + i)) }));
    harness.scheduler.runsCreated();
    await waitFor("a few steps done", async () => {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM task_instance WHERE state = 'success'");
      return rows[0].n >= 5 ? true : undefined;
    }, 30_000);

    await server.stop("immediate");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await server.start();

    expect(await harness.waitForRuns("restart_chain", runs.map((r) => r.run_id), 90_000)).toEqual(runs.map(() => "success"));
    const lost = harness.logs.findIndex((l) => /Lost the database .*retrying every second/.test(l));
    const back = harness.logs.findIndex((l) => /database is reachable again/.test(l));
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(back).toBeGreaterThan(lost);
    const { rows: twice } = await db.query<{ task_id: string; run_id: string }>(
      `SELECT task_id, run_id FROM task_instance_history WHERE state = 'success' GROUP BY dag_id, run_id, task_id, map_index HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
  });
});
