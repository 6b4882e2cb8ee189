/**
 * Compatibility with dag-factory: YAML files in its documented format (test/fixtures/dag-factory, rewritten from its
 * README and docs) load from a DAGs folder with the task graph dag-factory builds on Airflow, and run under
 * `updraft dags test` to the final states Airflow gives.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { DatasetTriggeredTimetable } from "../core/timetables/dataset-triggered.ts";
import { runDag } from "updraft/testing";
import { REPO_ROOT, updraft } from "./helpers/cli.ts";

const FOLDER = join(REPO_ROOT, "test/fixtures/dag-factory");
const bag = await DagBag.load(FOLDER);

/** upstream task ids of every task, sorted: the graph as a comparable value. */
function graph(dagId: string): Record<string, string[]> {
  return Object.fromEntries([...bag.getDag(dagId).tasks.values()].map((t) => [t.taskId, [...t.upstreamTaskIds].sort()]));
}

async function dagsTest(dagId: string, env: Record<string, string> = {}) {
  const result = await updraft(["dags", "test", dagId, "2024-01-03", "-o", "json"], { env: { UPDRAFT_DAGS_FOLDER: FOLDER, ...env } });
  const run = JSON.parse(result.stdout) as { state: string; task_instances: Array<{ task_id: string; map_index: number; state: string; try_number: number }> };
  const states = Object.fromEntries(run.task_instances.map((ti) => [ti.map_index >= 0 ? `${ti.task_id}[${ti.map_index}]` : ti.task_id, ti.state]));
  return { code: result.code, state: run.state, states, stderr: result.stderr };
}

describe("dag-factory files load from a DAGs folder", () => {
  it("loads every fixture, skipping defaults.yml and the datasets file, with no import errors", () => {
    expect(bag.importErrors).toEqual([]);
    expect([...bag.dags.keys()].sort()).toEqual([
      "df_basic", "df_branching", "df_callbacks", "df_dataset_consumer_condition", "df_dataset_consumer_list", "df_dataset_consumer_typed",
      "df_dataset_producer", "df_dynamic_mapping", "df_nested", "df_sensors", "df_task_groups",
    ]);
    expect(bag.getDag("df_basic").fileloc).toBe(join(FOLDER, "basic.yml"));
  });

  it("builds the README example: fan-out, Airflow operator paths, the tag dag-factory adds", () => {
    expect(graph("df_basic")).toEqual({ task_1: [], task_2: ["task_1"], task_3: ["task_1"] });
    const dag = bag.getDag("df_basic");
    expect(Object.fromEntries([...dag.tasks.values()].map((t) => [t.taskId, t.operatorName]))).toEqual({ task_1: "BashOperator", task_2: "BashOperator", task_3: "PythonOperator" });
    expect(dag.timetable.summary).toBe("0 1 * * *");
    expect(dag.tags).toEqual(["fixtures", "dagfactory"]);
    expect(dag.docMd).toContain("## YML DAG");
  });

  it("merges defaults as dag-factory does: default_args key by key, folder DAG keys beating the default block", () => {
    const dag = bag.getDag("df_basic");
    const task = dag.getTask("task_1");
    // defaults.yml retries 0 ← default block retries 1 ← DAG: default_args from the default block win over defaults.yml.
    expect([task.owner, task.retries, task.retryDelaySeconds]).toEqual(["custom_owner", 1, 1]);
    // defaults.yml max_active_runs 3 beats the file's default block (1): dag-factory's documented quirk.
    expect(dag.maxActiveRuns).toBe(3);
    expect(dag.catchup).toBe(false);
    expect(dag.startDate?.toISOString()).toBe("2024-01-01T00:00:00.000Z");
  });

  it("searches defaults.yml from the file's folder up to the DAGs folder, nearer files winning and tags unioned", () => {
    const dag = bag.getDag("df_nested");
    expect(dag.getTask("only").owner).toBe("nested_team");
    expect(dag.getTask("only").retries).toBe(0);
    expect(dag.tags).toEqual(["fixtures", "nested", "dagfactory"]);
  });

  it("builds task groups from a list: prefixed ids, nesting, group default_args, groups as dependencies", () => {
    expect(graph("df_task_groups")).toEqual({
      start: [],
      "extract.orders": ["start"],
      "extract.customers": ["start"],
      "transform.clean.dedupe": ["extract.customers", "extract.orders"],
      "transform.clean.validate": ["transform.clean.dedupe"],
      "transform.enrich": ["transform.clean.validate"],
      end: ["transform.enrich"],
    });
    const dag = bag.getDag("df_task_groups");
    expect([...dag.taskGroups.keys()]).toEqual(["extract", "transform", "transform.clean"]);
    expect(dag.getTask("transform.clean.dedupe").retries).toBe(2);
    expect(dag.getTask("end").operatorName).toBe("EmptyOperator");
    expect(dag.timetable.summary).toBe("None");
  });

  it("maps tasks over an upstream output and over literals, and passes +task outputs to decorated tasks", async () => {
    expect(graph("df_dynamic_mapping")).toEqual({ request: [], process: ["request"], echo: [], numbers: [], double: ["numbers"], total: ["double"] });
    const run = await runDag(bag.getDag("df_dynamic_mapping"), { logicalDate: "2024-01-03" });
    expect(run.state).toBe("success");
    expect([0, 1, 2].map((i) => run.returnValue("process", i))).toEqual(["test:1", "test:2", "test:3"]);
    expect([0, 1, 2].map((i) => run.returnValue("echo", i))).toEqual(["a", "b", "c"]);
    expect(run.returnValue("total")).toBe(12);
  });

  it("turns outlets and dataset schedules into datasets and dataset-triggered DAGs", () => {
    const producer = bag.getDag("df_dataset_producer");
    expect(producer.getTask("extract").outlets.map((d) => d.uri)).toEqual(["s3://bucket_example/raw/dataset1.json"]);
    expect(producer.getTask("load").outlets.map((d) => d.uri)).toEqual(["s3://bucket-cjmm/raw/dataset_custom_1", "s3://bucket-cjmm/raw/dataset_custom_2"]);
    const condition = (id: string) => (bag.getDag(id).timetable as DatasetTriggeredTimetable).condition;
    expect(bag.getDag("df_dataset_consumer_list").timetable.summary).toBe("Dataset");
    expect(JSON.parse(JSON.stringify(condition("df_dataset_consumer_list")))).toEqual({
      op: "and", items: [{ uri: "s3://bucket_example/raw/dataset1.json", extra: {} }, { uri: "s3://bucket-cjmm/raw/dataset_custom_1", extra: {} }],
    });
    const uri = (n: number) => ({ uri: `s3://bucket-cjmm/raw/dataset_custom_${n}`, extra: {} });
    expect(JSON.parse(JSON.stringify(condition("df_dataset_consumer_condition")))).toEqual({ op: "or", items: [{ op: "and", items: [uri(1), uri(2)] }, uri(3)] });
    expect(JSON.parse(JSON.stringify(condition("df_dataset_consumer_typed")))).toEqual({
      op: "or", items: [{ uri: "s3://bucket/a", extra: {} }, { op: "and", items: [{ uri: "s3://bucket/b", extra: {} }, { uri: "s3://bucket/c", extra: {} }] }],
    });
  });
});

describe("dag-factory files run under `updraft dags test` to Airflow's final states", () => {
  const expected: Record<string, { state: string; states: Record<string, string> }> = {
    df_basic: { state: "success", states: { task_1: "success", task_2: "success", task_3: "success" } },
    df_task_groups: {
      state: "success",
      states: Object.fromEntries(["start", "extract.orders", "extract.customers", "transform.clean.dedupe", "transform.clean.validate", "transform.enrich", "end"].map((t) => [t, "success"])),
    },
    df_branching: {
      state: "success",
      states: { choose: "success", fast: "success", slow: "skipped", join: "success", gate: "success", after_gate: "skipped" },
    },
    df_sensors: {
      state: "success",
      states: { wait_for_file: "success", wait_for_missing: "skipped", python_check: "success", wait_delta: "success", after: "success" },
    },
  };
  for (const [dagId, want] of Object.entries(expected)) {
    it.concurrent(dagId, async () => {
      const run = await dagsTest(dagId);
      expect(run.states, run.stderr).toEqual(want.states);
      expect(run.state).toBe(want.state);
      expect(run.code).toBe(0);
    });
  }

  it.concurrent("df_callbacks: task and DAG callbacks named by file, dotted path and {callback, params} are called", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-df-callbacks-"));
    try {
      const log = join(dir, "calls.log");
      const run = await dagsTest("df_callbacks", { DF_CALLBACK_LOG: log });
      expect(run.states, run.stderr).toEqual({ ok: "success", ok_own_callback: "success", broken: "failed" });
      expect(run.state).toBe("failed");
      // A task's own on_success_callback replaces the one from default_args, as a keyword argument replaces a default.
      expect((await readFile(log, "utf8")).trim().split("\n").sort()).toEqual(
        ["dag_failure:task_failure", "named:ok_own_callback", "params:broken:#alerts", "task_success:ok"].sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
