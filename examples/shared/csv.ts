import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type CsvValue = string | number | boolean | null;

/** RFC 4180 text: a header line, then one line per row; fields with commas, quotes or newlines are quoted. */
export function toCsv(columns: string[], rows: Array<Record<string, CsvValue>>): string {
  const field = (v: CsvValue) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(","), ...rows.map((row) => columns.map((c) => field(row[c])).join(","))].join("\n") + "\n";
}

export async function writeCsv(path: string, columns: string[], rows: Array<Record<string, CsvValue>>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, toCsv(columns, rows));
}
