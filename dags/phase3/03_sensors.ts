/**
 * phase3_03_sensors — waiting for time and files, with and without holding a runner.
 *
 * Shows: DateTimeSensor and TimeSensor (poke), TimeDeltaSensor in reschedule mode (frees its runner between pokes:
 * `up_for_reschedule`), and deferrable waits (`deferrable: true`, or a custom operator calling `this.defer(...)`):
 * the try ends `deferred`, no runner slot is held, and the triggerer (part of `updraft standalone`, or
 * `updraft triggerer`) wakes it with the trigger's event; the same try then resumes in `next_method`.
 *
 * Run it: `updraft dags test phase3_03_sensors 2024-01-03` (no triggerer there: each trigger runs inline, so the
 * deferred wait of `wait_two_seconds` takes its two seconds). Under `updraft standalone`, trigger it from the UI and
 * watch `wait_for_marker` and `wait_two_seconds` show `deferred` while `write_marker` has the runner.
 */
import { BaseOperator, DateTimeSensor, FileSensor, TimeDeltaSensor, TimeDeltaTrigger, TimeSensor, dag, getCurrentContext, task, type TaskContext } from "updraft";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A custom deferrable operator: waits `seconds` in the triggerer, then returns what the trigger sent. */
class WaitSeconds extends BaseOperator<unknown> {
  constructor(readonly options: { taskId: string; seconds: number }) {
    super(options);
  }

  override execute(context: TaskContext): never {
    context.log.info(`Deferring for ${this.options.seconds}s`);
    this.defer({ trigger: new TimeDeltaTrigger({ delta: this.options.seconds }), methodName: "done" });
  }

  done(context: TaskContext, event: unknown): unknown {
    context.log.info(`Woken by the trigger at ${String(event)}`);
    return event;
  }
}

const markerDir = join(tmpdir(), "updraft-phase3-sensors");

/** Airflow's `ts_nodash` of the run, e.g. 20240103T000000: one marker folder per logical date. */
const tsNodash = (date: Date) => date.toISOString().replace(/[-:]/g, "").slice(0, 15);

const writeMarker = task(async function writeMarker() {
  const context = getCurrentContext();
  await mkdir(join(markerDir, tsNodash(context.logicalDate)), { recursive: true });
  await writeFile(join(markerDir, tsNodash(context.logicalDate), "ready"), new Date().toISOString());
});

export default dag(
  {
    dagId: "phase3_03_sensors",
    description: "Time and file sensors: poke, reschedule and deferrable",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase3", "sensors", "deferral"],
  },
  () => {
    // The run's interval has ended, so these succeed at their first poke.
    const intervalOver = new DateTimeSensor({ taskId: "interval_over", targetTime: "{{ data_interval_end }}", pokeInterval: 1 });
    const pastMidnight = new TimeSensor({ taskId: "past_midnight", targetTime: "00:00", pokeInterval: 1 });
    const aMinuteLater = new TimeDeltaSensor({ taskId: "a_minute_after_interval", delta: 60, mode: "reschedule", pokeInterval: 1 });
    const waitTwoSeconds = new WaitSeconds({ taskId: "wait_two_seconds", seconds: 2 });
    const marker = writeMarker();
    const waitForMarker = new FileSensor({
      taskId: "wait_for_marker",
      filepath: `${markerDir}/{{ ts_nodash }}/ready`,
      deferrable: true,
      pokeInterval: 0.5,
      timeout: 120,
    });
    intervalOver.then(pastMidnight).then(aMinuteLater).then(waitTwoSeconds);
    marker.then(waitForMarker);
  },
);
