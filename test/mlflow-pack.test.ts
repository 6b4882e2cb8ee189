import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareVersions, MlflowApiError, MlflowHook, mlflowOptionsFromConnection } from "updraft/providers/mlflow";
import { updraft } from "./helpers/cli.ts";
import { freePort } from "./helpers/free-port.ts";
import { MLFLOW_AVAILABLE, MLFLOW_BINARY, startMlflowServer, type MlflowServer } from "./helpers/mlflow-server.ts";

describe("mlflow_default connection", () => {
  it("builds the tracking URI and auth from host, port, login/password or a token", () => {
    expect(mlflowOptionsFromConnection({ connId: "m", connType: "http", host: "127.0.0.1", port: 5000 }))
      .toMatchObject({ trackingUri: "http://127.0.0.1:5000", token: undefined, username: undefined });
    expect(mlflowOptionsFromConnection({ connId: "m", connType: "mlflow", host: "https://ml.example/", login: "ann", password: "pw" }))
      .toMatchObject({ trackingUri: "https://ml.example", username: "ann", password: "pw" });
    expect(mlflowOptionsFromConnection({ connId: "m", connType: "http", host: "h", password: "tok" }).token).toBe("tok");
    expect(mlflowOptionsFromConnection({ connId: "m", connType: "http", host: "h", extra: { token: "x" } }).token).toBe("x");
  });

  it("fails fast, naming the server and how to start one, when nothing listens", async () => {
    const hook = new MlflowHook({ trackingUri: `http://127.0.0.1:${await freePort()}` });
    const error = await hook.getExperimentByName("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowApiError);
    expect((error as Error).message).toMatch(/is unreachable .*mlflow server --host/);
  });
});

describe.skipIf(!MLFLOW_AVAILABLE)(`MLflow pack against a real tracking server (${MLFLOW_BINARY})`, () => {
  let server: MlflowServer;
  let hook: MlflowHook;
  beforeAll(async () => {
    server = await startMlflowServer();
    hook = new MlflowHook({ trackingUri: server.url });
  }, 90_000);
  afterAll(async () => server?.stop());

  it("tracks experiments and runs: params, metrics, batches, tags, status, search and artifacts through the proxy", async () => {
    const experimentId = await hook.ensureExperiment("churn");
    expect(await hook.ensureExperiment("churn")).toBe(experimentId);
    expect((await hook.searchExperiments({ filter: "name = 'churn'" })).map((e) => e.experiment_id)).toEqual([experimentId]);

    const a = await hook.createRun(experimentId, { runName: "lr", tags: { team: "ml" } });
    const b = await hook.createRun(experimentId, { runName: "xgb" });
    await hook.logParam(a.info.run_id, "model", "lr");
    await hook.logParam(a.info.run_id, "model", "lr"); // the same value again is fine
    const relog = await hook.logParam(a.info.run_id, "model", "svm").catch((e: unknown) => e);
    expect(relog).toMatchObject({ errorCode: "INVALID_PARAMETER_VALUE", status: 400 });
    await hook.logMetric(a.info.run_id, "auc", 0.7, { step: 0 });
    await hook.logMetric(a.info.run_id, "auc", 0.8, { step: 1 });
    // 150 params: more than one log-batch request may carry.
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i]));
    await hook.logBatch(b.info.run_id, { metrics: { auc: 0.9, f1: 0.6 }, params: { ...params, model: "xgb" }, tags: { stage: "dev" } });
    await hook.setTag(a.info.run_id, "stage", "prod");
    await hook.setTerminated(a.info.run_id, "FINISHED");

    const runA = await hook.getRun(a.info.run_id);
    expect(runA.info.status).toBe("FINISHED");
    expect(runA.data.metrics?.find((m) => m.key === "auc")?.value).toBe(0.8);
    expect((await hook.metricHistory(a.info.run_id, "auc")).map((m) => [m.step, m.value])).toEqual([[0, 0.7], [1, 0.8]]);
    expect((await hook.getRun(b.info.run_id)).data.params).toHaveLength(151);

    const found = await hook.searchRuns([experimentId], { filter: "metrics.auc > 0.75 AND params.model = 'xgb'" });
    expect(found.map((r) => r.info.run_id)).toEqual([b.info.run_id]);
    const ordered = await hook.searchRuns([experimentId], { orderBy: ["metrics.auc DESC"] });
    expect(ordered.map((r) => r.info.run_name)).toEqual(["xgb", "lr"]);
    expect((await hook.searchRuns([experimentId], { filter: "tags.`stage` = 'prod' AND attributes.status = 'FINISHED'" })).length).toBe(1);

    await hook.uploadArtifact(runA.info.artifact_uri, "model/MLmodel", "flavors: {}\n");
    await hook.uploadArtifact(runA.info.artifact_uri, "model/weights.json", new TextEncoder().encode("[1,2,3]"));
    const listed = await hook.listArtifacts(runA.info.artifact_uri, "model");
    expect(listed.map((f) => f.path).sort()).toEqual(["MLmodel", "weights.json"]);
    expect((await hook.downloadArtifact(runA.info.artifact_uri, "model/weights.json")).toString()).toBe("[1,2,3]");
    const missing = await hook.getRun("0123456789abcdef0123456789abcdef").catch((e: unknown) => e);
    expect(missing).toMatchObject({ errorCode: "RESOURCE_DOES_NOT_EXIST", status: 404 });
  });

  it("registers versions, moves stages and aliases, finds the latest per stage and compares versions' metrics", async () => {
    const experimentId = await hook.ensureExperiment("registry");
    const runs = [];
    for (const auc of [0.81, 0.86, 0.84]) {
      const run = await hook.createRun(experimentId);
      await hook.logBatch(run.info.run_id, { metrics: { auc, loss: 1 - auc } });
      await hook.uploadArtifact(run.info.artifact_uri, "model/MLmodel", "flavors: {}\n");
      runs.push(run);
    }
    await hook.createRegisteredModel("churn-model", { description: "churn" });
    const taken = await hook.createRegisteredModel("churn-model").catch((e: unknown) => e);
    expect(taken).toMatchObject({ errorCode: "RESOURCE_ALREADY_EXISTS" });
    const versions = [];
    for (const run of runs) versions.push(await hook.createModelVersion("churn-model", `${run.info.artifact_uri}/model`, { runId: run.info.run_id }));
    expect(versions.map((v) => [v.version, v.status])).toEqual([["1", "READY"], ["2", "READY"], ["3", "READY"]]);

    await hook.transitionStage("churn-model", "1", "Production");
    await hook.transitionStage("churn-model", "2", "Production", true);
    expect((await hook.getModelVersion("churn-model", "1")).current_stage).toBe("Archived");
    const latest = await hook.getLatestVersions("churn-model", ["Production"]);
    expect(latest.map((v) => v.version)).toEqual(["2"]);

    await hook.setAlias("churn-model", "champion", "1");
    await hook.setAlias("churn-model", "champion", "2");
    expect((await hook.getVersionByAlias("churn-model", "champion"))?.version).toBe("2");
    expect(await hook.getVersionByAlias("churn-model", "nobody")).toBeUndefined();
    expect((await hook.getRegisteredModel("churn-model"))?.aliases).toEqual([{ alias: "champion", version: "2" }]);
    expect((await hook.searchModelVersions(`name='churn-model' AND run_id='${runs[2].info.run_id}'`)).map((v) => v.version)).toEqual(["3"]);
    expect((await hook.searchRegisteredModels("name LIKE 'churn%'")).map((m) => m.name)).toEqual(["churn-model"]);

    // v3 (0.84) does not beat the champion v2 (0.86); on loss (lower is better) it also loses; against v1 it wins.
    const vsChampion = await compareVersions(hook, { modelName: "churn-model", candidate: "3", baseline: "@champion", metric: "auc" });
    expect(vsChampion).toMatchObject({ winner: "baseline", candidate: { version: "3" }, baseline: { version: "2" } });
    expect(vsChampion.delta).toBeCloseTo(-0.02, 10);
    const onLoss = await compareVersions(hook, { modelName: "churn-model", candidate: "latest", baseline: "stage:Production", metric: "loss", higherIsBetter: false });
    expect(onLoss.winner).toBe("baseline");
    expect((await compareVersions(hook, { modelName: "churn-model", candidate: "3", baseline: "1", metric: "auc" })).winner).toBe("candidate");
    const noMetric = await compareVersions(hook, { modelName: "churn-model", candidate: "3", baseline: "1", metric: "rmse" }).catch((e: unknown) => e);
    expect((noMetric as Error).message).toMatch(/has no metric "rmse"; it has: .*auc/);
  });

  it("runs the phase6_01 example DAG end to end: tracked run, artifacts, registered version, champion alias, Staging", async () => {
    const result = await updraft(["dags", "test", "phase6_01_mlflow_integration", "2024-01-03", "-o", "json"], { env: { UPDRAFT_CONN_MLFLOW_DEFAULT: server.url } });
    const run = JSON.parse(result.stdout) as { state: string; task_instances: Array<{ task_id: string; state: string }> };
    expect(run.task_instances.filter((ti) => ti.state !== "success"), result.stderr).toEqual([]);
    expect(run.state).toBe("success");
    const model = await hook.getRegisteredModel("phase6_churn");
    expect(model?.aliases).toEqual([{ alias: "champion", version: "1" }]);
    const version = await hook.getModelVersion("phase6_churn", "1");
    expect(version.current_stage).toBe("Staging");
    const tracked = await hook.getRun(version.run_id!);
    expect(tracked.info).toMatchObject({ status: "FINISHED", run_name: "logreg 2024-01-03" });
    expect(Object.fromEntries((tracked.data.tags ?? []).map((t) => [t.key, t.value]))).toMatchObject({ "updraft.dag_id": "phase6_01_mlflow_integration", "updraft.task_id": "start_run" });
    const accuracy = tracked.data.metrics?.find((m) => m.key === "accuracy")?.value;
    expect(accuracy).toBeGreaterThan(0.7); // the logistic regression learns the generated rule
    expect(version.source).toBe(`${tracked.info.artifact_uri}/model`);
    const weights = JSON.parse((await hook.downloadArtifact(tracked.info.artifact_uri, "model/weights.json")).toString()) as { w: number[] };
    expect(weights.w[0]).toBeLessThan(0); // longer tenure, less churn
  }, 60_000);
});
