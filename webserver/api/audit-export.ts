import type { AuditRow } from "../../core/store/queries/audit-trail.ts";

/** One audit record as exported: who, what, when, where from (the extra's ip or host), and the details. */
export function auditJson(rows: AuditRow[]) {
  return rows.map((r) => {
    let extra: unknown = r.extra;
    try {
      extra = r.extra ? JSON.parse(r.extra) : null;
    } catch {
      // Older entries may hold free text: kept as is.
    }
    const details = extra && typeof extra === "object" ? (extra as Record<string, unknown>) : {};
    return {
      id: r.id, when: r.dttm.toISOString(), who: r.owner, event: r.event,
      from: (details.ip ?? details.host ?? null) as string | null, via: (details.via ?? null) as string | null,
      dag_id: r.dag_id, task_id: r.task_id, run_id: r.run_id, map_index: r.map_index, try_number: r.try_number, extra,
    };
  });
}

const CSV_COLUMNS = ["id", "when", "who", "event", "from", "via", "dag_id", "task_id", "run_id", "map_index", "try_number", "extra"] as const;

/** RFC 4180 CSV; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
export function auditCsv(rows: AuditRow[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    if (/^[=+\-@]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = auditJson(rows).map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(","));
  return `${[CSV_COLUMNS.join(","), ...lines].join("\r\n")}\r\n`;
}
