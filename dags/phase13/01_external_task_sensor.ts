/**
 * phase13_01_external_task_sensor — one DAG waits for a task of another.
 *
 * Shows: ExternalTaskSensor waiting for `publish` of phase13_01_external_task_sensor_upstream at the same logical
 * date (reschedule mode: no runner is held between pokes), a second one waiting for the upstream's whole run in the
 * triggerer (`deferrable: true`), and `failedStates` failing fast when the upstream fails. The upstream ends with an
 * ExternalTaskMarker: clearing its `publish` with downstream (UI "Clear" with Downstream, or
 * `updraft tasks clear phase13_01_external_task_sensor_upstream -t publish -d`) also clears `report` here.
 *
 * Run it: under `updraft standalone`, trigger both DAGs for the same logical date (in any order):
 *   updraft dags trigger phase13_01_external_task_sensor -e 2024-01-03
 *   updraft dags trigger phase13_01_external_task_sensor_upstream -e 2024-01-03
 * `updraft dags test phase13_01_external_task_sensor 2024-01-03` has no metadata database, so no upstream run exists
 * there: the sensors say so and, being `softFail`, end skipped (see phase13_03 for a cross-DAG chain that does run
 * under `dags test`).
 */
import { BashOperator, ExternalTaskMarker, ExternalTaskSensor, dag, task } from "updraft";

const UPSTREAM = "phase13_01_external_task_sensor_upstream";

export const upstream = dag(
  { dagId: UPSTREAM, description: "Publishes the data phase13_01_external_task_sensor waits for", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag"] },
  () => {
    const publish = new BashOperator({ taskId: "publish", bashCommand: "echo 'published {{ ds }}'" });
    publish.then(new ExternalTaskMarker({ taskId: "mark_report", externalDagId: "phase13_01_external_task_sensor", externalTaskId: "report" }));
  },
);

const report = task(async function report() {
  return "the upstream data is ready";
});

export default dag(
  { dagId: "phase13_01_external_task_sensor", description: "Waits for another DAG's task before reporting", schedule: null, startDate: "2024-01-01", tags: ["phase13", "cross-dag", "sensors"] },
  () => {
    const waitPublish = new ExternalTaskSensor({
      taskId: "wait_for_publish", externalDagId: UPSTREAM, externalTaskId: "publish", failedStates: ["failed"],
      mode: "reschedule", pokeInterval: 2, timeout: 3600, softFail: true,
    });
    const waitRun = new ExternalTaskSensor({
      taskId: "wait_for_upstream_run", externalDagId: UPSTREAM, deferrable: true, pollInterval: 2, timeout: 3600, softFail: true,
    });
    const done = report();
    waitPublish.then(done);
    waitRun.then(done);
  },
);
