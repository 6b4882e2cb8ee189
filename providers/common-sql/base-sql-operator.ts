import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { SqlHook } from "./hook.ts";
import { sqlHookFor } from "./hooks-by-type.ts";

export interface BaseSqlOperatorOptions extends TaskOptions {
  /** The connection to run on; its type picks the hook (postgres). */
  connId: string;
  /** Overrides the connection's database (schema field). */
  database?: string;
  /** A hook to use instead of the one the connection's type gives (another database, a test double). */
  hook?: SqlHook;
}

/** Airflow's BaseSQLOperator: a connection id, resolved to a DB-API hook when the task runs. */
export abstract class BaseSqlOperator<TResult = unknown> extends BaseOperator<TResult> {
  connId: string;
  database: string | undefined;
  readonly hook: SqlHook | undefined;

  constructor(options: BaseSqlOperatorOptions) {
    super(options);
    requireArgument(typeof options.connId === "string" && options.connId !== "", `${new.target.name} "${options.taskId}" needs a connId (the id of a postgres connection).`);
    this.connId = options.connId;
    this.database = options.database;
    this.hook = options.hook;
  }

  async getDbHook(context: TaskContext): Promise<SqlHook> {
    if (this.hook) return this.hook;
    return sqlHookFor(await context.connections.get(this.connId), { database: this.database, log: context.log });
  }
}
