/**
 * gitops_promote — promote a model version by a commit to the deployments repository (use case 6 of the MLOps seed).
 *
 * load_candidate (the version's storage URI and metrics from the registry export) → read_deployed (clone the
 * manifests repository; what the InferenceService manifest deploys now) → promotion_gate (AUC at least `min_auc`,
 * no worse than the deployed version by more than `max_regression`, not already deployed; fails listing why) →
 * commit_manifest (renders the InferenceService manifest, commits it as "Promote churn-model vN …" and pushes; Argo CD
 * or Flux would sync the cluster from there). Roll back with gitops_rollback (a revert commit).
 *
 * Run: UPDRAFT_DAGS_FOLDER=examples/gitops-promotion/dags npx updraft dags test gitops_promote 2024-01-03 \
 *        --conf '{"version": "2"}'
 * `repo` defaults to a local bare repository under $UPDRAFT_EXAMPLES_DATA/gitops-promotion (created on first run);
 * set it to your deployments repository's URL to push there. Needs the git command line.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { dag, FailTask, getCurrentContext, param, task } from "updraft";
import { checkoutManifests, commitAndPush } from "../lib/git.ts";
import { deployedRelease, MANIFEST_PATH, renderInferenceService, type ModelRelease } from "../lib/manifest.ts";
import { promotionGate } from "../lib/promotion-gate.ts";
import { CHECKOUT, DEFAULT_REPO, MODEL_VERSIONS } from "../lib/settings.ts";

const loadCandidate = task(async function load_candidate(): Promise<ModelRelease> {
  const version = String(getCurrentContext().params.version);
  const registry = JSON.parse(await readFile(MODEL_VERSIONS, "utf8")) as { model: string; versions: Array<Omit<ModelRelease, "model">> };
  const found = registry.versions.find((v) => v.version === version);
  if (!found) throw new FailTask(`${registry.model} has no version ${version} (known: ${registry.versions.map((v) => v.version).join(", ")}): pass --conf '{"version": "<one of them>"}'.`);
  return { model: registry.model, ...found };
});

const readDeployed = task(async function read_deployed() {
  const checkout = await checkoutManifests(String(getCurrentContext().params.repo), CHECKOUT);
  const manifest = await readFile(join(checkout, MANIFEST_PATH), "utf8").catch(() => null);
  const deployed = deployedRelease(manifest);
  getCurrentContext().log.info(deployed ? `Deployed now: version ${deployed.version} ${JSON.stringify(deployed.metrics)}` : "Nothing deployed yet.");
  return deployed;
});

const gate = task(async function promotion_gate(candidate: ModelRelease, deployed: ReturnType<typeof deployedRelease>) {
  const { params, log } = getCurrentContext();
  const decision = promotionGate(candidate, deployed, { minAuc: Number(params.min_auc), maxRegression: Number(params.max_regression) });
  if (!decision.approved) throw new FailTask(`Promotion of ${candidate.model} v${candidate.version} rejected:\n  ${decision.reasons.join("\n  ")}`);
  log.info(`Promotion of ${candidate.model} v${candidate.version} approved (deployed: ${deployed ? `v${deployed.version}` : "none"}).`);
  return decision;
});

const commitManifest = task(async function commit_manifest(candidate: ModelRelease, deployed: ReturnType<typeof deployedRelease>) {
  const { params, runId, log } = getCurrentContext();
  const checkout = await checkoutManifests(String(params.repo), CHECKOUT);
  await mkdir(dirname(join(checkout, MANIFEST_PATH)), { recursive: true });
  await writeFile(join(checkout, MANIFEST_PATH), renderInferenceService(candidate));
  const message = `Promote ${candidate.model} v${candidate.version} (auc ${candidate.metrics.auc}${deployed ? `, replaces v${deployed.version}` : ""})\n\nUpdraft run ${runId}.`;
  const commit = await commitAndPush(checkout, [MANIFEST_PATH], message);
  log.info(`Pushed ${commit}: ${message.split("\n")[0]}`);
  return { commit, version: candidate.version };
});

export default dag(
  {
    dagId: "gitops_promote",
    description: "Promote a model version through a commit to the deployments git repository",
    schedule: null,
    startDate: "2024-01-01",
    catchup: false,
    tags: ["examples", "mlops", "gitops"],
    params: {
      version: param("2", { type: "string", minLength: 1 }),
      repo: param(DEFAULT_REPO, { type: "string", minLength: 1 }),
      min_auc: param(0.75, { type: "number", minimum: 0, maximum: 1 }),
      max_regression: param(0.01, { type: "number", minimum: 0 }),
    },
  },
  () => {
    const candidate = loadCandidate();
    const deployed = readDeployed();
    gate(candidate, deployed).then(commitManifest(candidate, deployed));
  },
);
