import { existsSync } from "node:fs";
import { join } from "node:path";
import { UpdraftError } from "../../core/errors.ts";
import { DatabaseLockedError } from "../../core/store/errors.ts";
import { openDatabase, updraftHome } from "../../core/store/open.ts";
import { checkHealth, isUnhealthy, type HealthReport } from "../../observability/health.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type Command } from "../command.ts";
import { findRunningStandalone } from "../standalone-descriptor.ts";
import { formatTable } from "../table.ts";

// A web server that has not answered in 10 s is reported down rather than holding the check (and a probe) forever.
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * `updraft health`: Airflow's health report, exit code 0 when every running component is healthy, 1 otherwise.
 * Read from --url (a web server's GET /health), else the database (UPDRAFT_DATABASE_URL, or the embedded one when no
 * process holds it), else the running standalone's GET /health.
 */
export const health: Command = {
  group: "health",
  verb: "",
  summary: "Report the health of the metadata database, scheduler, triggerer, DAG processor and executor (exit 1 when unhealthy)",
  args: "",
  options: { ...OUTPUT_OPTION, url: { type: "string" } },
  optionHelp: { ...OUTPUT_HELP, url: "--url URL                  ask this web server (its GET /health) instead of the database" },
  async run(_args, values, io) {
    const format = outputFormat(values);
    const report = await readReport(typeof values.url === "string" ? values.url : undefined);
    if (format === "json") io.out(JSON.stringify(report, null, 2));
    else {
      const rows = Object.entries(report).map(([component, value]) => {
        const { status, ...rest } = value as { status: string | null } & Record<string, unknown>;
        const heartbeat = Object.entries(rest).find(([key]) => key.startsWith("latest_"))?.[1] as string | null | undefined;
        const detail = (rest.redis as { status: string; error?: string } | undefined);
        const note = detail ? `redis ${detail.status}${detail.error ? `: ${detail.error}` : ""}` : typeof rest.error === "string" ? rest.error : "";
        return [component, status ?? "not running", heartbeat ?? note];
      });
      io.out(format === "plain" ? rows.map((r) => r.join("\t")).join("\n") : formatTable(["component", "status", "latest heartbeat / detail"], rows));
    }
    return isUnhealthy(report) ? 1 : 0;
  },
};

async function readReport(url: string | undefined): Promise<HealthReport> {
  if (url !== undefined) return fetchReport(url);
  if (process.env.UPDRAFT_DATABASE_URL) return fromDatabase(() => openDatabase({ url: process.env.UPDRAFT_DATABASE_URL }));
  const home = updraftHome();
  const standalone = await findRunningStandalone(home);
  if (standalone) return fetchReport(standalone.url);
  if (!existsSync(join(home, "db"))) return unreachable(`There is no database in ${home} (UPDRAFT_HOME) and no UPDRAFT_DATABASE_URL: nothing has run here.`);
  return fromDatabase(() => openDatabase({ home }));
}

async function fromDatabase(open: () => ReturnType<typeof openDatabase>): Promise<HealthReport> {
  const db = await open().catch((error: unknown) => {
    // Held by a process that is not a standalone serving the API (an `updraft scheduler`): it runs, but this cannot see it.
    if (error instanceof DatabaseLockedError) {
      throw new UpdraftError("DB_LOCKED", `The embedded database is open in another process (pid ${error.pid}), so its health cannot be read here: ` +
        "ask that process instead, e.g. `updraft health --url http://127.0.0.1:8793` for an `updraft scheduler` on its default port.", { cause: error });
    }
    return (error as Error).message;
  });
  if (typeof db === "string") return unreachable(`Could not open the database: ${db}`);
  try {
    return await checkHealth(db);
  } finally {
    await db.close();
  }
}

async function fetchReport(base: string): Promise<HealthReport> {
  let target: URL;
  try {
    target = new URL("/health", base);
  } catch {
    throw new UsageError(`Invalid --url "${base}": give the web server's address, e.g. http://127.0.0.1:8080.`);
  }
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
    return (await response.json()) as HealthReport;
  } catch (error) {
    return unreachable(`The web server at ${target.origin} did not report its health: ${(error as Error).message}`);
  }
}

/** The database cannot be read: every component is unknown, so unhealthy, as Airflow reports it; `error` says why. */
function unreachable(error: string): HealthReport {
  return {
    metadatabase: { status: "unhealthy", error } as HealthReport["metadatabase"],
    scheduler: { status: "unhealthy", latest_scheduler_heartbeat: null },
    triggerer: { status: "unhealthy", latest_triggerer_heartbeat: null },
    dag_processor: { status: "unhealthy", latest_dag_processor_heartbeat: null },
  };
}
