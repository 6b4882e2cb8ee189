import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import pg from "pg";
import { batchFromRows, type Batch, type Row } from "./batch.ts";
import { parseCsv, typeCsvColumn } from "./csv.ts";

/** A CSV, JSON (array of objects, or JSON lines) or Parquet file as a batch; the extension picks the reader. */
export async function readFileBatch(path: string): Promise<Batch> {
  const full = resolve(path);
  const ext = extname(full).toLowerCase();
  const source = `file://${full}`;
  try {
    if (ext === ".csv" || ext === ".tsv") {
      const { header, records } = parseCsv(await readFile(full, "utf8"), ext === ".tsv" ? "\t" : ",");
      const columns = header.map((_, c) => typeCsvColumn(records.map((r) => r[c])));
      const rows = records.map((_, r) => Object.fromEntries(header.map((name, c) => [name, columns[c][r]])));
      return batchFromRows(source, rows, header);
    }
    if (ext === ".json" || ext === ".jsonl" || ext === ".ndjson") {
      const text = await readFile(full, "utf8");
      const rows = (ext === ".json" ? JSON.parse(text) : text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))) as Row[];
      if (!Array.isArray(rows) || rows.some((r) => typeof r !== "object" || r === null || Array.isArray(r))) {
        throw new Error("expected an array of objects (one per row)");
      }
      return batchFromRows(source, rows);
    }
    if (ext === ".parquet") {
      const { asyncBufferFromFile, parquetReadObjects, parquetMetadataAsync, parquetSchema } = await import("hyparquet");
      const file = await asyncBufferFromFile(full);
      const metadata = await parquetMetadataAsync(file);
      const columns = parquetSchema(metadata).children.map((child) => child.element.name);
      const rows = (await parquetReadObjects({ file, metadata })) as Row[];
      return batchFromRows(source, rows, columns);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`Data file ${full} does not exist.`);
    throw new Error(`Could not read ${full} as ${ext.slice(1)}: ${(error as Error).message}`);
  }
  throw new Error(`Data file ${full} has an unsupported extension "${ext}": use .csv, .tsv, .json, .jsonl or .parquet.`);
}

/**
 * A PostgreSQL table (or a query's rows) as a batch, with the table's column types from information_schema.
 * `table` may be schema-qualified; it is quoted as an identifier, never spliced as SQL.
 */
export async function readPostgresBatch(connection: string | pg.ClientConfig, spec: { table: string } | { query: string }): Promise<Batch> {
  const config = typeof connection === "string" ? { connectionString: connection } : connection;
  const client = new pg.Client({ ...config, types: { getTypeParser: numericParser } });
  await client.connect();
  try {
    if ("query" in spec) {
      const result = await client.query({ text: spec.query });
      const names = result.fields.map((f) => f.name);
      const typeRows = await client.query<{ oid: number; typname: string }>("SELECT oid::int AS oid, format_type(oid, NULL) AS typname FROM pg_type WHERE oid = ANY($1)", [result.fields.map((f) => f.dataTypeID)]);
      const typeById = new Map(typeRows.rows.map((r) => [r.oid, r.typname]));
      return { source: "postgres:query", columns: names, rows: result.rows, types: Object.fromEntries(result.fields.map((f) => [f.name, typeById.get(f.dataTypeID) ?? "unknown"])), dialect: "sql" };
    }
    const [schema, table] = spec.table.includes(".") ? spec.table.split(".", 2) : ["public", spec.table];
    const columns = await client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position", [schema, table]);
    if (columns.rows.length === 0) throw new Error(`PostgreSQL table ${schema}.${table} does not exist (or has no columns visible to this user).`);
    const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const rows = await client.query(`SELECT * FROM ${ident(schema)}.${ident(table)}`);
    return {
      source: `postgres:${schema}.${table}`,
      columns: columns.rows.map((c) => c.column_name),
      rows: rows.rows,
      types: Object.fromEntries(columns.rows.map((c) => [c.column_name, c.data_type])),
      dialect: "sql",
    };
  } finally {
    await client.end();
  }
}

const NUMERIC_OIDS = new Set([20, 700, 701, 1700]); // int8, float4, float8, numeric

/** pg returns int8 and numeric as strings (to keep precision); expectations compare them as numbers, as GE does. */
function numericParser(oid: number, format?: "text" | "binary") {
  if (NUMERIC_OIDS.has(oid)) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as "text");
}
