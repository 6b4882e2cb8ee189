import type { ConnectionInfo } from "../../core/types.ts";
import type { LineageDataset } from "../types.ts";

// Loaded on first use: the parser is 2.4 MB of JavaScript (over a second to load on a busy machine), and most runners never see SQL.
let parser: Promise<{ tableList(sql: string, options: { database: string }): string[] }> | undefined;
const sqlParser = () => (parser ??= import("node-sql-parser").then((m) => new (m.default ?? m).Parser()));
const WRITES = new Set(["insert", "update", "delete", "create", "alter", "drop", "replace", "merge", "truncate"]);
const SCHEMES: Record<string, { scheme: string; port: number; dialect: string; defaultSchema: string | null }> = {
  postgres: { scheme: "postgres", port: 5432, dialect: "PostgresQL", defaultSchema: "public" },
  postgresql: { scheme: "postgres", port: 5432, dialect: "PostgresQL", defaultSchema: "public" },
  mysql: { scheme: "mysql", port: 3306, dialect: "MySQL", defaultSchema: null },
  sqlite: { scheme: "sqlite", port: 0, dialect: "Sqlite", defaultSchema: null },
};

export interface SqlLineage {
  inputs: LineageDataset[];
  outputs: LineageDataset[];
  dialect: string;
}

/**
 * The tables a statement reads and writes, named as OpenLineage's naming spec names them: namespace
 * `postgres://host:port`, name `database.schema.table` (the connection's `schema` field is its database, as in
 * Airflow). A statement the parser cannot read gives no datasets and the parser's message, never an exception.
 */
export async function sqlLineage(sql: string | readonly string[], connection: ConnectionInfo | undefined): Promise<SqlLineage & { error?: string }> {
  const kind = SCHEMES[String(connection?.connType ?? "postgres").toLowerCase()] ?? SCHEMES.postgres;
  const namespace = kind.scheme === "sqlite" ? `sqlite://${connection?.host ?? "localhost"}` : `${kind.scheme}://${connection?.host ?? "localhost"}:${connection?.port ?? kind.port}`;
  const database = connection?.schema || null;
  const inputs = new Map<string, LineageDataset>();
  const outputs = new Map<string, LineageDataset>();
  const statements = typeof sql === "string" ? [sql] : [...sql];
  try {
    const parser = await sqlParser();
    for (const statement of statements) {
      for (const entry of parser.tableList(statement, { database: kind.dialect })) {
        const [type, schema, table] = entry.split("::");
        const name = [database, schema === "null" ? kind.defaultSchema : schema, table].filter(Boolean).join(".");
        const target = WRITES.has(type) ? outputs : inputs;
        target.set(name, { namespace, name });
      }
    }
  } catch (error) {
    return { inputs: [], outputs: [], dialect: kind.dialect.toLowerCase(), error: (error as Error).message };
  }
  // A table both read and written (INSERT … SELECT FROM itself) is an output.
  for (const name of outputs.keys()) inputs.delete(name);
  return { inputs: [...inputs.values()], outputs: [...outputs.values()], dialect: kind.dialect === "PostgresQL" ? "postgresql" : kind.dialect.toLowerCase() };
}
