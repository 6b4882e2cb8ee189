import { hostname } from "node:os";
import type { TaskContext } from "../../core/context.ts";
import type { ConsumerTransport, ProducerTransport } from "../common/messaging.ts";
import { BaseConsumeOperator, BaseProduceOperator, type ConsumeOptions, type ProduceOptions } from "../common/queue-operators.ts";
import { connectRedis, RedisStreamConsumer, RedisStreamProducer } from "./streams.ts";

export interface RedisStreamProduceOptions extends ProduceOptions {
  /** Default "redis_default". */
  redisConnId?: string;
  /** The stream's key. Templated. */
  stream: string;
  /** Trim the stream to about this many entries (XADD MAXLEN). */
  maxlen?: number;
  /** Default true: `MAXLEN ~`. */
  approximateMaxlen?: boolean;
}

/** Appends messages to a Redis stream (XADD); the entry ids are the return XCom. */
export class RedisStreamProduceOperator extends BaseProduceOperator {
  redisConnId: string;
  maxlen: number | undefined;
  approximateMaxlen: boolean;

  constructor(options: RedisStreamProduceOptions) {
    super({ ...options, topic: options.stream });
    this.redisConnId = options.redisConnId ?? "redis_default";
    this.maxlen = options.maxlen;
    this.approximateMaxlen = options.approximateMaxlen ?? true;
  }

  protected override async producer(context: TaskContext): Promise<ProducerTransport> {
    return new RedisStreamProducer(await connectRedis(await context.connections.get(this.redisConnId)), { maxlen: this.maxlen, approximate: this.approximateMaxlen });
  }
}

export interface RedisStreamConsumeOptions extends ConsumeOptions {
  redisConnId?: string;
  /** The stream's key. Templated. */
  stream: string;
  /** Consumer name in the group. Default: host and process id. */
  consumerName?: string;
  /** Seconds a pending entry must be idle before this consumer reclaims it (XAUTOCLAIM). Default 60. */
  claimMinIdle?: number;
  /** "0" (default): a new group reads the stream from its start; "$": only entries added later. */
  startId?: string;
}

/**
 * Reads a Redis stream in a consumer group (XREADGROUP), first reclaiming entries left pending too long (XAUTOCLAIM);
 * acknowledges handled entries (XACK); after `maxDeliveries` failed deliveries moves an entry to the dead-letter
 * stream (default "<stream>.dlq") with its error.
 */
export class RedisStreamConsumeOperator extends BaseConsumeOperator {
  redisConnId: string;
  consumerName: string;
  claimMinIdle: number;
  startId: string;

  constructor(options: RedisStreamConsumeOptions) {
    super({ ...options, topic: options.stream });
    this.redisConnId = options.redisConnId ?? "redis_default";
    this.consumerName = options.consumerName ?? `${hostname()}-${process.pid}`;
    this.claimMinIdle = options.claimMinIdle ?? 60;
    this.startId = options.startId ?? "0";
  }

  protected override async consumer(context: TaskContext): Promise<ConsumerTransport> {
    const client = await connectRedis(await context.connections.get(this.redisConnId));
    return new RedisStreamConsumer(client, this.topic, {
      group: this.groupId, consumer: this.consumerName, blockMs: Math.round(this.pollTimeout * 1000), claimMinIdleMs: Math.round(this.claimMinIdle * 1000),
      deadLetterStream: this.deadLetterTopic, startId: this.startId,
    });
  }
}
