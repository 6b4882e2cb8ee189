import type { Queryable } from "../database.ts";

export type AccessControl = Record<string, string[] | Record<string, string[]>>;

/** The access control declared on the DAG's latest serialized version (null for an unknown DAG). Parameters: dag_id. */
export async function dagAccessControl(db: Queryable, dagId: string): Promise<AccessControl | null> {
  const { rows } = await db.query<{ access_control: AccessControl | null }>(
    "SELECT data -> 'access_control' AS access_control FROM serialized_dag WHERE dag_id = $1 ORDER BY version DESC LIMIT 1",
    [dagId],
  );
  return rows[0]?.access_control ?? null;
}

/** Every DAG that declares an access control, with it (for a role without access to every DAG). No parameters. */
export async function allDagAccessControls(db: Queryable): Promise<Array<{ dag_id: string; access_control: AccessControl }>> {
  const { rows } = await db.query<{ dag_id: string; access_control: AccessControl }>(
    `SELECT DISTINCT ON (dag_id) dag_id, data -> 'access_control' AS access_control
       FROM serialized_dag ORDER BY dag_id, version DESC`,
  );
  return rows.filter((r) => r.access_control && Object.keys(r.access_control).length > 0);
}
