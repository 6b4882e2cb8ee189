import type { Queryable } from "../../../core/store/database.ts";
import type { DagRunState } from "../../../core/types.ts";
import type { DagAccessControl } from "../../auth/permissions.ts";

export interface DagListRow {
  dag_id: string;
  is_paused: boolean;
  has_import_errors: boolean;
  owners: string;
  description: string;
  timetable_summary: string | null;
  tags: string[];
  next_dagrun: Date | null;
  access_control: DagAccessControl | null;
  /** The latest runs, newest first. */
  recent_runs: Array<{ run_id: string; state: DagRunState; logical_date: string }>;
  running: number;
}

export interface DagListFilter {
  /** Part of the DAG id or description, any case; everything when empty. */
  search: string;
  /** Only DAGs with this tag; everything when empty. */
  tag: string;
  status: "all" | "active" | "paused";
}

/** How many runs each DAG row shows as dots. */
export const RECENT_RUNS = 10;

/**
 * The DAGs list page: active DAGs matching the filter, each with its latest runs and its access control (the page
 * shows only DAGs the user may read). Parameters: search, tag, status, recent-run count.
 */
export async function listDagsForUi(db: Queryable, filter: DagListFilter): Promise<DagListRow[]> {
  const { rows } = await db.query<DagListRow>(
    `SELECT d.dag_id, d.is_paused, d.has_import_errors, d.owners, d.description, d.timetable_summary, d.tags, d.next_dagrun,
            (SELECT s.data -> 'access_control' FROM serialized_dag s WHERE s.dag_id = d.dag_id ORDER BY s.version DESC LIMIT 1) AS access_control,
            coalesce((SELECT json_agg(json_build_object('run_id', r.run_id, 'state', r.state, 'logical_date', r.logical_date) ORDER BY r.logical_date DESC)
                        FROM (SELECT run_id, state, logical_date FROM dag_run WHERE dag_id = d.dag_id ORDER BY logical_date DESC LIMIT $4) r), '[]'::json) AS recent_runs,
            (SELECT count(*)::int FROM dag_run WHERE dag_id = d.dag_id AND state = 'running') AS running
       FROM dag d
      WHERE d.is_active
        AND ($1 = '' OR strpos(lower(d.dag_id), lower($1)) > 0 OR strpos(lower(d.description), lower($1)) > 0)
        AND ($2 = '' OR d.tags ? $2)
        AND ($3 = 'all' OR ($3 = 'active' AND NOT d.is_paused) OR ($3 = 'paused' AND d.is_paused))
      ORDER BY d.dag_id`,
    [filter.search, filter.tag, filter.status, RECENT_RUNS],
  );
  return rows;
}

/** Every tag of an active DAG, for the tag filter. */
export async function listDagTags(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ tag: string }>("SELECT DISTINCT jsonb_array_elements_text(tags) AS tag FROM dag WHERE is_active ORDER BY 1");
  return rows.map((r) => r.tag);
}

export interface ImportErrorRow {
  filename: string;
  stacktrace: string;
  timestamp: Date;
}

export async function listImportErrors(db: Queryable): Promise<ImportErrorRow[]> {
  const { rows } = await db.query<ImportErrorRow>("SELECT filename, stacktrace, timestamp FROM import_error ORDER BY filename");
  return rows;
}
