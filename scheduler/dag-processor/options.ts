/** The DAG processor's settings, with Airflow's defaults and their UPDRAFT_* environment variables. */
export interface DagProcessorOptions {
  dagsFolder: string;
  /** per-file parse timeout, default 30 s (UPDRAFT_DAG_FILE_PROCESSOR_TIMEOUT seconds) */
  parseTimeoutMs?: number;
  /** new DAGs start paused unless the DAG says isPausedUponCreation; default true (UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION=false flips it) */
  pausedAtCreation?: boolean;
  /** parser processes running at once, default 2 (UPDRAFT_PARSING_PROCESSES, Airflow's `parsing_processes`) */
  parsingProcesses?: number;
}

export type ResolvedOptions = Required<DagProcessorOptions>;

const DEFAULT_PARSE_TIMEOUT_S = 30;
const DEFAULT_PARSING_PROCESSES = 2;

export function resolveOptions(options: DagProcessorOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  return {
    dagsFolder: options.dagsFolder,
    parseTimeoutMs: options.parseTimeoutMs ?? positiveNumber(env, "UPDRAFT_DAG_FILE_PROCESSOR_TIMEOUT", DEFAULT_PARSE_TIMEOUT_S) * 1000,
    pausedAtCreation: options.pausedAtCreation ?? flag(env, "UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION", true),
    parsingProcesses: Math.floor(options.parsingProcesses ?? positiveNumber(env, "UPDRAFT_PARSING_PROCESSES", DEFAULT_PARSING_PROCESSES)),
  };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${JSON.stringify(raw)} is not a positive number: set it to e.g. ${fallback}, or unset it.`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["true", "1", "yes"].includes(raw)) return true;
  if (["false", "0", "no"].includes(raw)) return false;
  throw new Error(`${name}=${JSON.stringify(env[name])} is not a boolean: set it to true or false.`);
}
