import type { Queryable } from "../database.ts";

/** A Variable (Airflow's `variable` table). */
export interface VariableRow {
  key: string;
  val: string;
  description: string | null;
}

export const VARIABLE_ORDER_COLUMNS = { key: "key", description: "description", id: "key" } as const;

/** A page of variables and how many there are. Parameters: limit, offset. */
export async function listVariables(db: Queryable, order: string, limit: number, offset: number): Promise<{ variables: VariableRow[]; total: number }> {
  const { rows } = await db.query<VariableRow>(`SELECT key, val, description FROM variable ${order} LIMIT $1 OFFSET $2`, [limit, offset]);
  const { rows: count } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM variable");
  return { variables: rows, total: count[0].n };
}

export async function getVariable(db: Queryable, key: string): Promise<VariableRow | null> {
  const { rows } = await db.query<VariableRow>("SELECT key, val, description FROM variable WHERE key = $1", [key]);
  return rows[0] ?? null;
}

/** Creates or replaces a variable. Parameters: key, val, description. */
export async function setVariable(db: Queryable, v: VariableRow): Promise<VariableRow> {
  const { rows } = await db.query<VariableRow>(
    `INSERT INTO variable (key, val, description) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET val = EXCLUDED.val, description = EXCLUDED.description
     RETURNING key, val, description`,
    [v.key, v.val, v.description],
  );
  return rows[0];
}

export async function deleteVariable(db: Queryable, key: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM variable WHERE key = $1", [key]);
  return rowCount === 1;
}
