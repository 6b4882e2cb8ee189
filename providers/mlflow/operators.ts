import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { Input } from "../../core/xcom-arg.ts";
import { compareVersions, type VersionComparison } from "./compare.ts";
import { MlflowHook, mlflowOptionsFromConnection } from "./hook.ts";

interface MlflowTaskOptions extends TaskOptions {
  /** Connection id, default `mlflow_default`. Without that connection, `MLFLOW_TRACKING_URI` is used when set. */
  mlflowConnId?: string;
}

/** The hook for a task's connection, as MLflow's own client falls back to `MLFLOW_TRACKING_URI`. */
export async function mlflowHookFor(context: TaskContext, connId = "mlflow_default"): Promise<MlflowHook> {
  try {
    return new MlflowHook(mlflowOptionsFromConnection(await context.connections.get(connId)));
  } catch (error) {
    if (!/is not defined/.test((error as Error).message)) throw error;
    const uri = process.env.MLFLOW_TRACKING_URI;
    if (uri) return new MlflowHook({ trackingUri: uri, token: process.env.MLFLOW_TRACKING_TOKEN });
    throw new Error(`${(error as Error).message} Or set MLFLOW_TRACKING_URI. For a local MLflow server: "mlflow server --host 127.0.0.1 --port 5000", then UPDRAFT_CONN_${connId.toUpperCase()}=http://127.0.0.1:5000.`);
  }
}

abstract class MlflowOperator<R> extends BaseOperator<R> {
  /** Each field of the result is also its own XCom, so `op.output.get("runId")` feeds the next operator. */
  readonly multipleOutputs = true;
  readonly mlflowConnId: string;
  constructor(options: MlflowTaskOptions) {
    super(options);
    this.mlflowConnId = options.mlflowConnId ?? "mlflow_default";
  }
  protected hook(context: TaskContext): Promise<MlflowHook> {
    return mlflowHookFor(context, this.mlflowConnId);
  }
}

export interface CreatedRun { runId: string; experimentId: string; artifactUri: string }

/** Creates (or reuses by name) an experiment and starts a run in it, tagged with the DAG run; returns its ids. */
export class MlflowCreateRunOperator extends MlflowOperator<CreatedRun> {
  static override templateFields = ["experimentName", "runName", "tags", "runParams"];
  experimentName: string;
  runName: string | undefined;
  tags: Record<string, string> | undefined;
  runParams: Record<string, unknown> | undefined;
  constructor(options: MlflowTaskOptions & { experimentName: Input<string>; runName?: Input<string>; tags?: Input<Record<string, string>>; runParams?: Input<Record<string, unknown>> }) {
    super(options);
    requireArgument(typeof options.experimentName === "string" || options.experimentName !== undefined, `MlflowCreateRunOperator "${options.taskId}" needs an experimentName.`);
    this.experimentName = options.experimentName as string;
    this.runName = options.runName as string | undefined;
    this.tags = options.tags as Record<string, string> | undefined;
    this.runParams = options.runParams as Record<string, unknown> | undefined;
  }
  override async execute(context: TaskContext): Promise<CreatedRun> {
    const hook = await this.hook(context);
    const experimentId = await hook.ensureExperiment(this.experimentName);
    const tags = { "updraft.dag_id": context.dag.dagId, "updraft.run_id": context.runId, "updraft.task_id": context.task.taskId, ...this.tags };
    const run = await hook.createRun(experimentId, { runName: this.runName, tags });
    if (this.runParams) await hook.logBatch(run.info.run_id, { params: this.runParams });
    return { runId: run.info.run_id, experimentId, artifactUri: run.info.artifact_uri };
  }
}

/** Logs metrics (and optionally params, tags and artifacts) to a run, then ends it when `terminateWith` is set. */
export class MlflowLogMetricsOperator extends MlflowOperator<{ runId: string; logged: number }> {
  static override templateFields = ["runId", "metrics", "runParams", "tags", "artifacts"];
  runId: string;
  metrics: Record<string, number>;
  runParams: Record<string, unknown> | undefined;
  tags: Record<string, string> | undefined;
  artifacts: Record<string, string> | undefined;
  readonly terminateWith: "FINISHED" | "FAILED" | "KILLED" | undefined;
  constructor(options: MlflowTaskOptions & { runId: Input<string>; metrics: Input<Record<string, number>>; runParams?: Input<Record<string, unknown>>; tags?: Input<Record<string, string>>; artifacts?: Input<Record<string, string>>; terminateWith?: "FINISHED" | "FAILED" | "KILLED" }) {
    super(options);
    this.runId = options.runId as string;
    this.metrics = options.metrics as Record<string, number>;
    this.runParams = options.runParams as Record<string, unknown> | undefined;
    this.tags = options.tags as Record<string, string> | undefined;
    this.artifacts = options.artifacts as Record<string, string> | undefined;
    this.terminateWith = options.terminateWith;
  }
  override async execute(context: TaskContext) {
    const bad = Object.entries(this.metrics ?? {}).filter(([, v]) => typeof v !== "number" || !Number.isFinite(v));
    if (bad.length) throw new TypeError(`Metrics must be finite numbers; got ${bad.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}.`);
    const hook = await this.hook(context);
    await hook.logBatch(this.runId, { metrics: this.metrics, params: this.runParams, tags: this.tags });
    if (this.artifacts) {
      const run = await hook.getRun(this.runId);
      for (const [path, content] of Object.entries(this.artifacts)) await hook.uploadArtifact(run.info.artifact_uri, path, content);
    }
    if (this.terminateWith) await hook.setTerminated(this.runId, this.terminateWith);
    return { runId: this.runId, logged: Object.keys(this.metrics ?? {}).length };
  }
}

/** Registers `<run artifact_uri>/<artifactPath>` as a new version of a registered model (created when missing). */
export class MlflowRegisterModelOperator extends MlflowOperator<{ name: string; version: string; source: string }> {
  static override templateFields = ["modelName", "runId", "artifactPath", "tags"];
  modelName: string;
  runId: string;
  artifactPath: string;
  tags: Record<string, string> | undefined;
  constructor(options: MlflowTaskOptions & { modelName: Input<string>; runId: Input<string>; artifactPath?: Input<string>; tags?: Input<Record<string, string>> }) {
    super(options);
    this.modelName = options.modelName as string;
    this.runId = options.runId as string;
    this.artifactPath = (options.artifactPath as string | undefined) ?? "model";
    this.tags = options.tags as Record<string, string> | undefined;
  }
  override async execute(context: TaskContext) {
    const hook = await this.hook(context);
    if (!(await hook.getRegisteredModel(this.modelName))) {
      try {
        await hook.createRegisteredModel(this.modelName);
      } catch (error) {
        if ((error as { errorCode?: string }).errorCode !== "RESOURCE_ALREADY_EXISTS") throw error;
      }
    }
    const run = await hook.getRun(this.runId);
    const source = `${run.info.artifact_uri.replace(/\/+$/, "")}/${this.artifactPath.replace(/^\/+/, "")}`;
    const version = await hook.createModelVersion(this.modelName, source, { runId: this.runId, tags: this.tags });
    return { name: this.modelName, version: version.version, source };
  }
}

/** Moves a version to a stage (legacy stages: Staging, Production, Archived, None). */
export class MlflowTransitionStageOperator extends MlflowOperator<{ name: string; version: string; stage: string }> {
  static override templateFields = ["modelName", "version", "stage"];
  modelName: string;
  version: string;
  stage: "None" | "Staging" | "Production" | "Archived";
  readonly archiveExistingVersions: boolean;
  constructor(options: MlflowTaskOptions & { modelName: Input<string>; version: Input<string>; stage: "None" | "Staging" | "Production" | "Archived"; archiveExistingVersions?: boolean }) {
    super(options);
    this.modelName = options.modelName as string;
    this.version = options.version as string;
    this.stage = options.stage;
    this.archiveExistingVersions = options.archiveExistingVersions ?? false;
  }
  override async execute(context: TaskContext) {
    const result = await (await this.hook(context)).transitionStage(this.modelName, String(this.version), this.stage, this.archiveExistingVersions);
    return { name: result.name, version: result.version, stage: result.current_stage };
  }
}

/** Points an alias (e.g. `champion`) at a version; an existing alias moves. */
export class MlflowSetAliasOperator extends MlflowOperator<{ name: string; alias: string; version: string }> {
  static override templateFields = ["modelName", "alias", "version"];
  modelName: string;
  alias: string;
  version: string;
  constructor(options: MlflowTaskOptions & { modelName: Input<string>; alias: Input<string>; version: Input<string> }) {
    super(options);
    this.modelName = options.modelName as string;
    this.alias = options.alias as string;
    this.version = options.version as string;
  }
  override async execute(context: TaskContext) {
    await (await this.hook(context)).setAlias(this.modelName, this.alias, String(this.version));
    return { name: this.modelName, alias: this.alias, version: String(this.version) };
  }
}

/**
 * Compares a metric between a candidate and a baseline version (refs: "3", "@champion", "stage:Production",
 * "latest"). With `promoteAlias`, a winning candidate gets that alias.
 */
export class MlflowCompareVersionsOperator extends MlflowOperator<VersionComparison> {
  static override templateFields = ["modelName", "candidate", "baseline", "metric"];
  modelName: string;
  candidate: string;
  baseline: string;
  metric: string;
  readonly higherIsBetter: boolean;
  readonly minImprovement: number;
  readonly promoteAlias: string | undefined;
  constructor(options: MlflowTaskOptions & { modelName: Input<string>; candidate: Input<string>; baseline: Input<string>; metric: Input<string>; higherIsBetter?: boolean; minImprovement?: number; promoteAlias?: string }) {
    super(options);
    this.modelName = options.modelName as string;
    this.candidate = options.candidate as string;
    this.baseline = options.baseline as string;
    this.metric = options.metric as string;
    this.higherIsBetter = options.higherIsBetter ?? true;
    this.minImprovement = options.minImprovement ?? 0;
    this.promoteAlias = options.promoteAlias;
  }
  override async execute(context: TaskContext) {
    const hook = await this.hook(context);
    const comparison = await compareVersions(hook, {
      modelName: this.modelName, candidate: String(this.candidate), baseline: String(this.baseline), metric: this.metric,
      higherIsBetter: this.higherIsBetter, minImprovement: this.minImprovement,
    });
    context.log.info(`MLflow comparison: ${comparison.reason} → ${comparison.winner} wins`);
    if (this.promoteAlias && comparison.winner === "candidate") await hook.setAlias(this.modelName, this.promoteAlias, comparison.candidate.version);
    return comparison;
  }
}
