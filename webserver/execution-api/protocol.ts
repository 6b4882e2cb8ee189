import type { JsonObject, JsonValue } from "../../core/types.ts";

/** The execution API's messages, shared by the server and the runners' client. Dates travel as ISO strings. */
export interface StartRequest {
  hostname: string;
  pid: number;
}

export interface StartResponse {
  dag_run: {
    dag_id: string;
    run_id: string;
    run_type: string;
    logical_date: string;
    data_interval_start: string;
    data_interval_end: string;
    conf: JsonObject;
    external_trigger: boolean;
    start_date: string | null;
  };
  ti: { try_number: number; max_tries: number; start_date: string; map_index: number; next_method?: string | null; next_kwargs?: JsonObject | null };
  expanded_ti_count: number | null;
  /** For a dataset-triggered run: the events it consumed, by dataset URI. */
  triggering_dataset_events?: Record<string, Array<{ uri: string; extra: JsonObject; timestamp: string; source_dag_id: string | null; source_task_id: string | null; source_run_id: string | null; source_map_index: number | null }>>;
  prev_success: { logical_date: string; data_interval_start: string | null; data_interval_end: string | null; start_date: string | null; end_date: string | null } | null;
}

export interface FinishRequest {
  state: "success" | "skipped" | "failed" | "up_for_retry" | "up_for_reschedule" | "deferred";
  error: string | null;
  next_retry_at: string | null;
  reschedule_at: string | null;
  rendered: JsonObject;
  rendered_map_index: string | null;
  log_path: string | null;
  /** The task's outlets, when the try succeeded: each becomes a dataset event (Airflow 2.4+). */
  outlet_events?: Array<{ uri: string; extra: JsonObject }>;
  /** With state "deferred": the trigger to run and how to resume (see webserver/execution-api/deferral-routes.ts). */
  deferral?: DeferralRequest;
}

export interface DeferralRequest {
  classpath: string;
  trigger_kwargs: JsonObject;
  next_method: string;
  next_kwargs: JsonObject;
  trigger_timeout: string | null;
}

export interface XComPullRequest {
  task_ids?: string | string[] | null;
  key?: string | null;
  map_indexes?: number | number[] | null;
  dag_id?: string;
  default?: JsonValue;
}

export interface HeartbeatResponse {
  /** The TI's state now; anything but "running" tells the runner to stop the task. */
  state: string | null;
}

export const EXECUTION_API_PREFIX = "/execution/v1";

/** One execution API call, whatever carried it (HTTP, or the local executor's pipe to its runners). */
export interface ApiRequest {
  method: string;
  /** Relative to EXECUTION_API_PREFIX, e.g. `/ti/start`. */
  path: string;
  /** `Bearer <token>`. */
  authorization: string;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  /** JSON; null for 204. */
  body: unknown;
}
