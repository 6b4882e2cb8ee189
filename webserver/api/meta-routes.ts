import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { checkHealth } from "../../observability/health.ts";
import { MAXIMUM_PAGE_LIMIT } from "../../core/store/queries/order-by.ts";
import { Resource } from "../auth/permissions.ts";
import { str } from "./call-values.ts";
import { IMPLEMENTED_OPERATIONS, route } from "./route.ts";

export const UPDRAFT_VERSION = "0.1.0";
const HIDDEN = "< hidden >";

/** Options whose value is a secret or holds credentials: shown as Airflow shows them, "< hidden >". */
const SENSITIVE = /SECRET|PASSWORD|DATABASE_URL|TOKEN|KEY|CONN/;

/**
 * Updraft's configuration as Airflow's sections: each option's `UPDRAFT_*` environment variable (or its default),
 * secrets masked. Everything set in the environment with the UPDRAFT_ prefix appears under [updraft].
 */
function configSections(): Array<{ name: string; options: Array<{ key: string; value: string }> }> {
  const env = process.env;
  const option = (key: string, variable: string, fallback: string) => ({ key, value: env[variable] === undefined ? fallback : SENSITIVE.test(variable) ? HIDDEN : env[variable]! });
  const fromEnv = Object.keys(env).filter((k) => k.startsWith("UPDRAFT_")).sort()
    .map((k) => ({ key: k.slice(8).toLowerCase(), value: SENSITIVE.test(k) ? HIDDEN : env[k]! }));
  return [
    { name: "core", options: [option("dags_folder", "UPDRAFT_DAGS_FOLDER", "./dags"), option("parallelism", "UPDRAFT_PARALLELISM", "32"), { key: "executor", value: "LocalExecutor" }] },
    { name: "database", options: [{ key: "sql_alchemy_conn", value: HIDDEN }] },
    { name: "webserver", options: [{ key: "secret_key", value: HIDDEN }, option("web_server_port", "UPDRAFT_PORT", "8080")] },
    { name: "api", options: [{ key: "maximum_page_limit", value: String(MAXIMUM_PAGE_LIMIT) }, { key: "auth_backends", value: "basic_auth" }] },
    { name: "scheduler", options: [option("scheduler_health_check_threshold", "UPDRAFT_SCHEDULER_HEALTH_CHECK_THRESHOLD_SEC", "30"), option("dag_dir_list_interval", "UPDRAFT_DAG_DIR_LIST_INTERVAL", "5")] },
    { name: "updraft", options: fromEnv },
  ];
}

/** Health and version (no login, as in Airflow), then config, plugins and providers. */
export function publicMetaRoutes(router: express.Router, db: Database): void {
  IMPLEMENTED_OPERATIONS.add("get_health").add("get_version");
  router.get("/health", async (_req, res) => {
    res.json(await checkHealth(db));
  });
  router.get("/version", (_req, res) => {
    res.json({ version: UPDRAFT_VERSION, git_version: null });
  });
}

export function metaRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_config", { resource: Resource.CONFIG, action: "can_read" }, async (call) => {
    const section = str(call.query, "section");
    const sections = configSections().filter((s) => section === null || s.name === section);
    if (section !== null && !sections.length) throw new RequestError(404, `No configuration section "${section}".`);
    if (call.req.accepts(["application/json", "text/plain"]) === "text/plain") {
      call.res.type("text/plain").send(sections.map((s) => `[${s.name}]\n${s.options.map((o) => `${o.key} = ${o.value}`).join("\n")}\n`).join("\n"));
      return undefined;
    }
    return { sections };
  });

  route(router, db, "get_value", { resource: Resource.CONFIG, action: "can_read" }, async (call) => {
    const { section, option } = call.params;
    const found = configSections().find((s) => s.name === section)?.options.find((o) => o.key === option);
    if (!found) throw new RequestError(404, `No configuration option [${section}] ${option}.`);
    return { sections: [{ name: section, options: [found] }] };
  });

  route(router, db, "get_plugins", { resource: Resource.PLUGIN, action: "can_read" }, async () => ({ plugins: [], total_entries: 0 }));
  route(router, db, "get_providers", { resource: Resource.PROVIDER, action: "can_read" }, async () => ({ providers: [], total_entries: 0 }));
}
