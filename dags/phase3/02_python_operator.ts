/**
 * phase3_02_python_operator — running TypeScript functions.
 *
 * Airflow's PythonOperator runs a Python callable; Updraft's runs a TypeScript one. Shows: `opArgs` and `opKwargs`
 * (templated), the context passed as the last argument (or read with `getCurrentContext()`), and return values
 * becoming XComs that downstream tasks read.
 */
import { dag, getCurrentContext, PythonOperator, type TaskContext } from "updraft";

function computeTax(amount: number, rate: number, kwargs: { currency: string; runDate: string } & TaskContext): { gross: number; currency: string } {
  kwargs.log.info(`Computing tax for ${amount} ${kwargs.currency} on ${kwargs.runDate} (try ${kwargs.ti.tryNumber})`);
  return { gross: Math.round(amount * (1 + rate) * 100) / 100, currency: kwargs.currency };
}

async function report(): Promise<string> {
  const context = getCurrentContext();
  const gross = await context.ti.xcomPull<{ gross: number; currency: string }>({ taskIds: "compute_tax" });
  return `Gross amount for ${context.dagRun.logicalDate.toISOString().slice(0, 10)}: ${gross?.gross} ${gross?.currency}`;
}

export default dag(
  {
    dagId: "phase3_02_python_operator",
    description: "PythonOperator with TypeScript callables: args, kwargs, context, return values",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase3", "operators"],
  },
  () => {
    const tax = new PythonOperator({
      taskId: "compute_tax",
      pythonCallable: computeTax,
      opArgs: [100, 0.21],
      opKwargs: { currency: "EUR", runDate: "{{ ds }}" },
    });
    const summary = new PythonOperator({ taskId: "report", pythonCallable: report, provideContext: false });
    tax.then(summary);
  },
);
