import kafkajs from "kafkajs";
import type { Consumer, ConsumerConfig, KafkaMessage, Producer } from "kafkajs";
import type { ConnectionInfo } from "../../core/types.ts";
import { Delivery, encodeValue, type ConsumerTransport, type OutgoingMessage, type ProducerTransport } from "../common/messaging.ts";
import { kafkaConfig } from "./config.ts";

const { Kafka, logLevel } = kafkajs;

export function kafkaClient(connection: ConnectionInfo): InstanceType<typeof Kafka> {
  // Failures reach the task as errors with a message (see explain); kafkajs's own console logging would only duplicate them.
  return new Kafka({ ...kafkaConfig(connection), logLevel: logLevel.NOTHING });
}

function explain(error: unknown, connection: ConnectionInfo): Error {
  const servers = kafkaConfig(connection).brokers;
  return new Error(`Kafka at ${String(servers)} (connection "${connection.connId}") failed: ${(error as Error).message}. Check that the broker is running and the connection's bootstrap.servers.`, { cause: error });
}

/** Producer; ids are "<partition>:<offset>". */
export class KafkaProducer implements ProducerTransport {
  private constructor(private readonly producer: Producer) {}

  static async connect(connection: ConnectionInfo): Promise<KafkaProducer> {
    const producer = kafkaClient(connection).producer({ allowAutoTopicCreation: true });
    try {
      await producer.connect();
    } catch (error) {
      throw explain(error, connection);
    }
    return new KafkaProducer(producer);
  }

  /**
   * One produce request per message, in order: kafkajs reports offsets per partition, not per message, so this is
   * how each message's "<partition>:<offset>" id is known. Fine for the tens-to-thousands a task sends.
   */
  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<string[]> {
    const ids: string[] = [];
    for (const m of messages) {
      const [record] = await this.producer.send({ topic, messages: [{ key: m.key ?? null, value: encodeValue(m.value), headers: m.headers }] });
      ids.push(`${record!.partition}:${record!.baseOffset ?? "?"}`);
    }
    return ids;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

interface Pending {
  deliveries: Delivery[];
  /** Tells kafkajs the message is handled, so it does not fetch it again in this session. */
  resolveOffset: (offset: string) => void;
  /** Resolves eachBatch once every delivery of the batch is acknowledged (or the consumer closes). */
  done: () => void;
}

/**
 * A consumer-group reader over kafkajs's push API: each fetched batch waits in a buffer until the operator
 * acknowledges it; acknowledging commits offset + 1. Kafka does not redeliver a message the consumer moved past,
 * so failed messages are retried at once by the caller, then sent to the dead-letter topic.
 */
export class KafkaConsumer implements ConsumerTransport {
  readonly redelivers = false;
  private buffer: Delivery[] = [];
  private batches: Pending[] = [];
  private waiter: (() => void) | undefined;
  private outstanding = new Map<string, Pending>();
  private crashed: Error | undefined;

  private constructor(
    private readonly consumer: Consumer,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly deadLetterTopic: string,
    private readonly pollTimeoutMs: number,
  ) {}

  static async connect(connection: ConnectionInfo, topic: string, settings: { groupId: string; deadLetterTopic: string; pollTimeoutMs: number; fromBeginning?: boolean; consumerConfig?: Partial<ConsumerConfig> }): Promise<KafkaConsumer> {
    const kafka = kafkaClient(connection);
    const consumer = kafka.consumer({ allowAutoTopicCreation: true, ...settings.consumerConfig, groupId: settings.groupId });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    try {
      await consumer.connect();
      await producer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: settings.fromBeginning ?? true });
    } catch (error) {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      throw explain(error, connection);
    }
    const transport = new KafkaConsumer(consumer, producer, topic, settings.deadLetterTopic, settings.pollTimeoutMs);
    consumer.on(consumer.events.CRASH, (event) => {
      transport.crashed = event.payload.error;
      transport.waiter?.();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        await new Promise<void>((resolve) => {
          const deliveries = batch.messages.map((m) => toDelivery(batch.topic, batch.partition, m));
          const pending: Pending = { deliveries, resolveOffset, done: resolve };
          for (const d of deliveries) transport.outstanding.set(d.id, pending);
          transport.batches.push(pending);
          transport.buffer.push(...deliveries);
          transport.waiter?.();
        });
      },
    });
    return transport;
  }

  async fetch(max: number): Promise<Delivery[]> {
    if (!this.buffer.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollTimeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    if (this.crashed) throw new Error(`The Kafka consumer of ${this.topic} stopped: ${this.crashed.message}`, { cause: this.crashed });
    return this.buffer.splice(0, max);
  }

  async ack(delivery: Delivery): Promise<void> {
    const { partition, offset } = delivery.position!;
    await this.consumer.commitOffsets([{ topic: delivery.topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    const pending = this.outstanding.get(delivery.id);
    pending?.resolveOffset(offset);
    this.outstanding.delete(delivery.id);
    if (pending && !pending.deliveries.some((d) => this.outstanding.has(d.id))) {
      this.batches = this.batches.filter((b) => b !== pending);
      pending.done();
    }
  }

  async deadLetter(delivery: Delivery, error: unknown): Promise<void> {
    await this.producer.send({
      topic: this.deadLetterTopic,
      messages: [{
        key: delivery.key,
        value: delivery.value,
        headers: {
          ...delivery.headers,
          "x-error": (error as Error)?.message ?? String(error),
          "x-source-topic": delivery.topic,
          "x-source-id": delivery.id,
          "x-delivery-count": String(delivery.deliveryCount),
        },
      }],
    });
    await this.ack(delivery);
  }

  async close(): Promise<void> {
    // Unacknowledged messages stay uncommitted: the group's next consumer gets them again.
    for (const batch of this.batches) batch.done();
    await this.consumer.disconnect().catch(() => {});
    await this.producer.disconnect().catch(() => {});
  }
}

function toDelivery(topic: string, partition: number, message: KafkaMessage): Delivery {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(",") : String(value);
  return new Delivery(`${partition}:${message.offset}`, topic, message.key?.toString() ?? null, message.value?.toString() ?? "", headers, 1, { partition, offset: message.offset });
}
