/**
 * phase5_04_callbacks — reacting to what tasks do, with Airflow's callbacks.
 *
 * Shows:
 * - every task callback, each run exactly when Airflow runs it: `onExecuteCallback` before each try, `onRetryCallback`
 *   when a try fails with retries left (`flaky_extract` fails once, then succeeds: `onSuccessCallback`),
 *   `onSkippedCallback` then `onSuccessCallback` for a task that skips itself (`optional_enrich`, as Airflow 2.10), and
 *   `onFailureCallback` with `context.exception` when a task fails for good (`validate`);
 * - lists of callbacks: `pageOnCall` throws on purpose — the error is logged and the next callback still runs; a callback
 *   never changes a task's outcome;
 * - the full context in callbacks: `ti` (try number, state), `dagRun`, `params`, `exception`;
 * - a DAG-level `onSuccessCallback` with `context.reason`;
 * - a task `sla` and the DAG's `slaMissCallback(dag, taskList, blockingTaskList, slas, blockingTis)`: under the
 *   scheduler, `publish` misses its SLA when it has not succeeded 30 minutes after a schedule point (see the SLA misses
 *   page); `dags test` does not check SLAs, as in Airflow.
 * The run succeeds although `validate` failed: its leaf `publish` runs `all_done`.
 *
 * Run it: `updraft dags test phase5_04_callbacks 2024-01-03` and read the `CALLBACK` lines.
 * Callbacks of a try whose runner dies (kill -9, out of memory, execution_timeout it cannot honour) are run by another
 * runner under the scheduler: docs/callbacks-slas-breakers.md.
 */
import { dag, getCurrentContext, SkipTask, task, type SlaMissCallback, type TaskContext } from "updraft";

function note(event: string) {
  return function noteCallback(context: TaskContext): void {
    const { ti, params } = context;
    const error = context.exception instanceof Error ? `: ${context.exception.message}` : "";
    context.log.info(`CALLBACK ${event} ${ti.taskId} try ${ti.tryNumber} (${ti.state}) team=${String(params.team)}${error}`);
  };
}

/** A notifier that is down today: its error is logged, the other callbacks and the task's outcome are unaffected. */
function pageOnCall(): never {
  throw new Error("pager service unreachable");
}

const callbacks = {
  onExecuteCallback: note("execute"),
  onSuccessCallback: note("success"),
  onRetryCallback: note("retry"),
  onSkippedCallback: note("skipped"),
  onFailureCallback: [pageOnCall, note("failure")],
};

const reportMisses: SlaMissCallback = (d, taskList, blockingTaskList) => {
  console.log(`SLA missed in ${d.dagId}:\n${taskList}\nblocked by:\n${blockingTaskList || "(nothing unfinished)"}`);
};

export default dag(
  {
    dagId: "phase5_04_callbacks",
    description: "Task callbacks, DAG callbacks and SLAs",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase5", "callbacks"],
    params: { team: "data-platform" },
    onSuccessCallback: (context) => context.log.info(`CALLBACK dag_success ${context.dag.dagId} reason=${context.reason}`),
    slaMissCallback: reportMisses,
  },
  () => {
    const flakyExtract = task({ taskId: "flaky_extract", retries: 1, retryDelay: 0, ...callbacks }, async function flakyExtract() {
      if (getCurrentContext().ti.tryNumber === 1) throw new Error("source answered 503");
      return { rows: 42 };
    });
    const optionalEnrich = task({ taskId: "optional_enrich", ...callbacks }, async function optionalEnrich() {
      throw new SkipTask("no enrichment data today");
    });
    const validate = task({ taskId: "validate", ...callbacks }, async function validate() {
      throw new Error("3 rows have no customer id");
    });
    const publish = task({ taskId: "publish", triggerRule: "all_done", sla: { minutes: 30 }, ...callbacks }, async function publish() {
      return "published";
    });
    const extracted = flakyExtract();
    const published = publish();
    extracted.then(optionalEnrich()).then(published);
    extracted.then(validate()).then(published);
  },
);
