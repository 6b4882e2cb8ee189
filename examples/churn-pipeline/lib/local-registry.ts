import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** MLflow's legacy stages. */
export type Stage = "None" | "Staging" | "Production" | "Archived";
export interface LocalModelVersion {
  version: string;
  stage: Stage;
  createdAt: string;
  /** Where the model artifact is kept (inside the registry). */
  source: string;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}
interface RegistryFile { name: string; versions: LocalModelVersion[] }

/**
 * A model registry in a folder, for when no MLflow server is reachable: `<root>/<model>/registry.json` lists the
 * versions and their stages, `<root>/<model>/<version>/` holds each version's files. Writes go to a temporary file
 * renamed over the old one, so a crash never leaves a half-written registry.
 */
export class LocalModelRegistry {
  constructor(readonly root: string) {}

  private file(name: string) {
    return join(this.root, name, "registry.json");
  }

  async versions(name: string): Promise<LocalModelVersion[]> {
    try {
      return (JSON.parse(await readFile(this.file(name), "utf8")) as RegistryFile).versions;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new Error(`The local model registry ${this.file(name)} is unreadable (${(error as Error).message}): fix or delete it.`);
    }
  }

  /** Adds the next version, with its files copied into the registry; returns it. */
  async register(name: string, files: Record<string, string>, metrics: Record<string, number>, tags: Record<string, string> = {}): Promise<LocalModelVersion> {
    const versions = await this.versions(name);
    const version = String(versions.reduce((max, v) => Math.max(max, Number(v.version)), 0) + 1);
    const dir = join(this.root, name, version);
    await mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
    const entry: LocalModelVersion = { version, stage: "None", createdAt: new Date().toISOString(), source: dir, metrics, tags };
    await this.save(name, [...versions, entry]);
    return entry;
  }

  /** Moves a version to a stage; with `archiveExisting`, the versions already in that stage go to Archived (as MLflow does). */
  async transition(name: string, version: string, stage: Stage, archiveExisting = false): Promise<LocalModelVersion> {
    const versions = await this.versions(name);
    const target = versions.find((v) => v.version === version);
    if (!target) throw new Error(`Model "${name}" has no version ${version} in ${this.file(name)} (versions: ${versions.map((v) => v.version).join(", ") || "none"}).`);
    for (const v of versions) {
      if (v === target) v.stage = stage;
      else if (archiveExisting && v.stage === stage && stage !== "None" && stage !== "Archived") v.stage = "Archived";
    }
    await this.save(name, versions);
    return target;
  }

  private async save(name: string, versions: LocalModelVersion[]) {
    await mkdir(join(this.root, name), { recursive: true });
    const temp = `${this.file(name)}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ name, versions } satisfies RegistryFile, null, 2));
    await rename(temp, this.file(name));
  }
}
