import type { Queryable } from "../core/store/database.ts";
import { latestSerializedDag, type StoredDag } from "../core/store/queries/serialized-dags.ts";

/**
 * Serialized DAGs by id, re-read only when the `dag` row's hash changes. The scheduler calls `get` for every run it
 * examines, so this keeps JSON parsing off the hot path.
 */
export class DagCache {
  private readonly byId = new Map<string, StoredDag>();

  async get(db: Queryable, dagId: string, expectedHash?: string | null): Promise<StoredDag | null> {
    const cached = this.byId.get(dagId);
    if (cached && (!expectedHash || cached.dagHash === expectedHash)) return cached;
    const stored = await latestSerializedDag(db, dagId);
    if (stored) this.byId.set(dagId, stored);
    return stored;
  }

  invalidate(dagId: string): void {
    this.byId.delete(dagId);
  }
}
