import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "../../core/store/database.ts";
import { hashPassword } from "./passwords.ts";

export const ADMIN_PASSWORD_FILE = "standalone_admin_password.txt";

/**
 * As `airflow standalone`: when there is no user at all, create `admin` with a generated password, print it and write
 * it to `$UPDRAFT_HOME/standalone_admin_password.txt`. Returns the password when it made one.
 */
export async function ensureAdminUser(db: Database, home: string, log: (m: string) => void): Promise<string | null> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ab_user");
  if (rows[0].n > 0) return null;
  const password = randomBytes(12).toString("base64url");
  const inserted = await db.query(
    "INSERT INTO ab_user (username, role, password_hash, first_name, last_name, email) VALUES ('admin', 'Admin', $1, 'Admin', 'User', 'admin@example.com') ON CONFLICT DO NOTHING",
    [await hashPassword(password)],
  );
  if (inserted.rowCount === 0) return null;
  await writeFile(join(home, ADMIN_PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  log(`Login with username: admin  password: ${password}  (also in ${join(home, ADMIN_PASSWORD_FILE)})`);
  return password;
}
