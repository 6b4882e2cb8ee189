import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "./helpers/cli.ts";

const DEPLOY = join(REPO_ROOT, "deploy");
const SOURCES = ["cli", "core", "scheduler", "executor", "webserver", "dagfactory", "operators"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every UPDRAFT_* variable the product reads. */
const readByUpdraft = new Set(
  SOURCES.flatMap((dir) => filesUnder(join(REPO_ROOT, dir)).filter((f) => f.endsWith(".ts")))
    .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/UPDRAFT_[A-Z_]+/g)].map((m) => m[0])),
);

// docs/deployment.md's examples: they must parse and name only variables Updraft reads (a renamed variable breaks them).
describe("deployment examples", () => {
  it("Kubernetes manifests parse, and hold the layout the guide describes", () => {
    const docs = filesUnder(join(DEPLOY, "kubernetes")).flatMap((file) => parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
      expect(doc.errors, file).toEqual([]);
      return doc.toJS() as { kind: string; metadata: { name: string }; spec?: { replicas?: number } };
    }));
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(kinds).toEqual([
      "ConfigMap/updraft", "Deployment/updraft-redis", "Deployment/updraft-scheduler", "Deployment/updraft-webserver", "Deployment/updraft-worker",
      "HorizontalPodAutoscaler/updraft-worker", "Job/updraft-db-migrate", "Secret/updraft", "Service/updraft-postgres", "Service/updraft-redis",
      "Service/updraft-webserver", "StatefulSet/updraft-postgres",
    ]);
    expect(docs.find((d) => d.kind === "Deployment" && d.metadata.name === "updraft-scheduler")!.spec!.replicas).toBe(2);
  });

  it("every UPDRAFT_* variable in deploy/ and the guide is one Updraft reads", () => {
    const texts = [...filesUnder(DEPLOY), join(REPO_ROOT, "docs", "deployment.md")].map((f) => readFileSync(f, "utf8"));
    const named = new Set(texts.flatMap((text) => [...text.matchAll(/UPDRAFT_[A-Z_]+/g)].map((m) => m[0])));
    expect([...named].filter((name) => !readByUpdraft.has(name))).toEqual([]);
    expect(named.size).toBeGreaterThan(10);
  });
});
