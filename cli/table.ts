/** A plain text table, columns padded to their widest cell. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join(" | ").trimEnd();
  return [line(headers), widths.map((w) => "=".repeat(w)).join("=+="), ...cells.map(line)].join("\n");
}
