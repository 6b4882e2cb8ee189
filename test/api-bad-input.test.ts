import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { createUsers, expectProblem, startApi, storeApiDags, type ApiServer } from "./helpers/api.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("REST API: bad input gets a 4xx problem, changes nothing and leaks nothing", (backend) => {
  let db: Database;
  let api: ApiServer;
  const snapshot = async () => (await db.query<{ s: string }>(
    `SELECT (SELECT json_agg(d ORDER BY dag_id) FROM (SELECT dag_id, is_paused FROM dag) d)::text
         || (SELECT count(*) FROM dag_run)::text || (SELECT count(*) FROM variable)::text || (SELECT count(*) FROM slot_pool)::text AS s`,
  )).rows[0].s;

  beforeAll(async () => {
    db = await backend.open();
    await storeApiDags(db);
    await createUsers(db);
    api = await startApi(db);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it("malformed JSON is a 400 naming the problem", async () => {
    const before = await snapshot();
    expectProblem(await api.call("PATCH", "/dags/api_etl", { rawBody: '{"is_paused": tru' }), 400, /Malformed JSON/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { rawBody: "[1, 2" }), 400, /Malformed JSON/);
    expect(await snapshot()).toBe(before);
  });

  it("wrong types and unknown or read-only fields are 400s naming the field", async () => {
    const before = await snapshot();
    expectProblem(await api.call("PATCH", "/dags/api_etl", { body: { is_paused: "yes" } }), 400, /is_paused/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { conf: "{}" } }), 400, /conf/);
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { logical_date: "soon" } }), 400, /logical_date/);
    expectProblem(await api.call("POST", "/variables", { body: { key: "k", value: 3 } }), 400, /value/);
    expectProblem(await api.call("POST", "/variables", { body: { key: "k", value: "v", colour: "red" } }), 400, /unknown field "colour"/);
    expectProblem(await api.call("POST", "/pools", { body: { name: "p", slots: "many" } }), 400, /slots/);
    expectProblem(await api.call("PATCH", "/dags/api_etl", { body: ["is_paused"] }), 400);
    expectProblem(await api.call("PATCH", "/dags/api_etl", { body: "true" }), 400);
    expect(await snapshot()).toBe(before);
  });

  it("a body without Content-Type: application/json is refused, not guessed", async () => {
    const before = await snapshot();
    expectProblem(await api.call("PATCH", "/dags/api_etl", { rawBody: '{"is_paused": false}', headers: { "content-type": "text/plain" } }), 400, /Content-Type: application\/json/);
    expect(await snapshot()).toBe(before);
  });

  it("bad query parameters are 400s: wrong types, negative limits, unknown parameters", async () => {
    expectProblem(await api.call("GET", "/dags?limit=ten"), 400, /limit/);
    expectProblem(await api.call("GET", "/dags?offset=-3"), 400, /offset/);
    expectProblem(await api.call("GET", "/dags?paused=maybe"), 400, /paused/);
    expectProblem(await api.call("GET", "/dags?colour=red"), 400, /Extra query parameter\(s\) colour/);
    expectProblem(await api.call("GET", "/dags?limit=1&limit=2"), 400, /once/);
    // Over the maximum page limit is capped, as Airflow caps it, not refused.
    expect((await api.call("GET", "/dags?limit=100000")).status).toBe(200);
  });

  it("a huge body is a 413 in the problem shape, and nothing is created", async () => {
    const before = await snapshot();
    const conf = { blob: "x".repeat(2 * 1024 * 1024) };
    expectProblem(await api.call("POST", "/dags/api_etl/dagRuns", { body: { conf } }), 413, /larger than/);
    expect(await snapshot()).toBe(before);
  });

  it("values the database cannot take (a NUL character, numbers or dates out of range) are 400s, not 500s", async () => {
    const before = await snapshot();
    expectProblem(await api.call("POST", "/pools", { body: { name: "big", slots: 15057708519 } }), 400, /out of range/);
    expectProblem(await api.call("GET", "/dags/~/dagRuns/~/taskInstances?pool=a%00b"), 400, /cannot be used/);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns/r/taskInstances/t/6594237950"), 400, /out of range/);
    expectProblem(await api.call("POST", "/variables", { body: { key: "nul", value: "a\u0000b" } }), 400);
    expect(await snapshot()).toBe(before);
  });

  it("SQL-looking strings in filters and ids are data, never SQL: no error, no change", async () => {
    const before = await snapshot();
    const evil = "x'; DROP TABLE dag; --";
    expect((await api.call("GET", `/dags?dag_id_pattern=${encodeURIComponent(evil)}`)).body).toEqual({ dags: [], total_entries: 0 });
    expect((await api.call("GET", `/dags?tags=${encodeURIComponent(evil)}`)).body.total_entries).toBe(0);
    expect((await api.call("GET", `/dags/~/dagRuns?state=${encodeURIComponent(evil)}`)).body.total_entries).toBe(0);
    expectProblem(await api.call("GET", `/dags?order_by=${encodeURIComponent("dag_id; DROP TABLE dag")}`), 400, /disallowed/);
    expectProblem(await api.call("GET", `/dags/${encodeURIComponent(evil)}`), 404);
    expectProblem(await api.call("GET", `/variables/${encodeURIComponent("' OR '1'='1")}`), 404);
    expect((await api.call("GET", `/eventLogs?owner=${encodeURIComponent("' OR 1=1 --")}`)).body.total_entries).toBe(0);
    expect(await snapshot()).toBe(before);
  });

  it("path traversal in source and log requests reads nothing outside what the database names", async () => {
    for (const path of ["/etc/passwd", "../../../../etc/passwd", "%2e%2e%2fetc%2fpasswd"]) {
      const response = await api.call("GET", `/dagSources/${Buffer.from(path).toString("base64url")}`);
      expectProblem(response, 404);
      expect(response.text).not.toContain("root:");
    }
    expectProblem(await api.call("GET", "/dagSources/..%2F..%2Fetc%2Fpasswd"), 404);
    expectProblem(await api.call("GET", "/dags/api_etl/dagRuns/..%2F..%2F/taskInstances/x/logs/1"), 404);
  });

  it("an unknown endpoint or method is a 404 problem, and errors carry no stack trace", async () => {
    const response = await api.call("GET", "/nothing/here");
    expectProblem(response, 404, /No such endpoint/);
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });
});
