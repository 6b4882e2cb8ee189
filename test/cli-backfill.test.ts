import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describeEachServer } from "./helpers/operator-server.ts";

const DAGS = join(REPO_ROOT, "test", "fixtures", "cli-runs", "dags");
const LONG = { timeout: 90_000 };
const day = (d: number) => `backfill__2024-01-0${d}T00:00:00+00:00`;

describeEachServer("an operator backfills a DAG over past intervals", DAGS, (server) => {
  const backfillRuns = async () => (await server().runs("cli_daily")).filter((r) => r.run_type === "backfill");

  it("backfill of three daily intervals creates three backfill runs, waits for them to succeed, and a second one creates none", LONG, async () => {
    expect((await server().cli(["dags", "unpause", "cli_daily"])).code).toBe(0);
    const first = await server().cli(["dags", "backfill", "cli_daily", "-s", "2024-01-01", "-e", "2024-01-03"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Created 3 backfill run(s) of cli_daily from 2024-01-01 to 2024-01-03:\n  ${day(1)}\n  ${day(2)}\n  ${day(3)}\n`);
    expect(first.stdout).toMatch(/\[backfill progress\] \| finished run 0 of 3/);
    expect(first.stdout).toMatch(/\[backfill progress\] \| finished run 3 of 3 \| queued: 0 \| running: 0 \| succeeded: 3 \| failed: 0/);
    expect(first.stdout).toContain("Backfill of cli_daily from 2024-01-01 to 2024-01-03 done: 3 run(s) succeeded.");
    expect(await backfillRuns()).toEqual([1, 2, 3].map((d) => ({ run_id: day(d), run_type: "backfill", state: "success" })));

    const again = await server().cli(["dags", "backfill", "cli_daily", "-s", "2024-01-01", "-e", "2024-01-03"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Skipped 3 interval(s) that already have a run:");
    expect(again.stdout).toContain("Nothing to backfill from 2024-01-01 to 2024-01-03");
    expect(await backfillRuns()).toHaveLength(3);
  });

  it("--reset-dagruns -y runs the existing runs in the range again, and creates the missing ones", LONG, async () => {
    const reset = await server().cli(["dags", "backfill", "cli_daily", "-s", "2024-01-03", "-e", "2024-01-04", "--reset-dagruns", "-y"]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`Created 1 backfill run(s) of cli_daily from 2024-01-03 to 2024-01-04:\n  ${day(4)}\n`);
    expect(reset.stdout).toContain(`Running 1 existing run(s) again:\n  ${day(3)}\n`);
    expect(reset.stdout).toContain("done: 2 run(s) succeeded.");
    const states = await server().cli(["tasks", "states-for-dag-run", "cli_daily", day(3), "-o", "json"]);
    expect(JSON.parse(states.stdout)).toEqual([expect.objectContaining({ task_id: "report", state: "success" })]);
    const log = await server().cli(["tasks", "logs", "cli_daily", day(3), "report", "--try", "2"]);
    expect(log.stdout).toContain("report for 2024-01-03");
  });

  it("bad input gets a clear error and exit code, and creates no run", LONG, async () => {
    const before = await server().runs("cli_daily");
    const [reversed, typo, missing, date] = await Promise.all([
      ["dags", "backfill", "cli_daily", "-s", "2024-02-03", "-e", "2024-02-01"],
      ["dags", "backfill", "cli_dialy", "-s", "2024-02-01", "-e", "2024-02-03"],
      ["dags", "backfill", "cli_daily", "-e", "2024-02-03"],
      ["dags", "backfill", "cli_daily", "-s", "last week"],
    ].map((args) => server().cli(args)));
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain("--end-date 2024-02-01 is before --start-date 2024-02-03: swap them.");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('DAG "cli_dialy" not found. Did you mean "cli_daily"?');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Missing -s/--start-date");
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('Invalid --start-date "last week"');
    for (const result of [reversed, typo, missing, date]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await server().runs("cli_daily")).toEqual(before);
  });

  // Airflow's backfill ignores is_paused: its runs start and their TIs are queued while the DAG stays paused.
  it("backfill runs of a paused DAG run all the same, as in Airflow", LONG, async () => {
    expect((await server().cli(["dags", "pause", "cli_daily"])).code).toBe(0);
    const result = await server().cli(["dags", "backfill", "cli_daily", "-s", "2024-01-05", "-e", "2024-01-06"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("done: 2 run(s) succeeded.");
  });
});
