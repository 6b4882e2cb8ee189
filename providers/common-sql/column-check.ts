import type { TaskContext } from "../../core/context.ts";
import { DagDefinitionError } from "../../core/errors.ts";
import { BaseSqlOperator, type BaseSqlOperatorOptions } from "./base-sql-operator.ts";
import { checkConditionErrors, matches, type CheckCondition } from "./check-match.ts";

const COLUMN_CHECKS: Record<string, (column: string) => string> = {
  null_check: (c) => `SUM(CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END)`,
  distinct_check: (c) => `COUNT(DISTINCT(${c}))`,
  unique_check: (c) => `COUNT(${c}) - COUNT(DISTINCT(${c}))`,
  min: (c) => `MIN(${c})`,
  max: (c) => `MAX(${c})`,
};

export type ColumnMapping = Record<string, Partial<Record<"null_check" | "distinct_check" | "unique_check" | "min" | "max", CheckCondition>>>;

export interface SqlColumnCheckOptions extends BaseSqlOperatorOptions {
  table: string;
  /** Column → check → condition, e.g. `{ id: { null_check: { equal_to: 0 }, unique_check: { equal_to: 0 } } }`. */
  columnMapping: ColumnMapping;
  /** A WHERE condition (without "WHERE") applied to every check. Templated. */
  partitionClause?: string;
  /** A NULL result (e.g. MIN of an empty table) counts as 0. Default true, as in Airflow. */
  acceptNone?: boolean;
}

export interface CheckOutcome {
  result: number | null;
  success: boolean;
}

/**
 * Airflow's SQLColumnCheckOperator: per column, null/distinct/unique counts and min/max compared with bounds; fails
 * listing every check that did not pass. Returns the mapping with each check's `result` and `success`.
 */
export class SQLColumnCheckOperator extends BaseSqlOperator<unknown> {
  static override templateFields: readonly string[] = ["partitionClause", "table"];
  table: string;
  columnMapping: ColumnMapping;
  partitionClause: string | undefined;
  acceptNone: boolean;
  /** The queries the checks run, one per column (public for lineage; built before templates render). */
  sql: string[];

  constructor(options: SqlColumnCheckOptions) {
    super(options);
    this.table = options.table;
    this.columnMapping = options.columnMapping;
    this.partitionClause = options.partitionClause;
    this.acceptNone = options.acceptNone ?? true;
    const errors: string[] = [];
    for (const [column, checks] of Object.entries(options.columnMapping ?? {})) {
      for (const [check, condition] of Object.entries(checks ?? {})) {
        if (!(check in COLUMN_CHECKS)) errors.push(`column "${column}": unknown check "${check}" (use ${Object.keys(COLUMN_CHECKS).join(", ")})`);
        else errors.push(...checkConditionErrors(`column "${column}" check "${check}"`, (condition ?? {}) as Record<string, unknown>));
      }
    }
    if (!options.table) errors.push("no table");
    if (errors.length) throw new DagDefinitionError(`SQLColumnCheckOperator "${options.taskId}" is invalid: ${errors.join("; ")}.`);
    this.sql = Object.keys(this.columnMapping).map((column) => this.columnQuery(column));
  }

  private columnQuery(column: string): string {
    const where = (extra?: string) => {
      const clauses = [this.partitionClause, extra].filter(Boolean);
      return clauses.length ? ` WHERE ${clauses.map((c) => `(${c})`).join(" AND ")}` : "";
    };
    return Object.entries(this.columnMapping[column]!)
      .map(([check, condition]) => `SELECT '${column}' AS col_name, '${check}' AS check_type, ${check}_result AS check_result FROM (SELECT ${COLUMN_CHECKS[check]!(column)} AS ${check}_result FROM ${this.table}${where(condition?.partition_clause)}) AS sq`)
      .join(" UNION ALL ");
  }

  override async execute(context: TaskContext): Promise<Record<string, Record<string, CheckOutcome>>> {
    const hook = await this.getDbHook(context);
    const outcomes: Record<string, Record<string, CheckOutcome>> = {};
    const failures: string[] = [];
    const lines: string[] = [];
    const queries: string[] = [];
    for (const column of Object.keys(this.columnMapping)) {
      const query = this.columnQuery(column);
      queries.push(query);
      context.log.info(`Running column checks on ${this.table}.${column}: ${query}`);
      const records = await hook.getRecords(query);
      outcomes[column] = {};
      for (const check of Object.keys(this.columnMapping[column]!)) {
        const row = records.find((r) => r[1] === check);
        if (!row) throw new Error(`Column check ${check} on ${this.table}.${column} returned no result: the table or column may not exist.`);
        const result = row[2] === null ? null : Number(row[2]);
        const condition = this.columnMapping[column]![check as keyof ColumnMapping[string]]!;
        const success = matches(condition, result, this.acceptNone);
        outcomes[column][check] = { result, success };
        const line = `Column: ${column}, Check: ${check}, Check Values: ${JSON.stringify(condition)}, Result: ${result}, Success: ${success}`;
        lines.push(line);
        if (!success) failures.push(line);
      }
    }
    if (failures.length) throw new Error(`Test failed.\nQuery:\n${queries.join("\n")}\nResults:\n${lines.join("\n")}\nThe following tests have failed:\n${failures.join("\n")}`);
    context.log.info(`All tests have passed: ${JSON.stringify(outcomes)}`);
    return outcomes;
  }
}
