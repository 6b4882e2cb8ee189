import { readFile, writeFile } from "node:fs/promises";
import { parseConnectionUri, parseConnectionValue } from "../../core/connection-uri.ts";
import { testConnection } from "../../core/connection-testers.ts";
import { UpdraftError } from "../../core/errors.ts";
import type { Database } from "../../core/store/database.ts";
import { allConnections, deleteConnection, getConnection, insertConnection, updateConnection, type ConnectionRow } from "../../core/store/queries/connections.ts";
import { didYouMean } from "../../core/suggest.ts";
import type { ConnectionInfo } from "../../core/types.ts";
import { MASK, redactJson } from "../../core/masking/secrets-masker.ts";
import "../../secrets/builtin-testers.ts";
import { connectionInfoOf, connectionRowOf, connectionTestingEnabled } from "../../secrets/connection-row.ts";
import { readSecretsFile } from "../../secrets/local-filesystem.ts";
import { secretsLookupFor } from "../../secrets/lookup.ts";
import { connectionJsonForm, connectionUri, fileFormatOf, writeEntries } from "../../secrets/serialize.ts";
import { recordCliEvent } from "../cli-audit.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type CliIO, type Command } from "../command.ts";
import { formatTable } from "../table.ts";
import { withDatabase } from "../with-database.ts";

const withConnections = (work: (db: Database) => Promise<number>) => withDatabase("updraft connections", work);

const CONN_ID = /^[\w.-]{1,250}$/;

function checkId(connId: string | undefined): string {
  if (!connId) throw new UsageError("Missing <conn_id>.");
  if (!CONN_ID.test(connId)) throw new UsageError(`Connection id "${connId}" is invalid: use 1–250 letters, digits, _ . or -.`);
  return connId;
}

/** The connection `add` describes: --conn-uri, --conn-json, or the separate --conn-* fields (Airflow's three forms). */
function connectionFromFlags(connId: string, v: Record<string, string | boolean | undefined>): ConnectionInfo {
  const str = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : undefined);
  const uri = str("conn-uri");
  const json = str("conn-json");
  const fieldFlags = ["conn-type", "conn-host", "conn-login", "conn-password", "conn-schema", "conn-port", "conn-extra"].filter((f) => str(f) !== undefined);
  if (uri && json) throw new UsageError("Give --conn-uri or --conn-json, not both.");
  if ((uri || json) && fieldFlags.some((f) => f !== "conn-extra" || json)) {
    throw new UsageError(`--${uri ? "conn-uri" : "conn-json"} already describes the connection: drop ${fieldFlags.map((f) => `--${f}`).join(", ")}.`);
  }
  let c: ConnectionInfo;
  try {
    if (uri) c = parseConnectionUri(connId, uri);
    else if (json) c = parseConnectionValue(connId, json);
    else {
      if (!str("conn-type")) throw new UsageError("Give --conn-uri, --conn-json, or at least --conn-type.");
      const port = str("conn-port");
      if (port !== undefined && !/^\d+$/.test(port)) throw new UsageError(`--conn-port must be a number, got "${port}".`);
      c = { connId, connType: str("conn-type")!, host: str("conn-host") ?? null, login: str("conn-login") ?? null, password: str("conn-password") ?? null, schema: str("conn-schema") ?? null, port: port ? Number(port) : null, extra: null };
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`The connection does not parse: ${(error as Error).message}`);
  }
  const extra = str("conn-extra");
  if (extra !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(extra);
    } catch {
      throw new UsageError(`--conn-extra must be a JSON object, e.g. '{"timeout": 10}'.`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError("--conn-extra must be a JSON object.");
    c.extra = parsed as ConnectionInfo["extra"];
  }
  if (!c.connType) throw new UsageError("The connection has no type: the URI's scheme or conn_type gives it.");
  const description = str("conn-description");
  if (description !== undefined) c.description = description;
  return c;
}

const ADD_FLAGS = ["conn-uri", "conn-json", "conn-type", "conn-host", "conn-login", "conn-password", "conn-schema", "conn-port", "conn-extra", "conn-description"];

export const connectionsAdd: Command = {
  group: "connections",
  verb: "add",
  summary: "Add a connection (stored encrypted when UPDRAFT_FERNET_KEY is set)",
  args: "<conn_id>",
  options: Object.fromEntries(ADD_FLAGS.map((f) => [f, { type: "string" as const }])),
  optionHelp: {
    uri: "--conn-uri URI          the connection as a URI: <type>://<login>:<password>@<host>:<port>/<schema>?<extra>",
    json: "--conn-json JSON        the connection as JSON: {\"conn_type\": …, \"host\": …, \"password\": …, \"extra\": {…}}",
    fields: "--conn-type, --conn-host, --conn-login, --conn-password, --conn-schema, --conn-port, --conn-extra, --conn-description",
  },
  async run([rawId], values, io) {
    const connId = checkId(rawId);
    const row = connectionRowOf(connectionFromFlags(connId, values));
    return withConnections(async (db) => {
      const created = await db.transaction(async (tx) => {
        const saved = await insertConnection(tx, row);
        if (saved) await recordCliEvent(tx, "cli_connections_add", { connection_id: connId, conn_type: row.conn_type });
        return saved;
      });
      if (!created) {
        io.err(`updraft connections add: a connection "${connId}" already exists; delete it first (updraft connections delete ${connId}) or import with --overwrite.`);
        return 1;
      }
      io.out(`Successfully added \`conn_id\`=${connId} : ${connectionUri(masked(connectionInfoOf(created)))}`);
      return 0;
    });
  },
};

/** How `get` and `list` show a connection: Airflow's fields; the password only with --show-password (never in a table). */
function describe(connection: ConnectionInfo, showPassword: boolean): Record<string, unknown> {
  const c = showPassword ? connection : masked(connection);
  return {
    conn_id: c.connId, conn_type: c.connType, description: c.description ?? null, host: c.host ?? null, schema: c.schema ?? null,
    login: c.login ?? null, password: c.password ?? null, port: c.port ?? null, extra: c.extra ?? null, get_uri: connectionUri(c),
  };
}

/** The password and the extra's sensitive fields (token, api_key…) as `***`. */
const masked = (c: ConnectionInfo): ConnectionInfo => ({ ...c, password: c.password ? MASK : null, extra: redactJson(c.extra ?? null) });

function print(io: CliIO, rows: Record<string, unknown>[], format: "json" | "table" | "plain"): void {
  if (format === "json") io.out(JSON.stringify(rows));
  else if (format === "plain") for (const r of rows) io.out(`${String(r.conn_id)}\t${String(r.conn_type)}\t${String(r.get_uri)}`);
  else io.out(formatTable(["conn_id", "conn_type", "host", "port", "schema", "login", "description"], rows.map((r) => [r.conn_id, r.conn_type, r.host, r.port, r.schema, r.login, r.description].map((x) => (x === null ? "" : String(x))))));
}

const SHOW_PASSWORD = { "show-password": { type: "boolean" as const, default: false } };

export const connectionsGet: Command = {
  group: "connections",
  verb: "get",
  summary: "Show a connection (environment, secrets backend, then database, as tasks see it)",
  args: "<conn_id>",
  options: { ...OUTPUT_OPTION, ...SHOW_PASSWORD },
  optionHelp: { ...OUTPUT_HELP, show: "--show-password        print the password (shown as *** otherwise)" },
  async run([rawId], values, io) {
    const connId = checkId(rawId);
    const format = outputFormat(values);
    return withConnections(async (db) => {
      const found = await secretsLookupFor(db).connection(connId);
      await recordCliEvent(db, "cli_connections_get", { connection_id: connId, found: Boolean(found), source: found?.source ?? null });
      if (!found) {
        const ids = (await allConnections(db)).map((c) => c.conn_id);
        io.err(`updraft connections get: there is no connection "${connId}".${didYouMean(connId, ids)}`);
        return 1;
      }
      print(io, [{ ...describe(found.value, values["show-password"] === true), source: found.source }], format);
      return 0;
    });
  },
};

export const connectionsList: Command = {
  group: "connections",
  verb: "list",
  summary: "List the connections stored in the database",
  args: "",
  options: { ...OUTPUT_OPTION, "conn-id": { type: "string" } },
  optionHelp: { ...OUTPUT_HELP, id: "--conn-id ID            only this connection" },
  async run(_args, values, io) {
    const format = outputFormat(values);
    return withConnections(async (db) => {
      let rows = await allConnections(db);
      if (typeof values["conn-id"] === "string") rows = rows.filter((r) => r.conn_id === values["conn-id"]);
      await recordCliEvent(db, "cli_connections_list", { count: rows.length });
      print(io, rows.map((r) => describe(connectionInfoOf(r), false)), format);
      return 0;
    });
  },
};

export const connectionsDelete: Command = {
  group: "connections",
  verb: "delete",
  summary: "Delete a connection",
  args: "<conn_id>",
  options: {},
  optionHelp: {},
  async run([rawId], _values, io) {
    const connId = checkId(rawId);
    return withConnections(async (db) => {
      const deleted = await db.transaction(async (tx) => {
        const done = await deleteConnection(tx, connId);
        if (done) await recordCliEvent(tx, "cli_connections_delete", { connection_id: connId });
        return done;
      });
      if (!deleted) {
        const ids = (await allConnections(db)).map((c) => c.conn_id);
        io.err(`updraft connections delete: there is no connection "${connId}".${didYouMean(connId, ids)}`);
        return 1;
      }
      io.out(`Successfully deleted connection with \`conn_id\`=${connId}`);
      return 0;
    });
  },
};

const SERIALIZATION = { "serialization-format": { type: "string" as const }, serialize: { type: "string" as const } };

export const connectionsExport: Command = {
  group: "connections",
  verb: "export",
  summary: "Export all connections (in clear: keep the file safe) to a JSON, YAML or .env file ('-' for stdout)",
  args: "<file>",
  options: { "file-format": { type: "string" }, format: { type: "string" }, ...SERIALIZATION },
  optionHelp: {
    format: "--file-format json|yaml|env  default: from the file's extension, else json",
    serialize: "--serialization-format json|uri  each connection as Airflow's JSON form or its URI (default: uri for env, json otherwise); --serialize is the same",
  },
  async run([file], values, io) {
    if (!file) throw new UsageError("Missing <file> ('-' writes to stdout).");
    let format;
    try {
      format = fileFormatOf(file === "-" ? "" : file, (values["file-format"] ?? values.format) as string | undefined);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const serialization = String(values["serialization-format"] ?? values.serialize ?? (format === "env" ? "uri" : "json"));
    if (serialization !== "json" && serialization !== "uri") throw new UsageError(`--serialization-format must be json or uri, got "${serialization}".`);
    return withConnections(async (db) => {
      const rows = await allConnections(db);
      const entries = Object.fromEntries(rows.map((r) => {
        const c = connectionInfoOf(r);
        return [r.conn_id, serialization === "uri" ? connectionUri(c) : format === "env" ? JSON.stringify(connectionJsonForm(c)) : connectionJsonForm(c)];
      }));
      const text = writeEntries(entries, format);
      if (file === "-") io.out(text.trimEnd());
      else await writeFile(file, text, { mode: 0o600 });
      await recordCliEvent(db, "cli_connections_export", { file, count: rows.length });
      if (file !== "-") io.out(`Connections successfully exported to ${file}.`);
      return 0;
    });
  },
};

export const connectionsImport: Command = {
  group: "connections",
  verb: "import",
  summary: "Import connections from a JSON, YAML or .env file (URI or JSON form each)",
  args: "<file>",
  options: { overwrite: { type: "boolean", default: false } },
  optionHelp: { overwrite: "--overwrite            replace connections that exist (otherwise they are skipped)" },
  async run([file], values, io) {
    if (!file) throw new UsageError("Missing <file>.");
    await readFile(file).catch(() => {
      throw new UpdraftError("FILE_NOT_FOUND", `Cannot read ${file}: give the path of a .json, .yaml or .env file.`);
    });
    const entries = await readSecretsFile(file);
    // Everything is parsed before anything is written: one bad entry leaves the database as it was.
    const rows: ConnectionRow[] = Object.entries(entries).map(([connId, value]) => {
      checkId(connId);
      try {
        const c = typeof value === "string" ? parseConnectionValue(connId, value) : parseConnectionValue(connId, JSON.stringify(value));
        if (!c.connType) throw new Error("it has no conn_type");
        return connectionRowOf(c);
      } catch (error) {
        throw new UpdraftError("BAD_CONNECTION", `${file}: connection "${connId}" does not parse: ${(error as Error).message}. Nothing was imported.`);
      }
    });
    return withConnections(async (db) => {
      const outcome = await db.transaction(async (tx) => {
        const added: string[] = [];
        const skipped: string[] = [];
        for (const row of rows) {
          if (await insertConnection(tx, row)) added.push(row.conn_id);
          else if (values.overwrite === true) {
            await updateConnection(tx, row.conn_id, row);
            added.push(row.conn_id);
          } else skipped.push(row.conn_id);
        }
        await recordCliEvent(tx, "cli_connections_import", { file, imported: added, skipped });
        return { added, skipped };
      });
      for (const id of outcome.added) io.out(`Imported connection ${id}`);
      for (const id of outcome.skipped) io.out(`Could not import connection ${id}: connection already exists (use --overwrite).`);
      return 0;
    });
  },
};

export const connectionsTest: Command = {
  group: "connections",
  verb: "test",
  summary: "Test a connection through its type's hook (postgres, http…); needs UPDRAFT_TEST_CONNECTION=Enabled",
  args: "<conn_id>",
  options: {},
  optionHelp: {},
  async run([rawId], _values, io) {
    const connId = checkId(rawId);
    if (!connectionTestingEnabled()) {
      io.err("updraft connections test: testing connections is disabled (as Airflow's default): set UPDRAFT_TEST_CONNECTION=Enabled to enable it.");
      return 1;
    }
    return withConnections(async (db) => {
      const found = await secretsLookupFor(db).connection(connId);
      if (!found) {
        io.err(`updraft connections test: there is no connection "${connId}".`);
        return 1;
      }
      const result = await testConnection(found.value);
      await recordCliEvent(db, "cli_connections_test", { connection_id: connId, status: result.status });
      (result.status ? io.out : io.err)(`Connection "${connId}" ${result.status ? "success" : "failed"}: ${result.message}`);
      return result.status ? 0 : 1;
    });
  },
};

export const CONNECTION_COMMANDS = [connectionsAdd, connectionsDelete, connectionsExport, connectionsGet, connectionsImport, connectionsList, connectionsTest];
