import type { Row } from "../../mlops/quality/batch.ts";
import { groupFeatureRefs, joinKeysOf, resolveFeatures, type FeatureRepo } from "./definitions.ts";
import type { OnlineStore } from "./online-store.ts";
import { entityKey, featureColumnName } from "./point-in-time.ts";

export const FEATURE_STATUS = { PRESENT: "PRESENT", NULL_VALUE: "NULL_VALUE", NOT_FOUND: "NOT_FOUND", OUTSIDE_MAX_AGE: "OUTSIDE_MAX_AGE", INVALID: "INVALID" } as const;
export type FeatureStatus = (typeof FEATURE_STATUS)[keyof typeof FEATURE_STATUS];

export interface OnlineFeaturesRequest {
  features?: string[];
  featureService?: string;
  /** Join key → one value per entity row. */
  entities: Record<string, unknown[]>;
  fullFeatureNames?: boolean;
}

/** The feature server's column-major answer: `results[i]` belongs to `metadata.feature_names[i]`. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: Array<{ values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }>;
}

const EPOCH = "1970-01-01T00:00:00Z";

/** Feast's get_online_features over an OnlineStore: join keys first, then each feature with status and event time. */
export async function getOnlineFeatures(repo: FeatureRepo, store: OnlineStore, request: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
  const groups = groupFeatureRefs(repo, resolveFeatures(repo, request));
  const columns = Object.entries(request.entities ?? {});
  if (columns.length === 0) throw new Error("\"entities\" must map each join key to a list of values.");
  const n = columns[0][1]?.length ?? 0;
  const bad = columns.find(([, values]) => !Array.isArray(values) || values.length !== n);
  if (bad) throw new Error(`Every entity column must be a list of the same length: "${bad[0]}" differs from "${columns[0][0]}" (${n}).`);
  const rows: Row[] = Array.from({ length: n }, (_, j) => Object.fromEntries(columns.map(([k, values]) => [k, values[j]])));
  const response: OnlineFeaturesResponse = { metadata: { feature_names: [] }, results: [] };
  for (const [key, values] of columns) {
    response.metadata.feature_names.push(key);
    response.results.push({ values, statuses: values.map(() => FEATURE_STATUS.PRESENT), event_timestamps: values.map(() => EPOCH) });
  }
  for (const { view, features } of groups) {
    const keys = joinKeysOf(view);
    const missing = keys.filter((k) => !(k in request.entities));
    if (missing.length) throw new Error(`Feature view "${view.name}" is keyed by ${keys.join(", ")}: the request lacks entity ${missing.join(", ")}.`);
    const rowKeys = rows.map((r) => entityKey(r, keys));
    const found = await store.read(repo.project, view.name, [...new Set(rowKeys)]);
    for (const feature of features) {
      const result = { values: [] as unknown[], statuses: [] as FeatureStatus[], event_timestamps: [] as string[] };
      for (const key of rowKeys) {
        const hit = found.get(key);
        if (!hit) {
          result.values.push(null); result.statuses.push(FEATURE_STATUS.NOT_FOUND); result.event_timestamps.push(EPOCH);
          continue;
        }
        const ts = new Date(hit.eventTs).toISOString().replace(".000Z", "Z");
        const value = hit.values[feature] ?? null;
        // Feast's Python server does not apply the ttl on online reads (values past it stay PRESENT): freshness is
        // the FeastFeatureFreshnessSensor's job.
        const status = value === null ? FEATURE_STATUS.NULL_VALUE : FEATURE_STATUS.PRESENT;
        result.values.push(value);
        result.statuses.push(status);
        result.event_timestamps.push(ts);
      }
      response.metadata.feature_names.push(featureColumnName(view.name, feature, request.fullFeatureNames ?? false));
      response.results.push(result);
    }
  }
  return response;
}
