import { requireArgument } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";
import { runWithContext } from "../core/current-context.ts";
import { BaseSensorOperator, type PokeResult, type SensorOptions } from "../core/sensor.ts";

export interface PythonSensorOptions extends SensorOptions {
  /** Called at each poke with `opArgs`, then `opKwargs` merged over the context; truthy (or `{ isDone: true }`) ends the wait. */
  pythonCallable: (...args: any[]) => PokeResult | Promise<PokeResult>;
  opArgs?: unknown[];
  opKwargs?: Record<string, unknown>;
  templatesDict?: Record<string, unknown>;
}

/** Airflow's PythonSensor: waits until a TypeScript function returns true. */
export class PythonSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["opArgs", "opKwargs", "templatesDict"];
  readonly pythonCallable: PythonSensorOptions["pythonCallable"];
  opArgs: unknown[];
  opKwargs: Record<string, unknown> | undefined;
  templatesDict: Record<string, unknown> | undefined;

  constructor(options: PythonSensorOptions) {
    super(options);
    requireArgument(typeof options.pythonCallable === "function", `PythonSensor "${options.taskId}" needs a pythonCallable function.`);
    this.pythonCallable = options.pythonCallable;
    this.opArgs = options.opArgs ?? [];
    this.opKwargs = options.opKwargs;
    this.templatesDict = options.templatesDict;
  }

  override poke(context: TaskContext): Promise<PokeResult> {
    const kwargs = { ...context, templatesDict: this.templatesDict, ...this.opKwargs };
    return runWithContext(context, async () => this.pythonCallable(...this.opArgs, kwargs));
  }
}
