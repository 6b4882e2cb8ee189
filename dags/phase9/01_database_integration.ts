/**
 * phase9_01_database_integration — the PostgreSQL provider: a hook, SQL operators, data quality checks, a SQL sensor.
 *
 * Shows: `SQLExecuteQueryOperator` running a templated script (split into statements, one transaction) and a
 * parameterised query whose rows become the XCom; `PostgresHook.insertRows` from a TaskFlow task; `SqlSensor`
 * waiting for the day's rows; `SQLColumnCheckOperator` and `SQLTableCheckOperator` failing the run when the data is
 * wrong. Everything runs on the connection `warehouse`.
 *
 * Needs PostgreSQL. Run it:
 *   export AIRFLOW_CONN_WAREHOUSE='postgres://postgres@127.0.0.1:5432/test'
 *   updraft dags test phase9_01_database_integration 2024-01-03
 * Without the connection the first task fails at once saying how to define it; with the server down it fails with
 * "Cannot connect to PostgreSQL at …".
 */
import { dag, getCurrentContext, task } from "updraft";
import { PostgresHook, SQLColumnCheckOperator, SQLExecuteQueryOperator, SQLTableCheckOperator, SqlSensor } from "updraft/providers/postgres";

const loadOrders = task(async function loadOrders() {
  const ds = getCurrentContext().logicalDate.toISOString().slice(0, 10);
  const rows = [1, 2, 3, 4].map((n) => [n, ds, n * 25, n % 2 ? "paid" : "refunded"]);
  return new PostgresHook({ postgresConnId: "warehouse" }).insertRows("phase9_orders", rows, { targetFields: ["id", "day", "amount", "status"], replace: true, replaceIndex: ["id", "day"] });
});

export default dag(
  {
    dagId: "phase9_01_database_integration",
    description: "Loads a day of orders into PostgreSQL, checks their quality and summarises them",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase9", "providers", "postgres"],
  },
  () => {
    const createTable = new SQLExecuteQueryOperator({
      taskId: "create_table",
      connId: "warehouse",
      sql: `CREATE TABLE IF NOT EXISTS phase9_orders (id int NOT NULL, day date NOT NULL, amount numeric NOT NULL, status text NOT NULL, PRIMARY KEY (id, day));
            DELETE FROM phase9_orders WHERE day = '{{ ds }}';`,
      splitStatements: true,
    });
    const waitForRows = new SqlSensor({
      taskId: "wait_for_rows",
      connId: "warehouse",
      sql: "SELECT count(*) FROM phase9_orders WHERE day = %(day)s",
      parameters: { day: "{{ ds }}" },
      success: (count) => Number(count) >= 4,
      pokeInterval: 1,
      timeout: 30,
    });
    const columnChecks = new SQLColumnCheckOperator({
      taskId: "column_checks",
      connId: "warehouse",
      table: "phase9_orders",
      partitionClause: "day = '{{ ds }}'",
      columnMapping: {
        id: { null_check: { equal_to: 0 }, unique_check: { equal_to: 0 } },
        amount: { min: { greater_than: 0 }, max: { leq_to: 1000 } },
      },
    });
    const tableChecks = new SQLTableCheckOperator({
      taskId: "table_checks",
      connId: "warehouse",
      table: "phase9_orders",
      partitionClause: "day = '{{ ds }}'",
      checks: { row_count: { check_statement: "COUNT(*) = 4" }, known_status: { check_statement: "status IN ('paid', 'refunded')" } },
    });
    const summarize = new SQLExecuteQueryOperator({
      taskId: "summarize",
      connId: "warehouse",
      sql: "SELECT status, count(*)::int AS orders, sum(amount)::float AS total FROM phase9_orders WHERE day = %(day)s GROUP BY status ORDER BY status",
      parameters: { day: "{{ ds }}" },
      showReturnValueInLogs: true,
    });
    createTable.then(loadOrders()).then(waitForRows).then([columnChecks, tableChecks]);
    summarize.after([columnChecks, tableChecks]);
  },
);
