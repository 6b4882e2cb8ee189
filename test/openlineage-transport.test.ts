import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { consoleTransport } from "../lineage/transports/console.ts";
import { fileTransport } from "../lineage/transports/file.ts";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { runDagInProcess } from "../core/inprocess/run-dag.ts";
import { processLineage, resetProcessLineage } from "../lineage/process-emitter.ts";
import { lineageConfig, LineageConfigError } from "../lineage/config.ts";
import { BufferedSender } from "../lineage/emitter.ts";
import { httpTransport } from "../lineage/transports/http.ts";
import type { RunEvent, Transport } from "../lineage/types.ts";
import { validateRunEvent } from "../lineage/validate.ts";
import { updraft } from "./helpers/cli.ts";
import { freePort } from "./helpers/free-port.ts";
import { waitFor } from "./helpers/wait-for.ts";

const FIXTURES = join(import.meta.dirname, "fixtures", "lineage", "transport");
const event = (n: number) => ({ eventType: "OTHER", job: { namespace: "t", name: `job${n}` } }) as unknown as RunEvent;

/** An HTTP endpoint that records what it receives, answering `status`, or never answering when `hang`. */
async function endpoint(behaviour: { status?: number; hang?: boolean }) {
  const received: Array<{ path: string; auth: string | undefined; body: RunEvent }> = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(body) });
      if (!behaviour.hang) res.writeHead(behaviour.status ?? 200).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe("a lineage endpoint that is down or slow does not affect tasks", () => {
  it("runs the DAG to success with the endpoint down, and logs how many events it dropped", async () => {
    const port = await freePort();
    const run = await dagsTestWith({ UPDRAFT_DAGS_FOLDER: FIXTURES, UPDRAFT_OPENLINEAGE_URL: `http://127.0.0.1:${port}` });
    expect(run.states).toEqual({ produce: "success", consume: "success" });
    expect(run.stderr).toMatch(/\[openlineage\] dropped \d+ event\(s\) for http http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage .*last error: .*ECONNREFUSED/);
  });

  it("runs the DAG to success against an endpoint that never answers (the send times out, the event is dropped)", async () => {
    const slow = await endpoint({ hang: true });
    try {
      const run = await runInProcess({ UPDRAFT_OPENLINEAGE_URL: slow.url, UPDRAFT_OPENLINEAGE_TIMEOUT: "0.2" });
      expect(run.states).toEqual({ produce: "success", consume: "success" });
      expect(run.logged.join("\n")).toMatch(/dropped 6 event\(s\).*did not answer within 200 ms \(timeout\)/);
      expect(slow.received.length).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it("delivers every event to a working endpoint with the API key, each valid against the schemas", async () => {
    const up = await endpoint({ status: 201 });
    try {
      const run = await runInProcess({ AIRFLOW__OPENLINEAGE__TRANSPORT: JSON.stringify({ type: "http", url: up.url, auth: { type: "api_key", apiKey: "k-123" } }) });
      expect(run.states).toEqual({ produce: "success", consume: "success" });
      // 2 tasks × START/COMPLETE + the DAG run's START/COMPLETE.
      expect(up.received.map((r) => `${r.body.job.name} ${r.body.eventType}`).sort()).toEqual([
        "lineage_transport COMPLETE", "lineage_transport START", "lineage_transport.consume COMPLETE", "lineage_transport.consume START",
        "lineage_transport.produce COMPLETE", "lineage_transport.produce START",
      ]);
      for (const r of up.received) {
        expect(r.path).toBe("/api/v1/lineage");
        expect(r.auth).toBe("Bearer k-123");
        expect(validateRunEvent(r.body)).toEqual([]);
      }
      expect(run.logged).toEqual([]);
    } finally {
      await up.close();
    }
  });
});

let bag: Promise<DagBag> | undefined;

/** `dags test` in this process (as the CLI runs it) with these settings, waiting for every event to be delivered or dropped. */
async function runInProcess(settings: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, settings);
  resetProcessLineage();
  const logged: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((m: unknown) => void logged.push(String(m)));
  try {
    bag ??= DagBag.load(FIXTURES);
    const result = await runDagInProcess((await bag).getDag("lineage_transport"), { logicalDate: "2024-01-03" });
    await processLineage()?.emitter.idle();
    return { logged: logged.filter((m) => m.includes("[openlineage]")), states: Object.fromEntries(result.taskInstances.map((t) => [t.taskId, t.state])) };
  } finally {
    spy.mockRestore();
    process.env = saved;
    resetProcessLineage();
  }
}

async function dagsTestWith(env: Record<string, string>) {
  const result = await updraft(["dags", "test", "lineage_transport", "2024-01-03", "-o", "json"], { env });
  const parsed = JSON.parse(result.stdout) as { task_instances: Array<{ task_id: string; state: string }> };
  return { ...result, states: Object.fromEntries(parsed.task_instances.map((t) => [t.task_id, t.state])) };
}

describe("the buffered sender", () => {
  it("never waits for the transport: enqueue returns while a send is pending", async () => {
    let release: (() => void) | undefined;
    const sent: string[] = [];
    const transport: Transport = { name: "slow", send: (e) => new Promise<void>((r) => (release = () => { sent.push(e.job.name); r(); })) };
    const sender = new BufferedSender(transport, { log: () => {} });
    sender.enqueue(event(1));
    expect(sent).toEqual([]);
    await waitFor("the send to start", () => (release ? true : undefined));
    release!();
    await sender.idle();
    expect(sent).toEqual(["job1"]);
  });

  it("retries with backoff, and delivers after transient failures", async () => {
    let calls = 0;
    const transport: Transport = { name: "flaky", send: async () => { if (++calls < 3) throw new Error("503"); } };
    const sender = new BufferedSender(transport, { attempts: 3, backoffMs: 1, log: () => {} });
    sender.enqueue(event(1));
    await sender.idle();
    expect({ calls, delivered: sender.delivered, dropped: sender.dropped }).toEqual({ calls: 3, delivered: 1, dropped: 0 });
  });

  it("drops what does not fit its buffer or keeps failing, and logs the count once", async () => {
    const logs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const transport: Transport = { name: "down", send: async () => { await gate; throw new Error("connect ECONNREFUSED"); } };
    const sender = new BufferedSender(transport, { capacity: 2, attempts: 2, backoffMs: 1, log: (m) => logs.push(m) });
    for (let i = 0; i < 5; i++) sender.enqueue(event(i));
    release();
    await sender.idle();
    expect(sender.dropped).toBe(5);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/dropped 5 event\(s\) for down \(5 in all\); last error: connect ECONNREFUSED/);
  });
});

describe("configuration, as Airflow's OpenLineage provider reads it", () => {
  it("reads the transport JSON, the URL and API key, the namespace, and the UPDRAFT_ aliases", async () => {
    expect(lineageConfig({ OPENLINEAGE_URL: "http://m:5000", OPENLINEAGE_API_KEY: "k" }).transports.map((t) => t.name)).toEqual(["http http://m:5000/api/v1/lineage"]);
    expect(lineageConfig({ UPDRAFT_OPENLINEAGE_URL: "http://u:1/base/", UPDRAFT_OPENLINEAGE_ENDPOINT: "v2/events" }).transports[0].name).toBe("http http://u:1/base/v2/events");
    expect(lineageConfig({ AIRFLOW__OPENLINEAGE__TRANSPORT: '{"type": "console"}', AIRFLOW__OPENLINEAGE__NAMESPACE: "prod" })).toMatchObject({ namespace: "prod", disabled: false });
    expect(lineageConfig({ AIRFLOW__OPENLINEAGE__DISABLED: "True" }).disabled).toBe(true);
    expect(lineageConfig({}).transports).toEqual([]);
    expect(() => lineageConfig({ OPENLINEAGE_TRANSPORT: "{nope" })).toThrow(LineageConfigError);
    expect(() => lineageConfig({ OPENLINEAGE_TRANSPORT: '{"type": "kafka"}' })).toThrow(/Unknown OpenLineage transport type "kafka": use "http", "file" or "console"/);
  });

  it("writes one JSON line per event with the file and console transports", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-ol-file-"));
    try {
      const file = fileTransport(join(dir, "nested", "ol.jsonl"));
      await file.send(event(1));
      await file.send(event(2));
      expect((await readFile(join(dir, "nested", "ol.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l).job.name)).toEqual(["job1", "job2"]);
      const lines: string[] = [];
      await consoleTransport((l) => lines.push(l)).send(event(3));
      expect(lines).toEqual([`[openlineage] ${JSON.stringify(event(3))}`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says what an endpoint answered when it refuses an event", async () => {
    const refusing = await endpoint({ status: 422 });
    try {
      await expect(httpTransport({ url: refusing.url }).send(event(1))).rejects.toThrow(/answered 422/);
    } finally {
      await refusing.close();
    }
  });
});
