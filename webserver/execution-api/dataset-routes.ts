import { normalizeDatasetUri } from "../../core/dataset.ts";
import type { Database } from "../../core/store/database.ts";
import { eventsOfDataset } from "../../core/store/queries/dataset-events.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

/** The most events `inlet_events` returns for one dataset (the latest ones). */
export const INLET_EVENTS_LIMIT = 1000;

/** `inlet_events`: a task reads the recorded events of a dataset, in the camelCase shape its context shows. */
export function registerDatasetRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks): void {
  api.route("GET", "/dataset-events/:uri", async (_claims, _body, uri) => {
    const rows = await eventsOfDataset(db, normalizeDatasetUri(uri), INLET_EVENTS_LIMIT);
    return {
      status: 200,
      body: {
        events: rows.map((e) => ({
          uri: e.uri, extra: e.extra, timestamp: e.timestamp.toISOString(), sourceDagId: e.source_dag_id, sourceTaskId: e.source_task_id,
          sourceRunId: e.source_run_id, sourceMapIndex: e.source_map_index,
        })),
      },
    };
  });
}
