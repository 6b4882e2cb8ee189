import { environmentSecrets } from "../core/env-secrets.ts";
import type { ConnectionInfo } from "../core/types.ts";
import type { Queryable } from "../core/store/database.ts";
import { getConnection } from "../core/store/queries/connections.ts";
import { getVariable } from "../core/store/queries/variables.ts";
import type { SecretsBackend } from "./backend.ts";
import { connectionInfoOf } from "./connection-row.ts";
import { secretsConfigFrom } from "./config.ts";

/** Where a value was found: reported with it, and recorded in the audit log. */
export type SecretSource = "environment" | "backend" | "database";

export interface Found<T> {
  value: T;
  source: SecretSource;
}

/**
 * Airflow's lookup order: environment variables → the configured backend → the metadata database. What the backend
 * answers is cached for the TTL (a remote call per task would hammer Vault or AWS); the environment and the database
 * are read each time, so a change there is seen at once. Misses are not cached: a secret created after a failed
 * lookup is found by the next one.
 */
export class SecretsLookup {
  private readonly cache = new Map<string, { value: unknown; until: number }>();

  constructor(
    private readonly db: Queryable | null,
    private readonly backend: SecretsBackend | null,
    private readonly cacheTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async connection(connId: string): Promise<Found<ConnectionInfo> | undefined> {
    const fromEnv = await environmentSecrets.getConnection(connId);
    if (fromEnv) return { value: fromEnv, source: "environment" };
    const fromBackend = await this.cached(`conn:${connId}`, () => this.backend!.getConnection(connId));
    if (fromBackend) return { value: fromBackend, source: "backend" };
    const row = this.db ? await getConnection(this.db, connId) : null;
    if (!row) return undefined;
    return { source: "database", value: { ...connectionInfoOf(row), extra: parseExtra(connId, row.extra) } };
  }

  async variable(key: string): Promise<Found<string> | undefined> {
    const fromEnv = await environmentSecrets.getVariable(key);
    if (fromEnv !== undefined) return { value: fromEnv, source: "environment" };
    const fromBackend = await this.cached(`var:${key}`, () => this.backend!.getVariable(key));
    if (fromBackend !== undefined) return { value: fromBackend, source: "backend" };
    const row = this.db ? await getVariable(this.db, key) : null;
    return row ? { value: row.val, source: "database" } : undefined;
  }

  private async cached<T>(key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.backend) return undefined;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.value as T;
    const value = await read();
    if (value === undefined) this.cache.delete(key);
    else if (this.cacheTtlMs > 0) this.cache.set(key, { value, until: this.now() + this.cacheTtlMs });
    return value;
  }
}

function parseExtra(connId: string, extra: string | null): ConnectionInfo["extra"] {
  if (!extra) return null;
  try {
    return JSON.parse(extra) as ConnectionInfo["extra"];
  } catch {
    throw new Error(`Connection "${connId}" has an extra that is not JSON: fix it with \`updraft connections add\` or the UI.`);
  }
}

/** The lookup configured from the environment, over this database (one per process, one per database). */
const lookups = new WeakMap<object, SecretsLookup>();
export function secretsLookupFor(db: Queryable | null): SecretsLookup {
  const holder = db ?? lookups;
  let lookup = lookups.get(holder);
  if (!lookup) {
    const config = secretsConfigFrom();
    lookup = new SecretsLookup(db, config.backend, config.cacheTtlMs);
    lookups.set(holder, lookup);
  }
  return lookup;
}
