import { readFile, writeFile } from "node:fs/promises";
import { UpdraftError } from "../../core/errors.ts";
import type { Database } from "../../core/store/database.ts";
import { allVariables, deleteVariable, getVariable, setVariable } from "../../core/store/queries/variables.ts";
import { didYouMean } from "../../core/suggest.ts";
import { readSecretsFile } from "../../secrets/local-filesystem.ts";
import { secretsLookupFor } from "../../secrets/lookup.ts";
import { fileFormatOf, writeEntries } from "../../secrets/serialize.ts";
import { recordCliEvent } from "../cli-audit.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type Command } from "../command.ts";
import { formatTable } from "../table.ts";
import { withDatabase } from "../with-database.ts";

const withVariables = (work: (db: Database) => Promise<number>) => withDatabase("updraft variables", work);

const JSON_OPTION = { json: { type: "boolean" as const, short: "j", default: false } };

export const variablesSet: Command = {
  group: "variables",
  verb: "set",
  summary: "Set a variable (stored encrypted when UPDRAFT_FERNET_KEY is set)",
  args: "<key> <value>",
  options: { ...JSON_OPTION, description: { type: "string" } },
  optionHelp: { json: "-j, --json             the value is JSON: checked, and stored as given", description: "--description TEXT" },
  async run([key, value], values, io) {
    if (!key) throw new UsageError("Missing <key>.");
    if (value === undefined) throw new UsageError("Missing <value>.");
    if (values.json === true) {
      try {
        JSON.parse(value);
      } catch {
        throw new UsageError(`--json was given but the value is not JSON: ${value.slice(0, 40)}`);
      }
    }
    return withVariables(async (db) => {
      await db.transaction(async (tx) => {
        const current = await getVariable(tx, key);
        await setVariable(tx, { key, val: value, description: typeof values.description === "string" ? values.description : (current?.description ?? null) });
        await recordCliEvent(tx, "cli_variables_set", { key });
      });
      io.out(`Variable ${key} created`);
      return 0;
    });
  },
};

export const variablesGet: Command = {
  group: "variables",
  verb: "get",
  summary: "Print a variable's value (environment, secrets backend, then database, as tasks see it)",
  args: "<key>",
  options: { ...JSON_OPTION, default: { type: "string", short: "d" } },
  optionHelp: { json: "-j, --json             pretty-print the JSON value", default: "-d, --default VALUE    printed when the variable does not exist" },
  async run([key], values, io) {
    if (!key) throw new UsageError("Missing <key>.");
    return withVariables(async (db) => {
      const found = await secretsLookupFor(db).variable(key);
      await recordCliEvent(db, "cli_variables_get", { key, found: Boolean(found), source: found?.source ?? null });
      if (!found) {
        if (typeof values.default === "string") {
          io.out(values.default);
          return 0;
        }
        const keys = (await allVariables(db)).map((v) => v.key);
        io.err(`updraft variables get: Variable ${key} does not exist.${didYouMean(key, keys)}`);
        return 1;
      }
      if (values.json === true) {
        try {
          io.out(JSON.stringify(JSON.parse(found.value), null, 2));
          return 0;
        } catch {
          throw new UpdraftError("NOT_JSON", `Variable ${key} is not JSON: drop --json to print it as text.`);
        }
      }
      io.out(found.value);
      return 0;
    });
  },
};

export const variablesList: Command = {
  group: "variables",
  verb: "list",
  summary: "List the variables' keys (values are not printed)",
  args: "",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run(_args, values, io) {
    const format = outputFormat(values);
    return withVariables(async (db) => {
      const rows = (await db.query<{ key: string; description: string | null }>("SELECT key, description FROM variable ORDER BY key")).rows;
      if (format === "json") io.out(JSON.stringify(rows));
      else if (format === "plain") for (const r of rows) io.out(r.key);
      else io.out(formatTable(["key", "description"], rows.map((r) => [r.key, r.description ?? ""])));
      return 0;
    });
  },
};

export const variablesDelete: Command = {
  group: "variables",
  verb: "delete",
  summary: "Delete a variable",
  args: "<key>",
  options: {},
  optionHelp: {},
  async run([key], _values, io) {
    if (!key) throw new UsageError("Missing <key>.");
    return withVariables(async (db) => {
      const deleted = await db.transaction(async (tx) => {
        const done = await deleteVariable(tx, key);
        if (done) await recordCliEvent(tx, "cli_variables_delete", { key });
        return done;
      });
      if (!deleted) {
        io.err(`updraft variables delete: Variable ${key} does not exist.`);
        return 1;
      }
      io.out(`Variable ${key} deleted`);
      return 0;
    });
  },
};

export const variablesImport: Command = {
  group: "variables",
  verb: "import",
  summary: "Import variables from a JSON, YAML or .env file",
  args: "<file>",
  options: { "action-on-existing-key": { type: "string", short: "a", default: "overwrite" } },
  optionHelp: { action: "-a, --action-on-existing-key overwrite|fail|skip  (default overwrite, as Airflow)" },
  async run([file], values, io) {
    if (!file) throw new UsageError("Missing <file>.");
    const action = String(values["action-on-existing-key"]);
    if (!["overwrite", "fail", "skip"].includes(action)) throw new UsageError(`--action-on-existing-key must be overwrite, fail or skip, got "${action}".`);
    await readFile(file).catch(() => {
      throw new UpdraftError("FILE_NOT_FOUND", `Cannot read ${file}: give the path of a .json, .yaml or .env file.`);
    });
    const entries = await readSecretsFile(file);
    return withVariables(async (db) => {
      const result = await db.transaction(async (tx) => {
        const set: string[] = [];
        const skipped: string[] = [];
        for (const [key, value] of Object.entries(entries)) {
          if (action !== "overwrite" && (await getVariable(tx, key))) {
            // Airflow's "fail": nothing is imported (the transaction rolls back).
            if (action === "fail") throw new UpdraftError("VARIABLE_EXISTS", `Variable ${key} already exists (--action-on-existing-key fail): nothing was imported.`);
            skipped.push(key);
            continue;
          }
          await setVariable(tx, { key, val: typeof value === "string" ? value : JSON.stringify(value), description: null });
          set.push(key);
        }
        await recordCliEvent(tx, "cli_variables_import", { file, imported: set, skipped });
        return { set, skipped };
      });
      io.out(`${result.set.length} of ${result.set.length + result.skipped.length} variables successfully updated.`);
      if (result.skipped.length) io.out(`${result.skipped.length} variable(s) skipped (already exist): ${result.skipped.join(", ")}`);
      return 0;
    });
  },
};

export const variablesExport: Command = {
  group: "variables",
  verb: "export",
  summary: "Export all variables (in clear: keep the file safe) to a JSON, YAML or .env file ('-' for stdout)",
  args: "<file>",
  options: { "file-format": { type: "string" } },
  optionHelp: { format: "--file-format json|yaml|env  default: from the file's extension, else json" },
  async run([file], values, io) {
    if (!file) throw new UsageError("Missing <file> ('-' writes to stdout).");
    let format;
    try {
      format = fileFormatOf(file === "-" ? "" : file, values["file-format"] as string | undefined);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return withVariables(async (db) => {
      const rows = await allVariables(db);
      // As Airflow: a value that is JSON is exported as JSON, otherwise as the string.
      const entries = Object.fromEntries(rows.map((v) => {
        try {
          return [v.key, JSON.parse(v.val) as unknown];
        } catch {
          return [v.key, v.val];
        }
      }));
      const text = writeEntries(entries, format);
      if (file === "-") io.out(text.trimEnd());
      else await writeFile(file, text, { mode: 0o600 });
      await recordCliEvent(db, "cli_variables_export", { file, count: rows.length });
      if (file !== "-") io.out(`${rows.length} variables successfully exported to ${file}`);
      return 0;
    });
  },
};

export const VARIABLE_COMMANDS = [variablesDelete, variablesExport, variablesGet, variablesImport, variablesList, variablesSet];
