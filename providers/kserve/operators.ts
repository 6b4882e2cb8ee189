import { tmpdir } from "node:os";
import { join } from "node:path";
import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { FailTask } from "../../core/errors.ts";
import type { Input } from "../../core/xcom-arg.ts";
import { analyzeCanary, promotedManifest, rolledBackManifest, statsFromPrometheus, summarizeObservations, type CanaryCriteria, type CanaryDecision, type Observation, type SideStats } from "./canary.ts";
import { deployInferenceService, type DeployResult } from "./deploy.ts";
import { InferenceError, KServeV1Client, OpenInferenceClient } from "./inference-client.ts";
import { formatChanges, inferenceServiceManifest, manifestYaml, type InferenceServiceSpec } from "./manifest.ts";

/** Where dry runs keep manifests when no `dryRunDir` is given. */
export const DEFAULT_DRY_RUN_DIR = join(tmpdir(), "updraft-kserve");

interface DeployOptions extends TaskOptions {
  inferenceService: Input<InferenceServiceSpec>;
  /** Manifests of dry runs (no kubectl on PATH) go here; default $TMPDIR/updraft-kserve. */
  dryRunDir?: string;
}

async function deployLogged(context: TaskContext, spec: InferenceServiceSpec, dryRunDir: string, what: string) {
  const manifest = inferenceServiceManifest(spec);
  const result = await deployInferenceService(manifest, { dryRunDir, log: (line) => context.log.info(line) });
  context.log.info(`${what} InferenceService ${result.namespace}/${result.name} (${result.mode}); changes:\n${formatChanges(result.changes)}`);
  return { ...result, manifest: manifestYaml(manifest) };
}

/** Generates an InferenceService manifest, diffs it against the live/previous one and applies it (or dry-runs). */
export class KServeDeployOperator extends BaseOperator<DeployResult & { manifest: string }> {
  static override templateFields = ["inferenceService", "dryRunDir"];
  inferenceService: InferenceServiceSpec;
  dryRunDir: string;
  constructor(options: DeployOptions) {
    super(options);
    requireArgument(options.inferenceService !== undefined, `KServeDeployOperator "${options.taskId}" needs an inferenceService spec.`);
    this.inferenceService = options.inferenceService as InferenceServiceSpec;
    this.dryRunDir = options.dryRunDir ?? DEFAULT_DRY_RUN_DIR;
  }
  override async execute(context: TaskContext) {
    return deployLogged(context, this.inferenceService, this.dryRunDir, "Deployed");
  }
}

/** V1 `:predict` on a model server URL (the InferenceService's status.url). */
export class KServeV1PredictOperator extends BaseOperator<{ predictions: unknown[] }> {
  static override templateFields = ["url", "modelName", "instances"];
  url: string;
  modelName: string;
  instances: unknown[];
  constructor(options: TaskOptions & { url: Input<string>; modelName: Input<string>; instances: Input<unknown[]> }) {
    super(options);
    this.url = options.url as string;
    this.modelName = options.modelName as string;
    this.instances = options.instances as unknown[];
  }
  override async execute(context: TaskContext) {
    const predictions = await new KServeV1Client(this.url).predict(this.modelName, this.instances);
    context.log.info(`${this.modelName}: ${predictions.length} predictions`);
    return { predictions };
  }
}

/** V2 / Open Inference `infer`: rows as one [n, d] tensor; checks the model is ready first. Returns outputs by name. */
export class KServeV2InferOperator extends BaseOperator<{ modelName: string; outputs: Record<string, unknown[]> }> {
  static override templateFields = ["url", "modelName", "rows", "modelVersion"];
  url: string;
  modelName: string;
  rows: number[][];
  modelVersion: string | undefined;
  constructor(options: TaskOptions & { url: Input<string>; modelName: Input<string>; rows: Input<number[][]>; modelVersion?: Input<string> }) {
    super(options);
    this.url = options.url as string;
    this.modelName = options.modelName as string;
    this.rows = options.rows as number[][];
    this.modelVersion = options.modelVersion as string | undefined;
  }
  override async execute(context: TaskContext) {
    const client = new OpenInferenceClient(this.url);
    if (!(await client.modelReady(this.modelName, this.modelVersion))) throw new Error(`Model "${this.modelName}" at ${this.url} is not ready (GET /v2/models/${this.modelName}/ready did not answer 200).`);
    const outputs = await client.inferRows(this.modelName, this.rows, { version: this.modelVersion });
    context.log.info(`${this.modelName}: inferred ${this.rows.length} rows; outputs ${Object.keys(outputs).join(", ")}`);
    return { modelName: this.modelName, outputs };
  }
}

/** One inference of one row, timed; an unreachable server is an error, an error answer an observation. */
async function observe(url: string, modelName: string, row: number[], protocol: "v1" | "v2"): Promise<Observation> {
  const started = performance.now();
  try {
    if (protocol === "v1") await new KServeV1Client(url).predict(modelName, [row]);
    else await new OpenInferenceClient(url).inferRows(modelName, [row]);
    return { ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    if (error instanceof InferenceError && error.status === 0) throw error;
    return { ok: false, latencyMs: performance.now() - started };
  }
}

/** Sends each row to a side, recording success and latency (the "recorded inference results" of a canary). */
export async function recordInferences(url: string, modelName: string, rows: number[][], protocol: "v1" | "v2"): Promise<Observation[]> {
  const observations: Observation[] = [];
  for (const row of rows) observations.push(await observe(url, modelName, row, protocol));
  return observations;
}

/**
 * Each row to both sides, alternating which goes first, so that both see the same load: a burst on the machine
 * then slows both sides instead of failing the canary's latency comparison.
 */
export async function recordPairedInferences(canary: { url: string; model: string }, stable: { url: string; model: string }, rows: number[][], protocol: "v1" | "v2") {
  const result = { canary: [] as Observation[], stable: [] as Observation[] };
  for (const [i, row] of rows.entries()) {
    const sides = i % 2 ? (["stable", "canary"] as const) : (["canary", "stable"] as const);
    for (const side of sides) {
      const target = side === "canary" ? canary : stable;
      result[side].push(await observe(target.url, target.model, row, protocol));
    }
  }
  return result;
}

export interface CanaryAnalysisOptions extends DeployOptions {
  modelName: Input<string>;
  /** Where the canary side answers (with tag routing, `latest-<isvc>-predictor…`). */
  canaryUrl: Input<string>;
  /** Where the stable side answers (`prev-<isvc>-predictor…`), for the latency comparison. */
  stableUrl?: Input<string>;
  protocol?: "v1" | "v2";
  /** Rows to send to both sides; without them, the sides' `/metrics` are read instead. */
  requests?: Input<number[][]>;
  /** Model name of the stable side in its metrics (default modelName). */
  stableModelName?: Input<string>;
  criteria?: CanaryCriteria;
  /** Fail the task after rolling back (default false: the rollback is the outcome). */
  failOnRollback?: boolean;
}

/**
 * The canary step of a KServe rollout (§4.4): measures the canary's error rate and latency (recorded inferences or
 * the model servers' metrics), then promotes (canaryTrafficPercent removed) or rolls back (canaryTrafficPercent 0)
 * by applying the updated InferenceService.
 */
export class KServeCanaryAnalysisOperator extends BaseOperator<CanaryDecision & { deploy: DeployResult & { manifest: string } }> {
  static override templateFields = ["inferenceService", "modelName", "canaryUrl", "stableUrl", "requests", "stableModelName", "dryRunDir"];
  inferenceService: InferenceServiceSpec;
  modelName: string;
  canaryUrl: string;
  stableUrl: string | undefined;
  stableModelName: string | undefined;
  requests: number[][] | undefined;
  dryRunDir: string;
  readonly protocol: "v1" | "v2";
  readonly criteria: CanaryCriteria;
  readonly failOnRollback: boolean;
  constructor(options: CanaryAnalysisOptions) {
    super(options);
    this.inferenceService = options.inferenceService as InferenceServiceSpec;
    this.modelName = options.modelName as string;
    this.canaryUrl = options.canaryUrl as string;
    this.stableUrl = options.stableUrl as string | undefined;
    this.stableModelName = options.stableModelName as string | undefined;
    this.requests = options.requests as number[][] | undefined;
    this.dryRunDir = options.dryRunDir ?? DEFAULT_DRY_RUN_DIR;
    this.protocol = options.protocol ?? "v2";
    this.criteria = options.criteria ?? {};
    this.failOnRollback = options.failOnRollback ?? false;
  }
  override async execute(context: TaskContext) {
    const stableModel = this.stableModelName ?? this.modelName;
    let canary: SideStats;
    let baseline: SideStats | null = null;
    if (this.requests && this.stableUrl) {
      const paired = await recordPairedInferences({ url: this.canaryUrl, model: this.modelName }, { url: this.stableUrl, model: stableModel }, this.requests, this.protocol);
      canary = summarizeObservations(paired.canary);
      baseline = summarizeObservations(paired.stable);
    } else if (this.requests) {
      canary = summarizeObservations(await recordInferences(this.canaryUrl, this.modelName, this.requests, this.protocol));
    } else {
      canary = statsFromPrometheus(await fetchMetrics(this.canaryUrl), this.modelName);
      if (this.stableUrl) baseline = statsFromPrometheus(await fetchMetrics(this.stableUrl), stableModel);
    }
    const decision = analyzeCanary(canary, baseline, this.criteria);
    context.log.info(`Canary analysis: ${decision.decision.toUpperCase()}: ${decision.reasons.join("; ")}`);
    const base = inferenceServiceManifest(this.inferenceService);
    const next = decision.decision === "promote" ? promotedManifest(base) : rolledBackManifest(base);
    const result = await deployInferenceService(next, { dryRunDir: this.dryRunDir, log: (line) => context.log.info(line) });
    context.log.info(`${decision.decision === "promote" ? "Promoted" : "Rolled back"} InferenceService ${result.namespace}/${result.name} (${result.mode}); changes:\n${formatChanges(result.changes)}`);
    if (decision.decision === "rollback" && this.failOnRollback) throw new FailTask(`Canary rolled back: ${decision.reasons.join("; ")}`);
    return { ...decision, deploy: { ...result, manifest: manifestYaml(next) } };
  }
}

async function fetchMetrics(url: string): Promise<string> {
  const response = await fetch(`${url.replace(/\/+$/, "")}/metrics`, { signal: AbortSignal.timeout(10_000) }).catch((error: Error) => {
    throw new Error(`Metrics of ${url} are unreachable: ${error.message}`);
  });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}.`);
  return response.text();
}
