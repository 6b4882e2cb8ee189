/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. Returns the header and the raw string cells. */
export function parseCsv(text: string, delimiter = ","): { header: string[]; records: string[][] } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) { record.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new Error("CSV ends inside a quoted field: a closing quote is missing.");
  if (field !== "" || record.length) { record.push(field); records.push(record); }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ""));
  const [header = [], ...rows] = nonEmpty;
  rows.forEach((r, index) => {
    if (r.length !== header.length) throw new Error(`CSV line ${index + 2} has ${r.length} fields where the header has ${header.length}.`);
  });
  return { header, records: rows };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NULLS = new Set(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "#N/A"]);
const BOOLS: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

/** Column-wise typing as pandas' read_csv does: a column is numeric (or boolean) only when every non-null cell is. */
export function typeCsvColumn(cells: string[]): unknown[] {
  const present = cells.filter((c) => !NULLS.has(c));
  const asNull = (c: string) => (NULLS.has(c) ? null : c);
  if (present.length && present.every((c) => NUMBER.test(c))) return cells.map((c) => (NULLS.has(c) ? null : Number(c)));
  if (present.length && present.every((c) => c in BOOLS)) return cells.map((c) => (NULLS.has(c) ? null : BOOLS[c]));
  return cells.map(asNull);
}
