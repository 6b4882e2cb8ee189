import { userInfo } from "node:os";
import { backfillDag, type BackfillRequest } from "../core/runs/backfill.ts";
import { clearTaskInstances, type ClearRequest } from "../core/runs/clear-task-instances.ts";
import { setPaused } from "../core/runs/pause-dag.ts";
import { requireDag, requireDagRun, requireSerializedDag } from "../core/runs/require-dag.ts";
import { readTaskLog } from "../core/runs/task-log.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { requireCurrentSchema } from "../core/store/migrate.ts";
import { openDatabase, updraftHome, type DatabaseConfig } from "../core/store/open.ts";
import { listDagRuns } from "../core/store/queries/dag-runs.ts";
import { isSchedulerHealthy, latestSchedulerHeartbeat } from "../core/store/queries/jobs.ts";
import { listTaskInstances, type TiKey } from "../core/store/queries/task-instances.ts";
import type { JsonObject } from "../core/types.ts";
import { logPathFor, SCHEDULER_CHANNEL } from "../scheduler/scheduler.ts";
import { backfillJson, dagJson, dagRunJson, taskInstanceJson, taskInstanceReferenceJson, taskJson } from "../webserver/api/serializers.ts";
import type { StateClient } from "./state-client.ts";

const PAGE = 1000;

/**
 * The state client over the metadata database itself (PostgreSQL, or the embedded database when no other process
 * has it open). It runs the same core operations as the REST API, and answers in the same shapes. After a change a
 * scheduler must act on, it wakes the schedulers of other processes with NOTIFY (PostgreSQL).
 */
export class DatabaseClient implements StateClient {
  /** Who is running the command, for the event log (as Airflow's CLI logs `getuser()`). */
  private readonly owner = currentUser();

  private constructor(
    private readonly db: Database,
    private readonly home: string,
  ) {}

  static async open(config: DatabaseConfig): Promise<DatabaseClient> {
    const db = await openDatabase(config);
    try {
      await requireCurrentSchema(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    return new DatabaseClient(db, config.home ?? updraftHome());
  }

  get description(): string {
    return this.db.description;
  }

  get holdsEmbeddedDatabase(): boolean {
    return !this.db.capabilities.multiProcess;
  }

  async getDag(dagId: string) {
    return dagJson(await requireDag(this.db, dagId));
  }

  async setPaused(dagId: string, isPaused: boolean) {
    const dag = await setPaused(this.db, dagId, isPaused, this.owner);
    if (!isPaused) await this.wakeScheduler();
    return dagJson(dag);
  }

  async listTasks(dagId: string) {
    return (await requireSerializedDag(this.db, await requireDag(this.db, dagId))).data.tasks.map(taskJson);
  }

  async triggerDagRun(dagId: string, request: { runId?: string; logicalDate?: Date; conf?: JsonObject }) {
    const run = await triggerDagRun(this.db, dagId, { ...request, owner: this.owner });
    await this.wakeScheduler();
    return dagRunJson(run);
  }

  async listDagRuns(dagId: string, filter: { states?: string[]; logicalDateGte?: Date; logicalDateLte?: Date; orderBy?: string } = {}) {
    const all = [];
    for (let offset = 0; ; offset += PAGE) {
      const { runs, total } = await listDagRuns(this.db, dagId, { ...filter, limit: PAGE, offset });
      all.push(...runs.map(dagRunJson));
      if (runs.length === 0 || offset + runs.length >= total) return all;
    }
  }

  async getDagRun(dagId: string, runId: string) {
    return dagRunJson(await requireDagRun(this.db, dagId, runId));
  }

  async listTaskInstances(dagId: string, runId: string) {
    const run = await requireDagRun(this.db, dagId, runId);
    return (await listTaskInstances(this.db, dagId, runId)).map((ti) => taskInstanceJson({ ...ti, logical_date: run.logical_date }));
  }

  async clearTaskInstances(dagId: string, request: ClearRequest) {
    const { taskInstances } = await clearTaskInstances(this.db, dagId, request, this.owner);
    if (!request.dryRun && taskInstances.length) await this.wakeScheduler();
    return taskInstances.map(taskInstanceReferenceJson);
  }

  async backfill(dagId: string, request: BackfillRequest) {
    const result = await backfillDag(this.db, dagId, request, this.owner);
    if (result.created.length || result.rerun.length) await this.wakeScheduler();
    return backfillJson(dagId, request, result);
  }

  async readLog(key: TiKey, tryNumber: number) {
    return (await readTaskLog(this.db, key, tryNumber, (k, n) => logPathFor(this.home, k, n))).content;
  }

  async schedulerIsHealthy() {
    return !this.holdsEmbeddedDatabase && isSchedulerHealthy(await latestSchedulerHeartbeat(this.db));
  }

  close() {
    return this.db.close();
  }

  /**
   * Wakes the schedulers of other processes with a full pass: it starts queued runs (triggered, backfilled, or requeued
   * by a clear) and reads every running run's TIs again, so none plans from what it knew before a clear. (A run key
   * cannot be sent instead: NOTIFY payloads cannot hold the NUL that separates dag_id and run_id in it.)
   */
  private async wakeScheduler(): Promise<void> {
    if (!this.db.capabilities.crossProcessNotify) return;
    await this.db.notify(SCHEDULER_CHANNEL, "");
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name.
    return process.env.USER ?? "cli";
  }
}
