import { Ajv } from "ajv";
import { isoformat } from "../dates.ts";
import type { Database } from "../store/database.ts";
import type { DagRunRow } from "../store/queries/dag-runs.ts";
import { recordEvent } from "../store/queries/event-log.ts";
import { deserializeTimetable } from "../timetables/index.ts";
import type { JsonObject } from "../types.ts";
import { createDagRun } from "./create-dag-run.ts";
import { RequestError } from "./request-error.ts";
import { requireDag, requireSerializedDag } from "./require-dag.ts";

/** Why a trigger was refused, with the HTTP status the REST API answers. */
export class TriggerError extends RequestError {
  constructor(status: 400 | 404 | 409, message: string) {
    super(status, message, status === 404 ? "DAG_NOT_FOUND" : status === 409 ? "DAG_RUN_EXISTS" : "TRIGGER_INVALID");
  }
}

export interface TriggerRequest {
  runId?: string;
  logicalDate?: Date;
  conf?: JsonObject;
  note?: string | null;
  dataIntervalStart?: Date;
  dataIntervalEnd?: Date;
  runType?: "manual" | "backfill";
  /** Who triggered it, for the event log (nothing is logged without it). */
  owner?: string;
}

const RUN_ID_PATTERN = /^[A-Za-z0-9_.~:+-]+$/;
const RESERVED_PREFIXES = ["scheduled__", "backfill__", "dataset_triggered__"];
const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * A manual run, as Airflow's trigger (REST, CLI, UI): the DAG must exist, be active and load without errors; conf is
 * validated against the DAG's params; the run id and logical date must be free. Created `queued`, external_trigger.
 */
export async function triggerDagRun(db: Database, dagId: string, request: TriggerRequest = {}): Promise<DagRunRow> {
  const stored = await requireSerializedDag(db, await requireDag(db, dagId), { forNewRuns: true });
  const dag = stored.data;
  const conf = request.conf ?? {};
  checkConf(dag.params, conf, dagId);
  const logicalDate = request.logicalDate ?? new Date();
  const runType = request.runType ?? "manual";
  const runId = request.runId ?? `${runType}__${isoformat(logicalDate)}`;
  if (!RUN_ID_PATTERN.test(runId) || (runType === "manual" && RESERVED_PREFIXES.some((p) => runId.startsWith(p)))) {
    throw new TriggerError(400, `Invalid run id "${runId}": use letters, digits and _ . ~ : + - only, and not another run type's prefix.`);
  }
  if ((request.dataIntervalStart === undefined) !== (request.dataIntervalEnd === undefined)) {
    throw new TriggerError(400, "Give both data_interval_start and data_interval_end, or neither.");
  }
  const interval = request.dataIntervalStart
    ? { start: request.dataIntervalStart, end: request.dataIntervalEnd! }
    : deserializeTimetable(dag.timetable).inferManualDataInterval(logicalDate);
  const run = await db.transaction(async (tx) => {
    const created = await createDagRun(tx, dag, stored.dagHash, {
      runId, runType, logicalDate, dataIntervalStart: interval.start, dataIntervalEnd: interval.end, conf,
      externalTrigger: runType === "manual", note: request.note ?? null,
    });
    if (created && request.owner) await recordEvent(tx, { dagId, runId, event: "trigger", owner: request.owner });
    return created;
  });
  if (!run) throw new TriggerError(409, `DAG "${dagId}" already has a run with id "${runId}" or logical date ${isoformat(logicalDate)}.`);
  return run;
}

function checkConf(params: JsonObject, conf: JsonObject, dagId: string): void {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(params)) {
    const { value, schema } = spec as { value: unknown; schema: Record<string, unknown> };
    const given = Object.hasOwn(conf, name) ? conf[name] : value;
    if (given === null && value === null && !Object.hasOwn(conf, name)) {
      if (Object.keys(schema).length) problems.push(`param "${name}" has no value: pass it in conf`);
      continue;
    }
    if (Object.keys(schema).length && !ajv.validate(schema, given)) {
      problems.push(`param "${name}" = ${JSON.stringify(given)} is invalid: ${ajv.errorsText(ajv.errors, { dataVar: name })}`);
    }
  }
  if (problems.length) throw new TriggerError(400, `Invalid conf for DAG "${dagId}": ${problems.join("; ")}.`);
}
