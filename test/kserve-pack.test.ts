import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analyzeCanary, deployInferenceService, diffManifests, inferenceServiceManifest, KServeV1Client, manifestYaml, OpenInferenceClient,
  promotedManifest, recordInferences, rolledBackManifest, startModelServer, statsFromPrometheus, summarizeObservations,
  type InferenceServiceSpec, type RunningModelServer,
} from "updraft/providers/kserve";
import { assignArm, predictProba, trainLogisticRegression, twoProportionZTest, type LogisticModel } from "updraft/providers/mlops";

const SPEC: InferenceServiceSpec = {
  name: "churn", namespace: "ml", modelFormat: { name: "sklearn", version: "1" }, protocolVersion: "v2",
  storageUri: "s3://models/churn/v1", minReplicas: 1, maxReplicas: 3, deploymentMode: "Knative", enableTagRouting: true,
};

describe("InferenceService manifests", () => {
  it("generates the v1beta1 manifest of §4.3 and refuses specs a cluster would reject", () => {
    const manifest = parse(manifestYaml(inferenceServiceManifest({ ...SPEC, canaryTrafficPercent: 10 })));
    expect(manifest).toEqual({
      apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService",
      metadata: { name: "churn", namespace: "ml", annotations: { "serving.kserve.io/deploymentMode": "Knative", "serving.kserve.io/enable-tag-routing": "true" } },
      spec: { predictor: { minReplicas: 1, maxReplicas: 3, canaryTrafficPercent: 10, model: { modelFormat: { name: "sklearn", version: "1" }, protocolVersion: "v2", storageUri: "s3://models/churn/v1" } } },
    });
    expect(() => inferenceServiceManifest({ ...SPEC, name: "Churn_Model" })).toThrow(/DNS-1035 label/);
    expect(() => inferenceServiceManifest({ ...SPEC, storageUri: "/models/x" })).toThrow(/needs a scheme/);
    expect(() => inferenceServiceManifest({ ...SPEC, canaryTrafficPercent: 120 })).toThrow(/integer from 0 to 100/);
    expect(() => inferenceServiceManifest({ ...SPEC, minReplicas: 4 })).toThrow(/minReplicas \(4\) cannot exceed maxReplicas \(3\)/);
  });

  it("dry-runs without a usable kubectl: writes the manifest and diffs each deploy against the previous one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-kserve-"));
    const lines: string[] = [];
    const first = await deployInferenceService(inferenceServiceManifest(SPEC), { dryRunDir: dir, kubectl: null, log: (l) => lines.push(l) });
    expect(first).toMatchObject({ mode: "dry-run", name: "churn", namespace: "ml", path: join(dir, "ml", "churn.yaml") });
    expect(first.changes.find((c) => c.path === "spec.predictor.model.storageUri")).toEqual({ path: "spec.predictor.model.storageUri", before: null, after: "s3://models/churn/v1" });
    expect(lines[0]).toMatch(/kubectl is not on PATH: dry run, nothing was applied to a cluster/);

    const canary = inferenceServiceManifest({ ...SPEC, storageUri: "s3://models/churn/v2", canaryTrafficPercent: 10 });
    const second = await deployInferenceService(canary, { dryRunDir: dir, kubectl: null });
    expect(second.changes).toEqual([
      { path: "spec.predictor.canaryTrafficPercent", before: null, after: 10 },
      { path: "spec.predictor.model.storageUri", before: "s3://models/churn/v1", after: "s3://models/churn/v2" },
    ]);
    const promoted = await deployInferenceService(promotedManifest(canary), { dryRunDir: dir, kubectl: null });
    expect(promoted.changes).toEqual([{ path: "spec.predictor.canaryTrafficPercent", before: 10, after: null }]);
    expect(diffManifests(canary, rolledBackManifest(canary))).toEqual([{ path: "spec.predictor.canaryTrafficPercent", before: 10, after: 0 }]);
    expect(parse(await readFile(join(dir, "ml", "churn.yaml"), "utf8")).spec.predictor.model.storageUri).toBe("s3://models/churn/v2");
  });

  it("with kubectl and a context: diffs against the last-applied configuration and pipes the manifest to `kubectl apply -f -`", async () => {
    // A kubectl stand-in with kubectl's command-line contract; it records what it was asked to apply.
    const dir = await mkdtemp(join(tmpdir(), "updraft-kubectl-"));
    const live = { metadata: { name: "churn", namespace: "ml", annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(inferenceServiceManifest(SPEC)) } }, spec: { predictor: { model: { name: "defaulted-by-webhook" } } } };
    await writeFile(join(dir, "live.json"), JSON.stringify(live));
    const script = `#!/bin/sh
case "$1 $2" in
  "config current-context") echo kind-test ;;
  "get inferenceservice") cat "${dir}/live.json" ;;
  "apply -n") echo "$@" > "${dir}/args"; cat > "${dir}/applied.json"; echo "inferenceservice.serving.kserve.io/churn configured" ;;
  *) echo "unexpected: $@" >&2; exit 1 ;;
esac
`;
    await writeFile(join(dir, "kubectl"), script);
    await chmod(join(dir, "kubectl"), 0o755);
    const next = inferenceServiceManifest({ ...SPEC, maxReplicas: 5 });
    const result = await deployInferenceService(next, { dryRunDir: dir, kubectl: join(dir, "kubectl") });
    expect(result).toMatchObject({ mode: "kubectl", output: "inferenceservice.serving.kserve.io/churn configured" });
    expect(result.changes).toEqual([{ path: "spec.predictor.maxReplicas", before: 3, after: 5 }]);
    expect(JSON.parse(await readFile(join(dir, "applied.json"), "utf8"))).toEqual(next);
    expect((await readFile(join(dir, "args"), "utf8")).trim()).toBe("apply -n ml -f -");
  });
});

/** Separable data: y = 1 when x0 + x1 > 1. */
function dataset(n: number) {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i * 37 % 100) / 100;
    const b = (i * 61 % 100) / 100;
    x.push([a, b]);
    y.push(a + b > 1 ? 1 : 0);
  }
  return { x, y };
}

describe("a real Open Inference Protocol (V2) and V1 model server serving a logistic regression", () => {
  let model: LogisticModel;
  let wide: LogisticModel;
  let server: RunningModelServer;
  let v2: OpenInferenceClient;
  beforeAll(async () => {
    const { x, y } = dataset(200);
    model = trainLogisticRegression(["tenure", "calls"], x, y, { epochs: 200 });
    wide = trainLogisticRegression(["tenure", "calls", "plan"], x.map((r) => [...r, 1]), y, { epochs: 50 });
    server = await startModelServer([{ name: "churn", version: "2", model }, { name: "churn-wide", model: wide }]);
    v2 = new OpenInferenceClient(server.url);
  });
  afterAll(() => server?.close());

  it("answers health, metadata and ready, and infers [n, d] or per-feature tensors with the model's probabilities", async () => {
    expect(await v2.serverLive()).toBe(true);
    expect(await v2.serverReady()).toBe(true);
    expect(await v2.serverMetadata()).toEqual({ name: "updraft-model-server", version: "1", extensions: [] });
    expect(await v2.modelReady("churn")).toBe(true);
    expect(await v2.modelReady("churn", "2")).toBe(true);
    expect(await v2.modelReady("churn", "9")).toBe(false);
    expect(await v2.modelReady("nope")).toBe(false);
    expect((await v2.modelMetadata("churn")).inputs).toEqual([{ name: "input-0", datatype: "FP64", shape: [-1, 2] }]);

    const rows = [[0.9, 0.8], [0.1, 0.2], [0.6, 0.5]];
    const out = await v2.inferRows("churn", rows);
    expect(out.probability).toEqual(predictProba(model, rows));
    expect(out.label).toEqual([1, 0, 1]);
    const response = await v2.infer("churn", {
      id: "42", inputs: [{ name: "tenure", shape: [2], datatype: "FP32", data: [0.9, 0.1] }, { name: "calls", shape: [2], datatype: "FP32", data: [0.8, 0.2] }],
      outputs: [{ name: "label" }],
    });
    expect(response).toEqual({ model_name: "churn", model_version: "2", id: "42", outputs: [{ name: "label", shape: [2], datatype: "INT64", data: [1, 0] }] });
  });

  it("rejects bad requests with 400/404 and {\"error\"} bodies, as KServe does", async () => {
    const bad = (request: unknown, model = "churn") => v2.infer(model, request as never).catch((e: Error & { status?: number }) => [e.status, e.message]);
    expect(await bad({ inputs: [{ name: "input-0", shape: [1, 3], datatype: "FP64", data: [1, 2, 3] }] })).toEqual([400, expect.stringContaining('model "churn" expects [-1, 2] (tenure, calls)')]);
    expect(await bad({ inputs: [{ name: "input-0", shape: [2, 2], datatype: "FP64", data: [1, 2, 3] }] })).toEqual([400, expect.stringContaining("has 3 values but its shape [2,2] holds 4")]);
    expect(await bad({ inputs: [{ name: "input-0", shape: [1, 2], datatype: "BYTES", data: ["a", "b"] }] })).toEqual([400, expect.stringContaining("takes numbers")]);
    expect(await bad({ inputs: [] })).toEqual([400, expect.stringContaining('"inputs" must be a non-empty list')]);
    expect(await bad({ inputs: [{ name: "input-0", shape: [1, 2], datatype: "FP64", data: [1, 2] }] }, "nope")).toEqual([404, expect.stringContaining("Model with name nope does not exist")]);
  });

  it("speaks V1: models, ready, :predict with instances (or inputs), 400 when instances is not a list", async () => {
    const v1 = new KServeV1Client(server.url);
    expect(await v1.live()).toBe(true);
    expect(await v1.models()).toEqual(["churn", "churn-wide"]);
    expect(await v1.modelReady("churn")).toBe(true);
    expect(await v1.modelReady("nope")).toBe(false);
    expect(await v1.predict("churn", [[0.9, 0.8], [0.1, 0.1]])).toEqual([1, 0]);
    const response = await fetch(`${server.url}/v1/models/churn:predict`, { method: "POST", body: JSON.stringify({ instances: { a: 1 } }) });
    expect([response.status, await response.json()]).toEqual([400, { error: 'Expected "instances" to be a list' }]);
  });

  it("canary analysis: a canary that fails requests rolls back, a healthy one promotes; the metrics endpoint agrees", async () => {
    const rows = dataset(25).x;
    const stable = summarizeObservations(await recordInferences(server.url, "churn", rows, "v2"));
    // The "wide" canary expects a third feature the callers do not send: every request fails with 400.
    const broken = summarizeObservations(await recordInferences(server.url, "churn-wide", rows, "v2"));
    expect(broken).toMatchObject({ requests: 25, errors: 25, errorRate: 1 });
    const rollback = analyzeCanary(broken, stable);
    expect(rollback.decision).toBe("rollback");
    expect(rollback.reasons).toContain("canary error rate 100.0% > 1.0%");
    const healthy = summarizeObservations(await recordInferences(server.url, "churn", rows, "v1"));
    expect(analyzeCanary(healthy, stable).decision).toBe("promote");
    expect(analyzeCanary({ ...healthy, requests: 5 }, stable).reasons).toEqual(["only 5 canary requests (need 20)"]);
    expect(analyzeCanary({ ...healthy, p95Ms: 400 }, { ...stable, p95Ms: 100 }).reasons).toEqual(["canary p95 400.0 ms > 1.5x baseline 100.0 ms + 50 ms"]);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const wideStats = statsFromPrometheus(metrics, "churn-wide");
    expect(wideStats).toMatchObject({ requests: 25, errors: 25, errorRate: 1 });
    expect(analyzeCanary(wideStats, statsFromPrometheus(metrics, "churn")).decision).toBe("rollback");
  });
});

describe("A/B statistics and traffic split (mlops/experiments)", () => {
  it("runs a pooled two-proportion z-test (as statsmodels' proportions_ztest) and names a winner only when significant", () => {
    const result = twoProportionZTest({ name: "a", trials: 1000, successes: 100 }, { name: "b", trials: 1000, successes: 130 });
    expect(result.z).toBeCloseTo(2.102741, 5);
    expect(result.pValue).toBeCloseTo(0.035488, 5);
    expect(result).toMatchObject({ significant: true, winner: "b" });
    expect(twoProportionZTest({ name: "a", trials: 1000, successes: 100 }, { name: "b", trials: 1000, successes: 130 }, 0.01).winner).toBeNull();
    expect(twoProportionZTest({ name: "a", trials: 10, successes: 10 }, { name: "b", trials: 10, successes: 10 })).toMatchObject({ pValue: 1, winner: null });
    expect(() => twoProportionZTest({ name: "a", trials: 0, successes: 0 }, { name: "b", trials: 5, successes: 1 })).toThrow(/Arm "a" needs trials > 0/);
  });

  it("splits traffic by a stable hash, close to the weights", () => {
    const arms = [{ name: "a", weight: 90 }, { name: "b", weight: 10 }];
    const picks = Array.from({ length: 5000 }, (_, i) => assignArm(String(i), arms, "exp1"));
    expect(picks.filter((p) => p === "b").length / picks.length).toBeGreaterThan(0.08);
    expect(picks.filter((p) => p === "b").length / picks.length).toBeLessThan(0.12);
    expect(Array.from({ length: 5000 }, (_, i) => assignArm(String(i), arms, "exp1"))).toEqual(picks);
    expect(() => assignArm("1", [{ name: "a", weight: 0 }])).toThrow(/weights must add up/);
  });

  it("trains a logistic regression that separates separable data and refuses rows of the wrong width", () => {
    const { x, y } = dataset(300);
    const model = trainLogisticRegression(["a", "b"], x, y, { epochs: 300 });
    const correct = predictProba(model, x).filter((p, i) => (p >= 0.5 ? 1 : 0) === y[i]).length;
    expect(correct / x.length).toBeGreaterThan(0.95);
    expect(() => predictProba(model, [[1, 2, 3]])).toThrow("Row 0 has 3 values; the model expects 2 (a, b).");
    expect(() => trainLogisticRegression(["a"], [[1], [Number.NaN]], [0, 1])).toThrow(/Training row 1 must hold 1 finite numbers/);
  });
});
