import { SQLExecuteQueryOperator, type SqlExecuteQueryOptions } from "../common-sql/execute-query.ts";

export interface PostgresOperatorOptions extends Omit<SqlExecuteQueryOptions, "connId"> {
  /** Default "postgres_default". */
  postgresConnId?: string;
  connId?: string;
}

/** Airflow's (deprecated) PostgresOperator: SQLExecuteQueryOperator with `postgresConnId`. */
export class PostgresOperator extends SQLExecuteQueryOperator {
  constructor(options: PostgresOperatorOptions) {
    super({ ...options, connId: options.connId ?? options.postgresConnId ?? "postgres_default" });
  }
}
