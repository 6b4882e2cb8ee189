/** Airflow's common-sql provider: SQL operators and sensor over any connection with a SQL hook (postgres today). */
export { SQLExecuteQueryOperator, type SqlExecuteQueryOptions } from "./execute-query.ts";
export { SQLColumnCheckOperator, type SqlColumnCheckOptions, type ColumnMapping, type CheckOutcome } from "./column-check.ts";
export { SQLTableCheckOperator, type SqlTableCheckOptions, type TableCheck } from "./table-check.ts";
export { SqlSensor, type SqlSensorOptions } from "./sql-sensor.ts";
export { BaseSqlOperator, type BaseSqlOperatorOptions } from "./base-sql-operator.ts";
export { fetchAllHandler, fetchOneHandler, type QueryResult, type ResultHandler, type RunOptions, type SqlHook } from "./hook.ts";
export { splitStatements, type SqlParameters } from "./sql-text.ts";
export type { CheckCondition } from "./check-match.ts";
