import { Ajv } from "ajv";
import { isoformat } from "../dates.ts";
import { UpdraftError } from "../errors.ts";
import type { Database } from "../store/database.ts";
import type { DagRunRow } from "../store/queries/dag-runs.ts";
import { latestSerializedDag } from "../store/queries/serialized-dags.ts";
import { deserializeTimetable } from "../timetables/index.ts";
import type { JsonObject } from "../types.ts";
import { createDagRun } from "./create-dag-run.ts";

/** Why a trigger was refused, with the HTTP status the REST API answers. */
export class TriggerError extends UpdraftError {
  constructor(readonly status: 400 | 404 | 409, message: string) {
    super(status === 404 ? "DAG_NOT_FOUND" : status === 409 ? "DAG_RUN_EXISTS" : "TRIGGER_INVALID", message);
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
}

const RUN_ID_PATTERN = /^[A-Za-z0-9_.~:+-]+$/;
const RESERVED_PREFIXES = ["scheduled__", "backfill__", "dataset_triggered__"];
const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * A manual run, as Airflow's trigger (REST, CLI, UI): the DAG must exist, be active and load without errors; conf is
 * validated against the DAG's params; the run id and logical date must be free. Created `queued`, external_trigger.
 */
export async function triggerDagRun(db: Database, dagId: string, request: TriggerRequest = {}): Promise<DagRunRow> {
  const { rows } = await db.query<{ is_active: boolean; has_import_errors: boolean; fileloc: string }>(
    "SELECT is_active, has_import_errors, fileloc FROM dag WHERE dag_id = $1",
    [dagId],
  );
  const dagRow = rows[0];
  if (!dagRow || !dagRow.is_active) throw new TriggerError(404, `DAG "${dagId}" not found (or its file is gone): check the id with "updraft dags list".`);
  if (dagRow.has_import_errors) {
    throw new TriggerError(400, `DAG "${dagId}" has import errors in ${dagRow.fileloc}: fix them first ("updraft dags list-import-errors").`);
  }
  const stored = await latestSerializedDag(db, dagId);
  if (!stored) throw new TriggerError(404, `DAG "${dagId}" has not been parsed yet.`);
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
  const run = await db.transaction((tx) =>
    createDagRun(tx, dag, stored.dagHash, {
      runId, runType, logicalDate, dataIntervalStart: interval.start, dataIntervalEnd: interval.end, conf,
      externalTrigger: runType === "manual", note: request.note ?? null,
    }),
  );
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
