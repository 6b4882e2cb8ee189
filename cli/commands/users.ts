import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import type { Database } from "../../core/store/database.ts";
import { recordEvent } from "../../core/store/queries/event-log.ts";
import { deleteUser, insertUser, listUsers, type UserRow } from "../../core/store/queries/users.ts";
import { didYouMean } from "../../core/suggest.ts";
import { hashPassword } from "../../webserver/auth/passwords.ts";
import { isRoleName, ROLES } from "../../webserver/auth/permissions.ts";
import { withDatabase } from "../with-database.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type CliIO, type Command } from "../command.ts";
import { formatTable } from "../table.ts";

const withUsers = (work: (db: Database) => Promise<number>) => withDatabase("updraft users", work);

const operator = () => {
  try {
    return userInfo().username;
  } catch {
    return "cli";
  }
};

function printUsers(io: CliIO, users: UserRow[], format: "json" | "table" | "plain"): void {
  const rows = users.map((u) => ({ id: u.id, username: u.username, email: u.email, first_name: u.first_name, last_name: u.last_name, role: u.role, active: u.active }));
  if (format === "json") io.out(JSON.stringify(rows));
  else if (format === "plain") for (const u of rows) io.out(`${u.username}\t${u.role}\t${u.email}`);
  else io.out(formatTable(["id", "username", "email", "first_name", "last_name", "roles"], rows.map((u) => [u.id, u.username, u.email, u.first_name, u.last_name, u.role])));
}

// Airflow asks for at least this much of a password it is given; a random one is 18 bytes of base64url (24 characters).
const MIN_PASSWORD_LENGTH = 8;

async function passwordFrom(values: Record<string, string | boolean | undefined>): Promise<{ password: string; generated: boolean }> {
  const given = [values.password !== undefined, values["password-file"] !== undefined, values["random-password"] === true].filter(Boolean).length;
  if (given !== 1) throw new UsageError("Give exactly one of --password, --password-file or --random-password.");
  if (values["random-password"] === true) return { password: randomBytes(18).toString("base64url"), generated: true };
  const password = values.password !== undefined
    ? String(values.password)
    : (await readFile(String(values["password-file"]), "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`Cannot read --password-file ${String(values["password-file"])}: ${error.code ?? error.message}.`);
      })).replace(/\r?\n$/, "");
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  return { password, generated: false };
}

export const usersCreate: Command = {
  group: "users",
  verb: "create",
  summary: "Create a user of the web UI and REST API with a role",
  args: "",
  options: {
    username: { type: "string", short: "u" }, role: { type: "string", short: "r" }, password: { type: "string", short: "p" },
    "password-file": { type: "string" }, "random-password": { type: "boolean" }, email: { type: "string", short: "e" },
    firstname: { type: "string", short: "f" }, lastname: { type: "string", short: "l" }, ...OUTPUT_OPTION,
  },
  optionHelp: {
    username: "-u, --username NAME       the login name (required)",
    role: `-r, --role ROLE           one of ${ROLES.join(", ")} (required)`,
    password: "-p, --password PASSWORD   the password (visible in your shell's history: prefer --password-file)",
    passwordFile: "--password-file FILE      read the password from FILE (first line)",
    randomPassword: "--random-password         generate a password and print it once",
    email: "-e, --email EMAIL         the user's email (required)", firstname: "-f, --firstname NAME", lastname: "-l, --lastname NAME",
    ...OUTPUT_HELP,
  },
  async run(_args, values, io) {
    const format = outputFormat(values);
    const username = typeof values.username === "string" ? values.username.trim() : "";
    if (!username) throw new UsageError("Missing --username.");
    if (!/^[\w.@+-]{1,256}$/.test(username)) throw new UsageError(`Invalid username "${username}": use letters, digits and _ . @ + - only.`);
    const role = typeof values.role === "string" ? values.role : "";
    if (!isRoleName(role)) throw new UsageError(`Unknown role "${role}": use one of ${ROLES.join(", ")}.${didYouMean(role, ROLES)}`);
    const email = typeof values.email === "string" ? values.email.trim() : "";
    if (!email) throw new UsageError("Missing --email (Airflow's users have one; the REST API answers it).");
    const { password, generated } = await passwordFrom(values);
    const passwordHash = await hashPassword(password);
    return withUsers(async (db) => {
      const user = await db.transaction(async (tx) => {
        const created = await insertUser(tx, {
          username, role, password_hash: passwordHash, email, first_name: String(values.firstname ?? ""), last_name: String(values.lastname ?? ""),
        });
        if (created) await recordEvent(tx, { event: "cli_users_create", owner: operator(), extra: JSON.stringify({ username, role }) });
        return created;
      });
      if (!user) {
        io.err(`updraft users create: user "${username}" already exists ("updraft users delete --username ${username}" first to replace it).`);
        return 1;
      }
      if (format === "json") printUsers(io, [user], format);
      else io.out(`User "${username}" created with role ${role}.`);
      if (generated) (format === "json" ? io.err : io.out)(`Password: ${password}`);
      return 0;
    });
  },
};

export const usersList: Command = {
  group: "users",
  verb: "list",
  summary: "List the users and their roles",
  args: "",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run(_args, values, io) {
    const format = outputFormat(values);
    return withUsers(async (db) => {
      printUsers(io, await listUsers(db), format);
      return 0;
    });
  },
};

export const usersDelete: Command = {
  group: "users",
  verb: "delete",
  summary: "Delete a user (their logins stop working at once)",
  args: "",
  options: { username: { type: "string", short: "u" } },
  optionHelp: { username: "-u, --username NAME       the user to delete (required)" },
  async run(_args, values, io) {
    const username = typeof values.username === "string" ? values.username : "";
    if (!username) throw new UsageError("Missing --username.");
    return withUsers(async (db) => {
      const deleted = await db.transaction(async (tx) => {
        const user = await deleteUser(tx, username);
        if (user) await recordEvent(tx, { event: "cli_users_delete", owner: operator(), extra: JSON.stringify({ username }) });
        return user;
      });
      if (!deleted) {
        const names = (await listUsers(db)).map((u) => u.username);
        io.err(`updraft users delete: there is no user "${username}".${didYouMean(username, names)}`);
        return 1;
      }
      io.out(`User "${username}" deleted.`);
      return 0;
    });
  },
};
