import { requireArgument } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { BaseSqlOperator, type BaseSqlOperatorOptions } from "./base-sql-operator.ts";
import { fetchAllHandler, type ResultHandler } from "./hook.ts";
import { jsonSafe } from "./json-rows.ts";
import type { SqlParameters } from "./sql-text.ts";

export interface SqlExecuteQueryOptions extends BaseSqlOperatorOptions {
  /** One statement, a script (with `splitStatements`), or a list of statements. Templated. */
  sql: string | string[];
  /** `%s` with a list, `%(name)s` with an object (psycopg2 style), or `$1…` with a list. Templated. */
  parameters?: SqlParameters;
  autocommit?: boolean;
  /** Turns each statement's result into the XCom value. Default: every row (Airflow's fetch_all_handler). */
  handler?: ResultHandler;
  splitStatements?: boolean;
  returnLast?: boolean;
  showReturnValueInLogs?: boolean;
}

/**
 * Airflow's SQLExecuteQueryOperator (common-sql): runs SQL on `connId`. The result of the last statement (or, for a
 * list of statements or `returnLast: false`, the list of every statement's result) is the return XCom.
 */
export class SQLExecuteQueryOperator extends BaseSqlOperator<unknown> {
  static override templateFields: readonly string[] = ["connId", "sql", "parameters"];
  sql: string | string[];
  parameters: SqlParameters | undefined;
  autocommit: boolean;
  handler: ResultHandler;
  splitStatements: boolean;
  returnLast: boolean;
  showReturnValueInLogs: boolean;

  constructor(options: SqlExecuteQueryOptions) {
    super(options);
    requireArgument(
      typeof options.sql === "string" ? options.sql.trim() !== "" : Array.isArray(options.sql) && options.sql.length > 0,
      `${new.target.name} "${options.taskId}" needs sql: a statement, a script or a list of statements.`,
    );
    this.sql = options.sql;
    this.parameters = options.parameters;
    this.autocommit = options.autocommit ?? false;
    this.handler = options.handler ?? fetchAllHandler;
    this.splitStatements = options.splitStatements ?? false;
    this.returnLast = options.returnLast ?? true;
    this.showReturnValueInLogs = options.showReturnValueInLogs ?? false;
  }

  override async execute(context: TaskContext): Promise<unknown> {
    context.log.info(`Executing: ${Array.isArray(this.sql) ? this.sql.join("; ") : this.sql}`);
    const hook = await this.getDbHook(context);
    const output = await hook.run(this.sql, {
      autocommit: this.autocommit,
      parameters: this.parameters,
      handler: this.doXcomPush ? this.handler : undefined,
      splitStatements: this.splitStatements,
      returnLast: this.returnLast,
    });
    const value = jsonSafe(output);
    if (this.showReturnValueInLogs) context.log.info(`Operator output is: ${JSON.stringify(value)}`);
    return value;
  }
}
