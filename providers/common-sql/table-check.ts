import type { TaskContext } from "../../core/context.ts";
import { DagDefinitionError } from "../../core/errors.ts";
import { BaseSqlOperator, type BaseSqlOperatorOptions } from "./base-sql-operator.ts";

export interface TableCheck {
  /** A boolean SQL expression over the table, e.g. "COUNT(*) = 1000" or "price >= 0". */
  check_statement: string;
  partition_clause?: string;
}

export interface SqlTableCheckOptions extends BaseSqlOperatorOptions {
  table: string;
  /** Check name → statement. A check passes when its statement is true for every row (or, for an aggregate, once). */
  checks: Record<string, TableCheck>;
  partitionClause?: string;
}

const CHECK_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Airflow's SQLTableCheckOperator: boolean statements over a table, all of which must hold. */
export class SQLTableCheckOperator extends BaseSqlOperator<Record<string, boolean>> {
  static override templateFields: readonly string[] = ["partitionClause", "table"];
  table: string;
  checks: Record<string, TableCheck>;
  partitionClause: string | undefined;

  constructor(options: SqlTableCheckOptions) {
    super(options);
    this.table = options.table;
    this.checks = options.checks;
    this.partitionClause = options.partitionClause;
    const errors: string[] = [];
    if (!options.table) errors.push("no table");
    if (!options.checks || Object.keys(options.checks).length === 0) errors.push("no checks");
    for (const [name, check] of Object.entries(options.checks ?? {})) {
      if (!CHECK_NAME.test(name)) errors.push(`check name "${name}" must be a SQL identifier (letters, digits, _)`);
      if (typeof check?.check_statement !== "string" || !check.check_statement.trim()) errors.push(`check "${name}" has no check_statement`);
    }
    if (errors.length) throw new DagDefinitionError(`SQLTableCheckOperator "${options.taskId}" is invalid: ${errors.join("; ")}.`);
  }

  /** The query the checks run (public for lineage). */
  get sql(): string {
    return Object.entries(this.checks)
      .map(([name, check]) => {
        const clauses = [this.partitionClause, check.partition_clause].filter(Boolean);
        const where = clauses.length ? ` WHERE ${clauses.map((c) => `(${c})`).join(" AND ")}` : "";
        return `SELECT '${name}' AS check_name, MIN(${name}) AS check_result FROM (SELECT CASE WHEN ${check.check_statement} THEN 1 ELSE 0 END AS ${name} FROM ${this.table}${where}) AS sq`;
      })
      .join(" UNION ALL ");
  }

  override async execute(context: TaskContext): Promise<Record<string, boolean>> {
    const query = this.sql;
    context.log.info(`Running table checks on ${this.table}: ${query}`);
    const records = await (await this.getDbHook(context)).getRecords(query);
    const outcomes: Record<string, boolean> = {};
    const failures: string[] = [];
    for (const name of Object.keys(this.checks)) {
      const row = records.find((r) => r[0] === name);
      const success = row !== undefined && Number(row[1]) === 1;
      outcomes[name] = success;
      if (!success) failures.push(`Check: ${name}, Statement: ${this.checks[name]!.check_statement}, Result: ${row ? row[1] : "no result"}`);
    }
    if (failures.length) throw new Error(`Test failed.\nQuery:\n${query}\nThe following tests have failed:\n${failures.join("\n")}`);
    context.log.info(`All tests have passed: ${JSON.stringify(outcomes)}`);
    return outcomes;
  }
}
