/**
 * phase4_01_xcom_basics — passing data between tasks.
 *
 * Shows: a return value becoming the `return_value` XCom; pushing extra keys with `ti.xcomPush`; pulling by task
 * id and key with `ti.xcomPull`; pulling from several tasks at once (a list, in task order); and reading an XCom in
 * a template with `{{xcom_pull task_ids="…"}}`.
 */
import { dag, task, getCurrentContext, BashOperator } from "updraft";

const produceNumbers = task(async function produce_numbers(): Promise<number[]> {
  await getCurrentContext().ti.xcomPush("source", "sensor-array-7");
  return [3, 1, 4, 1, 5, 9];
});

const produceThreshold = task(async function produce_threshold(): Promise<number> {
  return 3;
});

const filterNumbers = task(async function filter_numbers(): Promise<number[]> {
  const { ti } = getCurrentContext();
  const numbers = (await ti.xcomPull<number[]>({ taskIds: "produce_numbers" })) ?? [];
  const threshold = (await ti.xcomPull<number>({ taskIds: "produce_threshold" })) ?? 0;
  const source = await ti.xcomPull<string>({ taskIds: "produce_numbers", key: "source" });
  await ti.xcomPush("kept_from", source ?? "unknown");
  return numbers.filter((n) => n > threshold);
});

const summarize = task(async function summarize(): Promise<string> {
  const both = await getCurrentContext().ti.xcomPull<unknown[]>({ taskIds: ["produce_numbers", "produce_threshold"] });
  return `pulled from two tasks: ${JSON.stringify(both)}`;
});

export default dag(
  {
    dagId: "phase4_01_xcom_basics",
    description: "XCom push/pull by task id and key, lists of tasks, and XCom in templates",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase4", "xcom"],
  },
  () => {
    const numbers = produceNumbers();
    const threshold = produceThreshold();
    const filtered = filterNumbers();
    [numbers, threshold].forEach((upstream) => upstream.then(filtered));
    const echo = new BashOperator({
      taskId: "echo_filtered",
      bashCommand: 'echo "kept {{xcom_pull task_ids="filter_numbers"}}"',
    });
    filtered.then(echo);
    filtered.then(summarize());
  },
);
