/**
 * phase10_01_great_expectations — data quality gates in Great Expectations' vocabulary.
 *
 * Shows: an expectation suite kept as a GE-format JSON file (`data/orders_suite.json`) validated against a CSV file
 * by `DataQualityGateOperator`, which writes GE's Data Docs-style HTML report and fails the task with a one-line-per-
 * failure summary when an expectation fails; a stricter inline suite on the same orders as Parquet that only
 * records its result (`failTaskOnValidationFailure: false`); and a task that reads the GE-shaped validation result
 * from XCom. The same operator validates PostgreSQL tables with `source: { table: "public.orders" }`.
 * Run it: `updraft dags test phase10_01_great_expectations 2024-01-03` (reports go under $TMPDIR/updraft-phase10/).
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dag, getCurrentContext, task } from "updraft";
import { DataQualityGateOperator, type ValidationResult } from "updraft/providers/mlops";

const data = (file: string) => fileURLToPath(new URL(`./data/${file}`, import.meta.url));
const reports = join(tmpdir(), "updraft-phase10", "{{ ds }}");

const reportFailures = task(async function report_failures(result: ValidationResult) {
  const failed = result.results.filter((r) => !r.success).map((r) => `${r.expectation_config.type}(${String(r.expectation_config.kwargs.column ?? "")})`);
  getCurrentContext().log.info(`Suite ${result.suite_name}: ${result.statistics.success_percent}% passed; failed: ${failed.join(", ") || "none"}`);
  return { suite: result.suite_name, success: result.success, successPercent: result.statistics.success_percent, failed };
});

export default dag(
  {
    dagId: "phase10_01_great_expectations",
    description: "Expectation suites over CSV and Parquet orders, with HTML reports and a quality gate",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase10", "data-quality"],
  },
  () => {
    const gate = new DataQualityGateOperator({
      taskId: "validate_orders_csv",
      source: { path: data("orders.csv") },
      suite: data("orders_suite.json"),
      reportPath: join(reports, "orders_csv.html"),
    });
    const strict = new DataQualityGateOperator({
      taskId: "audit_orders_parquet",
      source: { path: data("orders.parquet") },
      suite: {
        name: "orders_strict",
        expectations: [
          { type: "expect_column_values_to_not_be_null", kwargs: { column: "email" } },
          { type: "expect_column_max_to_be_between", kwargs: { column: "order_date", max_value: "{{ ds }}" } },
          { type: "expect_column_values_to_be_of_type", kwargs: { column: "amount", type_: "float64" } },
        ],
      },
      resultFormat: "COMPLETE",
      reportPath: join(reports, "orders_parquet.html"),
      failTaskOnValidationFailure: false,
    });
    gate.then(strict);
    reportFailures(strict.output);
  },
);
