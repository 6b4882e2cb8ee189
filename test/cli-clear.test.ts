import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describeEachServer, eventually, type OperatorServer } from "./helpers/operator-server.ts";

const DAGS = join(REPO_ROOT, "test", "fixtures", "cli-runs", "dags");
const LONG = { timeout: 90_000 };

/** Triggers a run of cli_flaky (whose `flaky` fails the first time for a marker file) and waits for it to fail. */
async function failedRun(server: OperatorServer, runId: string): Promise<void> {
  const marker = join(server.home, `${runId}.marker`);
  const trigger = await server.cli(["dags", "trigger", "cli_flaky", "-r", runId, "-c", JSON.stringify({ marker })]);
  expect(trigger.code).toBe(0);
  await eventually(server, `${runId} to fail`, async () => (await server.runs("cli_flaky")).find((r) => r.run_id === runId && r.state === "failed"));
  expect(await server.taskInstances("cli_flaky", runId)).toEqual([
    { task_id: "after", state: "upstream_failed", try_number: 0, max_tries: 0 },
    { task_id: "flaky", state: "failed", try_number: 1, max_tries: 0 },
  ]);
}

const runState = (server: OperatorServer, runId: string) => async () => {
  const run = (await server.runs("cli_flaky")).find((r) => r.run_id === runId);
  return run && (run.state === "success" || run.state === "failed") ? run.state : undefined;
};

describeEachServer("an operator clears failed tasks so that they run again", DAGS, (server, backend) => {
  it("tasks clear -t flaky --downstream asks first, then re-runs the failed task and its downstream to success", LONG, async () => {
    expect((await server().cli(["dags", "unpause", "cli_flaky"])).code).toBe(0);
    await failedRun(server(), "f1");

    const asked = await server().cli(["tasks", "clear", "cli_flaky", "-t", "^flaky$", "--downstream"]);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain("You are about to clear these 2 task instance(s):");
    expect(asked.stdout).toContain("<TaskInstance: cli_flaky.flaky f1>");
    expect(asked.stdout).toContain("<TaskInstance: cli_flaky.after f1>");
    expect(asked.stderr).toContain("there is no terminal to ask on: pass -y (--yes)");
    expect((await server().runs("cli_flaky")).find((r) => r.run_id === "f1")?.state).toBe("failed");

    const cleared = await server().cli(["tasks", "clear", "cli_flaky", "-t", "^flaky$", "--downstream", "-y"]);
    expect(cleared.stderr).toBe("");
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain("Cleared 2 task instance(s) in 1 run(s)");
    expect(await eventually(server(), "f1 to finish again", runState(server(), "f1"))).toBe("success");
    // Try 2 ran, and the clear gave the task its retries (none) again: max_tries = try_number + retries.
    expect(await server().taskInstances("cli_flaky", "f1")).toEqual([
      { task_id: "after", state: "success", try_number: 1, max_tries: 0 },
      { task_id: "flaky", state: "success", try_number: 2, max_tries: 1 },
    ]);
    const first = await server().cli(["tasks", "logs", "cli_flaky", "f1", "flaky", "--try", "1"]);
    expect(first.stdout).toContain("no marker yet: failing");
    const latest = await server().cli(["tasks", "logs", "cli_flaky", "f1", "flaky"]);
    expect(latest.stdout).toContain("marker found: succeeding");
  });

  it("without --downstream only the matching task runs again: its upstream_failed downstream stays, and the run fails", LONG, async () => {
    await failedRun(server(), "f2");
    const cleared = await server().cli(["tasks", "clear", "cli_flaky", "-t", "flaky", "--only-failed", "-y"]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain("Cleared 1 task instance(s) in 1 run(s)");
    expect(cleared.stdout).toContain("<TaskInstance: cli_flaky.flaky f2>");
    expect(await eventually(server(), "f2 to finish again", runState(server(), "f2"))).toBe("failed");
    expect(await server().taskInstances("cli_flaky", "f2")).toEqual([
      { task_id: "after", state: "upstream_failed", try_number: 0, max_tries: 0 },
      { task_id: "flaky", state: "success", try_number: 2, max_tries: 1 },
    ]);
  });

  // Skipped on the PostgreSQL back end of this suite, on purpose: there the CLI reaches the database directly and no
  // web server runs, so there is no REST API to call. The case runs on the standalone back end (embedded database).
  it.skipIf(backend !== "standalone")("the REST API's clearTaskInstances is a dry run of failed task instances unless told otherwise, as Airflow's", LONG, async () => {
    const before = await server().taskInstances("cli_flaky", "f2");
    const response = await server().api("POST", "/dags/cli_flaky/clearTaskInstances", { body: { dag_run_id: "f2", include_future: true } });
    expect(response.status).toBe(200);
    const { task_instances } = (await response.json()) as { task_instances: Array<Record<string, string>> };
    expect(task_instances).toEqual([{ task_id: "after", dag_id: "cli_flaky", dag_run_id: "f2", execution_date: expect.any(String) }]);
    expect(await server().taskInstances("cli_flaky", "f2")).toEqual(before);
    const bad = await server().api("POST", "/dags/cli_flaky/clearTaskInstances", { body: { only_failed: true, only_running: true } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain("only_failed and only_running cannot both be set");
  });

  it("bad input gets a clear error and exit code, and clears nothing", LONG, async () => {
    const before = await server().taskInstances("cli_flaky", "f2");
    const [regex, nomatch, dates, typo, both] = await Promise.all([
      ["tasks", "clear", "cli_flaky", "-t", "(", "-y"],
      ["tasks", "clear", "cli_flaky", "-t", "flakey", "-y"],
      ["tasks", "clear", "cli_flaky", "-s", "2024-01-05", "-e", "2024-01-01", "-y"],
      ["tasks", "clear", "cli_flaky_", "-y"],
      ["tasks", "clear", "cli_flaky", "--only-failed", "--only-running", "-y"],
    ].map((args) => server().cli(args)));
    expect(regex.code).toBe(2);
    expect(regex.stderr).toContain('-t "(" is not a valid regular expression');
    expect(nomatch.code).toBe(1);
    expect(nomatch.stderr).toContain('No task of DAG "cli_flaky" matches -t "flakey". Did you mean "flaky"? Its tasks: flaky, after.');
    expect(dates.code).toBe(2);
    expect(dates.stderr).toContain("--end-date 2024-01-01 is before --start-date 2024-01-05: swap them.");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('DAG "cli_flaky_" not found. Did you mean "cli_flaky"?');
    expect(both.code).toBe(2);
    for (const result of [regex, nomatch, dates, typo, both]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await server().taskInstances("cli_flaky", "f2")).toEqual(before);
  });
});
