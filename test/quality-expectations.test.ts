import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dag } from "updraft";
import { batchFromRows, DataQualityGateOperator, loadBatch, readFileBatch, readPostgresBatch, renderValidationReport, summarize, validate, type Batch, type ExpectationConfig } from "updraft/providers/mlops";
import type { TaskContext } from "../core/context.ts";
import { REPO_ROOT } from "./helpers/cli.ts";
import { describePostgres, POSTGRES_URL } from "./helpers/databases.ts";

// x: 7 rows, one null; 100 is an outlier; 2 repeats.
const batch = batchFromRows("memory:t", [
  { id: 1, x: 1, s: "apple", d: "2024-01-05", a: 5, b: 3 },
  { id: 2, x: 2, s: "banana", d: "2024-13-01", a: 2, b: 2 },
  { id: 3, x: 3, s: "cherry", d: "2024-02-30", a: null, b: 1 },
  { id: 4, x: null, s: null, d: "2024-02-29", a: null, b: null },
  { id: 5, x: 5, s: "apple", d: "05/01/2024", a: 1, b: null },
  { id: 6, x: 100, s: "date", d: "2024-12-31", a: 9, b: 1 },
  { id: 7, x: 2, s: "elder", d: "2024-07-04", a: 0, b: 4 },
]);

function one(type: string, kwargs: Record<string, unknown>, on: Batch = batch) {
  return validate(on, { name: "t", expectations: [{ type, kwargs }] }).results[0];
}

describe("column map expectations (nulls left out, mostly, result_format)", () => {
  it("between: unexpected values, percentages over non-null rows, missing fields and mostly", () => {
    const r = one("expect_column_values_to_be_between", { column: "x", min_value: 1, max_value: 10 });
    expect(r.success).toBe(false);
    expect(r.result).toMatchObject({
      element_count: 7, unexpected_count: 1, unexpected_percent: (1 / 6) * 100, partial_unexpected_list: [100],
      missing_count: 1, missing_percent: (1 / 7) * 100, unexpected_percent_total: (1 / 7) * 100, unexpected_percent_nonmissing: (1 / 6) * 100,
      partial_unexpected_counts: [{ value: 100, count: 1 }], partial_unexpected_index_list: [5],
    });
    expect(one("expect_column_values_to_be_between", { column: "x", min_value: 1, max_value: 10, mostly: 0.8 }).success).toBe(true); // 5/6 ≥ 0.8
    expect(one("expect_column_values_to_be_between", { column: "x", min_value: 1, max_value: 10, mostly: 0.9 }).success).toBe(false);
    // strict bounds exclude the bound values themselves: 1 and 100.
    expect(one("expect_column_values_to_be_between", { column: "x", min_value: 1, max_value: 100, strict_min: true, strict_max: true }).result.partial_unexpected_list).toEqual([1, 100]);
    expect(one("expect_column_values_to_be_between", { column: "x", min_value: 1 }).result.unexpected_count).toBe(0);
  });

  it("errors of configuration become exception_info while the other expectations still run", () => {
    const result = validate(batch, { name: "t", expectations: [
      { type: "expect_column_values_to_be_between", kwargs: { column: "x" } },
      { type: "expect_column_values_to_be_between", kwargs: { column: "x", min_value: 5, max_value: 1 } },
      { type: "expect_column_values_to_be_between", kwargs: { column: "s", min_value: 1, max_value: 2 } },
      { type: "expect_column_values_to_be_in_set", kwargs: { column: "nope", value_set: [1] } },
      { type: "expect_table_row_count_to_equal", kwargs: { value: 7 } },
    ] });
    expect(result.results.map((r) => [r.success, r.exception_info.raised_exception])).toEqual([[false, true], [false, true], [false, true], [false, true], [true, false]]);
    expect(result.results[0].exception_info.exception_message).toMatch(/cannot both be None/);
    expect(result.results[2].exception_info.exception_message).toMatch(/not supported between a string/);
    expect(result.results[3].exception_info.exception_message).toMatch(/"nope" in BatchData does not exist/);
    expect(result.statistics).toEqual({ evaluated_expectations: 5, successful_expectations: 1, unsuccessful_expectations: 4, success_percent: 20 });
    expect(() => validate(batch, { name: "t", expectations: [{ type: "expect_column_values_to_be_purple", kwargs: {} }] })).toThrow(/"expect_column_values_to_be_purple" is not supported/);
  });

  it("null expectations count every row and report no missing fields", () => {
    const notNull = one("expect_column_values_to_not_be_null", { column: "a" });
    expect(notNull.result).toEqual({ element_count: 7, unexpected_count: 2, unexpected_percent: (2 / 7) * 100, partial_unexpected_list: [null, null],
      partial_unexpected_counts: [{ value: null, count: 2 }], partial_unexpected_index_list: [2, 3] });
    expect(one("expect_column_values_to_not_be_null", { column: "a", mostly: 0.7 }).success).toBe(true); // 5/7
    expect(one("expect_column_values_to_be_null", { column: "a" }).result.unexpected_count).toBe(5);
    const empty = batchFromRows("memory:empty", [], ["a"]);
    expect(one("expect_column_values_to_not_be_null", { column: "a" }, empty)).toMatchObject({ success: true, result: { element_count: 0, unexpected_percent: null } });
  });

  it("sets, uniqueness (every duplicate occurrence), regex (unanchored search), lengths and strftime", () => {
    expect(one("expect_column_values_to_be_in_set", { column: "s", value_set: ["apple", "banana", "cherry"] }).result.partial_unexpected_list).toEqual(["date", "elder"]);
    expect(one("expect_column_values_to_not_be_in_set", { column: "s", value_set: ["apple"] }).result.unexpected_count).toBe(2);
    const unique = one("expect_column_values_to_be_unique", { column: "x" });
    expect(unique.result).toMatchObject({ unexpected_count: 2, partial_unexpected_list: [2, 2], partial_unexpected_index_list: [1, 6] });
    expect(one("expect_column_values_to_match_regex", { column: "s", regex: "an" }).result.partial_unexpected_list).toEqual(["apple", "cherry", "apple", "date", "elder"]);
    expect(one("expect_column_values_to_match_regex", { column: "s", regex: "^a" }).result.unexpected_count).toBe(4);
    expect(one("expect_column_values_to_not_match_regex", { column: "s", regex: "e$" }).result.partial_unexpected_list).toEqual(["apple", "apple", "date"]);
    expect(one("expect_column_value_lengths_to_be_between", { column: "s", min_value: 5, max_value: 5 }).result.partial_unexpected_list).toEqual(["banana", "cherry", "date"]);
    // 2024-13-01 (month 13), 2024-02-30 and 05/01/2024 do not parse with %Y-%m-%d; the leap day 2024-02-29 does.
    expect(one("expect_column_values_to_match_strftime_format", { column: "d", strftime_format: "%Y-%m-%d" }).result.partial_unexpected_list).toEqual(["2024-13-01", "2024-02-30", "05/01/2024"]);
  });

  it("result_format levels: BOOLEAN_ONLY, BASIC, COMPLETE with index columns, and partial_unexpected_count", () => {
    const kwargs = { column: "s", value_set: ["apple"] };
    expect(one("expect_column_values_to_be_in_set", { ...kwargs, result_format: "BOOLEAN_ONLY" }).result).toEqual({});
    expect(Object.keys(one("expect_column_values_to_be_in_set", { ...kwargs, result_format: "BASIC" }).result).sort()).toEqual(
      ["element_count", "missing_count", "missing_percent", "partial_unexpected_list", "unexpected_count", "unexpected_percent", "unexpected_percent_nonmissing", "unexpected_percent_total"]);
    const complete = one("expect_column_values_to_be_in_set", { ...kwargs, result_format: { result_format: "COMPLETE", unexpected_index_column_names: ["id"], partial_unexpected_count: 2 } });
    expect(complete.result).toMatchObject({ unexpected_list: ["banana", "cherry", "date", "elder"], unexpected_index_list: [{ id: 2 }, { id: 3 }, { id: 6 }, { id: 7 }], partial_unexpected_list: ["banana", "cherry"] });
    expect(complete.result.unexpected_index_query).toBe("df.filter(items=[1,2,5,6], axis=0)");
  });

  it("type checks: pandas dtypes, and per-value isinstance on object columns", () => {
    expect(one("expect_column_values_to_be_of_type", { column: "id", type_: "int64" }).result).toEqual({ observed_value: "int64" });
    expect(one("expect_column_values_to_be_of_type", { column: "x", type_: "int64" })).toMatchObject({ success: false, result: { observed_value: "float64" } });
    expect(one("expect_column_values_to_be_in_type_list", { column: "x", type_list: ["int64", "float64"] }).success).toBe(true);
    const mixed = batchFromRows("memory:m", [{ v: "a" }, { v: 1 }, { v: "b" }, { v: "c" }]);
    expect(one("expect_column_values_to_be_of_type", { column: "v", type_: "str", mostly: 0.75 }, mixed)).toMatchObject({ success: true, result: { unexpected_count: 1, partial_unexpected_list: [1] } });
  });

  it("pair and multicolumn maps with ignore_row_if", () => {
    // a > b: row 1 (2>2) false; row 2 (null,1) one side null → unexpected; row 3 both null → ignored; row 4 (1,null) unexpected; row 6 (0>4) false.
    const gt = one("expect_column_pair_values_a_to_be_greater_than_b", { column_A: "a", column_B: "b" });
    expect(gt.result).toMatchObject({ element_count: 7, unexpected_count: 4, partial_unexpected_list: [[2, 2], [null, 1], [1, null], [0, 4]] });
    expect(one("expect_column_pair_values_a_to_be_greater_than_b", { column_A: "a", column_B: "b", or_equal: true, ignore_row_if: "either_value_is_missing" }).result.unexpected_count).toBe(1);
    expect(one("expect_column_pair_values_to_be_equal", { column_A: "a", column_B: "b", ignore_row_if: "either_value_is_missing" }).result.partial_unexpected_list).toEqual([[5, 3], [9, 1], [0, 4]]);
    expect(one("expect_multicolumn_sum_to_equal", { column_list: ["a", "b"], sum_total: 4 }).result.partial_unexpected_list).toEqual([{ a: 5, b: 3 }, { a: null, b: 1 }, { a: 1, b: null }, { a: 9, b: 1 }]);
    expect(one("expect_compound_columns_to_be_unique", { column_list: ["s", "x"] }).result.unexpected_count).toBe(0);
  });
});

describe("aggregate and table expectations", () => {
  it("computes the between metrics over non-null values, with strictness and a null metric failing", () => {
    const observed = (type: string, kwargs: Record<string, unknown> = {}) => one(type, { column: "x", min_value: 0, ...kwargs }).result.observed_value;
    expect(observed("expect_column_mean_to_be_between")).toBeCloseTo(113 / 6, 12);
    expect(observed("expect_column_median_to_be_between")).toBe(2.5);
    expect(observed("expect_column_min_to_be_between")).toBe(1);
    expect(observed("expect_column_max_to_be_between")).toBe(100);
    expect(observed("expect_column_sum_to_be_between")).toBe(113);
    expect(observed("expect_column_stdev_to_be_between")).toBeCloseTo(39.78651362794517, 12); // pandas Series([1,2,3,5,100,2]).std()
    expect(observed("expect_column_unique_value_count_to_be_between")).toBe(5);
    expect(observed("expect_column_proportion_of_unique_values_to_be_between")).toBeCloseTo(5 / 6, 12);
    expect(one("expect_column_max_to_be_between", { column: "x", max_value: 100 }).success).toBe(true);
    expect(one("expect_column_max_to_be_between", { column: "x", max_value: 100, strict_max: true }).success).toBe(false);
    const allNull = batchFromRows("memory:n", [{ v: null }, { v: null }]);
    expect(one("expect_column_mean_to_be_between", { column: "v", min_value: 0 }, allNull)).toMatchObject({ success: false, result: { observed_value: null } });
    expect(one("expect_column_proportion_of_unique_values_to_be_between", { column: "v", max_value: 0 }, allNull).result.observed_value).toBe(0);
    expect(one("expect_column_quantile_values_to_be_between", { column: "x", quantile_ranges: { quantiles: [0, 0.5, 1], value_ranges: [[0, 1], [2, 3], [50, null]] } }).result)
      .toEqual({ observed_value: { quantiles: [0, 0.5, 1], values: [1, 2.5, 100] }, details: { success_details: [true, true, true] } });
  });

  it("KL divergence against categorical and continuous partitions (scipy entropy), infinite when unseen mass appears", () => {
    const cat = one("expect_column_kl_divergence_to_be_less_than", { column: "s", threshold: 0.01,
      partition_object: { values: ["apple", "banana", "cherry", "date", "elder"], weights: [0.3, 0.2, 0.2, 0.15, 0.15] } });
    expect(cat.success).toBe(true);
    expect(cat.result.observed_value).toBeCloseTo(0.009466491507232763, 12);
    const cont = one("expect_column_kl_divergence_to_be_less_than", { column: "x", threshold: 0.1, tail_weight_holdout: 0.1,
      partition_object: { bins: [0, 2.5, 5, 10], weights: [0.5, 0.3, 0.2] } });
    expect(cont.success).toBe(false);
    expect(cont.result.observed_value).toBeCloseTo(0.16011119348649916, 12);
    const unseen = one("expect_column_kl_divergence_to_be_less_than", { column: "x", threshold: 10, partition_object: { bins: [0, 2.5, 5, 10], weights: [0.5, 0.3, 0.2] } });
    expect(unseen).toMatchObject({ success: false, result: { observed_value: null } }); // 100 falls in a tail of weight 0
  });

  it("distinct sets, most common value with ties, and table shape", () => {
    const inSet = one("expect_column_distinct_values_to_be_in_set", { column: "x", value_set: [1, 2, 3, 5] });
    expect(inSet).toMatchObject({ success: false, result: { observed_value: [1, 2, 3, 5, 100] } });
    expect(one("expect_column_distinct_values_to_be_in_set", { column: "x", value_set: [] }).success).toBe(true);
    expect(one("expect_column_distinct_values_to_contain_set", { column: "x", value_set: [1, 100] }).success).toBe(true);
    expect(one("expect_column_distinct_values_to_equal_set", { column: "x", value_set: [1, 2, 3, 5] }).success).toBe(false);
    expect(one("expect_column_most_common_value_to_be_in_set", { column: "x", value_set: [2] })).toMatchObject({ success: true, result: { observed_value: [2] } });
    // s has apple twice: one mode. a has no repeated value: every value ties, so only ties_okay can pass.
    expect(one("expect_column_most_common_value_to_be_in_set", { column: "a", value_set: [5] }).success).toBe(false);
    expect(one("expect_column_most_common_value_to_be_in_set", { column: "a", value_set: [5], ties_okay: true }).success).toBe(true);
    expect(one("expect_table_row_count_to_be_between", { min_value: 1, max_value: 7 }).result).toEqual({ observed_value: 7 });
    expect(one("expect_table_row_count_to_be_between", { min_value: 1, max_value: 7, strict_max: true }).success).toBe(false);
    expect(one("expect_table_column_count_to_be_between", { min_value: 6, max_value: 6 }).success).toBe(true);
    expect(one("expect_column_to_exist", { column: "x", column_index: 1 }).success).toBe(true);
    expect(one("expect_column_to_exist", { column: "x", column_index: 0 }).success).toBe(true); // GE's quirk: 0 is not checked
    expect(one("expect_column_to_exist", { column: "x", column_index: 2 }).success).toBe(false);
    const ordered = one("expect_table_columns_to_match_ordered_list", { column_list: ["id", "s", "x"] });
    expect(ordered.result.details).toEqual({ mismatched: [
      { "Expected Column Position": 1, Expected: "s", Found: "x" }, { "Expected Column Position": 2, Expected: "x", Found: "s" },
      { "Expected Column Position": 3, Expected: null, Found: "d" }, { "Expected Column Position": 4, Expected: null, Found: "a" }, { "Expected Column Position": 5, Expected: null, Found: "b" }] });
    expect(one("expect_table_columns_to_match_set", { column_set: ["id", "x", "zz"], exact_match: false }).result.details).toEqual({ mismatched: { missing: ["zz"] } });
    expect(one("expect_table_columns_to_match_set", { column_set: ["id", "x", "s", "d", "a"], exact_match: false }).success).toBe(true);
    expect(one("expect_table_columns_to_match_set", { column_set: ["id", "x", "s", "d", "a"], exact_match: true }).result.details).toEqual({ mismatched: { unexpected: ["b"] } });
  });
});

describe("batches from files and tables, the report and the summary", () => {
  it("reads CSV with pandas-like typing, JSON rows and Parquet (written by pyarrow) to the same values", async () => {
    const csv = await readFileBatch(join(REPO_ROOT, "dags/phase10/data/orders.csv"));
    expect(csv.types).toEqual({ order_id: "int64", customer_id: "object", amount: "float64", status: "object", order_date: "object", email: "object" });
    expect(csv.rows[6]).toEqual({ order_id: 1007, customer_id: "C006", amount: 310.4, status: "shipped", order_date: "2024-01-03", email: null });
    const parquet = await readFileBatch(join(REPO_ROOT, "dags/phase10/data/orders.parquet"));
    expect(parquet.columns).toEqual(csv.columns);
    expect(parquet.rows.map((r) => [Number(r.order_id), r.amount, r.email ?? null])).toEqual(csv.rows.map((r) => [r.order_id, r.amount, r.email]));
    expect(parquet.types.order_date).toBe("datetime64[ns]");
    expect(one("expect_column_max_to_be_between", { column: "order_date", max_value: "2024-01-03" }, parquet)).toMatchObject({ success: true, result: { observed_value: "2024-01-03T00:00:00.000Z" } });
    const dir = await mkdtemp(join(tmpdir(), "quality-"));
    await writeFile(join(dir, "rows.jsonl"), '{"a":1,"b":"x"}\n{"a":null,"b":"y"}\n');
    const jsonl = await readFileBatch(join(dir, "rows.jsonl"));
    expect([jsonl.columns, jsonl.types]).toEqual([["a", "b"], { a: "float64", b: "object" }]);
    await writeFile(join(dir, "bad.csv"), 'a,b\n1,"unterminated\n');
    await expect(readFileBatch(join(dir, "bad.csv"))).rejects.toThrow(/bad\.csv as csv: CSV ends inside a quoted field/);
    await expect(readFileBatch(join(dir, "missing.parquet"))).rejects.toThrow(/does not exist/);
  });

  it("renders an escaped HTML report and a readable summary of the failures", async () => {
    const rows = batchFromRows("memory:r", [{ name: "<script>x</script>" }, { name: "ok" }]);
    const expectations: ExpectationConfig[] = [{ type: "expect_column_values_to_be_in_set", kwargs: { column: "name", value_set: ["ok"] } }, { type: "expect_table_row_count_to_equal", kwargs: { value: 2 } }];
    const result = validate(rows, { name: "html", expectations });
    const html = renderValidationReport(result);
    expect(html).toContain("1 of 2 expectations passed (50.0%)");
    expect(html).not.toContain("<script>x");
    expect(html).toContain("&lt;script&gt;");
    expect(summarize(result)).toBe('Suite "html" on memory:r: 1/2 expectations passed.\n  ✗ expect_column_values_to_be_in_set on "name": 1 unexpected of 2 (50.00%), e.g. "<script>x</script>"');
  });
});

describe("the quality gate operator", () => {
  it("fails the task without retry and with the summary when an expectation fails; records only when told to", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gate-"));
    await writeFile(join(dir, "suite.yaml"), "name: amounts\nexpectations:\n  - type: expect_column_values_to_be_between\n    kwargs: {column: amount, min_value: 0, max_value: 100}\n");
    const built = dag({ dagId: "gate_test", startDate: "2024-01-01", schedule: null }, () => {
      new DataQualityGateOperator({ taskId: "strict", source: { path: join(REPO_ROOT, "dags/phase10/data/orders.csv") }, suite: join(dir, "suite.yaml"), reportPath: join(dir, "r/strict.html") });
      new DataQualityGateOperator({ taskId: "lenient", source: { path: join(REPO_ROOT, "dags/phase10/data/orders.csv") }, suite: join(dir, "suite.yaml"), failTaskOnValidationFailure: false });
    });
    const lines: string[] = [];
    const context = { runId: "manual__x", log: { info: (m: string) => lines.push(m) } } as unknown as TaskContext;
    const failure = await Promise.resolve().then(() => built.tasks.get("strict")!.execute(context)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "FailTask", code: "TASK_FAILED_NO_RETRY" });
    expect((failure as Error).message).toMatch(/^Data quality gate failed\.\nSuite "amounts" on file:.*orders\.csv: 0\/1 expectations passed\.\n  ✗ expect_column_values_to_be_between on "amount": 4 unexpected of 10 \(40\.00%\), e\.g\. 120\.5, 230, 310\.4, 150$/);
    expect(await readFile(join(dir, "r/strict.html"), "utf8")).toContain("0 of 1 expectations passed");
    const recorded = (await built.tasks.get("lenient")!.execute(context)) as { success: boolean; statistics: { unsuccessful_expectations: number } };
    expect([recorded.success, recorded.statistics.unsuccessful_expectations]).toEqual([false, 1]);
  });
});

describePostgres("expectations over a PostgreSQL table", () => {
  it("reads the table with its SQL types, and type_ uses the dialect's names", async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const schema = `quality_${process.pid}`;
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
        CREATE TABLE ${schema}.orders (id integer PRIMARY KEY, amount numeric(10,2), big bigint, status varchar(20));
        INSERT INTO ${schema}.orders VALUES (1, 10.50, 9007199254740, 'new'), (2, NULL, 2, 'shipped'), (3, -4, 3, 'lost');`);
      const table = await readPostgresBatch(POSTGRES_URL, { table: `${schema}.orders` });
      expect(table.types).toEqual({ id: "integer", amount: "numeric", big: "bigint", status: "character varying" });
      const result = validate(table, { name: "pg", expectations: [
        { type: "expect_column_values_to_be_between", kwargs: { column: "amount", min_value: 0 } },
        { type: "expect_column_values_to_be_of_type", kwargs: { column: "status", type_: "VARCHAR" } },
        { type: "expect_column_values_to_be_of_type", kwargs: { column: "id", type_: "TEXT" } },
        { type: "expect_column_sum_to_be_between", kwargs: { column: "big", min_value: 9007199254745, max_value: 9007199254745 } },
      ] });
      expect(result.results.map((r) => r.success)).toEqual([false, true, false, true]);
      expect(result.results[0].result).toMatchObject({ unexpected_count: 1, missing_count: 1, partial_unexpected_list: [-4] });
      expect(result.results[2].result).toEqual({ observed_value: "INTEGER" });
      await expect(readPostgresBatch(POSTGRES_URL, { table: `${schema}.nope` })).rejects.toThrow(/does not exist/);
      // The gate operator's source { table, postgresConnId } goes through an Airflow-style postgres connection.
      const url = new URL(POSTGRES_URL);
      const connection = { connId: "warehouse", connType: "postgres", host: url.hostname, port: Number(url.port || 5432), login: decodeURIComponent(url.username) || null, password: decodeURIComponent(url.password) || null, schema: url.pathname.slice(1) };
      const context = { connections: { get: async (id: string) => (id === "warehouse" ? connection : Promise.reject(new Error(`no ${id}`))) } } as unknown as TaskContext;
      const viaConnection = await loadBatch(context, { query: `SELECT id, status FROM ${schema}.orders ORDER BY id`, postgresConnId: "warehouse" });
      expect([viaConnection.types, viaConnection.rows.map((r) => r.status)]).toEqual([{ id: "integer", status: "character varying" }, ["new", "shipped", "lost"]]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
