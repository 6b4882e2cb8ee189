import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskContext, TaskLogger } from "../core/context.ts";
import { issueToken } from "../core/execution-token.ts";
import { bindRuntime, type TaskRuntime } from "../core/runtime.ts";
import type { Database } from "../core/store/database.ts";
import { memoryBreakers } from "../resilience/memory-breakers.ts";
import { acquire, initialSnapshot, record, reset, type BreakerConfig, type BreakerSnapshot } from "../resilience/breaker-state.ts";
import { circuitBreaker, CircuitOpenError } from "../resilience/circuit-breaker.ts";
import { listen, type RunningServer } from "../webserver/app.ts";
import { restApiRouter } from "../webserver/api/router.ts";
import { ExecutionApi } from "../webserver/execution-api/execution-api.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { createUsers } from "./helpers/api.ts";
import { BACKENDS, POSTGRES_REACHABLE } from "./helpers/databases.ts";
import { UiClient } from "./helpers/ui-session.ts";

const config: BreakerConfig = { failureThreshold: 3, resetTimeoutSeconds: 10, halfOpenTrials: 2 };
const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1) + seconds * 1000);

/** Drives the pure state machine: `a` acquires (returns the permit), `r` records a permit's result. */
function machine(start = 0) {
  let s: BreakerSnapshot = initialSnapshot(at(start));
  return {
    get s() {
      return s;
    },
    a(t: number) {
      const step = acquire(s, config, at(t));
      s = step.next;
      return step.permit;
    },
    r(permit: { generation: number; trial: boolean }, ok: boolean, t: number) {
      s = record(s, config, permit, { ok, error: ok ? null : "down" }, at(t));
    },
  };
}

describe("circuit breaker state machine (fake clock)", () => {
  it("opens after failureThreshold consecutive failures; a success in between resets the count", () => {
    const m = machine();
    m.r(m.a(0), false, 0);
    m.r(m.a(0), false, 0);
    m.r(m.a(0), true, 0);
    expect(m.s).toMatchObject({ state: "closed", failureCount: 0 });
    for (let i = 0; i < 3; i++) m.r(m.a(1), false, 1);
    expect(m.s).toMatchObject({ state: "open", openedAt: at(1), totalFailures: 5 });
  });

  it("open rejects until the reset timeout, then admits exactly halfOpenTrials trials; that many successes close it", () => {
    const m = machine();
    for (let i = 0; i < 3; i++) m.r(m.a(0), false, 0);
    const rejected = m.a(9.999);
    expect(rejected).toMatchObject({ admitted: false, state: "open", retryAt: at(10) });
    const t1 = m.a(10);
    const t2 = m.a(10.5);
    expect([t1, t2].map((p) => [p.admitted, p.trial, p.state])).toEqual([[true, true, "half_open"], [true, true, "half_open"]]);
    expect(m.a(11)).toMatchObject({ admitted: false, state: "half_open" });
    m.r(t1, true, 12);
    expect(m.s.state).toBe("half_open");
    m.r(t2, true, 12);
    expect(m.s).toMatchObject({ state: "closed", failureCount: 0, openedAt: null, totalRejected: 2 });
  });

  it("one failed trial opens it again, with a new opened-at; a late result of an older state does not count", () => {
    const m = machine();
    const before = m.a(0);
    for (let i = 0; i < 3; i++) m.r(m.a(0), false, 0);
    const trial = m.a(10);
    m.r(before, false, 10.1); // admitted while closed, answered while half-open: ignored for the state
    expect(m.s).toMatchObject({ state: "half_open", trialsAdmitted: 1 });
    m.r(trial, false, 11);
    expect(m.s).toMatchObject({ state: "open", openedAt: at(11) });
    expect(m.a(20.9).admitted).toBe(false);
    expect(m.a(21)).toMatchObject({ admitted: true, trial: true });
  });

  it("a half-open window whose trials never report (their runner died) is given up after the reset timeout", () => {
    const m = machine();
    for (let i = 0; i < 3; i++) m.r(m.a(0), false, 0);
    m.a(10);
    m.a(10);
    expect(m.a(19).admitted).toBe(false);
    const fresh = m.a(20);
    expect(fresh).toMatchObject({ admitted: true, trial: true, state: "half_open" });
    expect(m.s.trialsAdmitted).toBe(1);
  });

  it("a reset closes it at once", () => {
    const m = machine();
    for (let i = 0; i < 3; i++) m.r(m.a(0), false, 0);
    const closed = reset(m.s, at(1));
    expect(closed).toMatchObject({ state: "closed", failureCount: 0, openedAt: null });
    expect(acquire(closed, config, at(1)).permit.admitted).toBe(true);
  });
});

function contextWith(runtime: Partial<TaskRuntime>, lines: string[]): TaskContext {
  const log: TaskLogger = { info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`), debug: () => {} };
  const context = { log } as TaskContext;
  bindRuntime(context, runtime as TaskRuntime);
  return context;
}

describe("breaker.call", () => {
  it("rejects while open with CircuitOpenError, or returns the fallback; failures return the fallback too", async () => {
    let now = at(0);
    const lines: string[] = [];
    const ctx = contextWith(memoryBreakers(() => now), lines);
    const plain = circuitBreaker({ name: "plain", failureThreshold: 1, resetTimeout: 30 });
    await expect(plain.call(() => Promise.reject(new Error("503 from the API")), { context: ctx })).rejects.toThrow("503 from the API");
    await expect(plain.call(() => "never called", { context: ctx })).rejects.toBeInstanceOf(CircuitOpenError);
    const withFallback = circuitBreaker({ name: "fb", failureThreshold: 1, resetTimeout: 30, fallback: (error, info) => `cached (${info.rejected ? "rejected" : (error as Error).message})` });
    expect(await withFallback.call(() => { throw new Error("timeout"); }, { context: ctx })).toBe("cached (timeout)");
    let called = false;
    expect(await withFallback.call(() => { called = true; return "live"; }, { context: ctx })).toBe("cached (rejected)");
    expect(called).toBe(false);
    now = at(30);
    expect(await withFallback.call(() => "live", { context: ctx })).toBe("live");
    expect(lines.filter((l) => l.startsWith("WARN"))).toEqual(['WARN Circuit breaker "plain" is open: call rejected.', 'WARN Circuit breaker "fb" is open: call rejected.']);
  });

  it("errors isFailure rejects are rethrown, get no fallback and do not open the breaker", async () => {
    const ctx = contextWith(memoryBreakers(() => at(0)), []);
    const breaker = circuitBreaker({ name: "client-errors", failureThreshold: 1, isFailure: (e) => !(e as Error).message.startsWith("400") });
    await expect(breaker.call(() => Promise.reject(new Error("400 bad request")), { context: ctx })).rejects.toThrow("400");
    expect(await breaker.call(() => "still closed", { context: ctx })).toBe("still closed");
  });

  it("with its store unreachable or hung, calls go ahead (fail-open), the problem is logged once, nothing hangs", async () => {
    const lines: string[] = [];
    const down = contextWith({
      breakerAcquire: () => Promise.reject(new Error("The execution API at http://127.0.0.1:1 is unreachable")),
      breakerRecord: () => Promise.reject(new Error("unreachable")),
    }, lines);
    const hung = contextWith({ breakerAcquire: () => new Promise(() => {}), breakerRecord: () => new Promise(() => {}) }, lines);
    const breaker = circuitBreaker({ name: "payments", failureThreshold: 1, fallback: () => "fallback", storeTimeout: { milliseconds: 100 } });
    expect(await breaker.call(() => "ok", { context: down })).toBe("ok");
    expect(await breaker.call(() => Promise.reject(new Error("boom")), { context: down })).toBe("fallback");
    expect(await breaker.call(() => "ok again", { context: hung })).toBe("ok again");
    expect(lines.filter((l) => l.startsWith("ERROR"))).toEqual([
      'ERROR Circuit breaker "payments" could not reach its shared state (The execution API at http://127.0.0.1:1 is unreachable); calls go ahead without it (fail-open) until it is back.',
    ]);
  });
});

// PostgreSQL when reachable: there, concurrent transitions really race.
const backend = BACKENDS.find((b) => b.name === (POSTGRES_REACHABLE ? "postgres" : "pglite"))!;

describe(`breaker state shared through the execution API, the REST API and the UI [${backend.name}]`, () => {
  let db: Database;
  let api: ExecutionApi;
  let server: RunningServer;
  const secret = Buffer.from("breaker-test-secret");
  const token = issueToken(secret, { dagId: "d", runId: "r", taskId: "t", mapIndex: -1, tryNumber: 1 });
  const wire = { failureThreshold: 1000, resetTimeoutSeconds: 0, halfOpenTrials: 3 };
  const call = (path: string, body: unknown) => api.handle({ method: "POST", path, authorization: `Bearer ${token}`, body });

  beforeAll(async () => {
    db = await backend.open();
    api = new ExecutionApi(db, secret, { onTryFinished() {} });
    await createUsers(db);
    const app = express();
    app.use("/api/v1", restApiRouter(db, { onChange() {} }));
    app.use("/", uiRouter(db, { onChange() {} } as never));
    server = await listen(app, 0);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("concurrent failures lose no count, and a half-open breaker admits exactly its trial count", async () => {
    const permit = (await call("/breakers/shared/acquire", { config: wire })).body as { generation: number };
    await Promise.all(Array.from({ length: 20 }, () => call("/breakers/shared/record", { config: wire, generation: permit.generation, trial: false, ok: false, error: "down" })));
    const { rows } = await db.query<{ failure_count: number; state: string }>("SELECT failure_count, state FROM circuit_breaker WHERE name = 'shared'");
    expect(rows).toEqual([{ failure_count: 20, state: "closed" }]);

    const tight = { failureThreshold: 1, resetTimeoutSeconds: 0, halfOpenTrials: 3 };
    const first = (await call("/breakers/tight/acquire", { config: tight })).body as { generation: number };
    await call("/breakers/tight/record", { config: tight, generation: first.generation, trial: false, ok: false, error: "down" });
    const permits = await Promise.all(Array.from({ length: 10 }, () => call("/breakers/tight/acquire", { config: { ...tight, resetTimeoutSeconds: 3600 } })));
    // Opened just now with an hour's reset: nothing passes.
    expect(permits.filter((p) => (p.body as { admitted: boolean }).admitted)).toHaveLength(0);
    await db.query("UPDATE circuit_breaker SET opened_at = now() - interval '2 hours' WHERE name = 'tight'");
    const trials = await Promise.all(Array.from({ length: 10 }, () => call("/breakers/tight/acquire", { config: { ...tight, resetTimeoutSeconds: 3600 } })));
    expect(trials.filter((p) => (p.body as { admitted: boolean }).admitted)).toHaveLength(3);
  });

  it("bad input is refused and changes nothing", async () => {
    const bad = await call("/breakers/shared/acquire", { config: { failureThreshold: 0, resetTimeoutSeconds: 1, halfOpenTrials: 1 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/failureThreshold .* must be an integer ≥ 1/);
    expect((await call("/breakers/shared/record", { config: wire, ok: "yes" })).status).toBe(400);
    const { rows } = await db.query("SELECT failure_count FROM circuit_breaker WHERE name = 'shared'");
    expect(rows).toEqual([{ failure_count: 20 }]);
  });

  it("the REST extension lists breakers and resets one (Op may, Viewer may only read)", async () => {
    const auth = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-pw`).toString("base64")}` });
    const listed = await fetch(`${server.url}/api/v1/circuitBreakers`, { headers: auth("viewer") });
    const list = (await listed.json()) as { total_entries: number; circuit_breakers: Array<{ name: string }> };
    expect(listed.status, JSON.stringify(list)).toBe(200);
    expect(list.total_entries).toBe(2);
    expect(list.circuit_breakers.find((b: { name: string }) => b.name === "tight")).toMatchObject({ state: "half_open", failure_threshold: 1, half_open_trials: 3 });
    expect((await fetch(`${server.url}/api/v1/circuitBreakers/tight/reset`, { method: "POST", headers: auth("viewer") })).status).toBe(403);
    const reset = await fetch(`${server.url}/api/v1/circuitBreakers/tight/reset`, { method: "POST", headers: auth("op") });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ name: "tight", state: "closed", failure_count: 0, opened_at: null });
    const missing = await fetch(`${server.url}/api/v1/circuitBreakers/nope/reset`, { method: "POST", headers: auth("op") });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/No circuit breaker is named "nope"/);
  });

  it("the UI page shows each breaker's state and counts; reset needs the form's CSRF token", async () => {
    const tight = { failureThreshold: 1, resetTimeoutSeconds: 3600, halfOpenTrials: 3 };
    const p = (await call("/breakers/tight/acquire", { config: tight })).body as { generation: number };
    await call("/breakers/tight/record", { config: tight, generation: p.generation, trial: false, ok: false, error: "HTTP 503 from payments" });
    const ui = new UiClient(server.url);
    await ui.login("op", "op-pw");
    const page = await ui.get("/circuit-breakers");
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<tr data-breaker="tight">.*breaker-open.*HTTP 503 from payments/s);
    expect(page.text).toContain('action="/circuit-breakers/tight/reset"');
    expect((await ui.post("/circuit-breakers/tight/reset", { _csrf: null })).status).toBe(403);
    expect((await db.query("SELECT state FROM circuit_breaker WHERE name = 'tight'")).rows).toEqual([{ state: "open" }]);
    const done = await ui.post("/circuit-breakers/tight/reset");
    expect(done.status).toBe(303);
    expect((await db.query("SELECT state FROM circuit_breaker WHERE name = 'tight'")).rows).toEqual([{ state: "closed" }]);
    expect((await db.query("SELECT owner FROM log WHERE event = 'circuit_breaker.reset'")).rows).toEqual([{ owner: "op" }]);
    const viewer = new UiClient(server.url);
    await viewer.login("viewer", "viewer-pw");
    const readOnly = await viewer.get("/circuit-breakers");
    expect(readOnly.status).toBe(200);
    expect(readOnly.text).not.toContain("/reset");
  });
});
