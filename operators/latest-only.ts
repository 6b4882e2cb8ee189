import { BaseOperator } from "../core/base-operator.ts";
import { followBranches } from "../core/branching.ts";
import type { TaskContext } from "../core/context.ts";

/**
 * Airflow's LatestOnlyOperator: lets downstream tasks run only in the run of the most recent schedule interval (and in
 * manual runs); in older runs (catchup, backfill) its direct downstream tasks are skipped.
 */
export class LatestOnlyOperator extends BaseOperator<string[] | null> {
  override async execute(context: TaskContext): Promise<string[] | null> {
    const all = [...this.downstreamTaskIds];
    if (context.dagRun.externalTrigger) {
      context.log.info("Manually triggered run: letting downstream tasks run.");
      await followBranches(context, this, all);
      return all;
    }
    const now = new Date();
    const nextInfo = this.dag.timetable.nextDagrunInfo({
      lastAutomatedDataInterval: { start: context.dataIntervalStart, end: context.dataIntervalEnd },
      restriction: { earliest: null, latest: null, catchup: true },
      now,
    });
    if (!nextInfo) {
      await followBranches(context, this, all);
      return all;
    }
    // Airflow: the run is the latest when now falls inside the *next* run's data interval (left-open).
    const isLatest = nextInfo.dataInterval.start < now && now <= nextInfo.dataInterval.end;
    if (isLatest) {
      context.log.info("This is the latest run: letting downstream tasks run.");
      await followBranches(context, this, all);
      return all;
    }
    context.log.info("Not the latest run: skipping downstream tasks.");
    await followBranches(context, this, []);
    return [];
  }
}
