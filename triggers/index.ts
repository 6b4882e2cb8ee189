import "./registry.ts";

export { DateTimeTrigger, TimeDeltaTrigger } from "./temporal.ts";
export { FileTrigger } from "./file.ts";
export { WorkflowTrigger, DagStateTrigger, type WorkflowTriggerOptions } from "./external-task.ts";
