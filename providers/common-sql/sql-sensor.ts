import { requireArgument } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { BaseSensorOperator, type SensorOptions } from "../../core/sensor.ts";
import { FailTask } from "../../core/errors.ts";
import type { SqlHook } from "./hook.ts";
import { sqlHookFor } from "./hooks-by-type.ts";
import type { SqlParameters } from "./sql-text.ts";

export interface SqlSensorOptions extends SensorOptions {
  connId: string;
  /** Templated. The sensor looks at the first cell of the first row (see `selector`). */
  sql: string;
  parameters?: SqlParameters;
  /** Done when it returns true for the selected value. Default: the value is truthy. */
  success?: (value: unknown) => boolean | Promise<boolean>;
  /** Fails the task when it returns true for the selected value. */
  failure?: (value: unknown) => boolean | Promise<boolean>;
  /** Fail (instead of poking again) when the query returns no row. */
  failOnEmpty?: boolean;
  /** Picks the value from the first row. Default: its first cell. */
  selector?: (row: unknown[]) => unknown;
  database?: string;
  hook?: SqlHook;
}

/** Airflow's SqlSensor: runs a query at each poke until its first cell is truthy (or `success` says so). */
export class SqlSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["connId", "sql", "parameters"];
  connId: string;
  sql: string;
  parameters: SqlParameters | undefined;
  success: SqlSensorOptions["success"];
  failure: SqlSensorOptions["failure"];
  failOnEmpty: boolean;
  selector: (row: unknown[]) => unknown;
  database: string | undefined;
  readonly hook: SqlHook | undefined;

  constructor(options: SqlSensorOptions) {
    super(options);
    requireArgument(typeof options.connId === "string" && options.connId !== "", `SqlSensor "${options.taskId}" needs a connId.`);
    requireArgument(typeof options.sql === "string" && options.sql.trim() !== "", `SqlSensor "${options.taskId}" needs sql to poke with.`);
    for (const name of ["success", "failure", "selector"] as const) {
      if (options[name] !== undefined && typeof options[name] !== "function") {
        throw new TypeError(`SqlSensor "${options.taskId}": ${name} must be a function of the selected value, got ${typeof options[name]}.`);
      }
    }
    this.connId = options.connId;
    this.sql = options.sql;
    this.parameters = options.parameters;
    this.success = options.success;
    this.failure = options.failure;
    this.failOnEmpty = options.failOnEmpty ?? false;
    this.selector = options.selector ?? ((row) => row[0]);
    this.database = options.database;
    this.hook = options.hook;
  }

  override async poke(context: TaskContext): Promise<boolean> {
    const hook = this.hook ?? (await sqlHookFor(await context.connections.get(this.connId), { database: this.database, log: context.log }));
    context.log.info(`Poking: ${this.sql} (with parameters ${JSON.stringify(this.parameters ?? null)})`);
    const records = await hook.getRecords(this.sql, this.parameters);
    if (records.length === 0) {
      if (this.failOnEmpty) throw new FailTask("No rows returned, raising as per fail_on_empty flag");
      return false;
    }
    const value = this.selector(records[0]!);
    if (this.failure && (await this.failure(value))) throw new FailTask(`Failure criteria met. failure(${JSON.stringify(value)}) returned true.`);
    if (this.success) return Boolean(await this.success(value));
    return Boolean(value);
  }
}
