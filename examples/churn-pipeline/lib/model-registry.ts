import type { TaskContext } from "updraft";
import { MlflowApiError, mlflowHookFor, type MlflowHook } from "updraft/providers/mlflow";
import { LocalModelRegistry, type Stage } from "./local-registry.ts";

/** Where a model version was registered: MLflow (through mlflow_default) or the local file registry. */
export interface RegisteredVersion { registry: "mlflow" | "local"; name: string; version: string; source: string; runId?: string }

/**
 * The MLflow hook when `mlflow_default` (or MLFLOW_TRACKING_URI) names a server that answers; undefined, with the
 * reason logged, when there is none, so the pipeline falls back to the local registry. Other MLflow errors
 * (authentication, bad requests) fail the task: silently switching registries there would hide a real problem.
 */
export async function reachableMlflow(context: TaskContext): Promise<MlflowHook | undefined> {
  let hook: MlflowHook;
  try {
    hook = await mlflowHookFor(context);
  } catch (error) {
    if (!/is not defined/.test((error as Error).message)) throw error;
    context.log.warn("No MLflow tracking server configured (connection mlflow_default or MLFLOW_TRACKING_URI): using the LOCAL FILE model registry.");
    return undefined;
  }
  try {
    await hook.searchExperiments({ maxResults: 1 });
    return hook;
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === "UNREACHABLE") {
      context.log.warn(`${error.message} Using the LOCAL FILE model registry instead.`);
      return undefined;
    }
    throw error;
  }
}

/** Logs the training run to MLflow (params, metrics, model files) and registers its model as a new version. */
export async function registerInMlflow(hook: MlflowHook, name: string, files: Record<string, string>, metrics: Record<string, number>, params: Record<string, unknown>, tags: Record<string, string>): Promise<RegisteredVersion> {
  const experimentId = await hook.ensureExperiment(name);
  const run = await hook.createRun(experimentId, { runName: `train ${tags.data_version?.slice(0, 12) ?? ""}`.trim(), tags });
  await hook.logBatch(run.info.run_id, { metrics, params });
  for (const [file, content] of Object.entries(files)) await hook.uploadArtifact(run.info.artifact_uri, `model/${file}`, content);
  await hook.setTerminated(run.info.run_id, "FINISHED");
  if (!(await hook.getRegisteredModel(name))) {
    try {
      await hook.createRegisteredModel(name, { description: "Customer churn logistic regression (examples/churn-pipeline)" });
    } catch (error) {
      if ((error as MlflowApiError).errorCode !== "RESOURCE_ALREADY_EXISTS") throw error;
    }
  }
  const source = `${run.info.artifact_uri.replace(/\/+$/, "")}/model`;
  const version = await hook.createModelVersion(name, source, { runId: run.info.run_id, tags });
  return { registry: "mlflow", name, version: version.version, source, runId: run.info.run_id };
}

/** Moves a registered version to a stage in whichever registry holds it. */
export async function transitionStage(context: TaskContext, registryRoot: string, registered: RegisteredVersion, stage: Stage): Promise<void> {
  if (registered.registry === "mlflow") {
    const hook = await mlflowHookFor(context);
    await hook.transitionStage(registered.name, registered.version, stage, true);
  } else {
    await new LocalModelRegistry(registryRoot).transition(registered.name, registered.version, stage, true);
  }
  context.log.info(`${registered.name} version ${registered.version} is now in ${stage} (${registered.registry} registry).`);
}
