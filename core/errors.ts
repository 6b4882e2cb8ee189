/**
 * The few named errors of Updraft. Each has a machine `code`; messages say what went wrong and what to do.
 * Task code raises `SkipTask` (ends the try as skipped) or `FailTask` (fails without retrying); any other error
 * thrown by a task is retryable.
 */
export class UpdraftError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A DAG file describes something impossible: a cycle, a duplicate task id, an unknown trigger rule, a bad schedule… */
export class DagDefinitionError extends UpdraftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("DAG_DEFINITION", message, options);
  }
}

export class CycleError extends UpdraftError {
  readonly cycle: readonly string[];
  constructor(dagId: string, cycle: readonly string[]) {
    super(
      "DAG_CYCLE",
      `DAG "${dagId}" has a cycle: ${cycle.join(" >> ")}. Remove one of these dependencies so that the tasks form a DAG.`,
    );
    this.cycle = cycle;
  }
}

/** Raised by task code to end the try as `skipped` (Airflow's AirflowSkipException). */
export class SkipTask extends UpdraftError {
  constructor(message = "Task skipped") {
    super("TASK_SKIPPED", message);
  }
}

/** Raised by task code to fail at once, without retrying (Airflow's AirflowFailException). */
export class FailTask extends UpdraftError {
  constructor(message: string) {
    super("TASK_FAILED_NO_RETRY", message);
  }
}

/** The try ran longer than its execution_timeout. Retryable, as in Airflow. */
export class TaskTimeoutError extends UpdraftError {
  constructor(taskId: string, seconds: number) {
    super("TASK_TIMEOUT", `Task "${taskId}" exceeded its execution_timeout of ${seconds}s and was stopped.`);
  }
}

/** The try was stopped from outside: its task instance was cleared or marked while it ran. */
export class TaskStoppedError extends UpdraftError {
  constructor(taskId: string, reason: string) {
    super("TASK_STOPPED", `Task "${taskId}" was stopped: ${reason}.`);
  }
}

/** A sensor waited past its timeout. Fails without retry (or skips with soft_fail). */
export class SensorTimeoutError extends UpdraftError {
  constructor(taskId: string, seconds: number) {
    super("SENSOR_TIMEOUT", `Sensor "${taskId}" did not succeed within its timeout of ${seconds}s.`);
  }
}

export class XComValueError extends UpdraftError {
  constructor(message: string) {
    super("XCOM_NOT_JSON", message);
  }
}

export class ParamValidationError extends UpdraftError {
  constructor(message: string) {
    super("PARAM_INVALID", message);
  }
}

/** Aliases under Airflow's names, so DAG code ported from Airflow reads the same. */
export { SkipTask as AirflowSkipException, FailTask as AirflowFailException };
