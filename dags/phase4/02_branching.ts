/**
 * phase4_02_branching — conditional paths.
 *
 * Shows: `task.branch` (Airflow's `@task.branch`) choosing one path from a value computed upstream, and
 * BranchPythonOperator choosing from the run's logical date; the tasks not chosen are skipped, everything below
 * them is skipped through its trigger rule, and each join uses `none_failed_min_one_success` so it runs after
 * whichever branch ran. Try `--conf '{"threshold": 5000}'` to take the other branch.
 */
import { dag, task, param, getCurrentContext, EmptyOperator, BashOperator, BranchPythonOperator, type TaskContext } from "updraft";

const measureVolume = task(async function measure_volume(): Promise<number> {
  return 1250;
});

const chooseByVolume = task.branch(async function choose_by_volume(volume: number): Promise<string> {
  const threshold = Number(getCurrentContext().params.threshold);
  return volume > threshold ? "high_volume_path" : "low_volume_path";
});

function chooseByDay(context: TaskContext): string {
  const day = context.logicalDate.getUTCDay();
  return day === 0 || day === 6 ? "weekend_report" : "weekday_report";
}

export default dag(
  {
    dagId: "phase4_02_branching",
    description: "@task.branch and BranchPythonOperator with joins that survive skipped branches",
    schedule: null,
    startDate: "2024-01-01",
    params: { threshold: param(1000, { type: "number", minimum: 0 }) },
    tags: ["phase4", "branching"],
  },
  () => {
    const branch = chooseByVolume(measureVolume());
    const high = new BashOperator({ taskId: "high_volume_path", bashCommand: 'echo "scaling up workers"' });
    const highFollowUp = new EmptyOperator({ taskId: "notify_capacity_team" });
    const low = new BashOperator({ taskId: "low_volume_path", bashCommand: 'echo "standard processing"' });
    const volumeJoin = new EmptyOperator({ taskId: "volume_join", triggerRule: "none_failed_min_one_success" });
    branch.then([high, low]);
    high.then(highFollowUp).then(volumeJoin);
    low.then(volumeJoin);

    const dayBranch = new BranchPythonOperator({ taskId: "choose_by_day", pythonCallable: chooseByDay });
    const weekday = new BashOperator({ taskId: "weekday_report", bashCommand: 'echo "weekday report for {{ ds }}"' });
    const weekend = new BashOperator({ taskId: "weekend_report", bashCommand: 'echo "weekend report for {{ ds }}"' });
    const done = new EmptyOperator({ taskId: "done", triggerRule: "none_failed_min_one_success" });
    volumeJoin.then(dayBranch).then([weekday, weekend]);
    done.after([weekday, weekend]);
  },
);
