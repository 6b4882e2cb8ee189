/** `updraft/providers/mlflow`: MLflow tracking and model registry over the REST API 2.0. */
export { MlflowApiError, MlflowHook, artifactProxyPath, mlflowOptionsFromConnection } from "./hook.ts";
export type { ArtifactFile, Experiment, Metric, ModelVersion, RegisteredModel, Run, RunInfo, MlflowConnectionOptions } from "./hook.ts";
export { compareVersions, resolveVersion } from "./compare.ts";
export type { VersionComparison, VersionMetrics, VersionRef } from "./compare.ts";
export {
  MlflowCompareVersionsOperator, MlflowCreateRunOperator, MlflowLogMetricsOperator, MlflowRegisterModelOperator,
  MlflowSetAliasOperator, MlflowTransitionStageOperator, mlflowHookFor,
} from "./operators.ts";
export type { CreatedRun } from "./operators.ts";
