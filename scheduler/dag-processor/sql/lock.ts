import type { Queryable } from "../../../core/store/database.ts";

// Several DAG processors may share one PostgreSQL. Each file's store is one short transaction (a few statements,
// milliseconds) while parsing the file takes a process and hundreds of milliseconds, so serialising stores behind one
// lock costs nothing measurable and makes the "dag id defined elsewhere?" check and version numbering race-free.
const DAG_STORE_LOCK_ID = 7_318_004_212;

/** Takes the DAG processors' store lock until the transaction ends. No parameters besides the lock id. */
export async function lockDagStore(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [DAG_STORE_LOCK_ID]);
}
