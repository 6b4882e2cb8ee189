import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackfillRequest } from "../core/runs/backfill.ts";
import type { ClearRequest } from "../core/runs/clear-task-instances.ts";
import { RequestError } from "../core/runs/request-error.ts";
import { UpdraftError } from "../core/errors.ts";
import type { JsonObject } from "../core/types.ts";
import { ADMIN_PASSWORD_FILE } from "../webserver/auth/standalone-admin.ts";
import type {
  BackfillJson, DagJson, DagRunJson, TaskInstanceJson, TaskInstanceReferenceJson, TaskJson,
} from "../webserver/api/serializers.ts";
import type { StandaloneDescriptor } from "./standalone-descriptor.ts";
import type { StateClient } from "./state-client.ts";

// The API answers in milliseconds; a minute without an answer means the standalone is stuck, not busy.
const REQUEST_TIMEOUT_MS = 60_000;
const PAGE = 100;

/**
 * The state client over the REST API (v1) of a running `updraft standalone`, which holds the embedded database,
 * logged in as its admin user with the password it wrote to `$UPDRAFT_HOME/standalone_admin_password.txt`.
 */
export class RestClient implements StateClient {
  readonly holdsEmbeddedDatabase = false;

  private constructor(
    private readonly standalone: StandaloneDescriptor & { file: string },
    private readonly auth: string,
  ) {}

  static async connect(home: string, standalone: StandaloneDescriptor & { file: string }): Promise<RestClient> {
    const passwordFile = join(home, ADMIN_PASSWORD_FILE);
    const password = (await readFile(passwordFile, "utf8").catch(() => "")).trim();
    if (!password) {
      throw new UpdraftError(
        "NO_API_PASSWORD",
        `\`updraft standalone\` is running (pid ${standalone.pid}, ${standalone.url}) and holds the embedded database, but ${passwordFile} is missing or empty, so this command cannot log in to its API as admin. ` +
          "Restore that file with the admin password, or stop the standalone and run the command again.",
      );
    }
    return new RestClient(standalone, `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`);
  }

  get description(): string {
    return `the standalone at ${this.standalone.url} (pid ${this.standalone.pid})`;
  }

  getDag(dagId: string) {
    return this.call<DagJson>("GET", `/dags/${enc(dagId)}`);
  }

  setPaused(dagId: string, isPaused: boolean) {
    return this.call<DagJson>("PATCH", `/dags/${enc(dagId)}`, { is_paused: isPaused });
  }

  async listTasks(dagId: string) {
    return (await this.call<{ tasks: TaskJson[] }>("GET", `/dags/${enc(dagId)}/tasks`)).tasks;
  }

  triggerDagRun(dagId: string, request: { runId?: string; logicalDate?: Date; conf?: JsonObject }) {
    return this.call<DagRunJson>("POST", `/dags/${enc(dagId)}/dagRuns`, {
      dag_run_id: request.runId, logical_date: request.logicalDate?.toISOString(), conf: request.conf,
    });
  }

  async listDagRuns(dagId: string, filter: { states?: string[]; logicalDateGte?: Date; logicalDateLte?: Date; orderBy?: string } = {}) {
    const query = new URLSearchParams();
    for (const state of filter.states ?? []) query.append("state", state);
    if (filter.logicalDateGte) query.set("execution_date_gte", filter.logicalDateGte.toISOString());
    if (filter.logicalDateLte) query.set("execution_date_lte", filter.logicalDateLte.toISOString());
    if (filter.orderBy) query.set("order_by", filter.orderBy);
    query.set("limit", String(PAGE));
    const all: DagRunJson[] = [];
    for (let offset = 0; ; offset += PAGE) {
      query.set("offset", String(offset));
      const page = await this.call<{ dag_runs: DagRunJson[]; total_entries: number }>("GET", `/dags/${enc(dagId)}/dagRuns?${query}`);
      all.push(...page.dag_runs);
      if (page.dag_runs.length === 0 || offset + page.dag_runs.length >= page.total_entries) return all;
    }
  }

  getDagRun(dagId: string, runId: string) {
    return this.call<DagRunJson>("GET", `/dags/${enc(dagId)}/dagRuns/${enc(runId)}`);
  }

  async listTaskInstances(dagId: string, runId: string) {
    const all: TaskInstanceJson[] = [];
    // Pages of at most 100 (the API's maximum_page_limit), as many as the run has.
    for (let offset = 0; ; offset += 100) {
      const path = `/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances?limit=100&offset=${offset}`;
      const page = await this.call<{ task_instances: TaskInstanceJson[]; total_entries: number }>("GET", path);
      all.push(...page.task_instances);
      if (page.task_instances.length === 0 || offset + page.task_instances.length >= page.total_entries) return all;
    }
  }

  async clearTaskInstances(dagId: string, r: ClearRequest) {
    const body = {
      dry_run: r.dryRun, task_ids: r.taskIds ?? undefined, include_upstream: r.includeUpstream, include_downstream: r.includeDownstream,
      start_date: r.startDate?.toISOString(), end_date: r.endDate?.toISOString(),
      only_failed: r.onlyFailed, only_running: r.onlyRunning, reset_dag_runs: r.resetDagRuns,
    };
    return (await this.call<{ task_instances: TaskInstanceReferenceJson[] }>("POST", `/dags/${enc(dagId)}/clearTaskInstances`, body)).task_instances;
  }

  backfill(dagId: string, r: BackfillRequest) {
    return this.call<BackfillJson>("POST", "/backfills", {
      dag_id: dagId, from_date: r.fromDate.toISOString(), to_date: r.toDate.toISOString(), reprocess_behavior: r.reprocess,
    });
  }

  readLog(key: { dagId: string; runId: string; taskId: string; mapIndex: number }, tryNumber: number) {
    const path = `/dags/${enc(key.dagId)}/dagRuns/${enc(key.runId)}/taskInstances/${enc(key.taskId)}/logs/${tryNumber}?map_index=${key.mapIndex}`;
    return this.call<string>("GET", path, undefined, "text/plain");
  }

  async schedulerIsHealthy() {
    return (await this.call<{ scheduler: { status: string } }>("GET", "/health")).scheduler.status === "healthy";
  }

  async close() {}

  /** One API call. Problem answers become `RequestError`s carrying the API's detail; an unreachable API says so. */
  private async call<T>(method: string, path: string, body?: unknown, accept = "application/json"): Promise<T> {
    const url = `${this.standalone.url}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.auth, accept, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new UpdraftError(
        "STANDALONE_UNREACHABLE",
        `Cannot reach ${this.description}, named in ${this.standalone.file}: ${cause?.code ?? cause?.message ?? (error as Error).message}. ` +
          "If it is starting or stopping, wait and try again; if that process is not the standalone any more, delete that file.",
        { cause: error },
      );
    }
    if (response.ok) return (accept === "text/plain" ? await response.text() : await response.json()) as T;
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    const detail = problem.detail ?? `${response.status} ${response.statusText}`;
    if (response.status === 401) {
      throw new UpdraftError("API_UNAUTHORIZED", `${this.description} refused the admin password in its standalone_admin_password.txt: ${detail}`);
    }
    if (response.status === 400 || response.status === 404 || response.status === 409) throw new RequestError(response.status, detail);
    throw new UpdraftError("API_ERROR", `${this.description} failed to ${method} ${path}: ${detail}`);
  }
}

const enc = encodeURIComponent;
