import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag, task } from "../index.ts";
import { issueToken, type TokenClaims } from "../core/execution-token.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { createApp, listen, type RunningServer } from "../webserver/app.ts";
import { ExecutionApi, type TryOutcome } from "../webserver/execution-api/execution-api.ts";
import { EXECUTION_API_PREFIX } from "../webserver/execution-api/protocol.ts";
import { BACKENDS } from "./helpers/databases.ts";
import { storeDags } from "./helpers/store-dags.ts";

const secret = Buffer.from("execution-api-test-secret");
const noop = task(async function noop() {
  return 1;
});
const exampleDag = dag({ dagId: "execution_api_dag", schedule: null, startDate: "2024-01-01" }, () => {
  noop.override({ taskId: "work" })();
});

/** The execution API over HTTP, as a worker on another machine calls it: status codes, bodies and guards. */
describe("execution API over HTTP", () => {
  let db: Database;
  let server: RunningServer;
  let runId: string;
  const finished: Array<{ claims: TokenClaims; outcome: TryOutcome }> = [];
  const key = () => ({ dagId: "execution_api_dag", runId, taskId: "work", mapIndex: -1 });
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${server.url}${EXECUTION_API_PREFIX}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    db = await BACKENDS[0].open();
    await storeDags(db, [exampleDag]);
    runId = (await triggerDagRun(db, "execution_api_dag", { logicalDate: new Date("2024-05-01T00:00:00Z") })).run_id;
    await db.query("UPDATE dag_run SET state = 'running', start_date = now() WHERE run_id = $1", [runId]);
    // What the scheduler's critical section leaves behind: the try queued.
    await db.query("UPDATE task_instance SET state = 'queued', try_number = 1 WHERE run_id = $1 AND task_id = 'work'", [runId]);
    const api = new ExecutionApi(db, secret, { onTryFinished: (claims, outcome) => finished.push({ claims, outcome }) });
    server = await listen(createApp({ executionApi: api }), 0);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("refuses a request without a valid token, in the problem shape", async () => {
    expect(await call("POST", "/ti/start", null, {})).toMatchObject({ status: 401, body: { status: 401, title: "Unauthorized" } });
    const forged = issueToken(Buffer.from("another-secret"), { ...key(), tryNumber: 1 });
    expect((await call("POST", "/ti/start", forged, {})).status).toBe(401);
  });

  it("answers 404 for an unknown operation and 400 for a body that is not JSON", async () => {
    const token = issueToken(secret, { ...key(), tryNumber: 1 });
    expect(await call("POST", "/ti/nothing", token, {})).toMatchObject({ status: 404, body: { detail: expect.stringContaining("/ti/nothing") } });
    expect(await call("POST", "/ti/heartbeat", token, "{not json")).toMatchObject({ status: 400, body: { status: 400, title: "Bad Request" } });
  });

  it("starts only the try its token names, once", async () => {
    const wrongTry = issueToken(secret, { ...key(), tryNumber: 2 });
    expect((await call("POST", "/ti/start", wrongTry, { hostname: "h", pid: 1 })).status).toBe(409);
    const token = issueToken(secret, { ...key(), tryNumber: 1 });
    const started = await call("POST", "/ti/start", token, { hostname: "worker-1", pid: 42 });
    expect(started).toMatchObject({
      status: 200,
      body: { dag_run: { dag_id: "execution_api_dag", run_id: runId, logical_date: "2024-05-01T00:00:00.000Z" }, ti: { try_number: 1, map_index: -1 } },
    });
    expect((await call("POST", "/ti/start", token, { hostname: "worker-2", pid: 43 })).status).toBe(409);
    const { rows } = await db.query<{ state: string; hostname: string }>("SELECT state, hostname FROM task_instance WHERE run_id = $1", [runId]);
    expect(rows[0]).toEqual({ state: "running", hostname: "worker-1" });
  });

  it("keeps XCom, answers heartbeats and unknown variables while the try runs", async () => {
    const token = issueToken(secret, { ...key(), tryNumber: 1 });
    expect((await call("PUT", "/ti/xcom/answer", token, { value: { n: 42 } })).status).toBe(204);
    expect(await call("POST", "/ti/xcom/pull", token, { task_ids: "work", key: "answer" })).toEqual({ status: 200, body: { value: { n: 42 }, found: true } });
    expect(await call("POST", "/ti/heartbeat", token, {})).toEqual({ status: 200, body: { state: "running" } });
    expect(await call("GET", "/variables/no_such_variable", token)).toMatchObject({ status: 404, body: { detail: expect.stringContaining("no_such_variable") } });
  });

  it("records the outcome once, tells the scheduler, and refuses a second finish", async () => {
    const token = issueToken(secret, { ...key(), tryNumber: 1 });
    const finish = { state: "success", error: null, next_retry_at: null, reschedule_at: null, rendered: {}, rendered_map_index: null, log_path: null };
    expect((await call("POST", "/ti/finish", token, finish)).status).toBe(204);
    expect(finished).toEqual([{ claims: expect.objectContaining({ ...key(), tryNumber: 1 }), outcome: { state: "success", nextRetryAt: null, rescheduleAt: null } }]);
    expect(await call("POST", "/ti/finish", token, { ...finish, state: "failed" })).toMatchObject({ status: 409 });
    const { rows } = await db.query<{ state: string }>("SELECT state FROM task_instance WHERE run_id = $1", [runId]);
    expect(rows[0].state).toBe("success");
    expect(await call("POST", "/ti/heartbeat", token, {})).toEqual({ status: 200, body: { state: "success" } });
  });
});
