import { verifyToken, type TokenClaims } from "../../core/execution-token.ts";
import type { Database } from "../../core/store/database.ts";
import { finishTry, heartbeatTry, skipTaskInstances, startTry } from "../../core/store/queries/task-instances.ts";
import { pullXCom, pushXCom } from "../../core/store/queries/xcom.ts";
import { recordDatasetEvents, triggeringDatasetEvents, type OutletEvent } from "../../core/store/queries/dataset-events.ts";
import { normalizeDatasetUri } from "../../core/dataset.ts";
import type { JsonObject, JsonValue } from "../../core/types.ts";
import { finishDeferred, registerDeferralRoutes } from "./deferral-routes.ts";
import type { ApiRequest, ApiResponse, FinishRequest, StartRequest, StartResponse, XComPullRequest } from "./protocol.ts";
import { tryEnded, tryStarted } from "../../observability/try-events.ts";
import { registerSecretsRoutes } from "./secrets-routes.ts";
import { registerBreakerRoutes } from "./breaker-routes.ts";
import { registerSlaRoutes } from "./sla-routes.ts";
import { registerLineageRoutes } from "./lineage-routes.ts";
import { registerDatasetRoutes } from "./dataset-routes.ts";
import { registerAlertingRoutes } from "./alerting-routes.ts";

/** How a try ended, as the scheduler needs it to plan the run's next step. */
export interface TryOutcome {
  state: FinishRequest["state"];
  nextRetryAt: Date | null;
  rescheduleAt: Date | null;
}

export interface ExecutionApiHooks {
  /** A try ended: the scheduler should look at this run now (a downstream task may be ready). */
  onTryFinished(claims: TokenClaims, outcome: TryOutcome): void;
  /** A try changed other TIs of its run (a branch skipped them): the scheduler must read the run again. */
  onRunChanged?(claims: TokenClaims): void;
  /** A try's dataset events queued runs of these DAGs: the scheduler may create them now. */
  onDatasetsQueued?(dagIds: string[]): void;
}

export type Handler = (claims: TokenClaims, body: unknown, param: string) => Promise<ApiResponse>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The runner's outlet events, checked: a URI each (normalised as Airflow does), an object of extra. */
function outletEvents(raw: unknown): OutletEvent[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((event: { uri?: unknown; extra?: unknown }) => ({
    uri: normalizeDatasetUri(String(event?.uri ?? "")),
    extra: event?.extra && typeof event.extra === "object" && !Array.isArray(event.extra) ? (event.extra as JsonObject) : {},
  }));
}
const json = (body: unknown, status = 200): ApiResponse => ({ status, body });
const noContent: ApiResponse = { status: 204, body: null };
const problem = (status: number, title: string, detail: string): ApiResponse => ({ status, body: { title, status, detail } });

/**
 * The execution API: what a runner may do for the one task-instance try its token names — start, heartbeat, read and
 * write XCom, read variables and connections, skip tasks of its run (branching), finish. Every write is guarded on the
 * try's state, so a cleared or re-queued try cannot write over the new one.
 *
 * It knows nothing of transports: HTTP (router.ts, for workers on other machines) and the local executor's pipe to its
 * runners (no HTTP parsing on either side) both call `handle`.
 */
export class ExecutionApi {
  private readonly routes: Array<{ method: string; segments: string[]; handler: Handler }> = [];

  constructor(
    private readonly db: Database,
    private readonly secret: Buffer,
    private readonly hooks: ExecutionApiHooks,
  ) {
    this.route("POST", "/ti/start", (c, body) => this.start(c, body as StartRequest));
    this.route("GET", "/run", (c) => this.run(c));
    this.route("POST", "/callbacks/:id/done", (c, _body, id) => this.callbackDone(c, Number(id)));
    this.route("POST", "/ti/heartbeat", async (c) => json({ state: await heartbeatTry(db, c, c.tryNumber) }));
    this.route("POST", "/ti/xcom/pull", (c, body) => this.xcomPull(c, body as XComPullRequest));
    this.route("PUT", "/ti/xcom/:key", async (c, body, key) => {
      await pushXCom(db, c, key, (body as { value: JsonValue }).value);
      return noContent;
    });
    this.route("POST", "/ti/skip", (c, body) => this.skip(c, body as { task_ids: string[]; map_index: number }));
    registerSecretsRoutes(this, db, hooks);
    this.route("POST", "/ti/finish", (c, body) => this.finish(c, body as FinishRequest));
    registerDeferralRoutes(this, db, hooks);
    registerBreakerRoutes(this, db, hooks);
    registerSlaRoutes(this, db, hooks);
    registerLineageRoutes(this, db, hooks);
    registerDatasetRoutes(this, db, hooks);
    registerAlertingRoutes(this, db, hooks);
  }

  /** Answers one request. `path` is relative to the API's prefix, e.g. `/ti/start`. */
  async handle(request: ApiRequest): Promise<ApiResponse> {
    const claims = request.authorization.startsWith("Bearer ") ? verifyToken(this.secret, request.authorization.slice(7)) : null;
    if (!claims) return problem(401, "Unauthorized", "A valid task-instance token is required (Authorization: Bearer …).");
    const { handler, param } = this.match(request.method, request.path);
    if (!handler) return problem(404, "Not Found", `The execution API has no ${request.method} ${request.path}.`);
    try {
      return await handler(claims, request.body ?? {}, param);
    } catch (error) {
      return problem(500, "Internal Server Error", (error as Error).message);
    }
  }

  /** Adds a route; modules with routes of their own (one area each) call it from the constructor. */
  route(method: string, path: string, handler: Handler): void {
    this.routes.push({ method, segments: path.split("/"), handler });
  }

  /** The route whose segments all match, a `:name` segment matching any one segment (its value is the param). */
  private match(method: string, path: string): { handler?: Handler; param: string } {
    const segments = path.split("/");
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      let param = "";
      const matches = route.segments.every((segment, i) => {
        if (!segment.startsWith(":")) return segment === segments[i];
        param = decodeURIComponent(segments[i]);
        return param !== "";
      });
      if (matches) return { handler: route.handler, param };
    }
    return { param: "" };
  }

  private async start(c: TokenClaims, body: StartRequest): Promise<ApiResponse> {
    const t = await startTry(this.db, c, c.tryNumber, String(body.hostname ?? ""), Number(body.pid ?? 0));
    if (!t) return problem(409, "Conflict", "This try is no longer queued (cleared, marked, or already started): do not run it.");
    tryStarted(c, t.start_date);
    const response: StartResponse = {
      dag_run: {
        dag_id: c.dagId, run_id: c.runId, run_type: t.run_type, logical_date: t.logical_date.toISOString(),
        data_interval_start: (t.data_interval_start ?? t.logical_date).toISOString(),
        data_interval_end: (t.data_interval_end ?? t.logical_date).toISOString(),
        conf: t.conf, external_trigger: t.external_trigger, start_date: iso(t.run_start_date),
      },
      ti: { try_number: t.try_number, max_tries: t.max_tries, start_date: t.start_date.toISOString(), map_index: t.map_index, next_method: t.next_method, next_kwargs: t.next_kwargs },
      expanded_ti_count: t.expanded_ti_count,
      prev_success: t.prev_logical_date
        ? { logical_date: t.prev_logical_date.toISOString(), data_interval_start: iso(t.prev_data_interval_start), data_interval_end: iso(t.prev_data_interval_end), start_date: iso(t.prev_start_date), end_date: iso(t.prev_end_date) }
        : null,
    };
    if (t.run_type === "dataset_triggered") {
      const events = await triggeringDatasetEvents(this.db, c.dagId, t.logical_date);
      response.triggering_dataset_events = Object.fromEntries(Object.entries(events).map(([uri, list]) => [uri, list.map((e) => ({ ...e, timestamp: e.timestamp.toISOString() }))]));
    }
    return json(response);
  }

  /** For DAG-level callbacks: the run the token's task instance belongs to. */
  private async run(c: TokenClaims): Promise<ApiResponse> {
    const { rows } = await this.db.query<{ run_type: string; logical_date: Date; data_interval_start: Date | null; data_interval_end: Date | null; conf: JsonObject; external_trigger: boolean; start_date: Date | null; state: string }>(
      "SELECT run_type, logical_date, data_interval_start, data_interval_end, conf, external_trigger, start_date, state FROM dag_run WHERE dag_id = $1 AND run_id = $2",
      [c.dagId, c.runId],
    );
    const run = rows[0];
    if (!run) return problem(404, "Not Found", "The run is gone.");
    return json({
      dag_id: c.dagId, run_id: c.runId, run_type: run.run_type, logical_date: run.logical_date.toISOString(),
      data_interval_start: (run.data_interval_start ?? run.logical_date).toISOString(),
      data_interval_end: (run.data_interval_end ?? run.logical_date).toISOString(),
      conf: run.conf, external_trigger: run.external_trigger, start_date: iso(run.start_date), state: run.state,
    });
  }

  private async callbackDone(c: TokenClaims, id: number): Promise<ApiResponse> {
    await this.db.query("UPDATE callback_request SET claimed_at = now() WHERE id = $1 AND dag_id = $2 AND run_id = $3", [id, c.dagId, c.runId]);
    return noContent;
  }

  private async xcomPull(c: TokenClaims, body: XComPullRequest): Promise<ApiResponse> {
    const value = await pullXCom(this.db, c, {
      taskIds: body.task_ids, key: body.key, mapIndexes: body.map_indexes, dagId: body.dag_id, default: body.default,
    });
    return json({ value: value === undefined ? null : value, found: value !== undefined });
  }

  private async skip(c: TokenClaims, body: { task_ids: string[]; map_index: number }): Promise<ApiResponse> {
    const skipped = await skipTaskInstances(this.db, c.dagId, c.runId, body.task_ids, body.map_index);
    if (skipped > 0) this.hooks.onRunChanged?.(c);
    return json({ skipped });
  }

  private async finish(c: TokenClaims, body: FinishRequest): Promise<ApiResponse> {
    if (body.state === "deferred") return finishDeferred(this.db, this.hooks, c, body);
    const outcome: TryOutcome = {
      state: body.state,
      nextRetryAt: body.next_retry_at ? new Date(body.next_retry_at) : null,
      rescheduleAt: body.reschedule_at ? new Date(body.reschedule_at) : null,
    };
    const finish = {
      ...outcome,
      state: body.state,
      error: body.error ?? null,
      renderedMapIndex: body.rendered_map_index ?? null,
      rendered: body.rendered ?? {},
    };
    const events = outcome.state === "success" ? outletEvents(body.outlet_events) : [];
    let queuedDags: string[] = [];
    // With outlets, the events are recorded in the transaction that records the success, or not at all.
    const done = events.length
      ? await this.db.transaction(async (tx) => {
          const finished = await finishTry(tx, c, c.tryNumber, finish, body.log_path ?? null);
          if (finished) queuedDags = await recordDatasetEvents(tx, { dagId: c.dagId, runId: c.runId, taskId: c.taskId, mapIndex: c.mapIndex }, events);
          return finished;
        })
      : await finishTry(this.db, c, c.tryNumber, finish, body.log_path ?? null);
    if (!done) return problem(409, "Conflict", "This try is no longer running; its outcome was not recorded.");
    if (queuedDags.length) this.hooks.onDatasetsQueued?.(queuedDags);
    this.hooks.onTryFinished(c, outcome);
    tryEnded(c, outcome.state, body.error ?? null);
    return noContent;
  }
}
