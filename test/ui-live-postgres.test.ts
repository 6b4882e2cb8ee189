import express from "express";
import { afterEach, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { hashPassword } from "../webserver/auth/passwords.ts";
import { listen, type RunningServer } from "../webserver/app.ts";
import { uiRouter } from "../webserver/ui/router.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { schemaUrl, startSchedulerProcess, type SchedulerProcess } from "./helpers/scheduler-process.ts";
import { UI_DAGS, UiClient } from "./helpers/ui-session.ts";
import { waitFor } from "./helpers/wait-for.ts";

const postgres = BACKENDS.find((b) => b.name === "postgres")!;

describePostgres("live UI updates when the scheduler is another process on PostgreSQL", () => {
  let db: Database | undefined;
  let scheduler: SchedulerProcess | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    await scheduler?.stop();
    await db?.close(); // drops the test's schema
  });

  it("streams the task instances' states as the other process's runners change them", { timeout: 90_000 }, async () => {
    db = await postgres.open();
    scheduler = await startSchedulerProcess("ui", { UPDRAFT_DATABASE_URL: schemaUrl(postgres.lastSchema!), UPDRAFT_DAGS_FOLDER: UI_DAGS });
    await waitFor("ui_quick to be parsed", async () => ((await db!.query("SELECT 1 FROM dag WHERE dag_id = 'ui_quick' AND dag_hash IS NOT NULL")).rows.length ? true : undefined), 30_000);
    await db.query("INSERT INTO ab_user (username, role, password_hash) VALUES ('op', 'Op', $1)", [await hashPassword("op-pass")]);

    // This process serves only the UI (as `updraft webserver` would): it tells no scheduler anything directly.
    const app = express();
    app.use("/", uiRouter(db, { onChange: () => {} }));
    server = await listen(app, 0);
    const client = new UiClient(server.url);
    expect((await client.login("op", "op-pass")).status).toBe(303);
    expect((await client.post("/dags/ui_quick/pause", { is_paused: "false" })).status).toBe(303);

    const controller = new AbortController();
    const cookie = (client as unknown as { cookie: string }).cookie;
    const stream = await fetch(`${server.url}/ui/events?dag_id=ui_quick`, { headers: { cookie }, signal: controller.signal });
    const reader = stream.body!.getReader();
    expect((await client.post("/dags/ui_quick/trigger", { "param.greeting": "pg" })).status).toBe(303);

    const seen = new Map<string, string | null>();
    let buffer = "";
    await waitFor("both tasks reported as success on the stream", async () => {
      buffer += new TextDecoder().decode((await reader.read()).value);
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!message.startsWith("event: ti")) continue;
        const data = JSON.parse(message.slice(message.indexOf("data: ") + 6)) as Array<{ task_id: string; state: string | null }>;
        for (const ti of data) seen.set(ti.task_id, ti.state);
      }
      return seen.get("hello") === "success" && seen.get("goodbye") === "success" ? true : undefined;
    }, 60_000);
    controller.abort();
  });
});
