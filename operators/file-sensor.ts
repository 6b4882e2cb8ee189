import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { TaskContext } from "../core/context.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { glob } from "./glob.ts";

export interface FileSensorOptions extends SensorOptions {
  /** File or folder to wait for; a glob pattern (`*`, `?`, `[…]`, and `**` with `recursive`). Templated. */
  filepath: string;
  /** Connection whose extra `path` is the base folder. Default "fs_default"; when it is not defined, paths are relative to the working directory. */
  fsConnId?: string;
  recursive?: boolean;
}

/**
 * Airflow's FileSensor: done when the pattern matches a file, or a folder that has a file anywhere inside.
 */
export class FileSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["filepath"];
  filepath: string;
  fsConnId: string;
  recursive: boolean;

  constructor(options: FileSensorOptions) {
    super(options);
    if (typeof options.filepath !== "string" || options.filepath === "") {
      throw new TypeError(`FileSensor "${options.taskId}" needs a filepath (a path or glob pattern).`);
    }
    this.filepath = options.filepath;
    this.fsConnId = options.fsConnId ?? "fs_default";
    this.recursive = options.recursive ?? false;
  }

  override async poke(context: TaskContext): Promise<boolean> {
    const full = join(await this.basePath(context), this.filepath);
    context.log.info(`Poking for file ${full}`);
    for (const path of await glob(full, this.recursive)) {
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) {
        context.log.info(`Found File ${path} last modified: ${info.mtime.toISOString()}`);
        return true;
      }
      if (info?.isDirectory() && (await containsFile(path))) return true;
    }
    return false;
  }

  /** Airflow's FSHook path: the connection's extra `path`. Airflow ships `fs_default` with none (the working directory). */
  private async basePath(context: TaskContext): Promise<string> {
    try {
      const connection = await context.connections.get(this.fsConnId);
      const path = connection.extra?.path;
      return typeof path === "string" ? path : "";
    } catch (error) {
      if (this.fsConnId === "fs_default") return "";
      throw error;
    }
  }
}

async function containsFile(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await containsFile(join(dir, entry.name)))) return true;
  }
  return false;
}
