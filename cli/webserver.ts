import { resolve } from "node:path";
import { loadSecretKey } from "../core/execution-token.ts";
import type { Database } from "../core/store/database.ts";
import { requireCurrentSchema } from "../core/store/migrate.ts";
import { openDatabase, updraftHome } from "../core/store/open.ts";
import { schedulerEvents } from "../scheduler/execution-events.ts";
import { logPathFor, SCHEDULER_CHANNEL } from "../scheduler/scheduler.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { createApp, listen } from "../webserver/app.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { uiRouter } from "../webserver/ui/router.ts";

export interface WebserverOptions {
  port?: number;
  host?: string;
  home?: string;
  db?: Database;
  log?: (message: string) => void;
}

/**
 * `updraft webserver`: the web UI, the REST API and the execution API without a scheduler, as Airflow's webserver (and API server)
 * run apart from its schedulers. It needs PostgreSQL: schedulers in other processes hear what changed through NOTIFY.
 * Workers point UPDRAFT_API_URL here, so a scheduler's death does not cut them off from the API.
 */
export async function startWebserver(options: WebserverOptions = {}) {
  const log = options.log ?? ((m: string) => console.log(m));
  const home = resolve(options.home ?? updraftHome());
  const db = options.db ?? (await openDatabase({ url: process.env.UPDRAFT_DATABASE_URL || undefined, home }));
  if (!db.capabilities.crossProcessNotify) {
    await db.close();
    throw new Error("`updraft webserver` needs PostgreSQL (UPDRAFT_DATABASE_URL): with the embedded database, run `updraft standalone`, which serves the web server itself.");
  }
  await requireCurrentSchema(db);
  const executionApi = new ExecutionApi(db, loadSecretKey(home), schedulerEvents(db, () => undefined));
  const hooks = {
    // No scheduler here: every scheduler is told to look again.
    onChange: () => void db.notify(SCHEDULER_CHANNEL, "").catch(() => {}),
  };
  const logs = { logPathFor: (key: Parameters<typeof logPathFor>[1], tryNumber: number) => logPathFor(home, key, tryNumber) };
  const app = createApp({
    executionApi,
    db,
    routers: [
      { path: "/api/v1", router: restApiRouter(db, hooks, logs) },
      { path: "/", router: uiRouter(db, hooks, { ...logs, secret: loadSecretKey(home) }) },
    ],
  });
  const server = await listen(app, options.port ?? Number(process.env.UPDRAFT_PORT ?? 8080), options.host ?? (process.env.UPDRAFT_HOST || "127.0.0.1"));
  log(`Updraft web server is running at ${server.url} (database: ${db.description})`);
  return {
    url: server.url,
    async stop() {
      await server.close();
      if (!options.db) await db.close();
    },
  };
}
