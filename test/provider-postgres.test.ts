import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, task } from "updraft";
import { runDag } from "updraft/testing";
import { PostgresHook, PostgresOperator, SQLColumnCheckOperator, SQLExecuteQueryOperator, SQLTableCheckOperator, SqlSensor, fetchOneHandler, splitStatements } from "updraft/providers/postgres";
import { loadYamlDagFile } from "../dagfactory/load-yaml-dags.ts";
import { toNumberedPlaceholders } from "../providers/common-sql/sql-text.ts";
import { matches } from "../providers/common-sql/check-match.ts";
import { POSTGRES_REACHABLE, POSTGRES_URL, freshSchemaName } from "./helpers/databases.ts";
import { connectionsFrom } from "./helpers/provider-secrets.ts";

describe("SQL text scanning", () => {
  it("splits a script on semicolons outside literals, identifiers, dollar quotes and comments", () => {
    const script = `CREATE TABLE "a;b" (x text); -- one; two
INSERT INTO t VALUES ('x;y', E'it\\'s;'); /* c; d */
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
-- only a comment;
`;
    expect(splitStatements(script)).toEqual([
      `CREATE TABLE "a;b" (x text)`,
      `-- one; two\nINSERT INTO t VALUES ('x;y', E'it\\'s;')`,
      `/* c; d */\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql`,
    ]);
  });

  it("turns psycopg2 placeholders into numbered ones, leaving literals alone", () => {
    expect(toNumberedPlaceholders("SELECT %s, '%s', %s %% 2", [1, 2])).toEqual({ text: "SELECT $1, '%s', $2 % 2", values: [1, 2] });
    expect(toNumberedPlaceholders("SELECT %(a)s + %(b)s + %(a)s", { a: 1, b: 2 })).toEqual({ text: "SELECT $1 + $2 + $1", values: [1, 2] });
    expect(toNumberedPlaceholders("SELECT $1", [5])).toEqual({ text: "SELECT $1", values: [5] });
    expect(() => toNumberedPlaceholders("SELECT %(missing)s", { a: 1 })).toThrow(/no "missing"/);
    expect(() => toNumberedPlaceholders("SELECT %s, %s", [1])).toThrow(/more %s placeholders/);
  });

  it("matches check results like Airflow's _get_match, tolerance included", () => {
    expect(matches({ equal_to: 0 }, 0, true)).toBe(true);
    expect(matches({ equal_to: 100, tolerance: 0.1 }, 109, true)).toBe(true);
    expect(matches({ equal_to: 100, tolerance: 0.1 }, 111, true)).toBe(false);
    expect(matches({ geq_to: 10, less_than: 20 }, 20, true)).toBe(false);
    expect(matches({ greater_than: 5 }, null, true)).toBe(false);
    expect(matches({ equal_to: 0 }, null, true)).toBe(true);
    expect(matches({ equal_to: 0 }, null, false)).toBe(false);
  });
});

(POSTGRES_REACHABLE ? describe : describe.skip)(`PostgreSQL provider${POSTGRES_REACHABLE ? "" : " (PostgreSQL unreachable)"}`, () => {
  const schema = freshSchemaName();
  const url = new URL(POSTGRES_URL);
  // The schema goes in through the connection's extra `options`, as an Airflow user sets search_path.
  const connUri = `postgres://${url.username}${url.password ? `:${url.password}` : ""}@${url.hostname}:${url.port || 5432}${url.pathname}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const secrets = connectionsFrom({ pg_test: connUri, not_pg: "http://example.com" });
  const admin = new pg.Client({ connectionString: POSTGRES_URL });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    process.env.AIRFLOW_CONN_PG_TEST = connUri;
  });
  afterAll(async () => {
    delete process.env.AIRFLOW_CONN_PG_TEST;
    await PostgresHook.closeAll();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("runs statements, records and bulk loads through the hook, with transactions that roll back", async () => {
    const hook = new PostgresHook({ postgresConnId: "pg_test" });
    await hook.run("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric); CREATE TABLE log (msg text)", { splitStatements: true });
    expect(await hook.insertRows("items", [[1, "a", 1.5], [2, "b", 2], [3, "c", 3]], { targetFields: ["id", "name", "price"], commitEvery: 2 })).toBe(3);
    await hook.insertRows("items", [[2, "B", 20]], { targetFields: ["id", "name", "price"], replace: true, replaceIndex: "id" });
    expect(await hook.getRecords("SELECT id, name FROM items WHERE id >= %s ORDER BY id", [2])).toEqual([[2, "B"], [3, "c"]]);
    expect(await hook.getFirst("SELECT count(*)::int FROM items")).toEqual([3]);

    // A failing statement rolls back the ones before it (autocommit false)…
    await expect(hook.run(["INSERT INTO log VALUES ('kept?')", "INSERT INTO nowhere VALUES (1)"])).rejects.toThrow(/nowhere/);
    expect(await hook.getFirst("SELECT count(*)::int FROM log")).toEqual([0]);
    // …but not with autocommit.
    await expect(hook.run(["INSERT INTO log VALUES ('kept')", "INSERT INTO nowhere VALUES (1)"], { autocommit: true })).rejects.toThrow(/nowhere/);
    expect(await hook.getFirst("SELECT count(*)::int FROM log")).toEqual([1]);
    await expect(hook.transaction(async (tx) => {
      await tx.query("DELETE FROM log");
      throw new Error("abort");
    })).rejects.toThrow("abort");
    expect(await hook.getFirst("SELECT count(*)::int FROM log")).toEqual([1]);

    const dir = mkdtempSync(join(tmpdir(), "updraft-pg-"));
    writeFileSync(join(dir, "in.tsv"), "10\tj\t1\n11\tk\t2\n");
    await hook.bulkLoad("items", join(dir, "in.tsv"));
    await hook.copyExpert("COPY (SELECT id, name FROM items WHERE id >= 10 ORDER BY id) TO STDOUT WITH CSV HEADER", join(dir, "out.csv"));
    expect(readFileSync(join(dir, "out.csv"), "utf8")).toBe("id,name\n10,j\n11,k\n");
    expect(await hook.testConnection()).toEqual({ ok: true, message: "Connection successfully tested" });
  });

  it("runs SQL operators, checks and a sensor in a DAG, results in XCom, failures named", async () => {
    const built = dag({ dagId: "pg_provider_ops", schedule: null, startDate: "2024-01-01" }, () => {
      const create = new SQLExecuteQueryOperator({
        taskId: "create",
        connId: "pg_test",
        sql: "CREATE TABLE orders (id int, day date, amount int); INSERT INTO orders VALUES (1, '{{ ds }}', 10), (2, '{{ ds }}', 20), (3, '{{ ds }}', NULL)",
        splitStatements: true,
      });
      const total = new PostgresOperator({
        taskId: "total",
        postgresConnId: "pg_test",
        sql: ["SELECT sum(amount)::int FROM orders WHERE day = %(day)s", "SELECT count(*)::int FROM orders"],
        parameters: { day: "{{ ds }}" },
      });
      const first = new SQLExecuteQueryOperator({ taskId: "first", connId: "pg_test", sql: "SELECT id, day FROM orders ORDER BY id", handler: fetchOneHandler });
      const columns = new SQLColumnCheckOperator({
        taskId: "columns",
        connId: "pg_test",
        table: "orders",
        columnMapping: { id: { null_check: { equal_to: 0 }, unique_check: { equal_to: 0 }, min: { geq_to: 1 } }, amount: { max: { equal_to: 21, tolerance: 0.1 } } },
      });
      const badColumns = new SQLColumnCheckOperator({
        taskId: "bad_columns",
        connId: "pg_test",
        table: "orders",
        columnMapping: { amount: { null_check: { equal_to: 0 } } },
      });
      const table = new SQLTableCheckOperator({
        taskId: "table",
        connId: "pg_test",
        table: "orders",
        checks: { row_count: { check_statement: "COUNT(*) = 3" }, positive: { check_statement: "amount > 0", partition_clause: "amount IS NOT NULL" } },
      });
      const badTable = new SQLTableCheckOperator({ taskId: "bad_table", connId: "pg_test", table: "orders", checks: { too_many: { check_statement: "COUNT(*) > 100" } } });
      const sensor = new SqlSensor({ taskId: "sensor", connId: "pg_test", sql: "SELECT count(*) FROM orders WHERE amount > %s", parameters: [15], success: (n) => Number(n) === 1, pokeInterval: 0.05, timeout: 5 });
      const failing = new SqlSensor({ taskId: "failing_sensor", connId: "pg_test", sql: "SELECT amount FROM orders WHERE id = 3", failure: (v) => v === null, pokeInterval: 0.05, timeout: 5 });
      const empty = new SqlSensor({ taskId: "empty_sensor", connId: "pg_test", sql: "SELECT 1 FROM orders WHERE false", failOnEmpty: true, pokeInterval: 0.05, timeout: 5 });
      const wrongType = new SQLExecuteQueryOperator({ taskId: "wrong_type", connId: "not_pg", sql: "SELECT 1" });
      const read = task(async function readBack(rows: unknown) {
        return rows;
      });
      create.then([total, first, columns, badColumns, table, badTable, sensor, failing, empty]);
      read(first.output);
      void wrongType;
    });
    const run = await runDag(built, { logicalDate: "2024-01-03", secrets });
    expect(run.states).toMatchObject({
      create: "success", total: "success", first: "success", columns: "success", table: "success", sensor: "success",
      bad_columns: "failed", bad_table: "failed", failing_sensor: "failed", empty_sensor: "failed", wrong_type: "failed", readBack: "success",
    });
    expect(run.returnValue("total")).toEqual([[[30]], [[3]]]);
    // fetchOneHandler: one row, a date column as ISO text in XCom.
    expect(run.returnValue("first")).toEqual([1, expect.stringMatching(/^2024-01-0[23]T/)]);
    expect(run.returnValue("columns")).toMatchObject({ id: { null_check: { result: 0, success: true } }, amount: { max: { result: 20, success: true } } });
    expect(run.returnValue("table")).toEqual({ row_count: true, positive: true });
    const logs = run.logs.join("\n");
    expect(logs).toMatch(/Column: amount, Check: null_check.*Result: 1/);
    expect(logs).toMatch(/Check: too_many/);
    expect(logs).toMatch(/Failure criteria met/);
    expect(logs).toMatch(/No rows returned, raising as per fail_on_empty flag/);
    expect(logs).toMatch(/type "http", which has no SQL hook/);
  });

  it("runs the SQL operators from a YAML DAG under Airflow's import paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "updraft-pg-yaml-"));
    const file = join(dir, "sql.yaml");
    writeFileSync(file, `
pg_yaml:
  default_args: { start_date: 2024-01-01 }
  schedule: null
  tasks:
    make:
      operator: airflow.providers.postgres.operators.postgres.PostgresOperator
      postgres_conn_id: pg_test
      sql: "CREATE TABLE yaml_t AS SELECT generate_series(1, 3) AS n"
    count:
      operator: airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator
      conn_id: pg_test
      sql: "SELECT count(*)::int FROM yaml_t"
      dependencies: [make]
    check:
      operator: airflow.providers.common.sql.operators.sql.SQLTableCheckOperator
      conn_id: pg_test
      table: yaml_t
      checks: { three: { check_statement: "COUNT(*) = 3" } }
      dependencies: [make]
`);
    const { dags } = await loadYamlDagFile(file, dir);
    const run = await runDag(dags[0]!, { logicalDate: "2024-01-03", secrets });
    expect(run.states).toEqual({ make: "success", count: "success", check: "success" });
    expect(run.returnValue("count")).toEqual([[3]]);
  });

  it("says what to do when the server is down or the connection is missing", async () => {
    const hook = new PostgresHook({ connection: { connId: "down", connType: "postgres", host: "127.0.0.1", port: 1, schema: "x", extra: { connect_timeout: "2" } } });
    await expect(hook.getRecords("SELECT 1")).rejects.toThrow(/Cannot connect to PostgreSQL at 127.0.0.1:1 \(connection "down"\).*Check that the server is running/);
    await expect(new PostgresHook({ postgresConnId: "no_such_conn" }).getFirst("SELECT 1")).rejects.toThrow(/AIRFLOW_CONN_NO_SUCH_CONN/);
  });
});
