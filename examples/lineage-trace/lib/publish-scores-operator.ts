import { readFileBatch } from "updraft/providers/mlops";
import { BaseSqlOperator, type BaseSqlOperatorOptions } from "updraft/providers/common-sql";
import type { TaskContext } from "updraft";

const CREATE = [
  "CREATE TABLE IF NOT EXISTS churn_scores_staging (customer_id text NOT NULL, churn_probability double precision NOT NULL)",
  "CREATE TABLE IF NOT EXISTS churn_scores (customer_id text PRIMARY KEY, churn_probability double precision NOT NULL)",
];
// SQL lineage reads `sql` (the statements below): staging → churn_scores. The parser cannot read `$1::type`
// placeholders, so the parameterised staging load is kept out of it.
const REFRESH = [
  "DELETE FROM churn_scores",
  "INSERT INTO churn_scores (customer_id, churn_probability) SELECT customer_id, churn_probability FROM churn_scores_staging",
];

/**
 * Publishes the predictions CSV to the warehouse table `churn_scores` (full refresh through a staging table, the
 * refresh in one transaction so readers never see a half-loaded table). Needs a PostgreSQL connection.
 */
export class PublishScoresOperator extends BaseSqlOperator<number> {
  sql: string[] = REFRESH;
  predictionsPath: string;
  constructor(options: BaseSqlOperatorOptions & { predictionsPath: string }) {
    super(options);
    this.predictionsPath = options.predictionsPath;
  }
  override async execute(context: TaskContext): Promise<number> {
    const { rows } = await readFileBatch(this.predictionsPath);
    const hook = await this.getDbHook(context);
    await hook.run(CREATE);
    await hook.run(["TRUNCATE churn_scores_staging"]);
    await hook.run("INSERT INTO churn_scores_staging (customer_id, churn_probability) SELECT * FROM unnest($1::text[], $2::float8[])", {
      parameters: [rows.map((r) => String(r.customer_id)), rows.map((r) => Number(r.churn_probability))],
    });
    await hook.run(this.sql);
    context.log.info(`Published ${rows.length} churn scores to churn_scores on connection ${this.connId}.`);
    return rows.length;
  }
}
