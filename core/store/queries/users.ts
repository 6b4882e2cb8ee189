import type { Queryable } from "../database.ts";

/** A user of the webserver and REST API (Airflow's `ab_user`, with one role). */
export interface UserRow {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  active: boolean;
  created_on: Date;
  last_login: Date | null;
}

const COLUMNS = "id, username, email, first_name, last_name, role, active, created_on, last_login";

/** Creates a user; null when the username is taken. Parameters: username, email, first_name, last_name, role, password_hash. */
export async function insertUser(db: Queryable, u: Omit<UserRow, "id" | "active" | "created_on" | "last_login"> & { password_hash: string }): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO ab_user (username, email, first_name, last_name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [u.username, u.email, u.first_name, u.last_name, u.role, u.password_hash],
  );
  return rows[0] ?? null;
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM ab_user ORDER BY id`);
  return rows;
}

/** Deletes a user and returns it, or null when there is none by that name. Parameters: username. */
export async function deleteUser(db: Queryable, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`DELETE FROM ab_user WHERE username = $1 RETURNING ${COLUMNS}`, [username]);
  return rows[0] ?? null;
}

export async function getUser(db: Queryable, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM ab_user WHERE username = $1`, [username]);
  return rows[0] ?? null;
}

/** Changes a user (by username, which may change); the password only when a new hash is given. */
export async function updateUser(db: Queryable, username: string, u: Omit<UserRow, "id" | "active" | "created_on" | "last_login">, passwordHash: string | null): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE ab_user SET username = $2, email = $3, first_name = $4, last_name = $5, role = $6, password_hash = coalesce($7, password_hash)
      WHERE username = $1 RETURNING ${COLUMNS}`,
    [username, u.username, u.email, u.first_name, u.last_name, u.role, passwordHash],
  );
  return rows[0] ?? null;
}
