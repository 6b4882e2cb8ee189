import { shortCircuit } from "../core/branching.ts";
import type { TaskContext } from "../core/context.ts";
import { PythonOperator, type PythonOperatorOptions } from "./python.ts";

export interface ShortCircuitOperatorOptions<R> extends PythonOperatorOptions<R> {
  /** true (default): skip every task downstream; false: skip only direct downstream tasks, deeper ones follow their trigger rules. */
  ignoreDownstreamTriggerRules?: boolean;
}

/** Airflow's ShortCircuitOperator: a falsy result skips downstream tasks; the task itself succeeds. */
export class ShortCircuitOperator<R = unknown> extends PythonOperator<R> {
  readonly ignoreDownstreamTriggerRules: boolean;

  constructor(options: ShortCircuitOperatorOptions<R>) {
    super(options);
    this.ignoreDownstreamTriggerRules = options.ignoreDownstreamTriggerRules ?? true;
  }

  override async execute(context: TaskContext): Promise<R> {
    const condition = await this.callCallable(context);
    if (!condition) await shortCircuit(context, this, this.ignoreDownstreamTriggerRules);
    return condition;
  }
}
