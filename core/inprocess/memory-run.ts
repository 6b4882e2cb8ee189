import type { DatasetEventView, XComPullArgs } from "../context.ts";
import type { TaskRuntime } from "../runtime.ts";
import { processBreakers } from "../../resilience/memory-breakers.ts";
import { processAlertBackend } from "../../alerting/alert-store.ts";
import type { StateChange } from "../scheduling/plan-run.ts";
import { mappableValues } from "../semantics/mapping.ts";
import type { SerializedDag } from "../serialization.ts";
import { isFinishedTaskState, RETURN_VALUE_KEY, type ConnectionInfo, type JsonObject, type JsonValue, type TaskState } from "../types.ts";

export interface TaskInstanceRecord {
  taskId: string;
  mapIndex: number;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  startDate: Date | null;
  endDate: Date | null;
  nextRetryAt: Date | null;
  rescheduleAt: Date | null;
  rendered: JsonObject;
  renderedMapIndex: string | null;
  error: string | null;
}

/** Where variables and connections come from for an in-process run. */
export interface SecretsSource {
  getVariable(key: string): Promise<string | undefined>;
  getConnection(connId: string): Promise<ConnectionInfo | undefined>;
}

const key = (taskId: string, mapIndex: number) => `${taskId}\u0000${mapIndex}`;

/** The TIs and XComs of one DagRun held in memory: the store of `updraft dags test`. */
export class MemoryRun {
  readonly tis = new Map<string, TaskInstanceRecord>();
  private readonly xcoms = new Map<string, Map<string, JsonValue>>();

  /** Called when a task's own code skips other TIs (branching, short-circuit). */
  onSkippedByTask: (ti: TaskInstanceRecord) => void = () => {};

  constructor(
    readonly dag: SerializedDag,
    private readonly secrets: SecretsSource,
  ) {
    for (const task of dag.tasks) this.addTi(task.task_id, -1, task.retries);
  }

  private addTi(taskId: string, mapIndex: number, retries: number): void {
    this.tis.set(key(taskId, mapIndex), {
      taskId, mapIndex, state: null, tryNumber: 0, maxTries: retries, startDate: null, endDate: null,
      nextRetryAt: null, rescheduleAt: null, rendered: {}, renderedMapIndex: null, error: null,
    });
  }

  ti(taskId: string, mapIndex: number): TaskInstanceRecord {
    const record = this.tis.get(key(taskId, mapIndex));
    if (!record) throw new Error(`No task instance ${taskId}[${mapIndex}] in this run.`);
    return record;
  }

  tisOf(taskId: string): TaskInstanceRecord[] {
    return [...this.tis.values()].filter((ti) => ti.taskId === taskId).sort((a, b) => a.mapIndex - b.mapIndex);
  }

  applyChange(change: StateChange): void {
    const ti = this.ti(change.taskId, change.mapIndex);
    ti.state = change.state;
    ti.endDate = ti.startDate = ti.startDate ?? new Date();
  }

  expand(taskId: string, length: number): void {
    const placeholder = this.ti(taskId, -1);
    this.tis.delete(key(taskId, -1));
    for (let i = 0; i < length; i++) this.addTi(taskId, i, placeholder.maxTries);
  }

  /** Airflow: length of an unmapped upstream's XCom, or the number of a mapped upstream's TIs that pushed one. */
  mapLength(taskId: string, xcomKey: string): number | null {
    const tis = this.tisOf(taskId);
    if (tis.length === 1 && tis[0].mapIndex === -1) {
      const value = this.xcoms.get(key(taskId, -1))?.get(xcomKey);
      if (value === undefined || value === null) return null;
      try {
        return mappableValues(value).length;
      } catch {
        return null;
      }
    }
    if (!tis.every((ti) => isFinishedTaskState(ti.state))) return null;
    return tis.filter((ti) => this.xcoms.get(key(taskId, ti.mapIndex))?.has(xcomKey)).length;
  }

  clearXComs(taskId: string, mapIndex: number): void {
    this.xcoms.delete(key(taskId, mapIndex));
  }

  xcomsOf(taskId: string, mapIndex: number): ReadonlyMap<string, JsonValue> {
    return this.xcoms.get(key(taskId, mapIndex)) ?? new Map();
  }

  /** Airflow's `xcom_pull` semantics for one run (§10 of the semantics reference). */
  xcomPull(args: XComPullArgs, callerTaskId: string): unknown {
    const xcomKey = args.key === undefined ? RETURN_VALUE_KEY : args.key;
    const taskIds = args.taskIds === undefined || args.taskIds === null ? null : args.taskIds;
    const lookup = (taskId: string, mapIndex: number): JsonValue | undefined => {
      const values = this.xcoms.get(key(taskId, mapIndex));
      if (!values) return undefined;
      if (xcomKey === null) return values.values().next().value;
      return values.get(xcomKey);
    };
    if (typeof taskIds === "string" && !Array.isArray(args.mapIndexes)) {
      const tis = this.tisOf(taskIds);
      if (args.mapIndexes === undefined || args.mapIndexes === null) {
        const mapped = tis.length > 0 && tis.every((ti) => ti.mapIndex >= 0);
        if (mapped) return tis.map((ti) => lookup(taskIds, ti.mapIndex)).filter((v) => v !== undefined);
        return lookup(taskIds, -1) ?? args.default;
      }
      return lookup(taskIds, args.mapIndexes) ?? args.default;
    }
    const ids = taskIds === null ? [...new Set([...this.tis.values()].map((ti) => ti.taskId))].filter((id) => id !== callerTaskId) : typeof taskIds === "string" ? [taskIds] : taskIds;
    const indexes = args.mapIndexes === undefined || args.mapIndexes === null ? null : Array.isArray(args.mapIndexes) ? args.mapIndexes : [args.mapIndexes];
    const found: unknown[] = [];
    // Ordered as the task ids are given, then as the map indexes are given (or by map index).
    for (const id of ids) {
      const mapIndexes = indexes ?? this.tisOf(id).map((ti) => ti.mapIndex);
      for (const mapIndex of mapIndexes) {
        const value = lookup(id, mapIndex);
        if (value !== undefined) found.push(value);
      }
    }
    if (taskIds === null && !Array.isArray(args.mapIndexes)) return found[0] ?? args.default;
    return found;
  }

  /** Dataset events this run's successful tries recorded, oldest first: `dags test` has no store to keep them in. */
  readonly datasetEvents: DatasetEventView[] = [];

  recordDatasetEvents(ti: { taskId: string; mapIndex: number }, runId: string, events: ReadonlyArray<{ uri: string; extra: JsonObject }>): void {
    const timestamp = new Date();
    for (const e of events) {
      this.datasetEvents.push({ uri: e.uri, extra: e.extra, timestamp, sourceDagId: this.dag.dag_id, sourceTaskId: ti.taskId, sourceRunId: runId, sourceMapIndex: ti.mapIndex });
    }
  }

  /** The TaskRuntime a try of (taskId, mapIndex) uses. */
  runtimeFor(taskId: string, mapIndex: number): TaskRuntime {
    return {
      xcomPush: async (xcomKey, value) => {
        const map = this.xcoms.get(key(taskId, mapIndex)) ?? new Map<string, JsonValue>();
        map.set(xcomKey, value as JsonValue);
        this.xcoms.set(key(taskId, mapIndex), map);
      },
      xcomPull: async (args) => this.xcomPull(args, taskId),
      getVariable: (variableKey) => this.secrets.getVariable(variableKey),
      getConnection: (connId) => this.secrets.getConnection(connId),
      datasetEvents: async (uri) => this.datasetEvents.filter((e) => e.uri === uri),
      breakerAcquire: processBreakers.breakerAcquire,
      breakerRecord: processBreakers.breakerRecord,
      ...processAlertBackend(this.dag.dag_id),
      skipTasks: async (taskIds, skipMapIndex) => {
        for (const id of taskIds) {
          for (const ti of this.tisOf(id)) {
            if (isFinishedTaskState(ti.state)) continue;
            if (skipMapIndex >= 0 && ti.mapIndex !== skipMapIndex) continue;
            ti.state = "skipped";
            ti.startDate = ti.endDate = new Date();
            this.onSkippedByTask(ti);
          }
        }
      },
    };
  }
}
