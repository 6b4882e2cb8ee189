/**
 * The functions phase15's YAML DAGs name (`python_callable_file: configs/callables.py` reads this file: a `.py` path
 * means the TypeScript file of the same name). A PythonOperator callable gets `op_args` first, then one object with
 * `op_kwargs` merged over the task context; a decorated task gets one object of its named arguments.
 */
export interface Order {
  id: number;
  region: string;
  amount: number;
}

export function extract_orders(kwargs: { region: string; day: string }): Order[] {
  const base = Number(kwargs.day.slice(-2));
  return [
    { id: 1, region: kwargs.region, amount: 120 + base },
    { id: 2, region: kwargs.region, amount: 80 },
    { id: 3, region: kwargs.region, amount: 45.5 },
  ];
}

export function list_partitions(kwargs: { tenant: string; partitions: number }): number[][] {
  return Array.from({ length: kwargs.partitions }, (_, i) => [i]);
}

export function process_partition(partition: number, kwargs: { tenant: string }): string {
  return `${kwargs.tenant}/part-${partition}`;
}

export function summarize({ rows }: { rows: Order[] }): { orders: number; revenue: number } {
  return { orders: rows.length, revenue: rows.reduce((sum, row) => sum + row.amount, 0) };
}

export function notify_failure(context: { dag: { dagId: string }; reason?: string }): void {
  console.error(`DAG ${context.dag.dagId} failed: ${context.reason}`);
}
