import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import { diffManifests, manifestYaml, type Manifest, type ManifestChange } from "./manifest.ts";

export interface DeployResult {
  /** "kubectl": applied to the cluster; "dry-run": no kubectl on PATH, manifest written to `path`. */
  mode: "kubectl" | "dry-run";
  name: string;
  namespace: string;
  changes: ManifestChange[];
  /** Where the dry run wrote the manifest. */
  path?: string;
  output?: string;
}

/** `kubectl` on PATH (or KUBECTL), else null. */
export function findKubectl(): string | null {
  if (process.env.KUBECTL) return existsSync(process.env.KUBECTL) ? process.env.KUBECTL : null;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "kubectl"))) return join(dir, "kubectl");
  }
  return null;
}

function run(binary: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c) => (stdout += c));
    child.stderr!.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (input !== undefined) {
      // A kubectl that exits before reading (bad flags, no cluster) closes the pipe: its exit code tells the story.
      child.stdin!.on("error", () => undefined);
      child.stdin!.end(input);
    }
  });
}

/** kubectl's current context, or null when none is configured (kubectl installed but pointing at no cluster). */
export async function kubectlContext(kubectl: string): Promise<string | null> {
  const got = await run(kubectl, ["config", "current-context"]).catch(() => null);
  return got && got.code === 0 && got.stdout.trim() ? got.stdout.trim() : null;
}

/** The manifest last applied to the cluster (kubectl's last-applied annotation), the live object without it, or null. */
async function liveManifest(kubectl: string, name: string, namespace: string): Promise<Manifest | null> {
  const got = await run(kubectl, ["get", "inferenceservice", name, "-n", namespace, "-o", "json"]);
  if (got.code !== 0) {
    if (/NotFound|not found/.test(got.stderr)) return null;
    throw new Error(`kubectl get inferenceservice ${name} -n ${namespace} failed: ${got.stderr.trim()}`);
  }
  const live = JSON.parse(got.stdout) as Manifest;
  const applied = live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"];
  return applied ? (JSON.parse(applied) as Manifest) : live;
}

/**
 * Diffs a manifest against the live (or previously written) one and applies it: `kubectl apply` when kubectl is on
 * PATH with a current context, else a dry run that writes `<dryRunDir>/<namespace>/<name>.yaml` (the next dry run
 * diffs against it). `kubectl: null` forces the dry run.
 */
export async function deployInferenceService(manifest: Manifest, options: { dryRunDir: string; log?: (line: string) => void; kubectl?: string | null }): Promise<DeployResult> {
  const name = manifest.metadata.name;
  const namespace = manifest.metadata.namespace ?? "default";
  const found = options.kubectl === undefined ? findKubectl() : options.kubectl;
  const context = found ? await kubectlContext(found) : null;
  const kubectl = found && context ? found : null;
  if (kubectl) {
    options.log?.(`Applying with ${kubectl} (context ${context})`);
    const changes = diffManifests(await liveManifest(kubectl, name, namespace), manifest);
    const applied = await run(kubectl, ["apply", "-n", namespace, "-f", "-"], JSON.stringify(manifest));
    if (applied.code !== 0) throw new Error(`kubectl apply of InferenceService ${namespace}/${name} failed: ${applied.stderr.trim() || applied.stdout.trim()}`);
    return { mode: "kubectl", name, namespace, changes, output: applied.stdout.trim() };
  }
  const path = join(options.dryRunDir, namespace, `${name}.yaml`);
  const previous = existsSync(path) ? (parse(await readFile(path, "utf8")) as Manifest) : null;
  const changes = diffManifests(previous, manifest);
  await mkdir(join(options.dryRunDir, namespace), { recursive: true });
  await writeFile(path, manifestYaml(manifest));
  const why = found ? `${found} has no current context (kubectl config current-context)` : "kubectl is not on PATH";
  options.log?.(`${why}: dry run, nothing was applied to a cluster; the manifest is in ${path}`);
  return { mode: "dry-run", name, namespace, changes, path };
}

/** The dry run's (or a file's) current manifest, for promotion and rollback steps that start from what is deployed. */
export async function readManifestFile(path: string): Promise<Manifest> {
  return parse(await readFile(path, "utf8")) as Manifest;
}

