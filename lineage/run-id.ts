import { createHash } from "node:crypto";

/**
 * A UUIDv7 whose time is `instant` and whose other bits are a hash of `data`: the same try always gets the same run
 * id, in every process that names it (runner, scheduler, webserver), as openlineage-python's `generate_static_uuid`.
 */
export function staticUuid(instant: Date, data: string): string {
  const bytes = createHash("sha256").update(data).digest().subarray(0, 16);
  const ms = BigInt(Math.max(0, instant.getTime()));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The run id of a DAG run (Airflow's `build_dag_run_id`). */
export function dagRunUuid(namespace: string, dagId: string, logicalDate: Date): string {
  return staticUuid(logicalDate, `${namespace}.${dagId}.${logicalDate.toISOString()}`);
}

/** The run id of one try of a task instance (Airflow's `build_task_instance_run_id`, with the map index). */
export function taskTryUuid(namespace: string, dagId: string, taskId: string, logicalDate: Date, tryNumber: number, mapIndex: number): string {
  return staticUuid(logicalDate, `${namespace}.${dagId}.${taskId}.${logicalDate.toISOString()}.${tryNumber}.${mapIndex}`);
}
