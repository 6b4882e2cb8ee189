import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Hook } from "updraft/providers/amazon";
import { startDemoApi, type DemoApi } from "../dags/phase9/lib/demo-api.ts";
import { join } from "node:path";
import { loadDags, runDag } from "updraft/testing";
import { dagsTest, REPO_ROOT } from "./helpers/cli.ts";
import { connectionsFrom } from "./helpers/provider-secrets.ts";
import { POSTGRES_REACHABLE, POSTGRES_URL, freshSchemaName } from "./helpers/databases.ts";
import { freePort } from "./helpers/free-port.ts";
import { MOTO_AVAILABLE, startMoto, type MotoServer } from "./helpers/moto-server.ts";
import { REDIS_REACHABLE, REDIS_URL } from "./helpers/redis.ts";

/**
 * The phase 9 examples under `updraft dags test`, each against its real service (PostgreSQL, the demo API, moto,
 * Redis) through connection environment variables; then each with its service absent, failing fast and saying why.
 * The CLI runs go in parallel: each spends most of its time loading, not working.
 */
const ready = POSTGRES_REACHABLE && REDIS_REACHABLE && MOTO_AVAILABLE;

(ready ? describe : describe.skip)(`phase 9 provider examples${ready ? "" : " (needs PostgreSQL, Redis and moto)"}`, () => {
  const schema = freshSchemaName();
  const stream = `updraft-test-phase9-${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const redis = new Redis(REDIS_URL);
  let api: DemoApi;
  let moto: MotoServer;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    [api, moto] = await Promise.all([startDemoApi({ readyAfter: 1 }), startMoto()]);
  }, 40_000);
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    const keys = await redis.keys(`${stream}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([api?.close(), moto?.stop()]);
  });

  it("run against their services: rows checked in PostgreSQL, pages fetched over OAuth2, files in S3, events billed and dead-lettered", async () => {
    const pgUrl = new URL(POSTGRES_URL);
    pgUrl.search = `options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const redisUrl = new URL(REDIS_URL);
    const env = {
      AIRFLOW_CONN_WAREHOUSE: pgUrl.toString(),
      AIRFLOW_CONN_ORDERS_API: `http://orders-client:s3cret@127.0.0.1:${new URL(api.url).port}?auth_type=oauth2_client_credentials&token_url=%2Foauth%2Ftoken`,
      AIRFLOW_CONN_DATA_LAKE: JSON.stringify({ conn_type: "aws", login: "testing", password: "testing", extra: { endpoint_url: moto.url, region_name: "us-east-1" } }),
      AIRFLOW_CONN_EVENTS: `redis://${redisUrl.hostname}:${redisUrl.port || 6379}`,
      AIRFLOW_VAR_PHASE9_STREAM: stream,
    };
    const [db, http, s3, queues] = await Promise.all(
      ["phase9_01_database_integration", "phase9_02_api_integration", "phase9_03_cloud_integration", "phase9_04_message_queues"].map((id) => dagsTest(id, "2024-01-03", [], env)),
    );
    for (const result of [db, http, s3, queues]) expect(result.run.state, `${result.run.dag_id}:\n${result.stderr}`).toBe("success");

    const { rows } = await admin.query(`SELECT count(*)::int AS n, sum(amount)::int AS total FROM "${schema}".phase9_orders WHERE day = '2024-01-03'`);
    expect(rows[0]).toEqual({ n: 4, total: 250 });
    expect(api.stats.pageRequests).toBe(3); // 5 orders, 2 per page
    const lake = new S3Hook({ connection: { connId: "lake", connType: "aws", login: "testing", password: "testing", extra: { endpoint_url: moto.url } } });
    expect(await lake.listKeys("phase9-lake")).toEqual(["archive/2024-01-03/orders.json"]);
    const dead = await redis.xrange(`${stream}.dlq`, "-", "+");
    expect(dead).toHaveLength(1);
    expect(dead[0]![1].join(" ")).toMatch(/order-3.*negative amount/);
    expect(await redis.xpending(stream, "billing")).toEqual([0, null, null, null]);
  }, 90_000);

  it("fail fast with a message naming the missing service", async () => {
    // In process (the same DAG files, the same run loop as `dags test`) so the task logs can be read.
    const port = await freePort();
    const secrets = connectionsFrom({
      warehouse: `postgres://postgres@127.0.0.1:${port}/test`,
      orders_api: `http://127.0.0.1:${port}`,
      data_lake: JSON.stringify({ conn_type: "aws", login: "k", password: "s", extra: { endpoint_url: `http://127.0.0.1:${port}` } }),
      events: `redis://127.0.0.1:${port}`,
    });
    const bag = await loadDags(join(REPO_ROOT, "dags/phase9"));
    const ids = ["phase9_01_database_integration", "phase9_02_api_integration", "phase9_03_cloud_integration", "phase9_04_message_queues"];
    const runs = await Promise.all(ids.map((id) => runDag(bag.getDag(id), { logicalDate: "2024-01-03", secrets })));
    for (const run of runs) expect(run.state).toBe("failed");
    const [db, http, s3, queues] = runs.map((run) => run.logs.join("\n"));
    expect(db).toMatch(/Cannot connect to PostgreSQL at 127.0.0.1:\d+ \(connection "warehouse"\)/);
    expect(http).toMatch(/failed after \d attempt\(s\): ECONNREFUSED/);
    expect(s3).toMatch(/nothing answers at 127.0.0.1.*endpoint_url of connection "data_lake"/);
    expect(queues).toMatch(/Cannot connect to Redis at 127.0.0.1:\d+ \(connection "events"\)/);
  }, 90_000);
});
