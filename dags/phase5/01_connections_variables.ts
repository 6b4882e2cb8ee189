/**
 * phase5_01_connections_variables — connections and variables, and how their secrets stay out of logs.
 *
 * Shows: a task reading variables (plain, JSON, with defaults) and a connection through its context; the password
 * it prints reaches the task log as `***` (the runner learns every secret it reads and masks its own output), and a
 * template naming `{{ conn.<id>.password }}` is stored rendered as `***` too.
 *
 * Run it as is: the variables fall back to their defaults and the connection task is skipped, saying how to define it.
 * With a connection and variables (environment, a secrets backend, or the database):
 *   UPDRAFT_CONN_PHASE5_WAREHOUSE='postgres://etl:s3cret-pw@db.internal:5432/dw?sslmode=require' \
 *   UPDRAFT_VAR_PHASE5_CONFIG='{"batch_size": 250, "tables": ["orders", "customers"]}' \
 *   updraft dags test phase5_01_connections_variables 2024-01-03
 * or store them encrypted: `updraft connections add phase5_warehouse --conn-uri …`, `updraft variables set … --json`.
 */
import { BashOperator, dag, getCurrentContext, SkipTask, task } from "updraft";

interface EtlConfig {
  batch_size: number;
  tables: string[];
}

const readConfig = task(async function readConfig() {
  const context = getCurrentContext();
  const config = await context.variables.getJson<EtlConfig>("phase5_config", { batch_size: 100, tables: ["orders"] });
  const owner = await context.variables.get("phase5_owner", "data-platform");
  context.log.info(`Loading ${config!.tables.join(", ")} in batches of ${config!.batch_size} for ${owner}`);
  return config!;
});

const useConnection = task(async function useConnection(config: EtlConfig) {
  const context = getCurrentContext();
  let warehouse;
  try {
    warehouse = await context.connections.get("phase5_warehouse");
  } catch {
    throw new SkipTask("Connection phase5_warehouse is not defined: set UPDRAFT_CONN_PHASE5_WAREHOUSE (see this file's header) to see a task use it.");
  }
  // The password is printed on purpose: the log shows *** in its place.
  console.log(`Connecting to ${warehouse.host}:${warehouse.port}/${warehouse.schema} as ${warehouse.login} with password ${warehouse.password}`);
  return { host: warehouse.host, tables: config.tables.length, sslmode: warehouse.extra?.sslmode ?? null };
});

export default dag(
  {
    dagId: "phase5_01_connections_variables",
    description: "Reads variables and a connection; secrets are masked in logs and rendered templates",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase5", "connections", "variables"],
  },
  () => {
    const connected = useConnection(readConfig());
    connected.then(
      new BashOperator({
        taskId: "templated_dsn",
        bashCommand: "echo 'connecting to postgres://{{ conn.phase5_warehouse.login }}:{{ conn.phase5_warehouse.password }}@{{ conn.phase5_warehouse.host }}'; echo done",
      }),
    );
  },
);
