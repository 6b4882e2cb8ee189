import type { Database } from "../../core/store/database.ts";
import { lineageWriterFor } from "../../lineage/store/record-event.ts";
import type { RunEvent } from "../../lineage/types.ts";
import { validateRunEvent } from "../../lineage/validate.ts";
import type { ExecutionApi, ExecutionApiHooks } from "./execution-api.ts";

/** `POST /lineage/events`: a runner hands a try's OpenLineage event to Updraft's own lineage service. */
export function registerLineageRoutes(api: ExecutionApi, db: Database, _hooks: ExecutionApiHooks): void {
  api.route("POST", "/lineage/events", async (claims, body) => {
    const errors = validateRunEvent(body);
    if (errors.length) return { status: 422, body: { title: "Unprocessable Entity", status: 422, detail: `Not a valid OpenLineage RunEvent: ${errors.slice(0, 5).join("; ")}` } };
    const event = body as RunEvent;
    // A runner speaks only for its own DAG: a job named for another DAG is refused.
    if (event.job.name !== claims.dagId && !event.job.name.startsWith(`${claims.dagId}.`)) {
      return { status: 403, body: { title: "Forbidden", status: 403, detail: `This token's try belongs to DAG "${claims.dagId}", not job "${event.job.name}".` } };
    }
    // Written with the other tries' events of the next ~100 ms, in one transaction.
    lineageWriterFor(db).add(event);
    return { status: 202, body: null };
  });
}
