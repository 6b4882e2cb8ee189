import type { Queryable } from "../database.ts";

export interface EventLogRow {
  id: number;
  dttm: Date;
  dag_id: string | null;
  task_id: string | null;
  map_index: number | null;
  run_id: string | null;
  try_number: number | null;
  event: string;
  owner: string | null;
  extra: string | null;
  logical_date: Date | null;
}

export interface EventLogFilter {
  /** Only these DAGs' events (and events of no DAG); every event when null. */
  readableDagIds: readonly string[] | null;
  dagId: string | null;
  taskId: string | null;
  runId: string | null;
  mapIndex: number | null;
  tryNumber: number | null;
  event: string | null;
  owner: string | null;
  before: Date | null;
  after: Date | null;
  includedEvents: readonly string[] | null;
  excludedEvents: readonly string[] | null;
}

export const EVENT_LOG_ORDER_COLUMNS = {
  event_log_id: "l.id", id: "l.id", when: "l.dttm", dttm: "l.dttm", dag_id: "l.dag_id", task_id: "l.task_id", run_id: "l.run_id",
  event: "l.event", owner: "l.owner", execution_date: "r.logical_date",
} as const;

const WHERE = `($1::text[] IS NULL OR l.dag_id IS NULL OR l.dag_id = ANY($1::text[]))
   AND ($2::text IS NULL OR l.dag_id = $2) AND ($3::text IS NULL OR l.task_id = $3) AND ($4::text IS NULL OR l.run_id = $4)
   AND ($5::int IS NULL OR l.map_index = $5) AND ($6::int IS NULL OR l.try_number = $6)
   AND ($7::text IS NULL OR l.event = $7) AND ($8::text IS NULL OR l.owner = $8)
   AND ($9::timestamptz IS NULL OR l.dttm < $9) AND ($10::timestamptz IS NULL OR l.dttm > $10)
   AND ($11::text[] IS NULL OR l.event = ANY($11::text[])) AND ($12::text[] IS NULL OR NOT (l.event = ANY($12::text[])))`;

const FROM = "FROM log l LEFT JOIN dag_run r ON r.dag_id = l.dag_id AND r.run_id = l.run_id";
const params = (f: EventLogFilter) => [
  f.readableDagIds, f.dagId, f.taskId, f.runId, f.mapIndex, f.tryNumber, f.event, f.owner, f.before, f.after, f.includedEvents, f.excludedEvents,
];

/** A page of the event (audit) log and how many match. Parameters: the filter's 12 values, limit, offset. */
export async function listEventLog(db: Queryable, filter: EventLogFilter, order: string, limit: number, offset: number): Promise<{ events: EventLogRow[]; total: number }> {
  const { rows } = await db.query<EventLogRow>(`SELECT l.*, r.logical_date ${FROM} WHERE ${WHERE} ${order} LIMIT $13 OFFSET $14`, [...params(filter), limit, offset]);
  const { rows: count } = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${FROM} WHERE ${WHERE}`, params(filter));
  return { events: rows, total: count[0].n };
}

export async function getEventLog(db: Queryable, id: number): Promise<EventLogRow | null> {
  const { rows } = await db.query<EventLogRow>(`SELECT l.*, r.logical_date ${FROM} WHERE l.id = $1`, [id]);
  return rows[0] ?? null;
}
