import type { Database, Queryable } from "../../core/store/database.ts";
import type { RunEvent } from "../types.ts";

type Facets = Record<string, unknown>;

/** Stores one (already validated) run event; see recordLineageEvents. */
export async function recordLineageEvent(tx: Queryable, event: RunEvent): Promise<void> {
  await recordLineageEvents(tx, [event]);
}

/**
 * Stores (already validated) run events and folds them into the graph: each job (its facets merged, its latest run),
 * each dataset (facets merged) and an edge per input and output. A fixed number of statements whatever the number of
 * events (rows travel as one JSON array each), so the scheduler's database pays little per try. Parameters: the events,
 * oldest first. One transaction (the caller's).
 */
export async function recordLineageEvents(tx: Queryable, events: readonly RunEvent[]): Promise<void> {
  if (!events.length) return;
  await tx.query(
    `INSERT INTO lineage_event (event_type, event_time, run_id, job_namespace, job_name, event)
     SELECT event_type, event_time, run_id, job_namespace, job_name, event
       FROM jsonb_to_recordset($1::jsonb) AS e(event_type text, event_time timestamptz, run_id text, job_namespace text, job_name text, event jsonb)`,
    [JSON.stringify(events.map((e) => ({
      event_type: e.eventType ?? "OTHER", event_time: e.eventTime, run_id: e.run.runId, job_namespace: e.job.namespace, job_name: e.job.name, event: e,
    })))],
  );
  // One row per key: PostgreSQL refuses to update a row twice in one INSERT … ON CONFLICT.
  const jobs = new Map<string, { namespace: string; name: string; facets: Facets; latest_run_id: string; latest_event_type: string; latest_event_time: string }>();
  const datasets = new Map<string, { namespace: string; name: string; facets: Facets }>();
  const edges = new Map<string, { job_namespace: string; job_name: string; dataset_namespace: string; dataset_name: string; direction: string }>();
  for (const e of events) {
    const jobKey = `${e.job.namespace}\u0000${e.job.name}`;
    const job = jobs.get(jobKey);
    const latest = !job || Date.parse(e.eventTime) >= Date.parse(job.latest_event_time);
    jobs.set(jobKey, {
      namespace: e.job.namespace, name: e.job.name, facets: { ...(job?.facets ?? {}), ...(e.job.facets ?? {}) },
      latest_run_id: latest ? e.run.runId : job!.latest_run_id,
      latest_event_type: latest ? (e.eventType ?? "OTHER") : job!.latest_event_type,
      latest_event_time: latest ? e.eventTime : job!.latest_event_time,
    });
    for (const [direction, list] of [["input", e.inputs ?? []], ["output", e.outputs ?? []]] as const) {
      for (const d of list) {
        const datasetKey = `${d.namespace}\u0000${d.name}`;
        datasets.set(datasetKey, { namespace: d.namespace, name: d.name, facets: { ...(datasets.get(datasetKey)?.facets ?? {}), ...(d.facets ?? {}) } });
        edges.set(`${jobKey}\u0000${datasetKey}\u0000${direction}`, {
          job_namespace: e.job.namespace, job_name: e.job.name, dataset_namespace: d.namespace, dataset_name: d.name, direction,
        });
      }
    }
  }
  await tx.query(
    `INSERT INTO lineage_job (namespace, name, facets, latest_run_id, latest_event_type, latest_event_time)
     SELECT namespace, name, facets, latest_run_id, latest_event_type, latest_event_time
       FROM jsonb_to_recordset($1::jsonb) AS j(namespace text, name text, facets jsonb, latest_run_id text, latest_event_type text, latest_event_time timestamptz)
     ON CONFLICT (namespace, name) DO UPDATE SET facets = lineage_job.facets || EXCLUDED.facets,
       latest_run_id = CASE WHEN EXCLUDED.latest_event_time >= lineage_job.latest_event_time OR lineage_job.latest_event_time IS NULL THEN EXCLUDED.latest_run_id ELSE lineage_job.latest_run_id END,
       latest_event_type = CASE WHEN EXCLUDED.latest_event_time >= lineage_job.latest_event_time OR lineage_job.latest_event_time IS NULL THEN EXCLUDED.latest_event_type ELSE lineage_job.latest_event_type END,
       latest_event_time = GREATEST(lineage_job.latest_event_time, EXCLUDED.latest_event_time), updated_at = now()`,
    [JSON.stringify([...jobs.values()])],
  );
  if (!datasets.size) return;
  await tx.query(
    `INSERT INTO lineage_dataset (namespace, name, facets)
     SELECT namespace, name, facets FROM jsonb_to_recordset($1::jsonb) AS d(namespace text, name text, facets jsonb)
     ON CONFLICT (namespace, name) DO UPDATE SET facets = lineage_dataset.facets || EXCLUDED.facets, updated_at = now()`,
    [JSON.stringify([...datasets.values()])],
  );
  await tx.query(
    `INSERT INTO lineage_edge (job_namespace, job_name, dataset_namespace, dataset_name, direction)
     SELECT job_namespace, job_name, dataset_namespace, dataset_name, direction
       FROM jsonb_to_recordset($1::jsonb) AS x(job_namespace text, job_name text, dataset_namespace text, dataset_name text, direction text)
     ON CONFLICT (job_namespace, job_name, dataset_namespace, dataset_name, direction) DO UPDATE SET updated_at = now()`,
    [JSON.stringify([...edges.values()])],
  );
}

const writers = new WeakMap<Database, LineageWriter>();

/** The one writer of a database (the execution API's and the scheduler's events share it). */
export function lineageWriterFor(db: Database): LineageWriter {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new LineageWriter(db)));
  return writer;
}

/**
 * Writes events into Updraft's lineage service in batches: `add` never waits, and the events of every try that ended
 * within the last `delayMs` are written in one transaction of a few statements. Lineage is never worth slowing the
 * scheduler for: a batch that cannot be written (the database is down) is dropped and counted in the log.
 */
export class LineageWriter {
  private pending: RunEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(
    private readonly db: Database,
    private readonly delayMs = 100,
    private readonly maxBatch = 500,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  add(event: RunEvent): void {
    this.pending.push(event);
    if (this.pending.length >= this.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  /** Writes what is pending now; resolves once it (and every earlier batch) is written or dropped. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) {
      this.writing = this.writing.then(() =>
        this.db.transaction((tx) => recordLineageEvents(tx, batch)).catch((error: unknown) => {
          this.dropped += batch.length;
          this.log(`[lineage] ${batch.length} event(s) not stored in the lineage service (${this.dropped} in all): ${(error as Error).message}`);
        }),
      );
    }
    return this.writing;
  }
}
