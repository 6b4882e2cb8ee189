/** Pure decisions shared by the scheduler and the in-process test runner, each matching Airflow 2.10. */
export {
  evaluateTriggerRule,
  normalizeTriggerRule,
  InvalidTriggerRuleError,
  type UpstreamCounts,
  type TriggerRuleDecision,
  type TriggerRuleOptions,
} from "./trigger-rule.ts";
export { isRetryEligible, nextRetryAt, backoffDelaySeconds, type NextRetryArgs } from "./retry.ts";
export { decideDagRunState, type RunStateInput, type RunStateDecision } from "./dag-run-state.ts";
export { decidePastDepends, type PastDependsDecision, type PastDependentTask, type PreviousRunFacts } from "./depends-on-past.ts";
export { priorityWeights, MIN_PRIORITY_WEIGHT, MAX_PRIORITY_WEIGHT, type PriorityTask } from "./priority.ts";
export { expansionLength, mappedKwargsAt, mappableValues, checkMapLength, MappingError } from "./mapping.ts";
export {
  ALLOWED_TASK_TRANSITIONS,
  ALLOWED_DAG_RUN_TRANSITIONS,
  TASK_TRANSITION_RULES,
  DAG_RUN_TRANSITION_RULES,
  canTransition,
  canTransitionDagRun,
  taskStateKey,
  type TaskStateKey,
  type TransitionRule,
} from "./transitions.ts";
