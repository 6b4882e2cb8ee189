import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { DAG } from "../../core/dag.ts";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import type { Database } from "../../core/store/database.ts";
import type { Executor } from "../../executor/executor.ts";
import { LocalExecutor } from "../../executor/local-executor.ts";
import { schedulerEvents } from "../../scheduler/execution-events.ts";
import { Scheduler } from "../../scheduler/scheduler.ts";
import { createApp, listen } from "../../webserver/app.ts";
import { ExecutionApi } from "../../webserver/execution-api/execution-api.ts";
import type { Backend } from "./databases.ts";
import { storeDags } from "./store-dags.ts";

/** Scheduler + local executor + execution API around a test database, as `updraft standalone` wires them. */
export async function startHarness<E extends Executor = LocalExecutor>(db: Database, dags: DAG[], options: {
  parallelism?: number; zombieThresholdMs?: number; executionTimeoutGraceMs?: number; pollIntervalMs?: number;
  /** How runners reach the execution API: over their IPC pipe (default, as in standalone) or over HTTP (as workers do). */
  transport?: "ipc" | "http";
  /** Where $UPDRAFT_HOME (logs) goes: a new folder under this one. Default: the system's temporary folder. */
  homeParent?: string;
  /** Another executor than the local one (it is started and stopped with the harness). */
  executor?: E;
} = {}) {
  await storeDags(db, dags);
  const home = await mkdtemp(join(options.homeParent ?? tmpdir(), "updraft-home-"));
  const secret = Buffer.from("test-secret-key");
  let scheduler: Scheduler | undefined;
  const executionApi = new ExecutionApi(db, secret, schedulerEvents(db, () => scheduler));
  const executor = options.executor ?? (new LocalExecutor({
    parallelism: options.parallelism ?? 2, env: { UPDRAFT_HOME: home }, executionApi: options.transport === "http" ? undefined : executionApi,
  }) as unknown as E);
  const server = await listen(createApp({ executionApi }), 0);
  const logs: string[] = [];
  scheduler = new Scheduler(db, { executor, apiUrl: server.url, home, secret, zombieThresholdMs: options.zombieThresholdMs,
    executionTimeoutGraceMs: options.executionTimeoutGraceMs, pollIntervalMs: options.pollIntervalMs, log: (m) => logs.push(m) });
  await executor.start();
  await scheduler.start();
  return {
    db, home, scheduler, executor, server, logs,
    async waitForRun(dagId: string, runId: string, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await db.query<{ state: string }>("SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2", [dagId, runId]);
        const state = rows[0]?.state;
        if (state === "success" || state === "failed") return state;
        if (Date.now() > deadline) throw new Error(`Run ${runId} still ${state} after ${timeoutMs} ms. Scheduler log:\n${logs.join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Waits for several runs with one query per poll (pollers share the database with what they measure). */
    async waitForRuns(dagId: string, runIds: string[], timeoutMs = 60_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await db.query<{ run_id: string; state: string }>(
          "SELECT run_id, state FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2::text[])",
          [dagId, runIds],
        );
        const states = new Map(rows.map((r) => [r.run_id, r.state]));
        if (runIds.every((id) => states.get(id) === "success" || states.get(id) === "failed")) return runIds.map((id) => states.get(id)!);
        if (Date.now() > deadline) throw new Error(`Runs still unfinished after ${timeoutMs} ms. Scheduler log:\n${logs.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async states(dagId: string, runId: string): Promise<Record<string, string | null>> {
      const { rows } = await db.query<{ task_id: string; map_index: number; state: string | null }>(
        "SELECT task_id, map_index, state FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id, map_index",
        [dagId, runId],
      );
      return Object.fromEntries(rows.map((r) => [r.map_index >= 0 ? `${r.task_id}[${r.map_index}]` : r.task_id, r.state]));
    },
    async stop() {
      await scheduler!.stop();
      await executor.stop();
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * For a `describeEachBackend` block: a fresh database and a harness over the DAG files of `folder`, started before
 * the block's tests and stopped after them. Read `db` and `harness` inside the tests.
 */
export function harnessOverFolder(backend: Backend, folder: string, options: Parameters<typeof startHarness<LocalExecutor>>[2] = {}) {
  const context = {} as { db: Database; harness: Harness };
  beforeAll(async () => {
    context.db = await backend.open();
    const bag = await DagBag.load(folder);
    expect(bag.importErrors).toEqual([]);
    context.harness = await startHarness<LocalExecutor>(context.db, [...bag.dags.values()], options);
  });
  afterAll(async () => {
    await context.harness?.stop();
    await context.db?.close();
  });
  return context;
}

export type Harness<E extends Executor = LocalExecutor> = Awaited<ReturnType<typeof startHarness<E>>>;
