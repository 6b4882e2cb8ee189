import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dagsTest, updraft } from "./helpers/cli.ts";
import { freePort } from "./helpers/free-port.ts";

/** `dags test` in text form, whose task log lines show what the tasks found; fails unless the run succeeded. */
async function dagsTestText(dagId: string) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03"]);
  expect(result.stdout, result.stderr).toContain(`of ${dagId}: success`);
  return result;
}

// The MLflow example against a real tracking server runs in test/mlflow-pack.test.ts, which starts one.
// Each case is its own `updraft` process: they run side by side.
describe.concurrent("phase6 and phase10 MLOps examples under `updraft dags test`", () => {
  it("phase10_01 passes its GE suite on the CSV, records the Parquet audit's failure and writes both HTML reports", async () => {
    const { stdout } = await dagsTestText("phase10_01_great_expectations");
    expect(stdout).toMatch(/validate_orders_csv \| Suite "orders_suite" on file:\/\/.*orders\.csv: 10\/10 expectations passed\./);
    expect(stdout).toContain("report_failures | Suite orders_strict: 66.66666666666666% passed; failed: expect_column_values_to_not_be_null(email)");
    const report = await readFile(join(tmpdir(), "updraft-phase10", "2024-01-03", "orders_parquet.html"), "utf8");
    expect(report).toContain("2 of 3 expectations passed");
    expect(report).toContain("expect_column_values_to_not_be_null");
  });

  it("phase10_02 accepts contract v2 (backward compatible) and quarantines the two records that break it", async () => {
    const { stdout } = await dagsTestText("phase10_02_schema_validation");
    expect(stdout).toContain("quarantine | Accepted 8 records, quarantined records [3,6]:");
    expect(stdout).toContain('record 6 /created_at: must match format "date-time"');
  });

  it("phase10_03 finds the drift in the current snapshot and takes the alert branch", async () => {
    const { run, states } = await dagsTest("phase10_03_data_profiling");
    expect(run.state).toBe("success");
    expect(states).toEqual({ profile_current: "success", detect_drift: "success", route_on_drift: "success", raise_drift_alert: "success", no_drift: "skipped" });
  });

  it("phase6_01 fails at its first task, saying how to start MLflow, when no tracking server answers", async () => {
    const port = await freePort();
    const result = await updraft(["dags", "test", "phase6_01_mlflow_integration", "2024-01-03"], { env: { UPDRAFT_CONN_MLFLOW_DEFAULT: `http://127.0.0.1:${port}` } });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(`MLflow tracking server at http://127.0.0.1:${port} is unreachable (ECONNREFUSED): start one with "mlflow server`);
    expect(result.stdout).toMatch(/start_run\s+\|\s+-1\s+\|\s+failed/);
  });
});
