import type express from "express";
import type { Request, Response } from "express";
import { loadDag, page, query, type UiContext } from "../context.ts";
import { allRunsFingerprint, runFingerprint, taskInstancesChangedSince } from "../queries/changes.ts";

// A transaction's now() is its start: a TI committed a little after a poll may carry an updated_at before that poll's
// time. Each poll therefore looks this far back again and drops what it already sent.
const LOOKBACK_MS = 5_000;
// Proxies close idle connections (nginx after 60 s): a comment line keeps the stream open.
const KEEPALIVE_MS = 15_000;
const RUNS_WATCHED = 100;

/**
 * GET /ui/events?dag_id=…: server-sent events with the DAG's state changes. Each open stream polls the database
 * (every `pollIntervalMs`, 500 ms by default), so it works whichever process changed the state: the scheduler in this
 * standalone, or a scheduler and workers elsewhere on PostgreSQL. Events: `ti` with the changed task instances, `run`
 * with the latest runs when one appeared or changed state. Without dag_id (the DAGs list), one `run` event (no data)
 * whenever any DAG's runs changed.
 */
export function eventRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/ui/events", page(async (req, res) => {
    const dagId = query(req, "dag_id");
    if (dagId) await loadDag(ctx, res, dagId);
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.write("retry: 2000\n\n");
    if (!dagId) return streamAllRuns(ctx, req, res);

    let since = (await taskInstancesChangedSince(ctx.db, dagId, new Date())).now;
    let runs = JSON.stringify(await runFingerprint(ctx.db, dagId, RUNS_WATCHED));
    const sent = new Map<string, string>();
    let closed = false;
    let lastWrite = Date.now();
    const send = (event: string, data: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      lastWrite = Date.now();
    };

    const poll = async () => {
      const from = new Date(since.getTime() - LOOKBACK_MS);
      const { now, changes } = await taskInstancesChangedSince(ctx.db, dagId, from);
      const fresh = changes.filter(([runId, taskId, mapIndex, state, tryNumber, at]) => {
        const key = `${runId}\u0000${taskId}\u0000${mapIndex}`;
        const print = `${state}|${tryNumber}|${at}`;
        if (sent.get(key) === print) return false;
        sent.set(key, print);
        return true;
      });
      // What is older than the look-back window cannot be seen again: forget it.
      for (const [key, print] of sent) if (Number(print.split("|")[2]) < from.getTime() - LOOKBACK_MS) sent.delete(key);
      since = now;
      if (fresh.length) send("ti", fresh.map(([run_id, task_id, map_index, state, try_number]) => ({ run_id, task_id, map_index, state, try_number })));
      const latest = await runFingerprint(ctx.db, dagId, RUNS_WATCHED);
      const print = JSON.stringify(latest);
      if (print !== runs) {
        runs = print;
        send("run", latest.map(([run_id, state]) => ({ run_id, state })));
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        res.write(": keep-alive\n\n");
        lastWrite = Date.now();
      }
    };

    const loop = async () => {
      while (!closed) {
        await new Promise((resolve) => setTimeout(resolve, ctx.pollIntervalMs));
        if (closed) break;
        try {
          await poll();
        } catch (error) {
          // The database went away (shutdown): end the stream; the browser reconnects and gets a fresh start.
          if (!closed) res.end();
          closed = true;
          void error;
        }
      }
    };
    res.on("close", () => {
      closed = true;
    });
    void loop();
  }));
}

/** The DAGs list's stream: a `run` event whenever any run appeared or changed state (the page fetches itself again). */
async function streamAllRuns(ctx: UiContext, req: Request, res: Response): Promise<void> {
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  let print = await allRunsFingerprint(ctx.db);
  let lastWrite = Date.now();
  while (!closed) {
    await new Promise((resolve) => setTimeout(resolve, ctx.pollIntervalMs));
    if (closed) break;
    try {
      const next = await allRunsFingerprint(ctx.db);
      if (next !== print) {
        print = next;
        res.write("event: run\ndata: {}\n\n");
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite > KEEPALIVE_MS) {
        res.write(": keep-alive\n\n");
        lastWrite = Date.now();
      }
    } catch {
      closed = true;
      res.end();
    }
  }
}
