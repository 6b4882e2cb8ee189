/**
 * phase13_03_dag_dependencies — a controller DAG chaining two others.
 *
 * Shows: the two cross-DAG links the DAG dependencies view draws. The controller triggers
 * phase13_03_dag_dependencies_ingest for its own logical date (TriggerDagRunOperator, without waiting), then waits
 * for that run's `load` task with an ExternalTaskSensor in reschedule mode — the sensor-side way to wait, where
 * phase13_02 waits from the trigger side.
 *
 * Run it: `updraft dags test phase13_03_dag_dependencies 2024-01-03` (the ingest DAG runs in the same process, and
 * the sensor sees its result), or under `updraft standalone`: `updraft dags trigger phase13_03_dag_dependencies`.
 */
import { BashOperator, ExternalTaskSensor, TriggerDagRunOperator, dag, task } from "updraft";

const INGEST = "phase13_03_dag_dependencies_ingest";

export const ingest = dag(
  { dagId: INGEST, description: "Extracts and loads; started by phase13_03_dag_dependencies", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag"] },
  () => {
    const extract = new BashOperator({ taskId: "extract", bashCommand: "echo 'extract {{ ds }}'" });
    extract.then(new BashOperator({ taskId: "load", bashCommand: "echo 'load {{ ds }}'" }));
  },
);

const summarize = task(async function summarize() {
  return `${INGEST} loaded`;
});

export default dag(
  { dagId: "phase13_03_dag_dependencies", description: "Triggers the ingest DAG, then waits for its load task", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag"] },
  () => {
    const start = new TriggerDagRunOperator({
      taskId: "start_ingest", triggerDagId: INGEST, triggerRunId: "from_controller__{{ ts_nodash }}", logicalDate: "{{ ts }}", resetDagRun: true,
    });
    const waitLoad = new ExternalTaskSensor({
      taskId: "wait_for_load", externalDagId: INGEST, externalTaskId: "load", mode: "reschedule", pokeInterval: 1, timeout: 600,
    });
    start.then(waitLoad).then(summarize());
  },
);
