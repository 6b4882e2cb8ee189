import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { REPO_ROOT, updraft } from "./helpers/cli.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";
import { startHarness, type Harness } from "./helpers/scheduler-harness.ts";

/** The final table of `dags test`'s text output: "task_id" or "task_id[i]" → state. */
function statesOf(stdout: string): Record<string, string> {
  const states: Record<string, string> = {};
  for (const match of stdout.matchAll(/^(\w+)\s+\|\s+(-?\d+)\s+\|\s+(\w+)\s+\|/gm)) {
    states[Number(match[2]) >= 0 ? `${match[1]}[${match[2]}]` : match[1]] = match[3];
  }
  return states;
}

describe("phase5_04_callbacks and phase7_03_circuit_breaker under dags test", () => {
  it("phase5_04: each callback runs when Airflow runs it, with the context; a throwing callback is only logged", async () => {
    const result = await updraft(["dags", "test", "phase5_04_callbacks", "2024-01-03"]);
    expect(result.code, result.stderr).toBe(0);
    expect(statesOf(result.stdout)).toEqual({ flaky_extract: "success", optional_enrich: "skipped", validate: "failed", publish: "success" });
    const callbacks = [...result.stdout.matchAll(/CALLBACK (.*)$/gm)].map((m) => m[1]);
    expect(callbacks).toEqual([
      "execute flaky_extract try 1 (running) team=data-platform",
      "retry flaky_extract try 1 (up_for_retry) team=data-platform: source answered 503",
      "execute flaky_extract try 2 (running) team=data-platform",
      "success flaky_extract try 2 (success) team=data-platform",
      "execute optional_enrich try 1 (running) team=data-platform",
      "skipped optional_enrich try 1 (skipped) team=data-platform",
      "success optional_enrich try 1 (skipped) team=data-platform",
      "execute validate try 1 (running) team=data-platform",
      "failure validate try 1 (failed) team=data-platform: 3 rows have no customer id",
      "execute publish try 1 (running) team=data-platform",
      "success publish try 1 (success) team=data-platform",
      "dag_success phase5_04_callbacks reason=success",
    ]);
    expect(result.stdout).toContain("Error in on_failure_callback pageOnCall: pager service unreachable");
    expect(result.stdout).toMatch(/of phase5_04_callbacks: success/);
  });

  it("phase7_03: with the service down the breaker opens after two failures and the rest get the cached rate", async () => {
    const [up, down] = await Promise.all([
      updraft(["dags", "test", "phase7_03_circuit_breaker", "2024-01-03"]),
      updraft(["dags", "test", "phase7_03_circuit_breaker", "2024-01-03", "--conf", '{"outage": true}']),
    ]);
    expect(up.code, up.stderr).toBe(0);
    expect(statesOf(up.stdout)).toMatchObject({ fetch_base_rate: "success", summarize: "success", "fetch_rate[0]": "success", "fetch_rate[3]": "success" });
    expect(up.stdout).not.toContain("Using the cached");
    expect(down.code, down.stderr).toBe(0);
    expect([...down.stdout.matchAll(/Using the cached (\w+) rate: (rates service answered 503|Circuit breaker "exchange-rates" is open)/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "EUR rates service answered 503",
      "GBP rates service answered 503",
      'JPY Circuit breaker "exchange-rates" is open',
      'CHF Circuit breaker "exchange-rates" is open',
    ]);
    // The guarded operator has no fallback: an open breaker fails it fast; the run's leaf still succeeds.
    expect(statesOf(down.stdout)).toMatchObject({ fetch_base_rate: "failed", summarize: "success", "fetch_rate[2]": "success" });
  });
});

const backend = BACKENDS.find((b) => b.name === (POSTGRES_REACHABLE ? "postgres" : "pglite"))!;

describe(`phase7_03_circuit_breaker across runs under the scheduler [${backend.name}]`, () => {
  let db: Database;
  let harness: Harness;
  const DAG_ID = "phase7_03_circuit_breaker";

  beforeAll(async () => {
    db = await backend.open();
    const bag = new DagBag(join(REPO_ROOT, "dags", "phase7"));
    await bag.loadFile(join(REPO_ROOT, "dags", "phase7", "03_circuit_breaker.ts"));
    expect(bag.importErrors).toEqual([]);
    harness = await startHarness(db, [bag.getDag(DAG_ID)], { parallelism: 2 });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  async function run(n: number, outage: boolean) {
    const created = await triggerDagRun(db, DAG_ID, { logicalDate: new Date(Date.UTC(2024, 0, n)), conf: { outage } });
    harness.scheduler.runsCreated();
    expect(await harness.waitForRun(DAG_ID, created.run_id)).toBe("success");
    const { rows } = await db.query<{ value: { sources: Record<string, string>; base: string } }>(
      "SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = 'summarize' AND key = 'return_value'",
      [DAG_ID, created.run_id],
    );
    const breaker = (await db.query<{ state: string; generation: number; total_rejected: number }>(
      "SELECT state, generation, total_rejected FROM circuit_breaker WHERE name = 'exchange-rates'",
    )).rows[0];
    return { ...rows[0].value, breaker };
  }

  it("opens in one run, fails fast in the next even with the service back, half-opens after the reset timeout and closes", async () => {
    const failed = "cache (call failed)";
    const open = "cache (breaker open)";
    const first = await run(1, true);
    // The mapped instances run one at a time (maxActiveTisPerDagrun 1): the first two calls fail, the rest are rejected.
    const tally = (sources: Record<string, string>) => Object.values(sources).sort();
    expect(tally(first.sources), JSON.stringify(first.sources)).toEqual([open, open, failed, failed]);
    expect(first.base).toBe("failed: breaker open");
    expect(first.breaker).toMatchObject({ state: "open", generation: 1, total_rejected: 3 });

    // Another run, other runners: the breaker is still open, so the service (up again) is not even called.
    const second = await run(2, false);
    expect(second.sources).toEqual({ EUR: open, GBP: open, JPY: open, CHF: open });
    expect(second.breaker).toMatchObject({ state: "open", generation: 1, total_rejected: 8 });

    // The 30 s reset timeout passes (moved back in the database rather than waited for).
    await db.query("UPDATE circuit_breaker SET opened_at = opened_at - interval '31 seconds' WHERE name = 'exchange-rates'");
    const third = await run(3, false);
    expect(third.sources).toEqual({ EUR: "live", GBP: "live", JPY: "live", CHF: "live" });
    expect(third.base).toBe("live");
    // closed → open → half_open (EUR's call was the one trial) → closed.
    expect(third.breaker).toMatchObject({ state: "closed", generation: 3, total_rejected: 8 });
  });
});
