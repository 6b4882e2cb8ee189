import { join } from "node:path";
import type { TaskContext } from "../core/context.ts";
import { BaseSensorOperator, type SensorOptions } from "../core/sensor.ts";
import { FileTrigger } from "../triggers/file.ts";
import { firstMatchingFile } from "./file-match.ts";

export interface FileSensorOptions extends SensorOptions {
  /** File or folder to wait for; a glob pattern (`*`, `?`, `[…]`, and `**` with `recursive`). Templated. */
  filepath: string;
  /** Connection whose extra `path` is the base folder. Default "fs_default"; when it is not defined, paths are relative to the working directory. */
  fsConnId?: string;
  recursive?: boolean;
  /** Wait in the triggerer (`deferred`, no runner slot) after a first poke, instead of poking (Airflow 2.10). */
  deferrable?: boolean;
}

/**
 * Airflow's FileSensor: done when the pattern matches a file, or a folder that has a file anywhere inside.
 */
export class FileSensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["filepath"];
  filepath: string;
  fsConnId: string;
  recursive: boolean;
  deferrable: boolean;

  constructor(options: FileSensorOptions) {
    super(options);
    if (typeof options.filepath !== "string" || options.filepath === "") {
      throw new TypeError(`FileSensor "${options.taskId}" needs a filepath (a path or glob pattern).`);
    }
    this.filepath = options.filepath;
    this.fsConnId = options.fsConnId ?? "fs_default";
    this.recursive = options.recursive ?? false;
    this.deferrable = options.deferrable ?? false;
  }

  override async poke(context: TaskContext): Promise<boolean> {
    const full = join(await this.basePath(context), this.filepath);
    context.log.info(`Poking for file ${full}`);
    const found = await firstMatchingFile(full, this.recursive);
    if (found) context.log.info(`Found File ${found.path} last modified: ${found.mtime.toISOString()}`);
    return found !== null;
  }

  /** Airflow 2.10: deferrable, it pokes once, then waits on a FileTrigger in the triggerer. */
  override async execute(context: TaskContext): Promise<unknown> {
    if (!this.deferrable) return super.execute(context);
    if (await this.poke(context)) return null;
    const full = join(await this.basePath(context), this.filepath);
    this.defer({
      trigger: new FileTrigger({ filepath: full, recursive: this.recursive, pokeInterval: this.pokeIntervalSeconds }),
      methodName: "executeComplete",
      timeout: this.timeoutSeconds,
    });
  }

  executeComplete(context: TaskContext, event: unknown): null {
    if (!event) throw new Error(`${this.taskId} task failed as ${this.filepath} not found.`);
    context.log.info(`${this.taskId} completed successfully.`);
    return null;
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

