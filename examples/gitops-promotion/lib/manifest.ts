import { parse, stringify } from "yaml";

export interface ModelRelease { model: string; version: string; storageUri: string; modelFormat: string; metrics: Record<string, number> }

export const MANIFEST_PATH = "deployments/churn-predictor.yaml";
const VERSION_ANNOTATION = "updraft.io/model-version";
const METRICS_ANNOTATION = "updraft.io/model-metrics";

/**
 * The KServe InferenceService serving one release, with the version and metrics as annotations so the next
 * promotion can read what is deployed. Kept to this one function so the KServe pack's generator can replace it.
 */
export function renderInferenceService(release: ModelRelease, options: { name?: string; namespace?: string } = {}): string {
  return stringify({
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: {
      name: options.name ?? "churn-predictor",
      namespace: options.namespace ?? "models",
      annotations: { [VERSION_ANNOTATION]: release.version, [METRICS_ANNOTATION]: JSON.stringify(release.metrics) },
      labels: { "app.kubernetes.io/managed-by": "updraft-gitops" },
    },
    spec: { predictor: { model: { modelFormat: { name: release.modelFormat }, storageUri: release.storageUri } } },
  });
}

/** What a manifest deploys (version and metrics), or null when the file does not exist yet. */
export function deployedRelease(manifest: string | null): { version: string; metrics: Record<string, number> } | null {
  if (manifest === null) return null;
  const doc = parse(manifest) as { metadata?: { annotations?: Record<string, string> } } | null;
  const annotations = doc?.metadata?.annotations ?? {};
  const version = annotations[VERSION_ANNOTATION];
  if (!version) throw new Error(`${MANIFEST_PATH} has no ${VERSION_ANNOTATION} annotation: it was not written by this pipeline; fix it by hand or promote explicitly.`);
  return { version, metrics: JSON.parse(annotations[METRICS_ANNOTATION] ?? "{}") as Record<string, number> };
}
