import { seal, unseal } from "../../crypto/sealed-value.ts";
import type { Queryable } from "../database.ts";

/** A Variable (Airflow's `variable` table), in clear; `val` is stored as a Fernet token when `is_encrypted`. */
export interface VariableRow {
  key: string;
  val: string;
  description: string | null;
}

export interface StoredVariableRow extends VariableRow {
  is_encrypted: boolean;
}

export const VARIABLE_ORDER_COLUMNS = { key: "key", description: "description", id: "key" } as const;

const COLUMNS = "key, val, description, is_encrypted";

const opened = (row: StoredVariableRow): VariableRow => ({ key: row.key, val: unseal(row.val, row.is_encrypted, `Variable "${row.key}"`) ?? "", description: row.description });

/** A page of variables and how many there are. Parameters: limit, offset. */
export async function listVariables(db: Queryable, order: string, limit: number, offset: number): Promise<{ variables: VariableRow[]; total: number }> {
  const { rows } = await db.query<StoredVariableRow>(`SELECT ${COLUMNS} FROM variable ${order} LIMIT $1 OFFSET $2`, [limit, offset]);
  const { rows: count } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM variable");
  return { variables: rows.map(opened), total: count[0].n };
}

export async function getVariable(db: Queryable, key: string): Promise<VariableRow | null> {
  const { rows } = await db.query<StoredVariableRow>(`SELECT ${COLUMNS} FROM variable WHERE key = $1`, [key]);
  return rows[0] ? opened(rows[0]) : null;
}

/** Every variable as stored (encrypted), for key rotation. */
export async function allStoredVariables(db: Queryable): Promise<StoredVariableRow[]> {
  return (await db.query<StoredVariableRow>(`SELECT ${COLUMNS} FROM variable ORDER BY key`)).rows;
}

export async function allVariables(db: Queryable): Promise<VariableRow[]> {
  return (await allStoredVariables(db)).map(opened);
}

/** Creates or replaces a variable, its value encrypted. Parameters: key, val, description, is_encrypted. */
export async function setVariable(db: Queryable, v: VariableRow): Promise<VariableRow> {
  const sealed = seal(v.val);
  const { rows } = await db.query<StoredVariableRow>(
    `INSERT INTO variable (key, val, description, is_encrypted) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET val = EXCLUDED.val, description = EXCLUDED.description, is_encrypted = EXCLUDED.is_encrypted
     RETURNING ${COLUMNS}`,
    [v.key, sealed.value ?? "", v.description, sealed.encrypted],
  );
  return opened(rows[0]);
}

/** Writes an already-encrypted value (key rotation). Parameters: key, val, is_encrypted. */
export async function storeSealedVariable(db: Queryable, row: StoredVariableRow): Promise<void> {
  await db.query("UPDATE variable SET val = $2, is_encrypted = $3 WHERE key = $1", [row.key, row.val, row.is_encrypted]);
}

export async function deleteVariable(db: Queryable, key: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM variable WHERE key = $1", [key]);
  return rowCount === 1;
}
