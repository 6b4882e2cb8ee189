/**
 * Updraft's DAG-authoring API: what DAG files import (`import { dag, task } from "updraft"`). Pure and cheap to
 * import: it runs in the DAG processor and in task runners.
 */
export { dag, DAG, type DagOptions, type DagCallback } from "./core/dag.ts";
export { BaseOperator, requireArgument, type TaskOptions, type DefaultArgs, type TaskCallback } from "./core/base-operator.ts";
export { task, TaskflowOperator, type TaskFunction, type TaskflowOptions } from "./core/taskflow.ts";
export { TaskGroup, type TaskGroupOptions } from "./core/task-group.ts";
export { taskGroup, type TaskGroupFunction, type TaskGroupFunctionOptions, type GroupOutput, type MappedGroupOutput } from "./core/task-group-function.ts";
export { chain, crossDownstream } from "./core/dependencies.ts";
export { XComArg, MappedArgument, type Input } from "./core/xcom-arg.ts";
export { param, Param, type ParamsSpec } from "./core/params.ts";
export { Dataset } from "./core/dataset.ts";
export { allOf, anyOf, DatasetOrTimeSchedule, type DatasetCondition } from "./core/timetables/dataset-triggered.ts";
export { BaseSensorOperator, RescheduleTask, type SensorOptions, type PokeResult } from "./core/sensor.ts";
export { getCurrentContext } from "./core/current-context.ts";
export type { TaskContext, TaskLogger, DagRunView, TaskInstanceView } from "./core/context.ts";
export {
  UpdraftError, DagDefinitionError, CycleError, SkipTask, FailTask, TaskTimeoutError, SensorTimeoutError,
  AirflowSkipException, AirflowFailException,
} from "./core/errors.ts";
export { TASK_STATES, DAG_RUN_STATES, TRIGGER_RULES, WEIGHT_RULES, type TaskState, type DagRunState, type TriggerRule, type WeightRule } from "./core/types.ts";
export { CronTriggerTimetable } from "./core/timetables/index.ts";
export { EmptyOperator } from "./operators/empty.ts";
export { BashOperator, type BashOperatorOptions } from "./operators/bash.ts";
export { PythonOperator, CallableOperator, type PythonOperatorOptions } from "./operators/python.ts";
export { BranchPythonOperator, BaseBranchOperator } from "./operators/branch.ts";
export { ShortCircuitOperator } from "./operators/short-circuit.ts";
export { LatestOnlyOperator } from "./operators/latest-only.ts";
export { FileSensor, type FileSensorOptions } from "./operators/file-sensor.ts";
export { PythonSensor, type PythonSensorOptions } from "./operators/python-sensor.ts";
export { TimeDeltaSensor, TimeDeltaSensorAsync, type TimeDeltaSensorOptions } from "./operators/time-delta-sensor.ts";
export {
  BaseTrigger, TriggerEvent, TaskDeferred, TaskDeferralError, TaskDeferralTimeout, registerTrigger, type TriggerEnv, type DeferRequest,
} from "./core/deferral.ts";
export { DateTimeTrigger, TimeDeltaTrigger, FileTrigger, WorkflowTrigger, DagStateTrigger } from "./triggers/index.ts";
export { TimeSensor, TimeSensorAsync, type TimeSensorOptions } from "./operators/time-sensor.ts";
export { DateTimeSensor, DateTimeSensorAsync, type DateTimeSensorOptions } from "./operators/date-time-sensor.ts";
export { ExternalTaskSensor, type ExternalTaskSensorOptions } from "./operators/external-task-sensor.ts";
export { ExternalTaskMarker, type ExternalTaskMarkerOptions } from "./operators/external-task-marker.ts";
export { TriggerDagRunOperator, type TriggerDagRunOperatorOptions } from "./operators/trigger-dagrun.ts";
export { EmailOperator, type EmailOperatorOptions } from "./operators/email.ts";
export { defineNotifier, type Notifier, type NotifierOptions } from "./notifications/notifier.ts";
export { alertRouter, AlertRoutingConfigError, SEVERITIES, type AlertRouterOptions, type Severity } from "./alerting/index.ts";
export { registerOperator, type OperatorClass, type RegisterOperatorOptions } from "./dagfactory/operator-registry.ts";
export * as openlineage from "./lineage/public.ts";
export { circuitBreaker, CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from "./resilience/circuit-breaker.ts";
export { withCircuitBreaker } from "./resilience/breaker-operator.ts";
export { BREAKER_STATES, type BreakerState } from "./resilience/breaker-state.ts";
export type { SlaMiss, BlockingTaskInstance, SlaMissCallback } from "./core/sla-miss.ts";
export * as governance from "./governance/public.ts";
