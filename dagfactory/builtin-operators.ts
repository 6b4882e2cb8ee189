import { BashOperator } from "../operators/bash.ts";
import { BranchPythonOperator } from "../operators/branch.ts";
import { EmptyOperator } from "../operators/empty.ts";
import { FileSensor } from "../operators/file-sensor.ts";
import { LatestOnlyOperator } from "../operators/latest-only.ts";
import { PythonOperator } from "../operators/python.ts";
import { PythonSensor } from "../operators/python-sensor.ts";
import { ShortCircuitOperator } from "../operators/short-circuit.ts";
import { TimeDeltaSensor } from "../operators/time-delta-sensor.ts";
import { isOperatorRegistered, registerOperator, type OperatorClass, type RegisterOperatorOptions } from "./operator-registry.ts";

const PYTHON_ARGUMENTS = ["python_callable", "op_args", "op_kwargs", "templates_dict", "templates_exts", "show_return_value_in_logs", "provide_context"];
export const SENSOR_ARGUMENTS = ["poke_interval", "timeout", "mode", "soft_fail", "never_fail", "silent_fail", "exponential_backoff", "max_wait", "deferrable"];

/** Airflow's import paths: Airflow 2's own (and its pre-2.0 module names), then the standard provider's. */
function paths(module: string, cls: string, legacy: string[] = []): string[] {
  return [`airflow.${module}.${cls}`, ...legacy.map((m) => `airflow.${m}.${cls}`), `airflow.providers.standard.${module}.${cls}`];
}

const BUILTINS: Array<[string, OperatorClass, RegisterOperatorOptions]> = [
  ["EmptyOperator", EmptyOperator, { aliases: [...paths("operators.empty", "EmptyOperator"), "DummyOperator", "airflow.operators.dummy.DummyOperator", "airflow.operators.dummy_operator.DummyOperator"], arguments: [] }],
  ["BashOperator", BashOperator, { aliases: paths("operators.bash", "BashOperator", ["operators.bash_operator"]), arguments: ["bash_command", "env", "append_env", "cwd", "skip_on_exit_code", "output_encoding"] }],
  ["PythonOperator", PythonOperator as OperatorClass, { aliases: paths("operators.python", "PythonOperator", ["operators.python_operator"]), arguments: PYTHON_ARGUMENTS, requiresCallable: true }],
  ["BranchPythonOperator", BranchPythonOperator as OperatorClass, { aliases: paths("operators.python", "BranchPythonOperator", ["operators.python_operator"]), arguments: PYTHON_ARGUMENTS, requiresCallable: true }],
  ["ShortCircuitOperator", ShortCircuitOperator as OperatorClass, { aliases: paths("operators.python", "ShortCircuitOperator", ["operators.python_operator"]), arguments: [...PYTHON_ARGUMENTS, "ignore_downstream_trigger_rules"], requiresCallable: true }],
  ["LatestOnlyOperator", LatestOnlyOperator, { aliases: paths("operators.latest_only", "LatestOnlyOperator", ["operators.latest_only_operator"]), arguments: [] }],
  ["FileSensor", FileSensor, { aliases: [...paths("sensors.filesystem", "FileSensor"), "airflow.contrib.sensors.file_sensor.FileSensor"], arguments: [...SENSOR_ARGUMENTS, "filepath", "fs_conn_id", "recursive"] }],
  ["PythonSensor", PythonSensor, { aliases: paths("sensors.python", "PythonSensor"), arguments: [...SENSOR_ARGUMENTS, "python_callable", "op_args", "op_kwargs", "templates_dict"], requiresCallable: true }],
  ["TimeDeltaSensor", TimeDeltaSensor, { aliases: paths("sensors.time_delta", "TimeDeltaSensor"), arguments: [...SENSOR_ARGUMENTS, "delta"] }],
];

/** Registers Updraft's operators under their names and Airflow's paths, leaving any name a pack registered first. */
export function registerBuiltinOperators(): void {
  for (const [name, operator, options] of BUILTINS) {
    if (!isOperatorRegistered(name)) registerOperator(name, operator, { ...options, aliases: options.aliases?.filter((a) => !isOperatorRegistered(a)) });
  }
}
