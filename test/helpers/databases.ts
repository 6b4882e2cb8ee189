import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { join } from "node:path";
import { inspect } from "node:util";
import pg from "pg";
import { beforeAll, describe } from "vitest";
import type { Database } from "../../core/store/database.ts";
import { migrate } from "../../core/store/migrate.ts";
import { PgDatabase } from "../../core/store/pg-database.ts";
import { PgliteDatabase } from "../../core/store/pglite-database.ts";
import { REPO_ROOT } from "./cli.ts";

export const POSTGRES_URL = process.env.UPDRAFT_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const requireServices = process.env.UPDRAFT_REQUIRE_SERVICES === "1";

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export const POSTGRES_REACHABLE = await postgresReachable();
if (!POSTGRES_REACHABLE && requireServices) {
  throw new Error(`PostgreSQL is required (UPDRAFT_REQUIRE_SERVICES=1) but ${POSTGRES_URL} is unreachable: start it, or unset UPDRAFT_REQUIRE_SERVICES to skip its suites.`);
}

export interface Backend {
  name: "pglite" | "postgres";
  /** A fresh, migrated database: in memory for PGlite, a schema of its own on PostgreSQL (dropped by `close()`). */
  open(): Promise<Database>;
  /** For PostgreSQL: the URL and schema a child process can open the same database with. */
  lastSchema?: string;
}

// initdb in WebAssembly takes 2.6–4 s; loading a dump of a migrated database takes ~0.7 s. One dump per process.
let migratedDump: Promise<Blob> | undefined;
// 2.6–4 s on a quiet machine; the shared CI machine has taken over 10 s with other suites running.
const TEMPLATE_TIMEOUT_MS = 120_000;

function pgliteTemplate(): Promise<Blob> {
  migratedDump ??= (async () => {
    const db = await PgliteDatabase.open();
    try {
      await migrate(db);
      return await db.dump();
    } finally {
      await db.close();
    }
  })();
  return migratedDump;
}

// Test schemas are named t_<creation time>_<random>, so that those left by a killed run can be recognised and dropped.
const SCHEMA_PATTERN = /^t_([0-9a-z]{8,9})_[0-9a-f]{8}$/;
const STALE_SCHEMA_MS = 6 * 60 * 60 * 1000;

/** A schema name no other test uses. */
export function freshSchemaName(): string {
  return `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

let staleSchemasDropped: Promise<void> | undefined;

/** Schemas of runs that died before closing their databases (a test killed by its timeout, Ctrl-C). */
function dropStaleSchemas(): Promise<void> {
  staleSchemasDropped ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'");
      for (const { nspname } of rows) {
        const created = SCHEMA_PATTERN.exec(nspname)?.[1];
        if (created && Date.now() - parseInt(created, 36) > STALE_SCHEMA_MS) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`).catch(() => {});
      }
    } finally {
      await client.end();
    }
  })().catch(() => {});
  return staleSchemasDropped;
}

export const BACKENDS: Backend[] = [
  {
    name: "pglite",
    async open() {
      return PgliteDatabase.fromDump(await pgliteTemplate());
    },
  },
  {
    name: "postgres",
    async open() {
      await dropStaleSchemas();
      const schema = freshSchemaName();
      this.lastSchema = schema;
      const db = await PgDatabase.open(POSTGRES_URL, { schema, max: 5 });
      const close = db.close.bind(db);
      db.close = async () => {
        await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
        await close();
      };
      await migrate(db);
      return db;
    },
  },
];

/** Runs a suite once per back end: the embedded PGlite and server PostgreSQL (skipped, with a reason, when unreachable). */
export function describeEachBackend(name: string, suite: (backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    const skip = backend.name === "postgres" && !POSTGRES_REACHABLE;
    (skip ? describe.skip : describe)(`${name} [${backend.name}]${skip ? " (PostgreSQL unreachable)" : ""}`, () => {
      // The first PGlite of a process makes the template (initdb, migrate, dump): too slow for a test's own hooks.
      if (backend.name === "pglite") beforeAll(() => pgliteTemplate().then(() => {}), TEMPLATE_TIMEOUT_MS);
      suite(backend);
    });
  }
}

/** A suite for PostgreSQL only (skipped when unreachable, failing instead under UPDRAFT_REQUIRE_SERVICES=1). */
export function describePostgres(name: string, suite: () => void): void {
  (POSTGRES_REACHABLE ? describe : describe.skip)(`${name}${POSTGRES_REACHABLE ? "" : " (PostgreSQL unreachable)"}`, suite);
}

/** Another process holding the embedded database of `home` open, as `updraft standalone` does. */
export interface EmbeddedHolder {
  pid: number;
  /** SIGKILL (the process dies without releasing its lock), then waits until it is gone. */
  kill(): Promise<void>;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
}

/** With `exitAtOnce`, the process exits normally right after opening it, without closing it. */
export async function holdEmbeddedDatabase(home: string, options: { exitAtOnce?: boolean } = {}): Promise<EmbeddedHolder> {
  const script = join(REPO_ROOT, "test", "fixtures", "store", "hold-embedded-db.ts");
  const args = [join(REPO_ROOT, "bin", "run-ts.js"), script, home, ...(options.exitAtOnce ? ["--exit"] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "close");
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("ready")) resolve();
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => {
      if (!output.includes("ready")) reject(new Error(`The process holding ${home} exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    exited: exited.then(([code]) => code as number | null),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  const settled = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in settled)) throw new Error(`Expected a rejection, got ${inspect(settled.value, { depth: 1 })}`);
  return settled.error as E;
}
