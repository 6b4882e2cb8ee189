import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { migrate } from "../core/store/migrate.ts";
import { PgDatabase } from "../core/store/pg-database.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import { describePostgres, dropSchema, freshSchemaName, POSTGRES_URL } from "./helpers/databases.ts";
import { startHarness } from "./helpers/scheduler-harness.ts";

const fixtures = new URL("./fixtures/scheduler", import.meta.url).pathname;

describePostgres("PostgreSQL connections lost under a running scheduler", () => {
  const schema = freshSchemaName();
  afterAll(() => dropSchema(schema));

  it("logs it clearly, waits, recovers, and the run still succeeds", { timeout: 90_000 }, async () => {
    const appName = `updraft-loss-${schema}`;
    const db = await PgDatabase.open(POSTGRES_URL, { schema, applicationName: appName });
    await migrate(db);
    const bag = await DagBag.load(fixtures);
    const harness = await startHarness(db, [bag.getDag("scheduler_pipeline")]);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const run = await triggerDagRun(db, "scheduler_pipeline");
      harness.scheduler.runsCreated();
      // Cut every connection of this scheduler again and again for two seconds, as a server restart would.
      const until = Date.now() + 2000;
      let terminated = 0;
      while (Date.now() < until) {
        const { rows } = await admin.query("SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1", [appName]);
        terminated += rows[0].n;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(terminated).toBeGreaterThan(0);
      expect(await harness.waitForRun("scheduler_pipeline", run.run_id, 60_000)).toBe("success");
      const lost = harness.logs.findIndex((l) => /Lost the database .*retrying every second/.test(l));
      const back = harness.logs.findIndex((l) => /database is reachable again/.test(l));
      expect(lost).toBeGreaterThanOrEqual(0);
      expect(back).toBeGreaterThan(lost);
    } finally {
      await admin.end();
      await harness.stop();
      await db.close();
    }
  });
});
