/**
 * phase10_03_data_profiling — column profiles and data drift, decided as Evidently's DataDriftPreset does.
 *
 * Shows: profiling today's customers (`data/current.csv`) against a reference snapshot (`data/reference.csv`);
 * per-column drift tests chosen by column type and size (K-S for numerical columns, chi-squared for categorical
 * ones, Z-test for binary ones; Wasserstein and Jensen-Shannon past 1000 reference rows) with Evidently's default
 * thresholds; the dataset drifts when at least half of the columns do (drift_share 0.5); a branch that raises a
 * drift alert or carries on. The current snapshot has shorter tenures and more premium plans, so it drifts.
 * Run it: `updraft dags test phase10_03_data_profiling 2024-01-03`.
 */
import { fileURLToPath } from "node:url";
import { dag, getCurrentContext, task } from "updraft";
import { dataDrift, profileColumns, readFileBatch, type DataDriftReport } from "updraft/providers/mlops";

const data = (file: string) => fileURLToPath(new URL(`./data/${file}`, import.meta.url));
const FEATURES = ["tenure_months", "monthly_charges", "plan", "support_calls", "churned"];

const profileCurrent = task(async function profile_current() {
  const batch = await readFileBatch(data("current.csv"));
  return profileColumns(batch.rows, batch.columns);
});

const detectDrift = task(async function detect_drift() {
  const [reference, current] = await Promise.all([readFileBatch(data("reference.csv")), readFileBatch(data("current.csv"))]);
  return dataDrift(reference.rows, current.rows, { columns: FEATURES, driftShare: 0.5 });
});

const routeOnDrift = task.branch(async function route_on_drift(report: DataDriftReport) {
  return report.datasetDrift ? "raise_drift_alert" : "no_drift";
});

const raiseDriftAlert = task(async function raise_drift_alert(report: DataDriftReport) {
  const drifted = report.columns.filter((c) => c.drifted).map((c) => `${c.column} (${c.methodName} ${c.statistic.toPrecision(3)}, threshold ${c.threshold})`);
  const message = `${report.numberOfDriftedColumns} of ${report.numberOfColumns} columns drifted: ${drifted.join("; ")}`;
  getCurrentContext().log.warn(message);
  return { message, retrain: true };
});

const noDrift = task(async function no_drift() {
  return { retrain: false };
});

export default dag(
  {
    dagId: "phase10_03_data_profiling",
    description: "Column profiles and Evidently-style data drift with a drift branch",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase10", "drift"],
  },
  () => {
    profileCurrent();
    const report = detectDrift();
    routeOnDrift(report).then([raiseDriftAlert(report), noDrift()]);
  },
);
