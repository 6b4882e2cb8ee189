import { seal, unseal } from "../../crypto/sealed-value.ts";
import type { Queryable } from "../database.ts";

/**
 * A Connection (Airflow's `connection` table), in clear. `extra` is JSON text. In the table, `password` and `extra`
 * are Fernet tokens when `is_encrypted` / `is_extra_encrypted` say so: these functions encrypt on write and decrypt
 * on read, so no caller handles ciphertext.
 */
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

/** A row as stored: password and extra possibly encrypted. */
export interface StoredConnectionRow extends ConnectionRow {
  is_encrypted: boolean;
  is_extra_encrypted: boolean;
}

export const CONNECTION_ORDER_COLUMNS = { connection_id: "conn_id", conn_id: "conn_id", conn_type: "conn_type", host: "host", id: "conn_id" } as const;

const COLUMNS = "conn_id, conn_type, description, host, schema, login, password, port, extra, is_encrypted, is_extra_encrypted";

function opened(row: StoredConnectionRow): ConnectionRow {
  const what = `Connection "${row.conn_id}"`;
  return {
    conn_id: row.conn_id, conn_type: row.conn_type, description: row.description, host: row.host, schema: row.schema, login: row.login, port: row.port,
    password: unseal(row.password, row.is_encrypted, `${what}'s password`),
    extra: unseal(row.extra, row.is_extra_encrypted, `${what}'s extra`),
  };
}

/** The parameters $1…$11 of an insert or update: the row's columns with password and extra encrypted. */
function sealedParams(c: ConnectionRow): unknown[] {
  const password = seal(c.password);
  const extra = seal(c.extra);
  return [c.conn_id, c.conn_type, c.description, c.host, c.schema, c.login, password.value, c.port, extra.value, password.encrypted, extra.encrypted];
}

/** A page of connections and how many there are. Parameters: limit, offset. */
export async function listConnections(db: Queryable, order: string, limit: number, offset: number): Promise<{ connections: ConnectionRow[]; total: number }> {
  const { rows } = await db.query<StoredConnectionRow>(`SELECT ${COLUMNS} FROM connection ${order} LIMIT $1 OFFSET $2`, [limit, offset]);
  const { rows: count } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM connection");
  return { connections: rows.map(opened), total: count[0].n };
}

export async function getConnection(db: Queryable, connId: string): Promise<ConnectionRow | null> {
  const { rows } = await db.query<StoredConnectionRow>(`SELECT ${COLUMNS} FROM connection WHERE conn_id = $1`, [connId]);
  return rows[0] ? opened(rows[0]) : null;
}

/** Every connection as stored (encrypted), for key rotation. */
export async function allStoredConnections(db: Queryable): Promise<StoredConnectionRow[]> {
  return (await db.query<StoredConnectionRow>(`SELECT ${COLUMNS} FROM connection ORDER BY conn_id`)).rows;
}

/** Every connection in clear, for `connections export`. */
export async function allConnections(db: Queryable): Promise<ConnectionRow[]> {
  return (await allStoredConnections(db)).map(opened);
}

/** Creates a connection; null when the id is taken. Parameters: the row's columns. */
export async function insertConnection(db: Queryable, c: ConnectionRow): Promise<ConnectionRow | null> {
  const { rows } = await db.query<StoredConnectionRow>(
    `INSERT INTO connection (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    sealedParams(c),
  );
  return rows[0] ? opened(rows[0]) : null;
}

/** Replaces a connection's fields (by its id, which may change). Parameters: old conn_id, then the row's columns. */
export async function updateConnection(db: Queryable, connId: string, c: ConnectionRow): Promise<ConnectionRow | null> {
  const { rows } = await db.query<StoredConnectionRow>(
    `UPDATE connection SET conn_id = $2, conn_type = $3, description = $4, host = $5, schema = $6, login = $7, password = $8, port = $9, extra = $10,
            is_encrypted = $11, is_extra_encrypted = $12
      WHERE conn_id = $1 RETURNING ${COLUMNS}`,
    [connId, ...sealedParams(c)],
  );
  return rows[0] ? opened(rows[0]) : null;
}

/** Writes already-encrypted password and extra (key rotation). Parameters: conn_id, password, extra, flags. */
export async function storeSealedConnectionSecrets(db: Queryable, row: StoredConnectionRow): Promise<void> {
  await db.query("UPDATE connection SET password = $2, extra = $3, is_encrypted = $4, is_extra_encrypted = $5 WHERE conn_id = $1", [
    row.conn_id, row.password, row.extra, row.is_encrypted, row.is_extra_encrypted,
  ]);
}

export async function deleteConnection(db: Queryable, connId: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM connection WHERE conn_id = $1", [connId]);
  return rowCount === 1;
}
