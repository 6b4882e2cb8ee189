/** A feature row as the online store keeps it: the latest values of one entity key in one view. */
export interface OnlineRecord {
  /** `entityKey(row, joinKeys)`: the JSON list of join-key values as strings. */
  entityKey: string;
  values: Record<string, unknown>;
  eventTs: number;
  createdTs: number | null;
}

/** Where materialization and `/push` write and `/get-online-features` reads (Feast's OnlineStore). */
export interface OnlineStore {
  /** Upserts by entity key (a later write of the same key replaces the values). */
  write(project: string, view: string, records: OnlineRecord[]): Promise<void>;
  read(project: string, view: string, entityKeys: string[]): Promise<Map<string, { values: Record<string, unknown>; eventTs: number }>>;
  /** The registry's record of a materialized interval, which materialize-incremental continues from. */
  recordMaterialization(project: string, view: string, start: number, end: number): Promise<void>;
  lastMaterializedEnd(project: string, view: string): Promise<number | null>;
  close(): Promise<void>;
}

/** The last record per entity key: several writes of one key in one batch keep the last one, as an upsert would. */
export function lastPerKey(records: OnlineRecord[]): OnlineRecord[] {
  return [...new Map(records.map((r) => [r.entityKey, r])).values()];
}
