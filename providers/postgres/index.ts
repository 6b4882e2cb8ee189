/** Airflow's postgres provider: `import { PostgresHook, SQLExecuteQueryOperator } from "updraft/providers/postgres"`. */
export { PostgresHook, type PostgresHookOptions, type InsertRowsOptions, type PostgresSession } from "./hook.ts";
export { PostgresOperator, type PostgresOperatorOptions } from "./postgres-operator.ts";
export { poolConfigFor } from "./connection-config.ts";
export * from "../common-sql/index.ts";
