/**
 * phase2_01_scheduled_dag — schedules: cron expressions and presets.
 *
 * Shows: three DAGs with different schedules — a preset (`@daily`), a cron expression in a timezone
 * ("06:30 on weekdays, Amsterdam time"), and `@hourly` with `catchup: false` and `maxActiveRuns: 1`.
 * Each run covers a data interval; the run's logical date (`{{ ds }}`) is the *start* of that interval, and the
 * run starts once the interval has ended — exactly as in Airflow.
 */
import { dag, BashOperator } from "updraft";

const report = (label: string) =>
  new BashOperator({
    taskId: "report_interval",
    bashCommand: `echo "${label}: logical date {{ ds }}, interval {{ data_interval_start }} → {{ data_interval_end }}"`,
  });

export const daily = dag(
  {
    dagId: "phase2_01_scheduled_dag",
    description: "Runs every day at midnight UTC, catching up on missed days",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: true,
    tags: ["phase2", "scheduling"],
  },
  () => {
    report("daily");
  },
);

export const weekdayMornings = dag(
  {
    dagId: "phase2_01_scheduled_dag_cron",
    description: "Runs at 06:30 on weekdays, Amsterdam time (DST-aware)",
    schedule: "30 6 * * 1-5",
    timezone: "Europe/Amsterdam",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase2", "scheduling"],
  },
  () => {
    report("weekday mornings");
  },
);

export const hourly = dag(
  {
    dagId: "phase2_01_scheduled_dag_hourly",
    description: "Runs every hour; no catch-up, one run at a time",
    schedule: "@hourly",
    startDate: "2024-01-01",
    catchup: false,
    maxActiveRuns: 1,
    tags: ["phase2", "scheduling"],
  },
  () => {
    report("hourly");
  },
);
