import type { DatasetEventView, XComPullArgs } from "../core/context.ts";
import type { TaskRuntime } from "../core/runtime.ts";
import type { ConnectionInfo } from "../core/types.ts";
import type { FinishRequest, HeartbeatResponse, StartResponse } from "../webserver/execution-api/protocol.ts";
import { transportFor, type ApiTransport } from "./api-transport.ts";
import { breakerBackendOverApi } from "../resilience/breaker-backend.ts";
import type { SlaMissesResponse, SlaNotifiedRequest } from "../webserver/execution-api/sla-routes.ts";
import { alertBackendOverApi } from "../alerting/alert-api.ts";
import { crossDagBackendOverApi } from "./cross-dag-client.ts";

export class TryConflictError extends Error {
  readonly code = "TRY_CONFLICT";
}

/** A runner's connection to the execution API for one try. Implements TaskRuntime, so operators use it unchanged. */
export class ExecutionApiClient implements TaskRuntime {
  private readonly transport: ApiTransport;

  constructor(private readonly apiUrl: string, private readonly token: string) {
    this.transport = transportFor(apiUrl);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    let lastError: unknown;
    // The API may be briefly unreachable (webserver restarting); retry a few times before failing the try.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const { status, body: data } = await this.transport({ method, path, authorization: `Bearer ${this.token}`, body });
        if (status >= 500) throw new Error(`execution API ${method} ${path} answered ${status}: ${JSON.stringify(data)}`);
        return { status, data: data as T };
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
    throw new Error(`The execution API at ${this.apiUrl} is unreachable: ${(lastError as Error).message}`);
  }

  async start(hostname: string, pid: number): Promise<StartResponse> {
    const { status, data } = await this.call<StartResponse & { detail?: string }>("POST", "/ti/start", { hostname, pid });
    if (status === 409) throw new TryConflictError(data.detail ?? "try is no longer queued");
    if (status !== 200) throw new Error(`Could not start the try: ${status} ${JSON.stringify(data)}`);
    return data;
  }

  async run(): Promise<StartResponse["dag_run"] & { state: string }> {
    const { status, data } = await this.call<StartResponse["dag_run"] & { state: string }>("GET", "/run");
    if (status !== 200) throw new Error(`Could not read the run: ${status} ${JSON.stringify(data)}`);
    return data;
  }

  async callbackDone(id: number): Promise<void> {
    await this.call("POST", `/callbacks/${id}/done`, {});
  }

  async heartbeat(): Promise<HeartbeatResponse> {
    return (await this.call<HeartbeatResponse>("POST", "/ti/heartbeat", {})).data;
  }

  async finish(request: FinishRequest): Promise<boolean> {
    const { status } = await this.call("POST", "/ti/finish", request);
    return status === 204;
  }

  async xcomPush(key: string, value: unknown): Promise<void> {
    const { status, data } = await this.call("PUT", `/ti/xcom/${encodeURIComponent(key)}`, { value });
    if (status !== 204) throw new Error(`Could not push XCom "${key}": ${status} ${JSON.stringify(data)}`);
  }

  async xcomPull(args: XComPullArgs): Promise<unknown> {
    const { data } = await this.call<{ value: unknown; found: boolean }>("POST", "/ti/xcom/pull", {
      task_ids: args.taskIds, key: args.key, map_indexes: args.mapIndexes, dag_id: args.dagId, default: args.default,
    });
    return data.found ? data.value : args.default;
  }

  async getVariable(key: string): Promise<string | undefined> {
    const { status, data } = await this.call<{ value: string }>("GET", `/variables/${encodeURIComponent(key)}`);
    return status === 200 ? data.value : undefined;
  }

  async getConnection(connId: string): Promise<ConnectionInfo | undefined> {
    const { status, data } = await this.call<ConnectionInfo>("GET", `/connections/${encodeURIComponent(connId)}`);
    return status === 200 ? data : undefined;
  }

  async datasetEvents(uri: string): Promise<DatasetEventView[]> {
    const { status, data } = await this.call<{ events: Array<Omit<DatasetEventView, "timestamp"> & { timestamp: string }> }>("GET", `/dataset-events/${encodeURIComponent(uri)}`);
    if (status !== 200) throw new Error(`Could not read the events of dataset "${uri}": ${status} ${JSON.stringify(data)}`);
    return data.events.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }));
  }

  /** A DAG's unnotified SLA misses and what blocks them, for its sla_miss_callback (sla-routes.ts). */
  async slaMisses(): Promise<SlaMissesResponse> {
    const { status, data } = await this.call<SlaMissesResponse>("GET", "/sla-misses");
    if (status !== 200) throw new Error(`Could not read the SLA misses: ${status} ${JSON.stringify(data)}`);
    return data;
  }

  async slaNotified(request: SlaNotifiedRequest): Promise<void> {
    const { status, data } = await this.call("POST", "/sla-misses/notified", request);
    if (status !== 204) throw new Error(`Could not mark the SLA misses notified: ${status} ${JSON.stringify(data)}`);
  }

  /** One attempt, no retries: a caller with its own fallback (a circuit breaker) must not wait out the retries. */
  private async callOnce(method: string, path: string, body: unknown): Promise<{ status: number; data: unknown }> {
    const { status, body: data } = await this.transport({ method, path, authorization: `Bearer ${this.token}`, body });
    return { status, data };
  }

  private readonly breakers = breakerBackendOverApi((method, path, body) => this.callOnce(method, path, body));
  readonly breakerAcquire = this.breakers.breakerAcquire;
  readonly breakerRecord = this.breakers.breakerRecord;

  private readonly alerts = alertBackendOverApi((method, path, body) => this.call(method, path, body));
  readonly recordAlert = this.alerts.recordAlert;
  readonly resolveAlert = this.alerts.resolveAlert;

  private readonly crossDag = crossDagBackendOverApi((method, path, body) => this.call(method, path, body));
  readonly externalStates = this.crossDag.externalStates;
  readonly dagRunStates = this.crossDag.dagRunStates;
  readonly triggerDagRun = this.crossDag.triggerDagRun;

  /** One attempt: the lineage sender (lineage/emitter.ts) retries and buffers, and must not wait out `call`'s retries. */
  async sendLineageEvent(event: object): Promise<void> {
    const { status, data } = await this.callOnce("POST", "/lineage/events", event);
    if (status !== 202 && status !== 204) throw new Error(`the lineage service refused the event: ${status} ${JSON.stringify(data)}`);
  }

  async skipTasks(taskIds: readonly string[], mapIndex: number): Promise<void> {
    await this.call("POST", "/ti/skip", { task_ids: taskIds, map_index: mapIndex });
  }
}
