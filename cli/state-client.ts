import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BackfillRequest } from "../core/runs/backfill.ts";
import type { ClearRequest } from "../core/runs/clear-task-instances.ts";
import { UpdraftError } from "../core/errors.ts";
import { DatabaseLockedError } from "../core/store/errors.ts";
import { updraftHome } from "../core/store/open.ts";
import type { JsonObject } from "../core/types.ts";
import type {
  BackfillJson, DagJson, DagRunJson, TaskInstanceJson, TaskInstanceReferenceJson, TaskJson,
} from "../webserver/api/serializers.ts";
import { findRunningStandalone, STANDALONE_FILE } from "./standalone-descriptor.ts";

/**
 * How the operator commands (`dags trigger|pause|list-runs|backfill`, `tasks clear|states-for-dag-run|logs`) reach
 * the metadata: the database itself, or the REST API of the `updraft standalone` that holds the embedded database.
 * Requests are Updraft's own; answers are in Airflow's REST API (v1) shapes, whichever way they travelled.
 * Every method throws `RequestError` for an unknown DAG, run or task (with the closest id) or a request that cannot be
 * done, with the message to show.
 */
export interface StateClient {
  /** Where state is, for messages: "PostgreSQL …", "embedded PGlite at …" or "the standalone at http://…". */
  readonly description: string;
  /** This client holds the embedded database, so no scheduler can be running to run anything until it is closed. */
  readonly holdsEmbeddedDatabase: boolean;
  getDag(dagId: string): Promise<DagJson>;
  setPaused(dagId: string, isPaused: boolean): Promise<DagJson>;
  listTasks(dagId: string): Promise<TaskJson[]>;
  triggerDagRun(dagId: string, request: { runId?: string; logicalDate?: Date; conf?: JsonObject }): Promise<DagRunJson>;
  /** Every matching run (all pages), in `orderBy` order (a DAGRun field, `-` first for descending). */
  listDagRuns(dagId: string, filter?: { states?: string[]; logicalDateGte?: Date; logicalDateLte?: Date; orderBy?: string }): Promise<DagRunJson[]>;
  getDagRun(dagId: string, runId: string): Promise<DagRunJson>;
  listTaskInstances(dagId: string, runId: string): Promise<TaskInstanceJson[]>;
  clearTaskInstances(dagId: string, request: ClearRequest): Promise<TaskInstanceReferenceJson[]>;
  backfill(dagId: string, request: BackfillRequest): Promise<BackfillJson>;
  readLog(key: { dagId: string; runId: string; taskId: string; mapIndex: number }, tryNumber: number): Promise<string>;
  schedulerIsHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The one place that decides how to reach state: PostgreSQL directly when UPDRAFT_DATABASE_URL is set; else the REST
 * API of the standalone named by `$UPDRAFT_HOME/standalone.json` while it runs; else the embedded database itself,
 * when no other process has it open. Anything else is an error saying why and what to do.
 */
export async function openStateClient(): Promise<StateClient> {
  if (process.env.UPDRAFT_DATABASE_URL) {
    const { DatabaseClient } = await import("./database-client.ts");
    return DatabaseClient.open({ url: process.env.UPDRAFT_DATABASE_URL });
  }
  const home = updraftHome();
  const standalone = await findRunningStandalone(home);
  if (standalone) {
    const { RestClient } = await import("./rest-client.ts");
    return RestClient.connect(home, standalone);
  }
  if (!existsSync(join(home, "db"))) {
    throw new UpdraftError(
      "NO_DATABASE",
      `There is no Updraft database in ${home} (UPDRAFT_HOME) and no UPDRAFT_DATABASE_URL: start \`updraft standalone\` (it creates one and parses your DAGs), or point UPDRAFT_HOME or UPDRAFT_DATABASE_URL at the one you use.`,
    );
  }
  const { DatabaseClient } = await import("./database-client.ts");
  try {
    return await DatabaseClient.open({ home });
  } catch (error) {
    if (!(error instanceof DatabaseLockedError)) throw error;
    throw new UpdraftError(
      "DB_LOCKED",
      `The embedded database in ${home} is open in another process (pid ${error.pid}), and it is not an \`updraft standalone\` serving the API (no live ${join(home, STANDALONE_FILE)}), ` +
        "so this command cannot reach it: the embedded database allows one process only. " +
        "Stop that process (an `updraft scheduler`, or another command still running) and run this again, run `updraft standalone` instead so that commands go through its API, " +
        "or use PostgreSQL (UPDRAFT_DATABASE_URL), which any number of processes can share.",
      { cause: error },
    );
  }
}

/** Opens the state client, runs `work`, and always closes it (the embedded database must be released). */
export async function withStateClient(work: (client: StateClient) => Promise<number>): Promise<number> {
  const client = await openStateClient();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
