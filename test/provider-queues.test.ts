import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag } from "updraft";
import { runDag } from "updraft/testing";
import { ConsumeFromTopicOperator, ProduceToTopicOperator } from "updraft/providers/kafka";
import { RedisStreamConsumeOperator, RedisStreamProduceOperator, type ConsumeSummary, type Delivery } from "updraft/providers/redis";
import type { BaseConsumeOperator, BaseProduceOperator } from "../providers/common/queue-operators.ts";
import { freePort } from "./helpers/free-port.ts";
import { describeKafka, startKafkaBroker, type KafkaBroker } from "./helpers/kafka-broker.ts";
import { connectionsFrom } from "./helpers/provider-secrets.ts";
import { describeRedis, REDIS_URL } from "./helpers/redis.ts";

type Flavour = {
  name: string;
  producer(taskId: string, topic: string, extra?: Record<string, unknown>): BaseProduceOperator;
  consumer(taskId: string, topic: string, applyFunction: (m: Delivery) => unknown, extra?: Record<string, unknown>): BaseConsumeOperator;
  secrets: () => Record<string, string>;
};

/**
 * The same DAG, through the shared operator interface, for Redis Streams and Kafka: produce, consume with a handler
 * that fails on one message, dead-letter it after maxDeliveries, find nothing left on a second consume, and read the
 * dead-letter destination with the same consumer operator.
 */
function sharedBehaviour(flavour: () => Flavour) {
  it("produces, consumes with retries, dead-letters the poison message, and leaves nothing behind", async () => {
    const f = flavour();
    const topic = `orders-${randomBytes(4).toString("hex")}`;
    const seen: string[] = [];
    const built = dag({ dagId: `queues_${f.name}`, schedule: null, startDate: "2024-01-01" }, () => {
      const produce = f.producer("produce", topic, {
        messages: [{ key: "a", value: { id: 1, day: "{{ ds }}" } }, { key: "poison", value: "not json" }, { key: "c", value: { id: 3 }, headers: { source: "test" } }],
      });
      const consume = f.consumer("consume", topic, (m) => {
        seen.push(`${m.key}#${m.deliveryCount}`);
        return m.json().id; // throws for "not json"
      }, { maxDeliveries: 2, groupId: "billing" });
      const again = f.consumer("consume_again", topic, (m) => m.value, { groupId: "billing" });
      const dead = f.consumer("read_dead_letters", `${topic}.dlq`, (m) => ({ value: m.value, error: m.headers["x-error"], deliveryCount: m.headers["x-delivery-count"] }), { groupId: "auditor" });
      produce.then(consume).then([again, dead]);
    });
    const run = await runDag(built, { logicalDate: "2024-01-03", secrets: connectionsFrom(f.secrets()), parallelism: 2 });
    expect(run.states).toEqual({ produce: "success", consume: "success", consume_again: "success", read_dead_letters: "success" });
    expect(run.returnValue("produce")).toHaveLength(3);
    const summary = run.returnValue("consume") as ConsumeSummary;
    expect(summary).toMatchObject({ acked: 2, deadLettered: 1, failedAttempts: 1 });
    expect([...summary.results].sort()).toEqual([1, 3]);
    expect(seen.filter((s) => s.startsWith("poison"))).toEqual(["poison#1", "poison#2"]);
    expect((run.returnValue("consume_again") as ConsumeSummary).deliveries).toBe(0);
    expect((run.returnValue("read_dead_letters") as ConsumeSummary).results).toEqual([{ value: "not json", error: expect.stringMatching(/is not JSON/), deliveryCount: "2" }]);
  });
}

describeRedis("Redis Streams operators", () => {
  const prefix = `updraft-test-queues-${randomBytes(4).toString("hex")}`;
  const redis = new Redis(REDIS_URL);
  const url = new URL(REDIS_URL);
  const secrets = () => ({ redis_test: `redis://${url.hostname}:${url.port || 6379}` });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  sharedBehaviour(() => ({
    name: "redis",
    producer: (taskId, topic, extra) => new RedisStreamProduceOperator({ taskId, redisConnId: "redis_test", stream: `${prefix}:${topic}`, ...extra } as never),
    consumer: (taskId, topic, applyFunction, extra) =>
      new RedisStreamConsumeOperator({ taskId, redisConnId: "redis_test", stream: `${prefix}:${topic}`, applyFunction, claimMinIdle: 0, pollTimeout: 0.1, ...extra } as never),
    secrets,
  }));

  it("trims with MAXLEN and reclaims entries a crashed consumer left pending (XAUTOCLAIM)", async () => {
    const stream = `${prefix}:events`;
    await redis.xgroup("CREATE", stream, "workers", "0", "MKSTREAM");
    const built = dag({ dagId: "redis_reclaim", schedule: null, startDate: "2024-01-01" }, () => {
      new RedisStreamProduceOperator({ taskId: "produce", redisConnId: "redis_test", stream, maxlen: 3, approximateMaxlen: false, messages: [1, 2, 3, 4, 5].map((n) => ({ value: { n } })) });
    });
    expect((await runDag(built, { secrets: connectionsFrom(secrets()) })).states.produce).toBe("success");
    expect(await redis.xlen(stream)).toBe(3);
    // A consumer that read two entries and died before acknowledging them.
    await redis.xreadgroup("GROUP", "workers", "crashed", "COUNT", "2", "STREAMS", stream, ">");
    await new Promise((resolve) => setTimeout(resolve, 120));
    const consume = dag({ dagId: "redis_reclaim_consume", schedule: null, startDate: "2024-01-01" }, () => {
      new RedisStreamConsumeOperator({ taskId: "consume", redisConnId: "redis_test", stream, groupId: "workers", claimMinIdle: 0.1, pollTimeout: 0.1, applyFunction: (m) => `${m.json().n}@${m.deliveryCount}` });
    });
    const run = await runDag(consume, { secrets: connectionsFrom(secrets()) });
    expect((run.returnValue("consume") as ConsumeSummary).results).toEqual(["3@2", "4@2", "5@1"]);
    expect(await redis.xpending(stream, "workers")).toEqual([0, null, null, null]);
  });

  it("fails fast with what to do when Redis is down", async () => {
    const port = await freePort();
    const built = dag({ dagId: "redis_down", schedule: null, startDate: "2024-01-01" }, () => {
      new RedisStreamProduceOperator({ taskId: "produce", redisConnId: "down", stream: "x", messages: [{ value: 1 }] });
    });
    const run = await runDag(built, { secrets: connectionsFrom({ down: `redis://127.0.0.1:${port}` }) });
    expect(run.states.produce).toBe("failed");
    expect(run.logs.join("\n")).toMatch(/Cannot connect to Redis at 127.0.0.1:\d+ \(connection "down"\).*Start Redis/);
  });
});

describeKafka("Kafka operators against a Kafka-compatible broker (Tansu)", () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker();
  });
  afterAll(() => broker?.stop());

  const conn = () => JSON.stringify({ conn_type: "kafka", extra: { "bootstrap.servers": broker.bootstrap } });

  sharedBehaviour(() => ({
    name: "kafka",
    producer: (taskId, topic, extra) => new ProduceToTopicOperator({ taskId, kafkaConfigId: "kafka_test", topic, ...extra } as never),
    consumer: (taskId, topic, applyFunction, extra) => new ConsumeFromTopicOperator({ taskId, kafkaConfigId: "kafka_test", topic, applyFunction, pollTimeout: 1, consumerConfig: { rebalanceTimeout: 1000, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 }, ...extra } as never),
    secrets: () => ({ kafka_test: conn() }),
  }));

  it("fails fast with what to check when no broker answers", async () => {
    const port = await freePort();
    const built = dag({ dagId: "kafka_down", schedule: null, startDate: "2024-01-01" }, () => {
      new ProduceToTopicOperator({ taskId: "produce", kafkaConfigId: "down", topic: "x", messages: [{ value: 1 }] });
    });
    const run = await runDag(built, { secrets: connectionsFrom({ down: JSON.stringify({ conn_type: "kafka", extra: { "bootstrap.servers": `127.0.0.1:${port}` } }) }) });
    expect(run.states.produce).toBe("failed");
    expect(run.logs.join("\n")).toMatch(/Kafka at 127.0.0.1:\d+ \(connection "down"\) failed.*broker is running/);
  });
});

describe("queue operator arguments", () => {
  it("needs either messages or a producerFunction", () => {
    expect(() => dag({ dagId: "q_args", schedule: null, startDate: "2024-01-01" }, () => {
      new RedisStreamProduceOperator({ taskId: "p", stream: "s" });
    })).toThrow(/either messages or producerFunction/);
  });
});
