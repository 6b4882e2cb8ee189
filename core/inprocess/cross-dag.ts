import type { CrossDagBackend } from "../cross-dag.ts";
import { DagBag } from "../dagbag/dagbag.ts";
import { isoformat } from "../dates.ts";
import { FailTask } from "../errors.ts";
import type { TaskState } from "../types.ts";
import { runDagInProcess } from "./run-dag.ts";

interface FinishedRun {
  dagId: string;
  runId: string;
  logicalDate: Date;
  state: string;
  tis: Array<{ taskId: string; state: TaskState }>;
}

/** Runs of other DAGs this `dags test` process ran (the DAGs it triggered), for cross-DAG reads. */
const finishedRuns: FinishedRun[] = [];

const NO_DATABASE = "`updraft dags test` runs without the metadata database";

/**
 * `dags test` has no metadata database, so cross-DAG work stays in this process: TriggerDagRunOperator runs the
 * triggered DAG here (from the same DAGs folder) to its end before going on, and ExternalTaskSensor sees only runs
 * made so in this process — any other target fails the sensor with a message saying so (or skips it with softFail).
 */
export function inProcessCrossDag(log: (message: string) => void): CrossDagBackend {
  return {
    async externalStates(query) {
      const dates = new Set(query.logicalDates.map((d) => new Date(d).getTime()));
      const runs = finishedRuns.filter((r) => r.dagId === query.dagId && dates.has(r.logicalDate.getTime()));
      if (!runs.length) {
        throw new FailTask(`${NO_DATABASE}: no run of DAG "${query.dagId}" at ${query.logicalDates.map((d) => isoformat(new Date(d))).join(", ")} was made in this process, so there is nothing to wait for. Run both DAGs under the scheduler (\`updraft standalone\`) to see the sensor wait.`);
      }
      if (!query.taskIds && !query.taskGroupId) {
        return { tasksPerDate: 1, rows: runs.map((r) => ({ logicalDate: r.logicalDate.toISOString(), taskId: null, state: r.state })) };
      }
      const ids = query.taskIds ?? [];
      const inGroup = (taskId: string) => (query.taskGroupId ? taskId.startsWith(`${query.taskGroupId}.`) : ids.includes(taskId));
      const rows = runs.flatMap((r) => r.tis.filter((ti) => inGroup(ti.taskId)).map((ti) => ({ logicalDate: r.logicalDate.toISOString(), taskId: ti.taskId, state: ti.state })));
      const perDate = query.taskGroupId ? new Set(rows.map((r) => r.taskId)).size : ids.length;
      return { tasksPerDate: Math.max(1, perDate), rows };
    },
    async dagRunStates(dagId, runIds) {
      return Object.fromEntries(runIds.map((id) => [id, finishedRuns.find((r) => r.dagId === dagId && r.runId === id)?.state ?? null]));
    },
    async triggerDagRun(call) {
      const existing = finishedRuns.findIndex((r) => r.dagId === call.dagId && (r.runId === call.runId || r.logicalDate.getTime() === call.logicalDate.getTime()));
      if (existing >= 0 && call.skipWhenAlreadyExists) return { outcome: "exists", runId: finishedRuns[existing].runId, logicalDate: finishedRuns[existing].logicalDate };
      if (existing >= 0 && !call.resetDagRun) throw new FailTask(`DagRunAlreadyExists: DAG "${call.dagId}" already has run "${call.runId}" in this dags test.`);
      const bag = await DagBag.load();
      if (!bag.dags.has(call.dagId)) throw new FailTask(`Could not trigger DAG "${call.dagId}": it is not in the DAGs folder.`);
      log(`[dags test] ${NO_DATABASE}: running the triggered DAG "${call.dagId}" (${call.runId}) here, to its end, before going on.`);
      const result = await runDagInProcess(bag.getDag(call.dagId), {
        logicalDate: call.logicalDate, conf: call.conf, runId: call.runId,
        onStateChange: (e) => log(`[dags test] ${call.dagId}.${e.taskId}${e.mapIndex >= 0 ? `[${e.mapIndex}]` : ""} → ${e.state ?? "none"}`),
      });
      if (existing >= 0) finishedRuns.splice(existing, 1);
      finishedRuns.push({
        dagId: call.dagId, runId: call.runId, logicalDate: call.logicalDate, state: result.state,
        tis: result.taskInstances.map((ti) => ({ taskId: ti.taskId, state: ti.state })),
      });
      log(`[dags test] triggered run ${call.runId} of ${call.dagId} ended ${result.state}.`);
      return { outcome: existing >= 0 ? "reset" : "created", runId: call.runId, logicalDate: call.logicalDate };
    },
  };
}
