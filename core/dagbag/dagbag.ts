import { readFile, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { collectCreatedDags } from "../dag-context.ts";
import { DAG } from "../dag.ts";
import { didYouMean } from "../suggest.ts";
import { findDagFiles, isYamlDagFileName } from "./find-dag-files.ts";
import { toImportError, type ImportError } from "./import-error.ts";

export const DEFAULT_DAGS_FOLDER = "dags";

export function dagsFolder(): string {
  return resolve(process.env.UPDRAFT_DAGS_FOLDER ?? DEFAULT_DAGS_FOLDER);
}

/**
 * Every DAG of a folder (Airflow's DagBag). A file that throws, or defines a broken DAG, becomes an import error
 * naming the file and line; the other files keep loading. A dag id defined twice is an import error of the second file.
 */
export class DagBag {
  readonly dags = new Map<string, DAG>();
  readonly importErrors: ImportError[] = [];
  readonly files: string[] = [];
  loadMs = 0;

  constructor(readonly folder: string) {}

  static async load(folder = dagsFolder()): Promise<DagBag> {
    const bag = new DagBag(resolve(folder));
    const started = performance.now();
    let files: string[];
    try {
      files = (await stat(bag.folder)).isDirectory() ? await findDagFiles(bag.folder) : [bag.folder];
    } catch {
      throw new Error(`DAGs folder "${bag.folder}" does not exist: create it, or set UPDRAFT_DAGS_FOLDER to the folder holding your DAG files.`);
    }
    for (const file of files) await bag.loadFile(file);
    bag.loadMs = performance.now() - started;
    return bag;
  }

  /**
   * The bag `dags test`-style commands need for one DAG: first only the files whose text names `dagId` (the usual
   * case, and much faster in a big folder), then, if the DAG is not among them (an id computed at parse time), every
   * file. A DAG defined in two files is still caught: both files name it.
   */
  static async loadForDag(dagId: string, folder = dagsFolder()): Promise<DagBag> {
    const root = resolve(folder);
    let files: string[];
    try {
      files = (await stat(root)).isDirectory() ? await findDagFiles(root) : [root];
    } catch {
      return DagBag.load(folder);
    }
    const naming = [];
    for (const file of files) if ((await readFile(file, "utf8").catch(() => "")).includes(dagId)) naming.push(file);
    const bag = new DagBag(root);
    const started = performance.now();
    for (const file of naming) await bag.loadFile(file);
    bag.loadMs = performance.now() - started;
    return bag.dags.has(dagId) ? bag : DagBag.load(folder);
  }

  async loadFile(file: string): Promise<void> {
    this.files.push(file);
    let found: DAG[];
    try {
      found = isYamlDagFileName(file) ? await loadYamlFile(file, this.folder) : await importDagFile(file);
    } catch (error) {
      this.importErrors.push(toImportError(file, error));
      return;
    }
    for (const dag of found) {
      try {
        dag.validate();
      } catch (error) {
        this.importErrors.push(toImportError(file, error));
        return;
      }
      const existing = this.dags.get(dag.dagId);
      if (existing && existing !== dag) {
        this.importErrors.push({
          file, line: null, column: null, kind: "DUPLICATE_DAG_ID",
          message: `DAG id "${dag.dagId}" is already defined in ${existing.fileloc}: every DAG needs its own dagId.`,
        });
        return;
      }
    }
    for (const dag of found) {
      dag.fileloc = file;
      this.dags.set(dag.dagId, dag);
    }
  }

  getDag(dagId: string): DAG {
    const dag = this.dags.get(dagId);
    if (dag) return dag;
    const broken = this.importErrors.find((e) => e.message.includes(`"${dagId}"`));
    const hint = broken ? ` It may be in ${broken.file}, which failed to load: ${broken.message}` : didYouMean(dagId, this.dags.keys());
    throw new DagNotFoundError(dagId, `DAG "${dagId}" not found in ${this.folder}.${hint}`);
  }
}

export class DagNotFoundError extends Error {
  readonly code = "DAG_NOT_FOUND";
  constructor(readonly dagId: string, message: string) {
    super(message);
  }
}

let generation = 0;

async function importDagFile(file: string): Promise<DAG[]> {
  const { result: module, created } = await collectCreatedDags(() => importFresh(file));
  return unique([...exportedDags(module as Record<string, unknown>), ...created]);
}

/**
 * A dag-factory YAML file. Its `defaults.yml` search stops at the DAGs folder: the one configured
 * (UPDRAFT_DAGS_FOLDER), or the bag's folder when that one holds the file and the configured one does not. The
 * loader is imported on first use, so folders without YAML never load it.
 */
async function loadYamlFile(file: string, bagFolder: string): Promise<DAG[]> {
  const { loadYamlDagFile } = await import("../../dagfactory/load-yaml-dags.ts");
  const configured = dagsFolder();
  const root = isInside(file, configured) || !isInside(file, bagFolder) ? configured : bagFolder;
  return (await loadYamlDagFile(file, root)).dags;
}

function isInside(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Imports a file anew (a query string defeats the module cache, so an edited file is re-read). */
async function importFresh(file: string): Promise<unknown> {
  const { mtimeMs } = await stat(file);
  return import(`${pathToFileURL(file).href}?mtime=${mtimeMs}&g=${generation++}`);
}

function exportedDags(module: Record<string, unknown>): DAG[] {
  const dags: DAG[] = [];
  for (const value of Object.values(module)) {
    if (value instanceof DAG) dags.push(value);
    else if (Array.isArray(value)) for (const item of value) if (item instanceof DAG) dags.push(item);
  }
  return dags;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
