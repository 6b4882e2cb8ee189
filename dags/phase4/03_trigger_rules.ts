/**
 * phase4_03_trigger_rules — when does a task run?
 *
 * Shows each trigger rule reacting to the same upstream outcomes: `succeeds` succeeds, `fails` fails (no retries),
 * `skips` skips itself (exit code 99). Every rule task below has all three as upstream, so its state shows what the
 * rule decides for one success, one failure and one skip:
 *   all_success → upstream_failed   all_failed → skipped      all_done → runs
 *   one_success → runs              one_failed → runs         one_done → runs
 *   none_failed → upstream_failed   none_skipped → skipped    none_failed_min_one_success → upstream_failed
 *   all_skipped → skipped           always → runs
 * `cleanup` (all_done) is the only leaf, so the run succeeds although a task failed — as in Airflow, the leaves
 * decide a run's state.
 */
import { dag, BashOperator, EmptyOperator, TRIGGER_RULES, type TriggerRule } from "updraft";

export default dag(
  {
    dagId: "phase4_03_trigger_rules",
    description: "Every trigger rule against one success, one failure and one skip",
    schedule: null,
    startDate: "2024-01-01",
    defaultArgs: { retries: 0 },
    tags: ["phase4", "trigger-rules"],
  },
  () => {
    const upstream = [
      new BashOperator({ taskId: "succeeds", bashCommand: "echo ok" }),
      new BashOperator({ taskId: "fails", bashCommand: 'echo "simulated failure" >&2; exit 1' }),
      // Skips a moment later than `fails` fails, so all_success sees the failure first (it reacts to whichever comes first).
      new BashOperator({ taskId: "skips", bashCommand: "sleep 0.5; exit 99" }),
    ];
    const cleanup = new EmptyOperator({ taskId: "cleanup", triggerRule: "all_done" });
    const rules: TriggerRule[] = Object.values(TRIGGER_RULES).filter((rule) => rule !== "all_done_setup_success");
    for (const rule of rules) {
      const probe = new EmptyOperator({ taskId: `rule_${rule}`, triggerRule: rule });
      probe.after(upstream);
      probe.then(cleanup);
    }
  },
);
