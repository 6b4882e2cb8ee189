import type { Queryable } from "../database.ts";

/** A Connection (Airflow's `connection` table). `extra` is JSON text. */
export interface ConnectionRow {
  conn_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  schema: string | null;
  login: string | null;
  password: string | null;
  port: number | null;
  extra: string | null;
}

export const CONNECTION_ORDER_COLUMNS = { connection_id: "conn_id", conn_id: "conn_id", conn_type: "conn_type", host: "host", id: "conn_id" } as const;

const COLUMNS = "conn_id, conn_type, description, host, schema, login, password, port, extra";

/** A page of connections and how many there are. Parameters: limit, offset. */
export async function listConnections(db: Queryable, order: string, limit: number, offset: number): Promise<{ connections: ConnectionRow[]; total: number }> {
  const { rows } = await db.query<ConnectionRow>(`SELECT ${COLUMNS} FROM connection ${order} LIMIT $1 OFFSET $2`, [limit, offset]);
  const { rows: count } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM connection");
  return { connections: rows, total: count[0].n };
}

export async function getConnection(db: Queryable, connId: string): Promise<ConnectionRow | null> {
  const { rows } = await db.query<ConnectionRow>(`SELECT ${COLUMNS} FROM connection WHERE conn_id = $1`, [connId]);
  return rows[0] ?? null;
}

/** Creates a connection; null when the id is taken. Parameters: the row's columns. */
export async function insertConnection(db: Queryable, c: ConnectionRow): Promise<ConnectionRow | null> {
  const { rows } = await db.query<ConnectionRow>(
    `INSERT INTO connection (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [c.conn_id, c.conn_type, c.description, c.host, c.schema, c.login, c.password, c.port, c.extra],
  );
  return rows[0] ?? null;
}

/** Replaces a connection's fields (by its id, which may change). Parameters: old conn_id, then the row's columns. */
export async function updateConnection(db: Queryable, connId: string, c: ConnectionRow): Promise<ConnectionRow | null> {
  const { rows } = await db.query<ConnectionRow>(
    `UPDATE connection SET conn_id = $2, conn_type = $3, description = $4, host = $5, schema = $6, login = $7, password = $8, port = $9, extra = $10
      WHERE conn_id = $1 RETURNING ${COLUMNS}`,
    [connId, c.conn_id, c.conn_type, c.description, c.host, c.schema, c.login, c.password, c.port, c.extra],
  );
  return rows[0] ?? null;
}

export async function deleteConnection(db: Queryable, connId: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM connection WHERE conn_id = $1", [connId]);
  return rowCount === 1;
}
