import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertRouter, dag, task } from "updraft";
import { runDag } from "updraft/testing";
import { stringify } from "yaml";
import { databaseAlertStore, memoryAlertStore } from "../alerting/alert-store.ts";
import { validateRoutingConfig } from "../alerting/config.ts";
import { decideAlert, type AlertPolicy, type AlertState } from "../alerting/decision.ts";
import { routeFor } from "../alerting/route.ts";
import { triggerDagRun } from "../core/runs/trigger-dag-run.ts";
import type { Database } from "../core/store/database.ts";
import { BACKENDS, describeEachBackend } from "./helpers/databases.ts";
import { startHttpReceiver, type HttpReceiver } from "./helpers/http-receiver.ts";
import { harnessOverFolder } from "./helpers/scheduler-harness.ts";

const minimal = { teams: { data: { channel: "slack_data" } }, default: { team: "data", severity: "P4" } };

describe("alert routing file", () => {
  it("lists every problem with its path", () => {
    const document = {
      teams: { data: { channel: "slack_data", pager: "x" } },
      routes: [{ match: { tags: ["finance"], owners: "x" }, team: "finance", severity: "P5" }, { team: "data" }],
      default: { team: "data" },
      dedup_window: "soon",
      escalation: { after_failures: 0 },
      colour: "red",
    };
    let message = "";
    try {
      validateRoutingConfig(document, "routing.yaml");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "Alert routing file routing.yaml is invalid:",
      "  - colour: unknown key; expected one of teams, routes, default, incident_channel, leadership_email, pagerduty, smtp_conn_id, dedup_window, escalation",
      "  - teams.data.pager: unknown key; expected one of channel, email",
      "  - routes[0].match.owners: unknown key; expected one of tags, owner",
      "  - routes[0].severity: must be one of P1, P2, P3, P4 (got \"P5\")",
      "  - routes[0].team: team \"finance\" is not defined under teams (defined: data)",
      "  - routes[1].severity: is required (P1, P2, P3, P4)",
      "  - default.severity: is required",
      "  - escalation.after_failures: must be a whole number ≥ 1",
      "  - pagerduty: P1 alerts (a P1 route, or escalation) need somewhere to go: set pagerduty, incident_channel or leadership_email",
      "  - dedup_window: \"soon\" is not a duration; write e.g. \"90s\", \"30m\", \"2h\", \"1d\" or a number of seconds.",
    ]);
  });

  it("reads durations, PagerDuty by key or connection, and defaults", () => {
    const config = validateRoutingConfig({ ...minimal, dedup_window: "90s", escalation: { after_failures: 2, within: "2h", after: "1d", to: "P1" }, pagerduty: { conn_id: "pd" } }, "f.yaml");
    expect(config.dedupWindowSeconds).toBe(90);
    expect(config.escalation).toEqual({ afterFailures: 2, withinSeconds: 7200, afterSeconds: 86_400, to: "P1" });
    expect(config.pagerduty).toEqual({ url: null, routingKey: null, connId: "pd" });
    expect(validateRoutingConfig({ ...minimal, pagerduty: { routing_key: "k" } }, "f").pagerduty).toEqual({ url: "https://events.pagerduty.com/v2/enqueue", routingKey: "k", connId: null });
    expect(() => validateRoutingConfig({ ...minimal, pagerduty: { routing_key: "k", conn_id: "pd" } }, "f")).toThrow(/give either routing_key .* or conn_id/);
    expect(() => validateRoutingConfig("- a list", "f.yaml")).toThrow("f.yaml: the alert routing file must be a YAML mapping");
  });

  it("routes by the first matching tag or owner, else the default", () => {
    const config = validateRoutingConfig({
      teams: { finance: {}, ml: {}, data: {} },
      routes: [{ match: { tags: ["finance", "billing"] }, team: "finance", severity: "P2" }, { match: { owner: "ml-team" }, team: "ml", severity: "P3" }],
      default: { team: "data", severity: "P4" },
    }, "f");
    expect(routeFor(config, { tags: ["x", "billing"], owner: "ml-team" })).toMatchObject({ team: "finance", severity: "P2", rule: "routes[0]" });
    expect(routeFor(config, { tags: [], owner: "alice, ml-team" })).toMatchObject({ team: "ml", severity: "P3", rule: "routes[1]" });
    expect(routeFor(config, { tags: ["other"], owner: "airflow" })).toMatchObject({ team: "data", severity: "P4", rule: "default" });
  });
});

describe("deduplication and escalation", () => {
  const policy: AlertPolicy = { severity: "P3", dedupWindowSeconds: 600, escalateAfterFailures: 3, escalateWithinSeconds: 3600, escalateAfterSeconds: 7200, escalateTo: null };
  const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1, 0, minutes));
  function replay(times: number[], p = policy) {
    let state: AlertState | null = null;
    return times.map((minute) => {
      const { state: next, decision } = decideAlert(state, p, at(minute));
      state = next;
      return `${decision.severity}${decision.deliver ? "" : " suppressed"}`;
    });
  }

  it("suppresses repeats within the window, sends again after it, escalates on the Nth failure within the hour", () => {
    expect(replay([0, 5, 20])).toEqual(["P3", "P3 suppressed", "P2"]);
    expect(replay([0, 11])).toEqual(["P3", "P3"]);
    // Failures older than the escalation window no longer count.
    expect(replay([0, 11, 70, 81])).toEqual(["P3", "P3", "P3", "P3"]);
    // An escalated alert breaks through the dedup window; the same severity again does not.
    expect(replay([0, 1, 2, 3])).toEqual(["P3", "P3 suppressed", "P2", "P2 suppressed"]);
  });

  it("escalates a key failing for longer than `after`, and to `escalateTo` when set", () => {
    expect(replay([0, 50, 100, 130], { ...policy, escalateAfterFailures: null })).toEqual(["P3", "P3", "P3", "P2"]);
    expect(replay([0, 1, 2], { ...policy, escalateTo: "P1" })).toEqual(["P3", "P3 suppressed", "P1"]);
  });

  it("a resolved key starts afresh", async () => {
    const store = memoryAlertStore();
    await store.record("d.t", policy, at(0));
    expect(await store.resolve("d.t")).toBe(true);
    expect((await store.record("d.t", policy, at(1))).deliver).toBe(true);
    expect(await store.resolve("d.other")).toBe(false);
  });
});

describeEachBackend("alert state in the metadata database", (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(() => db?.close());

  it("counts concurrent failures of one key exactly and delivers one of them", async () => {
    const store = databaseAlertStore(db);
    const policy: AlertPolicy = { severity: "P2", dedupWindowSeconds: 600, escalateAfterFailures: null, escalateWithinSeconds: 3600, escalateAfterSeconds: null, escalateTo: null };
    const now = new Date();
    const decisions = await Promise.all(Array.from({ length: 5 }, () => store.record("dag.task", policy, now)));
    expect(decisions.filter((d) => d.deliver)).toHaveLength(1);
    expect(decisions.map((d) => d.failures).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await store.resolve("dag.task")).toBe(true);
    expect((await db.query("SELECT 1 FROM alert_state WHERE alert_key = 'dag.task'")).rowCount).toBe(0);
  });
});

describe("alertRouter when destinations fail", () => {
  let http: HttpReceiver;
  beforeAll(async () => {
    http = await startHttpReceiver();
  });
  afterAll(() => http?.close());

  it("a channel answering 500 and a PagerDuty that never answers: each logged once, the other destinations still sent, states unchanged", async () => {
    http.respond("/slack/broken", { status: 500 });
    http.respond("/pagerduty/hung", "hang");
    const config = validateRoutingConfig({
      teams: { t: { channel: `${http.url}/slack/broken` } },
      default: { team: "t", severity: "P2" },
      pagerduty: { url: `${http.url}/pagerduty/hung`, routing_key: "k" },
      incident_channel: `${http.url}/slack/incidents`,
    }, "inline");
    const d = dag({ dagId: "router_faults", schedule: null, startDate: "2024-01-01" }, () => {
      task({ taskId: "p2", onFailureCallback: alertRouter({ config }) }, async () => {
        throw new Error("p2 broke");
      })();
      task({ taskId: "p1", onFailureCallback: alertRouter({ config, severity: "P1", timeoutSeconds: 1 }) }, async () => {
        throw new Error("p1 broke");
      })();
      task({ taskId: "p4_ok", onSuccessCallback: alertRouter({ config, severity: "P4" }) }, async () => "fine")();
    });
    const run = await runDag(d, { logicalDate: "2024-01-03" });
    expect(run.states).toEqual({ p2: "failed", p1: "failed", p4_ok: "success" });
    const errors = run.logs.filter((line) => line.includes("alert_router") && line.includes("failed:"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^p2: alert_router: P2 alert for router_faults\.p2 to team t channel failed: Slack webhook http:\/\/127\.0\.0\.1:\d+\/… refused the message: .*500/);
    expect(errors[1]).toMatch(/^p1: alert_router: P1 alert for router_faults\.p1 to on-call page failed: could not reach PagerDuty at 127\.0\.0\.1:\d+: no answer within 1s/);
    expect(http.at("/slack/incidents").map((m) => m.text.split("\n")[0])).toEqual(["[P1] Task router_faults.p1 failed in run manual__2024-01-03T00:00:00+00:00 (try 1 of 1)"]);
  });
});

// Real runners through the execution API: the state lives in the database, so it holds across tries and runs.
describe("alertRouter under the scheduler", () => {
  let http: HttpReceiver;
  let dir: string;
  const saved = process.env.UPDRAFT_ALERT_ROUTING;
  beforeAll(async () => {
    http = await startHttpReceiver();
    dir = await mkdtemp(join(tmpdir(), "updraft-alerting-"));
    const path = join(dir, "routing.yaml");
    await writeFile(path, stringify({
      teams: { exports: { channel: `${http.url}/slack/team` } },
      routes: [{ match: { tags: ["alerting-test"] }, team: "exports", severity: "P3" }],
      default: { team: "exports", severity: "P4" },
      pagerduty: { url: `${http.url}/pagerduty/v2/enqueue`, routing_key: "key-1" },
      incident_channel: `${http.url}/slack/incidents`,
      dedup_window: "1h",
      escalation: { after_failures: 3, within: "1h", to: "P1" },
    }));
    // Read by the DAG file when the harness (and each runner) loads it.
    process.env.UPDRAFT_ALERT_ROUTING = path;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.UPDRAFT_ALERT_ROUTING;
    else process.env.UPDRAFT_ALERT_ROUTING = saved;
    await http?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = harnessOverFolder(BACKENDS[0], join(import.meta.dirname, "fixtures", "alerting"));

  it("sends the first failure, suppresses the repeat, pages on the third, and stays quiet for the next run's failures", async () => {
    for (const day of [1, 2]) {
      const created = await triggerDagRun(env.db, "alerting_always_fails", { logicalDate: new Date(Date.UTC(2024, 2, day)) });
      env.harness.scheduler.runsCreated();
      expect(await env.harness.waitForRun("alerting_always_fails", created.run_id)).toBe("failed");
    }
    expect(http.at("/slack/team").map((m) => m.text.split("\n")[0])).toEqual([
      "[P3] Task alerting_always_fails.flaky_export failed in run manual__2024-03-01T00:00:00+00:00 (try 1 of 3)",
    ]);
    const pages = http.at("/pagerduty/v2/enqueue");
    expect(pages.map((p) => [p.routing_key, p.dedup_key, p.payload.summary])).toEqual([
      ["key-1", "updraft/alerting_always_fails.flaky_export", "[P1] Task alerting_always_fails.flaky_export failed in run manual__2024-03-01T00:00:00+00:00 (try 3 of 3)"],
    ]);
    expect(http.at("/slack/incidents")).toHaveLength(1);
    const { rows } = await env.db.query<{ failures: string[]; last_sent_severity: string }>("SELECT failures, last_sent_severity FROM alert_state WHERE alert_key = 'alerting_always_fails/flaky_export'");
    expect(rows.map((r) => [r.failures.length, r.last_sent_severity])).toEqual([[6, "P1"]]);
  });
});
