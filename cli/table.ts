import { isoformat } from "../core/dates.ts";

/** A plain text table, columns padded to their widest cell. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join(" | ").trimEnd();
  return [line(headers), widths.map((w) => "=".repeat(w)).join("=+="), ...cells.map(line)].join("\n");
}

type Cell = string | number | boolean | null | undefined;

/**
 * Records as Airflow's CLI prints them (`-o`): json is the records themselves; table shows `columns` in a table
 * ("No data found" when empty); plain is one tab-separated line per record, for scripts.
 */
export function printRecords<R extends object>(out: (line: string) => void, format: "json" | "table" | "plain", columns: ReadonlyArray<keyof R & string>, records: readonly R[]): void {
  const cell = (record: R, column: keyof R & string) => {
    const value = record[column] as unknown;
    return value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value as Cell);
  };
  if (format === "json") out(JSON.stringify(records));
  else if (format === "plain") for (const record of records) out(columns.map((c) => cell(record, c)).join("\t"));
  else if (records.length === 0) out("No data found");
  else out(formatTable([...columns], records.map((record) => columns.map((c) => cell(record, c)))));
}

/** A date of the API (a JavaScript ISO string) as Airflow's CLI prints it (Python's isoformat); empty for none. */
export const airflowDate = (value: string | null | undefined): string => (value ? isoformat(new Date(value)) : "");
