import { BaseOperator, requireArgument, type TaskOptions } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { runWithContext } from "../core/current-context.ts";

export type PythonCallable<R> = (...args: any[]) => R | Promise<R>;

export interface PythonOperatorOptions<R> extends TaskOptions {
  /** The function to run. Receives `opArgs`, then `opKwargs` merged with the context when `provideContext` is true. */
  pythonCallable: PythonCallable<R>;
  opArgs?: unknown[];
  opKwargs?: Record<string, unknown>;
  /** Pass `{ ...opKwargs, ...context }` as the last argument (Airflow passes the context as keyword arguments). */
  provideContext?: boolean;
  templatesDict?: Record<string, unknown>;
}

/**
 * Runs a TypeScript function (Airflow's PythonOperator). `opArgs` and `opKwargs` are templated; the function can
 * also call `getCurrentContext()`.
 */
export class PythonOperator<R = unknown> extends BaseOperator<R> {
  static override templateFields: readonly string[] = ["opArgs", "opKwargs", "templatesDict"];
  readonly pythonCallable: PythonCallable<R>;
  opArgs: unknown[];
  opKwargs: Record<string, unknown> | undefined;
  provideContext: boolean;
  templatesDict: Record<string, unknown> | undefined;

  constructor(options: PythonOperatorOptions<R>) {
    super(options);
    requireArgument(typeof options.pythonCallable === "function", `${this.operatorName} "${options.taskId}" needs a pythonCallable function.`);
    this.pythonCallable = options.pythonCallable;
    this.opArgs = options.opArgs ?? [];
    this.opKwargs = options.opKwargs;
    this.provideContext = options.provideContext ?? true;
    this.templatesDict = options.templatesDict;
  }

  protected callCallable(context: TaskContext): Promise<R> {
    const args = [...this.opArgs];
    if (this.opKwargs !== undefined || this.provideContext) {
      args.push({ ...(this.provideContext ? { ...context, templatesDict: this.templatesDict } : {}), ...this.opKwargs });
    }
    return runWithContext(context, async () => this.pythonCallable(...args));
  }

  override execute(context: TaskContext): Promise<R> {
    return this.callCallable(context);
  }
}

/** Airflow's name for the same thing, for ported DAGs. */
export { PythonOperator as CallableOperator };
