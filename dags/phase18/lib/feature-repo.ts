/**
 * The feature repository of phase18_01 (what a Feast repo's Python definitions hold): a customer entity and a
 * customer_stats view over daily snapshots in a CSV file, 7-day TTL, fed online by a push source. The Updraft feature
 * server process loads it by path (`--repo dags/phase18/lib/feature-repo.ts`).
 */
import { join } from "node:path";
import type { FeatureRepo } from "updraft/providers/feast";
import { workDir } from "./churn.ts";

export const FEATURE_DATA_DIR = workDir("feature_repo");
export const FEATURE_REFS = ["customer_stats:tenure_months", "customer_stats:monthly_charges", "customer_stats:support_calls"];

export const repo: FeatureRepo = {
  project: "phase18_churn",
  featureViews: [{
    name: "customer_stats",
    entities: [{ name: "customer", joinKeys: ["customer_id"] }],
    features: ["tenure_months", "monthly_charges", "support_calls"],
    ttlSeconds: 7 * 24 * 3600,
    source: { path: join(FEATURE_DATA_DIR, "customer_stats.csv"), timestampField: "event_timestamp", createdTimestampColumn: "created" },
    pushSource: "customer_events",
  }],
  featureServices: { churn_model_v1: FEATURE_REFS },
};
