import { BashOperator, DateTimeSensorAsync, FileSensor, dag } from "updraft";

/** BENCH_SENSORS sensors per DAG (default 1,000), each waiting for its own file `<conf.dir>/ready-<i>`. */
const N = Number(process.env.BENCH_SENSORS ?? 1000);

export const reschedule = dag({ dagId: "bench_sensors_reschedule", schedule: null, startDate: "2024-01-01" }, () => {
  for (let i = 0; i < N; i++) {
    new FileSensor({ taskId: `s${i}`, filepath: `{{ dag_run.conf.dir }}/ready-${i}`, mode: "reschedule", pokeInterval: 60, timeout: 3600 });
  }
});

export const deferredFiles = dag({ dagId: "bench_sensors_deferred", schedule: null, startDate: "2024-01-01" }, () => {
  for (let i = 0; i < N; i++) {
    new FileSensor({ taskId: `s${i}`, filepath: `{{ dag_run.conf.dir }}/ready-${i}`, deferrable: true, pokeInterval: 1, timeout: 3600 });
  }
});

export const deferredTime = dag({ dagId: "bench_sensors_deferred_time", schedule: null, startDate: "2024-01-01" }, () => {
  for (let i = 0; i < N; i++) new DateTimeSensorAsync({ taskId: `s${i}`, targetTime: "{{ dag_run.conf.at }}", timeout: 3600 });
});

export const deferredTimeEnd = dag({ dagId: "bench_sensors_deferred_time_end", schedule: null, startDate: "2024-01-01" }, () => {
  for (let i = 0; i < N; i++) new DateTimeSensorAsync({ taskId: `s${i}`, targetTime: "{{ dag_run.conf.at }}", endFromTrigger: true, timeout: 3600 });
});

/** The real work that must still get runner slots while the sensors wait. */
export const work = dag({ dagId: "bench_sensors_work", schedule: null, startDate: "2024-01-01" }, () => {
  for (let i = 0; i < 20; i++) new BashOperator({ taskId: `w${i}`, bashCommand: "echo working" });
});
