import type { Queryable } from "../store/database.ts";
import { getDagRun, type DagRunRow } from "../store/queries/dag-runs.ts";
import { getDagRow, listActiveDagIds, type DagRow } from "../store/queries/dags.ts";
import { latestSerializedDag, type StoredDag } from "../store/queries/serialized-dags.ts";
import { didYouMean } from "../suggest.ts";
import { RequestError } from "./request-error.ts";

/** The DAG's row, or a 404 naming the closest known DAG id (a mistyped id is the usual cause). */
export async function requireDag(db: Queryable, dagId: string): Promise<DagRow> {
  const dag = await getDagRow(db, dagId);
  if (dag?.is_active) return dag;
  if (dag) throw new RequestError(404, `DAG "${dagId}" is no longer in the DAGs folder (its file ${dag.fileloc} is gone or no longer defines it).`);
  const suggestion = didYouMean(dagId, await listActiveDagIds(db));
  throw new RequestError(
    404,
    suggestion
      ? `DAG "${dagId}" not found.${suggestion}`
      : `DAG "${dagId}" not found: no DAG with this id has been parsed. Check the id, and that its file is in the DAGs folder and loads ("updraft dags list-import-errors").`,
  );
}

/**
 * The DAG's latest serialized version: what runs are created and cleared from. New runs are refused (400) while its
 * file fails to load (`forNewRuns`), as Airflow does; reading and clearing use the last version that loaded.
 */
export async function requireSerializedDag(db: Queryable, dag: DagRow, { forNewRuns = false } = {}): Promise<StoredDag> {
  if (forNewRuns && dag.has_import_errors) {
    throw new RequestError(400, `DAG "${dag.dag_id}" has import errors in ${dag.fileloc}: fix them first ("updraft dags list-import-errors").`);
  }
  const stored = await latestSerializedDag(db, dag.dag_id);
  if (!stored) throw new RequestError(404, `DAG "${dag.dag_id}" has not been parsed yet: wait for the DAG processor, then try again.`);
  return stored;
}

/** The run, or a 404: for the DAG (with the closest id) when it is the DAG that is unknown, else for the run. */
export async function requireDagRun(db: Queryable, dagId: string, runId: string): Promise<DagRunRow> {
  const run = await getDagRun(db, dagId, runId);
  if (run) return run;
  await requireDag(db, dagId);
  throw new RequestError(404, `DAG "${dagId}" has no run "${runId}" (see "updraft dags list-runs ${dagId}").`);
}
