/**
 * phase18_01_feature_store — a feature store with Feast's semantics: point-in-time training data and online serving.
 *
 * Shows: daily customer snapshots in a CSV file (the offline store) with a late correction of one snapshot;
 * `FeastHistoricalFeaturesOperator` building the training set from labelled events with Feast's point-in-time join
 * (no feature from after the label, 7-day TTL, the corrected snapshot winning the tie by created time); then the
 * Updraft feature server — Feast's `feast serve` HTTP API over an embedded PGlite online store — started as its own
 * process, filled by `FeastMaterializeOperator` and `FeastMaterializeIncrementalOperator`, fed a fresh event by
 * `FeastPushOperator`, checked by `FeastFeatureFreshnessSensor` and read by `FeastGetOnlineFeaturesOperator`. The
 * same operators drive a real `feast serve` through the `feast_default` connection instead of `url`.
 * Run it: `updraft dags test phase18_01_feature_store 2024-01-03` (files under $TMPDIR/updraft-phase18/).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dag, getCurrentContext, task } from "updraft";
import {
  FeastFeatureFreshnessSensor, FeastGetOnlineFeaturesOperator, FeastHistoricalFeaturesOperator, FeastMaterializeIncrementalOperator,
  FeastMaterializeOperator, FeastPushOperator, spawnFeatureServer,
} from "updraft/providers/feast";
import { readFileBatch, stopServerProcess } from "updraft/providers/mlops";
import { generateCustomers, toCsv, workDir } from "./lib/churn.ts";
import { FEATURE_DATA_DIR, FEATURE_REFS, repo } from "./lib/feature-repo.ts";

const REPO_MODULE = fileURLToPath(new URL("./lib/feature-repo.ts", import.meta.url));
const DAYS = ["2024-01-01", "2024-01-02", "2024-01-03"];

/** Snapshots per customer and day (tenure grows, calls accumulate), one corrected late; labels at chosen times. */
const generateFeatureData = task(async function generate_feature_data() {
  const customers = generateCustomers(30, 18);
  const stats = DAYS.flatMap((day, d) => customers.map((c) => ({
    customer_id: c.customer_id, event_timestamp: `${day}T00:00:00Z`, created: `${day}T01:00:00Z`,
    tenure_months: c.tenure_months + d, monthly_charges: c.monthly_charges, support_calls: Math.max(0, c.support_calls - (2 - d)),
  })));
  // The 2024-01-02 snapshot of customer 1 was corrected at 09:00: same event time, later created time.
  stats.push({ ...stats.find((s) => s.customer_id === 1 && s.event_timestamp.startsWith("2024-01-02"))!, created: "2024-01-02T09:00:00Z", support_calls: 9 });
  const labelsAt = (c: (typeof customers)[number]) => (c.customer_id % 2 ? "2024-01-02T12:00:00Z" : "2024-01-03T18:00:00Z");
  const labels = customers.map((c) => ({ customer_id: c.customer_id, event_timestamp: labelsAt(c), churned: c.churned }));
  labels.push({ customer_id: 2, event_timestamp: "2023-12-20T00:00:00Z", churned: 0 }); // before any snapshot
  labels.push({ customer_id: 3, event_timestamp: "2024-01-12T00:00:00Z", churned: 1 }); // last snapshot older than the TTL
  await mkdir(FEATURE_DATA_DIR, { recursive: true });
  await writeFile(join(FEATURE_DATA_DIR, "customer_stats.csv"), toCsv(stats));
  await writeFile(join(FEATURE_DATA_DIR, "labels.csv"), toCsv(labels));
  return { snapshots: stats.length, labels: labels.length };
});

const inspectTrainingSet = task(async function inspect_training_set(result: { path?: string }) {
  const rows = (await readFileBatch(result.path!)).rows;
  const corrected = rows.find((r) => r.customer_id === 1);
  const missing = rows.filter((r) => r.support_calls === null).map((r) => `${String(r.customer_id)}@${String(r.event_timestamp)}`);
  getCurrentContext().log.info(`Training set: ${rows.length} rows; customer 1 @ ${String(corrected?.event_timestamp)} has support_calls=${String(corrected?.support_calls)} (the corrected snapshot); no features for ${missing.join(", ")}`);
  return { rows: rows.length, withoutFeatures: missing };
});

/** An in-memory PGlite online store lives as long as the server process; `pglite:<folder>` would persist it. */
const startFeatureServer = task({ multipleOutputs: true }, async function start_feature_server() {
  const { runId } = getCurrentContext();
  const server = await spawnFeatureServer(REPO_MODULE, {
    online: "pglite:", logFile: workDir("logs", `feature-server-${runId.replace(/[^\w-]/g, "_")}.log`), maxLifetimeSeconds: 600,
  });
  getCurrentContext().log.info(`Feature server of ${repo.project} on ${server.url} (pid ${server.pid})`);
  return { url: server.url, pid: server.pid };
});

const stopFeatureServer = task({ triggerRule: "all_done" }, async function stop_feature_server(pid: number) {
  return { stopped: stopServerProcess(pid) };
});

export default dag(
  {
    dagId: "phase18_01_feature_store",
    description: "Point-in-time training data and online features with Feast's semantics",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase18", "feast", "mlops"],
  },
  () => {
    const data = generateFeatureData();
    const training = new FeastHistoricalFeaturesOperator({
      taskId: "build_training_set", repo, features: FEATURE_REFS,
      entityPath: join(FEATURE_DATA_DIR, "labels.csv"), outputPath: join(FEATURE_DATA_DIR, "training_set_{{ ds }}.csv"),
    });
    data.then(training);
    inspectTrainingSet(training.output);

    const server = startFeatureServer();
    data.then(server);
    const url = server.get("url");
    const materialize = new FeastMaterializeOperator({ taskId: "materialize", url, startTs: "2024-01-01T00:00:00Z", endTs: "{{ data_interval_start }}" });
    const incremental = new FeastMaterializeIncrementalOperator({ taskId: "materialize_incremental", url, endTs: "{{ data_interval_end }}" });
    const push = new FeastPushOperator({
      taskId: "push_fresh_event", url, pushSourceName: "customer_events",
      rows: [{ customer_id: 1, event_timestamp: "{{ data_interval_end }}", created: "{{ data_interval_end }}", tenure_months: 60, monthly_charges: 99.5, support_calls: 0 }],
    });
    const fresh = new FeastFeatureFreshnessSensor({
      taskId: "wait_for_fresh_features", url, features: FEATURE_REFS, entities: { customer_id: [1, 2, 3] },
      maxAge: { days: 1 }, asOf: "{{ data_interval_end }}", pokeInterval: 1, timeout: 20,
    });
    const read = new FeastGetOnlineFeaturesOperator({ taskId: "read_online_features", url, featureService: "churn_model_v1", entities: { customer_id: [1, 2, 999] } });
    materialize.then(incremental).then(push).then(fresh).then(read);
    read.then(stopFeatureServer(server.get("pid")));
  },
);
