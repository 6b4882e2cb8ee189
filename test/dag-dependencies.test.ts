import { describe, expect, it } from "vitest";
import { allOf, anyOf, BashOperator, dag, Dataset, DatasetOrTimeSchedule, CronTriggerTimetable, EmptyOperator } from "updraft";
import { BaseOperator } from "../core/base-operator.ts";
import type { DagDependency } from "../core/dag-dependencies.ts";
import { serializeDag } from "../core/serialization.ts";
import { runsConsumingEvents } from "../webserver/ui/dataset-event-runs.ts";
import { dependencyGraph } from "../webserver/ui/dependency-graph.ts";

const orders = new Dataset("s3://lake/orders");
const customers = new Dataset("s3://lake/customers");
const rates = new Dataset("s3://lake/rates");

/** An operator that triggers another DAG, declaring it as TriggerDagRunOperator does. */
class Triggers extends BaseOperator<void> {
  constructor(options: { taskId: string }, readonly targetDagId: string) {
    super(options);
  }
  execute(): void {}
  dagDependency(dagId: string): DagDependency {
    return { source: dagId, target: this.targetDagId, dependency_type: "trigger", dependency_id: this.taskId };
  }
}

describe("dag_dependencies in the serialized DAG (Airflow's DependencyDetector)", () => {
  it("records datasets a DAG updates and is scheduled on (nested conditions, dataset-or-time), each once", () => {
    const producer = dag({ dagId: "producer", schedule: null, startDate: "2024-01-01" }, () => {
      new BashOperator({ taskId: "a", bashCommand: "true", outlets: [orders, customers] });
      new BashOperator({ taskId: "b", bashCommand: "true", outlets: [orders] });
    });
    expect(serializeDag(producer).dag_dependencies).toEqual([
      { source: "producer", target: "dataset", dependency_type: "dataset", dependency_id: "s3://lake/orders" },
      { source: "producer", target: "dataset", dependency_type: "dataset", dependency_id: "s3://lake/customers" },
    ]);
    const consumer = dag({ dagId: "consumer", schedule: allOf(orders, anyOf(customers, rates)), startDate: "2024-01-01" }, () => {
      new EmptyOperator({ taskId: "x" });
    });
    expect(serializeDag(consumer).dag_dependencies.map((d) => [d.source, d.target, d.dependency_id])).toEqual([
      ["dataset", "consumer", "s3://lake/orders"], ["dataset", "consumer", "s3://lake/customers"], ["dataset", "consumer", "s3://lake/rates"],
    ]);
    const timed = dag({
      dagId: "timed", schedule: new DatasetOrTimeSchedule(new CronTriggerTimetable("0 1 * * *"), rates), startDate: "2024-01-01",
    }, () => new EmptyOperator({ taskId: "x" }));
    expect(serializeDag(timed).dag_dependencies).toEqual([{ source: "dataset", target: "timed", dependency_type: "dataset", dependency_id: "s3://lake/rates" }]);
    const plain = dag({ dagId: "plain", schedule: "@daily", startDate: "2024-01-01" }, () => new EmptyOperator({ taskId: "x" }));
    expect(serializeDag(plain).dag_dependencies).toEqual([]);
  });

  it("asks operators that name another DAG for their dependency", () => {
    const parent = dag({ dagId: "parent", schedule: null, startDate: "2024-01-01" }, () => {
      new Triggers({ taskId: "kick_child" }, "child");
    });
    expect(serializeDag(parent).dag_dependencies).toEqual([{ source: "parent", target: "child", dependency_type: "trigger", dependency_id: "kick_child" }]);
  });
});

describe("the DAG dependencies graph", () => {
  it("links DAGs through dataset nodes, and through a node of their own for triggers and sensors", () => {
    const graph = dependencyGraph([
      { source: "producer", target: "dataset", dependency_type: "dataset", dependency_id: "s3://lake/orders" },
      { source: "dataset", target: "consumer", dependency_type: "dataset", dependency_id: "s3://lake/orders" },
      { source: "dataset", target: "consumer", dependency_type: "dataset", dependency_id: "s3://lake/orders" },
      { source: "parent", target: "child", dependency_type: "trigger", dependency_id: "kick_child" },
      { source: "upstream", target: "child", dependency_type: "sensor", dependency_id: "wait_upstream" },
    ]);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.href])).toEqual([
      ["dag:child", "dag", "/dags/child/graph"],
      ["dag:consumer", "dag", "/dags/consumer/graph"],
      ["dag:parent", "dag", "/dags/parent/graph"],
      ["dag:producer", "dag", "/dags/producer/graph"],
      ["dag:upstream", "dag", "/dags/upstream/graph"],
      ["dataset:s3://lake/orders", "dataset", "/datasets/events?uri=s3%3A%2F%2Flake%2Forders"],
      ["sensor:upstream:child:wait_upstream", "sensor", null],
      ["trigger:parent:child:kick_child", "trigger", null],
    ]);
    expect(graph.edges).toEqual([
      { from: "dag:producer", to: "dataset:s3://lake/orders" },
      { from: "dataset:s3://lake/orders", to: "dag:consumer" },
      { from: "dag:parent", to: "trigger:parent:child:kick_child" },
      { from: "trigger:parent:child:kick_child", to: "dag:child" },
      { from: "dag:upstream", to: "sensor:upstream:child:wait_upstream" },
      { from: "sensor:upstream:child:wait_upstream", to: "dag:child" },
    ]);
  });
});

describe("which run consumed a dataset event", () => {
  it("is each consuming DAG's first dataset-triggered run dated at or after the event", () => {
    const t = (s: string) => new Date(`2024-01-01T00:00:${s}Z`);
    const events = [{ id: 3, timestamp: t("30") }, { id: 2, timestamp: t("20") }, { id: 1, timestamp: t("10") }];
    const runs = [
      { dag_id: "a", run_id: "r1", logical_date: t("20"), state: "success" },
      { dag_id: "a", run_id: "r2", logical_date: t("40"), state: "running" },
      { dag_id: "b", run_id: "s1", logical_date: t("15"), state: "success" },
    ];
    const consumed = runsConsumingEvents(events, runs);
    expect(consumed.get(1)).toEqual([{ dag_id: "a", run_id: "r1", state: "success" }, { dag_id: "b", run_id: "s1", state: "success" }]);
    expect(consumed.get(2)).toEqual([{ dag_id: "a", run_id: "r1", state: "success" }]);
    expect(consumed.get(3)).toEqual([{ dag_id: "a", run_id: "r2", state: "running" }]);
  });
});
