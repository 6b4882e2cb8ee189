import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ConnectionInfo } from "../core/types.ts";
import { connectionFromSecret, type SecretsBackend } from "./backend.ts";

/**
 * Airflow's LocalFilesystemBackend: `variables_file_path` and `connections_file_path`, each JSON, YAML or .env
 * (`KEY=value` lines; a connection's value is its URI or JSON). The files are read at each lookup (the lookup's TTL
 * cache bounds how often), so edits are picked up without a restart.
 */
export class LocalFilesystemBackend implements SecretsBackend {
  readonly name = "local-filesystem";

  constructor(private readonly kwargs: { variables_file_path?: string; connections_file_path?: string }) {}

  async getVariable(key: string): Promise<string | undefined> {
    const path = this.kwargs.variables_file_path;
    if (!path) return undefined;
    const value = (await readSecretsFile(path))[key];
    if (value === undefined) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  async getConnection(connId: string): Promise<ConnectionInfo | undefined> {
    const path = this.kwargs.connections_file_path;
    if (!path) return undefined;
    const value = (await readSecretsFile(path))[connId];
    return value === undefined ? undefined : connectionFromSecret(connId, value);
  }
}

/** The file's entries by key. A missing file holds nothing; a malformed one is an error naming the file and line. */
export async function readSecretsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const ext = extname(path).toLowerCase();
  if (ext === ".env") return parseEnvFile(path, text);
  let parsed: unknown;
  try {
    parsed = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`Secrets file ${path} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`Secrets file ${path} must hold an object of key: value entries.`);
  return parsed as Record<string, unknown>;
}

function parseEnvFile(path: string, text: string): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) return;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new Error(`Secrets file ${path}, line ${index + 1}: expected KEY=value, got "${trimmed}".`);
    let value = trimmed.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    entries[trimmed.slice(0, eq).trim()] = value;
  });
  return entries;
}
