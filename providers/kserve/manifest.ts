import { stringify } from "yaml";

/** What an InferenceService deploys (§4.3), camelCased as in the manifest. */
export interface InferenceServiceSpec {
  name: string;
  namespace?: string;
  /** Model format name (sklearn, xgboost, onnx, mlflow, …) and optional version. */
  modelFormat: string | { name: string; version?: string };
  storageUri: string;
  protocolVersion?: "v1" | "v2" | "grpc-v2";
  runtime?: string;
  minReplicas?: number;
  maxReplicas?: number;
  /** Share of traffic for the latest revision (Knative mode only). */
  canaryTrafficPercent?: number;
  deploymentMode?: "Knative" | "Standard" | "ModelMesh";
  /** Adds tagged URLs (latest-…, prev-…) so each side of a canary can be called directly. */
  enableTagRouting?: boolean;
  scaleTarget?: number;
  scaleMetric?: "concurrency" | "rps" | "cpu" | "memory";
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  serviceAccountName?: string;
  labels?: Record<string, string>;
}

export type Manifest = Record<string, unknown> & { metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: { predictor: Record<string, unknown> } };

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The InferenceService manifest (serving.kserve.io/v1beta1) of a spec; invalid specs fail before reaching a cluster. */
export function inferenceServiceManifest(spec: InferenceServiceSpec): Manifest {
  if (!NAME.test(spec.name) || spec.name.length > 45) throw new Error(`InferenceService name "${spec.name}" must be a DNS-1035 label of at most 45 characters (lowercase letters, digits, "-", starting with a letter).`);
  if (!/^[a-z0-9]+:\/\//.test(spec.storageUri)) throw new Error(`storageUri "${spec.storageUri}" needs a scheme (s3://, gs://, pvc://, https://, hf://, oci://).`);
  const p = spec.canaryTrafficPercent;
  if (p !== undefined && !(Number.isInteger(p) && p >= 0 && p <= 100)) throw new Error(`canaryTrafficPercent must be an integer from 0 to 100, got ${p}.`);
  if (spec.minReplicas !== undefined && spec.maxReplicas !== undefined && spec.minReplicas > spec.maxReplicas) {
    throw new Error(`minReplicas (${spec.minReplicas}) cannot exceed maxReplicas (${spec.maxReplicas}).`);
  }
  const format = typeof spec.modelFormat === "string" ? { name: spec.modelFormat } : spec.modelFormat;
  const annotations: Record<string, string> = {};
  if (spec.deploymentMode) annotations["serving.kserve.io/deploymentMode"] = spec.deploymentMode;
  if (spec.enableTagRouting) annotations["serving.kserve.io/enable-tag-routing"] = "true";
  const predictor: Record<string, unknown> = {
    minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, scaleTarget: spec.scaleTarget, scaleMetric: spec.scaleMetric,
    canaryTrafficPercent: spec.canaryTrafficPercent, serviceAccountName: spec.serviceAccountName,
    model: { modelFormat: format, runtime: spec.runtime, protocolVersion: spec.protocolVersion, storageUri: spec.storageUri, resources: spec.resources },
  };
  return prune({
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: { predictor },
  }) as Manifest;
}

export const manifestYaml = (manifest: Manifest) => stringify(manifest, { lineWidth: 0 });

/** Drops undefined fields (and objects left empty), so YAML and diffs show only what is set. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, prune(v)] as const).filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

export interface ManifestChange { path: string; before: unknown; after: unknown }

/** Field-level differences of the spec-relevant parts (apiVersion, kind, metadata name/labels/annotations, spec). */
export function diffManifests(before: Manifest | null, after: Manifest): ManifestChange[] {
  const view = (m: Manifest | null) => (m ? { metadata: { name: m.metadata.name, namespace: m.metadata.namespace, labels: (m.metadata as Record<string, unknown>).labels, annotations: relevantAnnotations(m.metadata.annotations) }, spec: m.spec } : {});
  const changes: ManifestChange[] = [];
  walk(view(before), view(after), "", changes);
  return changes;
}

/** kubectl adds last-applied-configuration; it is not part of what we deploy. */
function relevantAnnotations(annotations: Record<string, string> | undefined) {
  if (!annotations) return undefined;
  const kept = Object.entries(annotations).filter(([k]) => !k.startsWith("kubectl.kubernetes.io/"));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function walk(a: unknown, b: unknown, path: string, out: ManifestChange[]) {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  // An object added or removed is reported field by field, so a first deploy lists what it sets.
  if ((isObj(a) || a === undefined) && (isObj(b) || b === undefined) && (isObj(a) || isObj(b))) {
    const x = (a ?? {}) as Record<string, unknown>;
    const y = (b ?? {}) as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[key], y[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a ?? null, after: b ?? null });
}

export const formatChanges = (changes: ManifestChange[]) =>
  changes.length ? changes.map((c) => `  ${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`).join("\n") : "  (no changes)";
