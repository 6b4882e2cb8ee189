/** `updraft/providers/kserve`: InferenceService manifests and rollouts, V1/V2 inference, canary analysis, a model server. */
export { analyzeCanary, promotedManifest, rolledBackManifest, statsFromPrometheus, summarizeObservations } from "./canary.ts";
export type { CanaryCriteria, CanaryDecision, Observation, SideStats } from "./canary.ts";
export { deployInferenceService, findKubectl, readManifestFile } from "./deploy.ts";
export type { DeployResult } from "./deploy.ts";
export { InferenceError, KServeV1Client, OpenInferenceClient } from "./inference-client.ts";
export type { Datatype, InferRequest, InferResponse, ModelMetadata, Tensor } from "./inference-client.ts";
export { diffManifests, formatChanges, inferenceServiceManifest, manifestYaml } from "./manifest.ts";
export type { InferenceServiceSpec, Manifest, ManifestChange } from "./manifest.ts";
export { startModelServer } from "./model-server.ts";
export type { RunningModelServer, ServedModel } from "./model-server.ts";
export {
  DEFAULT_DRY_RUN_DIR, KServeCanaryAnalysisOperator, KServeDeployOperator, KServeV1PredictOperator, KServeV2InferOperator, recordInferences, recordPairedInferences,
} from "./operators.ts";
export type { CanaryAnalysisOptions } from "./operators.ts";
export { spawnModelServer } from "./server-process.ts";
