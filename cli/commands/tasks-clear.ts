import type { ClearRequest } from "../../core/runs/clear-task-instances.ts";
import { RequestError } from "../../core/runs/request-error.ts";
import { didYouMean } from "../../core/suggest.ts";
import type { TaskInstanceReferenceJson } from "../../webserver/api/serializers.ts";
import { parseDateArgument, UsageError, type Command } from "../command.ts";
import { confirmChange } from "../confirm.ts";
import { withStateClient, type StateClient } from "../state-client.ts";

/** One line per task instance, as Airflow lists them before clearing; the map indexes of a mapped task are counted. */
export function describeTaskInstances(refs: readonly TaskInstanceReferenceJson[]): string[] {
  const counts = new Map<string, number>();
  for (const ref of refs) {
    const line = `<TaskInstance: ${ref.dag_id}.${ref.task_id} ${ref.dag_run_id}>`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} (${n} map indexes)` : line));
}

/** The DAG's task ids matching the regex anywhere in the id (Airflow's `re.findall`); an error when none does. */
async function tasksMatching(client: StateClient, dagId: string, pattern: RegExp, source: string): Promise<string[]> {
  const ids = (await client.listTasks(dagId)).map((t) => t.task_id);
  const matched = ids.filter((id) => pattern.test(id));
  if (!matched.length) {
    throw new RequestError(404, `No task of DAG "${dagId}" matches -t "${source}".${didYouMean(source, ids)} Its tasks: ${ids.join(", ")}.`);
  }
  return matched;
}

/**
 * `airflow tasks clear`: the matching task instances go back to no state (a running one to `restarting`) with their
 * retries given back, and their finished runs back to `queued`, so the scheduler runs them again.
 */
export const tasksClear: Command = {
  group: "tasks",
  verb: "clear",
  summary: "Clear task instances so that they run again",
  args: "<dag_id>",
  options: {
    "task-regex": { type: "string", short: "t" },
    "start-date": { type: "string", short: "s" },
    "end-date": { type: "string", short: "e" },
    "only-failed": { type: "boolean", short: "f" },
    "only-running": { type: "boolean", short: "r" },
    downstream: { type: "boolean", short: "d" },
    upstream: { type: "boolean", short: "u" },
    yes: { type: "boolean", short: "y" },
  },
  optionHelp: {
    "task-regex": "-t, --task-regex REGEX     only tasks whose id matches (default: every task)",
    "start-date": "-s, --start-date DATE      only runs with a logical date from DATE on",
    "end-date": "-e, --end-date DATE        only runs with a logical date up to DATE",
    "only-failed": "-f, --only-failed          only failed and upstream_failed task instances",
    "only-running": "-r, --only-running         only running task instances",
    downstream: "-d, --downstream           with -t, also the tasks downstream of the matches",
    upstream: "-u, --upstream             with -t, also the tasks upstream of the matches",
    yes: "-y, --yes                  do not ask for confirmation",
  },
  async run([dagId], values, io) {
    if (!dagId) throw new UsageError("Missing <dag_id>.");
    const source = typeof values["task-regex"] === "string" ? values["task-regex"] : undefined;
    let pattern: RegExp | undefined;
    try {
      pattern = source === undefined ? undefined : new RegExp(source);
    } catch (error) {
      throw new UsageError(`-t "${source}" is not a valid regular expression: ${(error as Error).message}.`);
    }
    const startDate = parseDateArgument(values["start-date"], "--start-date") ?? null;
    const endDate = parseDateArgument(values["end-date"], "--end-date") ?? null;
    if (startDate && endDate && startDate > endDate) throw new UsageError(`--end-date ${values["end-date"]} is before --start-date ${values["start-date"]}: swap them.`);
    if (values["only-failed"] && values["only-running"]) throw new UsageError("--only-failed and --only-running exclude each other: give one.");
    return withStateClient(async (client) => {
      const request: ClearRequest = {
        taskIds: pattern ? await tasksMatching(client, dagId, pattern, source!) : null,
        includeUpstream: Boolean(pattern && values.upstream),
        includeDownstream: Boolean(pattern && values.downstream),
        startDate,
        endDate,
        onlyFailed: Boolean(values["only-failed"]),
        onlyRunning: Boolean(values["only-running"]),
        resetDagRuns: true,
        dryRun: true,
      };
      const preview = await client.clearTaskInstances(dagId, request);
      if (!preview.length) {
        io.out("Nothing to clear.");
        return 0;
      }
      if (!(await confirmChange(io, Boolean(values.yes), `You are about to clear these ${preview.length} task instance(s):`, describeTaskInstances(preview)))) return 1;
      const cleared = await client.clearTaskInstances(dagId, { ...request, dryRun: false });
      const runs = new Set(cleared.map((t) => t.dag_run_id)).size;
      io.out(`Cleared ${cleared.length} task instance(s) in ${runs} run(s); the scheduler runs them again:`);
      for (const line of describeTaskInstances(cleared)) io.out(`  ${line}`);
      return 0;
    });
  },
};
