import type { Database } from "../store/database.ts";
import { getDagRow, setDagPaused, type DagRow } from "../store/queries/dags.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { requireDag } from "./require-dag.ts";

/** Pauses or unpauses a DAG (404 with the closest id for an unknown one) and logs who did it. Returns the DAG after. */
export async function setPaused(db: Database, dagId: string, isPaused: boolean, owner: string): Promise<DagRow> {
  await requireDag(db, dagId);
  await db.transaction(async (tx) => {
    await setDagPaused(tx, dagId, isPaused);
    await recordEvent(tx, { dagId, event: isPaused ? "paused" : "unpaused", owner });
  });
  return (await getDagRow(db, dagId))!;
}
