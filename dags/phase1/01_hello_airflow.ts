/**
 * phase1_01_hello_airflow — your first DAG.
 *
 * Shows: a DAG with `dag({...}, () => {...})` (Airflow's `with DAG(...)`), EmptyOperator tasks, a linear
 * dependency chain with `.then()` (Airflow's `>>`), `defaultArgs` shared by every task, and tags.
 * Run it: `npx updraft dags test phase1_01_hello_airflow`.
 */
import { dag, EmptyOperator, BashOperator } from "updraft";

export default dag(
  {
    dagId: "phase1_01_hello_airflow",
    description: "First DAG: EmptyOperator and linear dependencies",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase1", "fundamentals"],
    defaultArgs: { owner: "updraft", retries: 1, retryDelay: { minutes: 5 } },
  },
  () => {
    const start = new EmptyOperator({ taskId: "start" });
    const hello = new BashOperator({ taskId: "say_hello", bashCommand: 'echo "Hello from Updraft on {{ ds }}"' });
    const end = new EmptyOperator({ taskId: "end" });

    start.then(hello).then(end);
  },
);
