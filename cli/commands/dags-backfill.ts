import type { ReprocessBehavior } from "../../core/runs/backfill.ts";
import { ds } from "../../core/dates.ts";
import type { DagRunJson } from "../../webserver/api/serializers.ts";
import { parseDateArgument, UsageError, type Command } from "../command.ts";
import { confirmChange } from "../confirm.ts";
import { withStateClient } from "../state-client.ts";
import { waitForRuns } from "../wait-for-runs.ts";

const describeRun = (r: DagRunJson) => `${r.dag_run_id} (${r.state})`;

/**
 * `airflow dags backfill`: a backfill run for every schedule interval whose logical date lies in [START, END] that
 * has no run yet, then (while a scheduler can run them) a wait with progress until they finish: exit 0 when all
 * succeed, 1 otherwise. Backfill runs ignore is_paused and respect max_active_runs.
 */
export const dagsBackfill: Command = {
  group: "dags",
  verb: "backfill",
  summary: "Run a DAG for every schedule interval between two dates, and wait for the runs",
  args: "<dag_id>",
  options: {
    "start-date": { type: "string", short: "s" },
    "end-date": { type: "string", short: "e" },
    "reset-dagruns": { type: "boolean" },
    "rerun-failed-tasks": { type: "boolean" },
    yes: { type: "boolean", short: "y" },
  },
  optionHelp: {
    "start-date": "-s, --start-date DATE      the first logical date (required)",
    "end-date": "-e, --end-date DATE        the last logical date (default: the start date)",
    "reset-dagruns": "--reset-dagruns            clear the existing runs in the range and run them again",
    "rerun-failed-tasks": "--rerun-failed-tasks       run the failed tasks of the existing runs in the range again",
    yes: "-y, --yes                  do not ask for confirmation (with --reset-dagruns, --rerun-failed-tasks)",
  },
  async run([dagId], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    const fromDate = parseDateArgument(values["start-date"], "--start-date");
    if (!fromDate) throw new UsageError("Missing -s/--start-date: give the first logical date to backfill, e.g. -s 2024-01-01.");
    const toDate = parseDateArgument(values["end-date"], "--end-date") ?? fromDate;
    if (toDate < fromDate) throw new UsageError(`--end-date ${values["end-date"]} is before --start-date ${values["start-date"]}: swap them.`);
    const reprocess: ReprocessBehavior = values["reset-dagruns"] ? "completed" : values["rerun-failed-tasks"] ? "failed" : "none";

    return withStateClient(async (client) => {
      await client.getDag(dagId);
      if (reprocess !== "none") {
        const existing = await client.listDagRuns(dagId, { logicalDateGte: fromDate, logicalDateLte: toDate });
        const what = reprocess === "completed" ? "every task instance" : "the failed task instances";
        const intro = `You are about to clear ${what} of these ${existing.length} existing run(s), to run again:`;
        if (existing.length && !(await confirmChange(io, Boolean(values.yes), intro, existing.map(describeRun)))) return 1;
      }
      const result = await client.backfill(dagId, { fromDate, toDate, reprocess });
      const range = `${ds(fromDate)} to ${ds(toDate)}`;
      if (result.skipped_dag_runs.length) {
        io.out(`Skipped ${result.skipped_dag_runs.length} interval(s) that already have a run:`);
        for (const run of result.skipped_dag_runs) io.out(`  ${describeRun(run)}`);
      }
      const runs = [...result.created_dag_runs, ...result.rerun_dag_runs];
      if (!runs.length) {
        io.out(result.skipped_dag_runs.length
          ? `Nothing to backfill from ${range}: every interval has a run (--reset-dagruns runs them again, --rerun-failed-tasks their failed tasks).`
          : `No run dates were found for the given dates and dag interval (${range}).`);
        return 0;
      }
      if (result.created_dag_runs.length) {
        io.out(`Created ${result.created_dag_runs.length} backfill run(s) of ${dagId} from ${range}:`);
        for (const run of result.created_dag_runs) io.out(`  ${run.dag_run_id}`);
      }
      if (result.rerun_dag_runs.length) {
        io.out(`Running ${result.rerun_dag_runs.length} existing run(s) again:`);
        for (const run of result.rerun_dag_runs) io.out(`  ${run.dag_run_id}`);
      }
      if (client.holdsEmbeddedDatabase) {
        io.out("The runs are queued. No scheduler can run them while this command holds the embedded database: they run once `updraft standalone` starts.");
        return 0;
      }
      if (!(await client.schedulerIsHealthy())) {
        io.err(`No scheduler is running on ${client.description}: the runs stay queued until one starts ("updraft scheduler" or "updraft standalone"). Waiting for them; Ctrl-C stops waiting, not the runs.`);
      }
      const final = await waitForRuns(client, dagId, runs, io);
      const failed = final.filter((r) => r.state !== "success");
      if (!failed.length) {
        io.out(`Backfill of ${dagId} from ${range} done: ${final.length} run(s) succeeded.`);
        return 0;
      }
      io.out(`Backfill of ${dagId} from ${range} finished with ${failed.length} failed run(s) of ${final.length}:`);
      for (const run of failed) io.out(`  ${run.dag_run_id}  (see "updraft tasks states-for-dag-run ${dagId} ${run.dag_run_id}")`);
      return 1;
    });
  },
};
