import { BaseOperator, type TaskOptions } from "../core/base-operator.ts";

export interface ExternalTaskMarkerOptions extends TaskOptions {
  externalDagId: string;
  externalTaskId: string;
  /** The child run's logical date (templated). Default: this run's logical date. */
  logicalDate?: string;
  /** How many marker hops a clear may follow. Default 10. */
  recursionDepth?: number;
}

/** What a clear needs to follow a marker, as stored in the serialized DAG. */
export interface SerializedExternalTaskMarker {
  external_dag_id: string;
  external_task_id: string;
  recursion_depth: number;
}

/**
 * Airflow's ExternalTaskMarker: does nothing when it runs; clearing it with downstream also clears `externalTaskId`
 * of `externalDagId` (and that task's downstream) in the run at the marker's logical date, following further markers
 * up to `recursionDepth` hops (core/runs/external-task-markers.ts).
 */
export class ExternalTaskMarker extends BaseOperator<null> {
  static override templateFields: readonly string[] = ["externalDagId", "externalTaskId", "logicalDate"];
  externalDagId: string;
  externalTaskId: string;
  logicalDate: string;
  readonly recursionDepth: number;

  constructor(options: ExternalTaskMarkerOptions) {
    super(options);
    if (!options.externalDagId || !options.externalTaskId) throw new TypeError(`ExternalTaskMarker "${options.taskId}" needs externalDagId and externalTaskId.`);
    const depth = options.recursionDepth ?? 10;
    if (!Number.isInteger(depth) || depth <= 0) throw new TypeError(`ExternalTaskMarker "${options.taskId}": recursionDepth should be a positive integer, got ${depth}.`);
    this.externalDagId = options.externalDagId;
    this.externalTaskId = options.externalTaskId;
    this.logicalDate = options.logicalDate ?? "{{ ts }}";
    this.recursionDepth = depth;
  }

  get externalTaskMarker(): SerializedExternalTaskMarker {
    return { external_dag_id: this.externalDagId, external_task_id: this.externalTaskId, recursion_depth: this.recursionDepth };
  }

  override execute(): null {
    return null;
  }
}
