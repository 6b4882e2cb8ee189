import type { CrossDagBackend } from "../core/cross-dag.ts";
import { FailTask } from "../core/errors.ts";

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; data: unknown }>;

const detail = (data: unknown) => (data && typeof data === "object" && "detail" in data ? String((data as { detail: unknown }).detail) : JSON.stringify(data));

/** The runner's side of the cross-DAG routes (webserver/execution-api/deferral-routes.ts). */
export function crossDagBackendOverApi(call: Call): CrossDagBackend {
  return {
    async externalStates(query) {
      const { status, data } = await call("POST", "/external/states", {
        dag_id: query.dagId, task_ids: query.taskIds, task_group_id: query.taskGroupId ?? null,
        logical_dates: query.logicalDates.map((d) => new Date(d).toISOString()), check_existence: query.checkExistence ?? false,
      });
      if (status === 404) throw new Error(detail(data));
      if (status !== 200) throw new Error(`Could not read the states of DAG "${query.dagId}": ${status} ${detail(data)}`);
      const body = data as { tasks_per_date: number; rows: Array<{ logical_date: string; task_id: string | null; state: string | null }> };
      return { tasksPerDate: body.tasks_per_date, rows: body.rows.map((r) => ({ logicalDate: r.logical_date, taskId: r.task_id, state: r.state })) };
    },
    async dagRunStates(dagId, runIds) {
      const { status, data } = await call("POST", "/dag-runs/states", { dag_id: dagId, run_ids: runIds });
      if (status !== 200) throw new Error(`Could not read the runs of DAG "${dagId}": ${status} ${detail(data)}`);
      return (data as { states: Record<string, string | null> }).states;
    },
    async triggerDagRun(request) {
      const { status, data } = await call("POST", "/dag-runs/trigger", {
        dag_id: request.dagId, run_id: request.runId, logical_date: request.logicalDate.toISOString(), conf: request.conf,
        reset_dag_run: request.resetDagRun, skip_when_already_exists: request.skipWhenAlreadyExists,
      });
      // A DAG that does not exist or refuses the conf will not be fixed by retrying.
      if (status === 400 || status === 404) throw new FailTask(`Could not trigger DAG "${request.dagId}": ${detail(data)}`);
      if (status !== 200) throw new Error(detail(data));
      const body = data as { outcome: "created" | "reset" | "exists"; run_id: string; logical_date: string };
      return { outcome: body.outcome, runId: body.run_id, logicalDate: new Date(body.logical_date) };
    },
  };
}
