import { describe, expect, it } from "vitest";
import { dagsTest } from "./helpers/cli.ts";

const allSuccess = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, "success"]));
const mapped = (taskId: string, n: number, state = "success") => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${taskId}[${i}]`, state]));

/** Every example DAG, run with `updraft dags test <id> 2024-01-03 -o json`, and the final state of every task. */
const EXPECTED: Array<{
  dagId: string; exitCode: number; runState: string; states: Record<string, string>; args?: string[]; date?: string;
  /** The try each listed task ended on, where the example is about retries. */
  tries?: Record<string, number>;
}> = [
  { dagId: "phase1_01_hello_airflow", exitCode: 0, runState: "success", states: allSuccess("start", "say_hello", "end") },
  {
    dagId: "phase1_02_parallel_tasks", exitCode: 0, runState: "success",
    states: allSuccess("start", "extract_orders", "extract_customers", "extract_products", "load_warehouse", "end"),
  },
  { dagId: "phase2_01_scheduled_dag", exitCode: 0, runState: "success", states: allSuccess("report_interval") },
  { dagId: "phase2_01_scheduled_dag_cron", exitCode: 0, runState: "success", states: allSuccess("report_interval") },
  { dagId: "phase2_02_taskflow_api", exitCode: 0, runState: "success", states: allSuccess("extract", "transform", "load") },
  {
    dagId: "phase3_01_bash_operator", exitCode: 0, runState: "success",
    states: { ...allSuccess("templated_command", "with_env", "in_cwd", "count_lines"), skip_when_nothing_to_do: "skipped" },
  },
  { dagId: "phase3_02_python_operator", exitCode: 0, runState: "success", states: allSuccess("compute_tax", "report") },
  {
    dagId: "phase4_01_xcom_basics", exitCode: 0, runState: "success",
    states: allSuccess("produce_numbers", "produce_threshold", "filter_numbers", "echo_filtered", "summarize"),
  },
  {
    dagId: "phase4_02_branching", exitCode: 0, runState: "success",
    states: {
      ...allSuccess("measure_volume", "choose_by_volume", "high_volume_path", "notify_capacity_team", "volume_join", "choose_by_day", "weekday_report", "done"),
      low_volume_path: "skipped", weekend_report: "skipped",
    },
  },
  {
    dagId: "phase4_02_branching", exitCode: 0, runState: "success", date: "2024-01-06", args: ["--conf", '{"threshold": 5000}'],
    states: {
      ...allSuccess("measure_volume", "choose_by_volume", "low_volume_path", "volume_join", "choose_by_day", "weekend_report", "done"),
      high_volume_path: "skipped", notify_capacity_team: "skipped", weekday_report: "skipped",
    },
  },
  {
    dagId: "phase4_03_trigger_rules", exitCode: 0, runState: "success",
    states: {
      succeeds: "success", fails: "failed", skips: "skipped",
      rule_all_success: "upstream_failed", rule_all_failed: "skipped", rule_all_done: "success", rule_all_skipped: "skipped",
      rule_one_success: "success", rule_one_failed: "success", rule_one_done: "success", rule_none_failed: "upstream_failed",
      rule_none_failed_min_one_success: "upstream_failed", rule_none_skipped: "skipped", rule_always: "success", cleanup: "success",
    },
  },
  {
    dagId: "phase4_04_dynamic_tasks", exitCode: 0, runState: "success",
    states: {
      ...allSuccess("list_files", "total", "find_late_files", "total_rows"),
      ...mapped("process_file", 3), ...mapped("multiply", 3), ...mapped("describe_pair", 6), ...mapped("multiply_kwargs", 2),
      ...mapped("echo_region", 2), handle_late_file: "skipped", ...mapped("per_file.validate", 3), ...mapped("per_file.count_rows", 3),
    },
  },
  {
    dagId: "phase5_02_pools_priority", exitCode: 0, runState: "success",
    states: allSuccess("fetch_orders", "fetch_customers", "fetch_products", "fetch_reviews", "export_catalog", "build_report"),
  },
  {
    dagId: "phase5_03_task_groups", exitCode: 0, runState: "success",
    states: allSuccess("start", "extract.orders", "extract.customers", "transform.clean.dedupe", "transform.clean.validate", "transform.enrich", "load.warehouse", "load.cache", "end"),
  },
  {
    dagId: "phase7_01_retry_strategies", exitCode: 0, runState: "success",
    states: allSuccess("fixed_delay", "exponential_backoff", "timeout_then_retry", "report"),
    tries: { fixed_delay: 2, exponential_backoff: 3, timeout_then_retry: 2, report: 1 },
  },
  {
    dagId: "phase7_02_exception_handling", exitCode: 0, runState: "success",
    states: { ...allSuccess("fetch_rates", "fetch_orders_fallback", "merge_orders", "load", "cleanup"), fetch_orders_primary: "failed" },
    tries: { fetch_rates: 2, fetch_orders_primary: 1 },
  },
  { dagId: "phase11_01_dag_testing", exitCode: 0, runState: "success", states: allSuccess("load_items", "validate", "price") },
  { dagId: "phase11_02_cicd_patterns", exitCode: 0, runState: "success", states: allSuccess("validate_configs", "gate_rejects_typos", "integrity") },
  { dagId: "phase14_01_dataset_producer", exitCode: 0, runState: "success", states: allSuccess("extractOrders", "publishOrders", "refreshCustomers") },
  { dagId: "phase14_02_dataset_consumer", exitCode: 0, runState: "success", states: allSuccess("whatTriggeredMe", "build_report") },
  { dagId: "phase14_03_dataset_patterns", exitCode: 0, runState: "success", states: allSuccess("join_orders_customers") },
  { dagId: "phase14_03_dataset_patterns_any", exitCode: 0, runState: "success", states: allSuccess("refresh_cache") },
  { dagId: "phase14_03_dataset_patterns_nested", exitCode: 0, runState: "success", states: allSuccess("enrich_orders") },
  { dagId: "phase14_03_dataset_patterns_or_time", exitCode: 0, runState: "success", states: allSuccess("reprice") },
  {
    dagId: "phase15_01_yaml_dag_factory", exitCode: 0, runState: "success",
    states: {
      ...allSuccess("ingest.land_file", "ingest.wait_for_file", "ingest.extract", "partitions", "report.summarize", "report.publish"),
      ...mapped("process", 3),
    },
  },
  { dagId: "phase15_02_jinja_templates", exitCode: 0, runState: "success", states: allSuccess("start", "report_sales", "report_refunds", "done") },
  { dagId: "phase15_03_dynamic_dag_patterns_acme", exitCode: 0, runState: "success", states: { ...allSuccess("partitions", "load"), ...mapped("process", 3) } },
  { dagId: "phase15_03_dynamic_dag_patterns_globex", exitCode: 0, runState: "success", states: { ...allSuccess("partitions", "load"), ...mapped("process", 2) } },
];

describe("example DAGs under `updraft dags test`", () => {
  for (const example of EXPECTED) {
    const label = `${example.dagId} ${example.date ?? "2024-01-03"} ${example.args?.join(" ") ?? ""}`.trim();
    it.concurrent(label, async () => {
      const { code, run, states, stderr } = await dagsTest(example.dagId, example.date, example.args);
      expect(states, stderr).toEqual(example.states);
      if (example.tries) {
        const tries = Object.fromEntries(run.task_instances.filter((ti) => ti.task_id in example.tries!).map((ti) => [ti.task_id, ti.try_number]));
        expect(tries).toEqual(example.tries);
      }
      expect(run.state).toBe(example.runState);
      expect(code).toBe(example.exitCode);
      expect(run.run_id).toBe(`manual__${example.date ?? "2024-01-03"}T00:00:00+00:00`);
      expect(run.task_instances.every((ti) => Object.keys(ti).sort().join() === "duration,map_index,state,task_id,try_number")).toBe(true);
    });
  }
});
