import type { TaskContext } from "../../core/context.ts";
import { jsonSafe } from "../common-sql/json-rows.ts";

/**
 * The interface Redis Streams and Kafka share, so their operators behave the same: messages with a key, a text
 * value and headers; consumer groups; acknowledgement; retries counted per message; a dead-letter destination.
 */

/** A message to send. An object value is sent as JSON. */
export interface OutgoingMessage {
  key?: string | null;
  value: unknown;
  headers?: Record<string, string>;
}

/** A message as a consumer receives it. */
export class Delivery {
  constructor(
    /** Redis: the entry id; Kafka: "<partition>:<offset>". */
    readonly id: string,
    /** The stream or topic it came from. */
    readonly topic: string,
    readonly key: string | null,
    readonly value: string,
    readonly headers: Readonly<Record<string, string>>,
    /** 1 on first delivery; counts redeliveries (Redis: the group's delivery counter; Kafka: retries in this consumer). */
    readonly deliveryCount: number,
    /** Transport-specific position (Kafka partition and offset). */
    readonly position?: { partition: number; offset: string },
  ) {}

  /** The value parsed as JSON. */
  json<T = any>(): T {
    try {
      return JSON.parse(this.value) as T;
    } catch {
      throw new Error(`Message ${this.id} of ${this.topic} is not JSON: ${this.value.slice(0, 200)}`);
    }
  }

  redelivered(): Delivery {
    return new Delivery(this.id, this.topic, this.key, this.value, this.headers, this.deliveryCount + 1, this.position);
  }
}

export function encodeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return JSON.stringify(value);
}

export interface ProducerTransport {
  /** Sends messages in order; returns their ids. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<string[]>;
  close(): Promise<void>;
}

export interface ConsumerTransport {
  /**
   * True when a message left unacknowledged comes back by itself (Redis: pending entries are reclaimed with
   * XAUTOCLAIM); false when the consumer must retry it at once (Kafka: the next offset moves on).
   */
  readonly redelivers: boolean;
  /** Up to `max` messages; empty when none arrived within the poll timeout. */
  fetch(max: number): Promise<Delivery[]>;
  ack(delivery: Delivery): Promise<void>;
  /** Writes the message, the error and its delivery count to the dead-letter destination, then acknowledges it. */
  deadLetter(delivery: Delivery, error: unknown): Promise<void>;
  close(): Promise<void>;
}

export type ApplyFunction = (message: Delivery, context: TaskContext) => unknown;

export interface ConsumeSettings {
  applyFunction: ApplyFunction;
  /** Deliveries to handle in this try (a message retried counts once per delivery). */
  maxMessages: number;
  maxBatchSize: number;
  /** After this many failed deliveries a message goes to the dead-letter destination. */
  maxDeliveries: number;
}

export interface ConsumeSummary {
  /** Deliveries handled. */
  deliveries: number;
  acked: number;
  /** Failures that will be retried (redelivered). */
  failedAttempts: number;
  deadLettered: number;
  deadLetteredIds: string[];
  /** What applyFunction returned for each acknowledged message (undefined ones left out). */
  results: unknown[];
}

/** Handles messages until `maxMessages` deliveries or an empty poll: ack on success, retry, then dead-letter. */
export async function consumeMessages(transport: ConsumerTransport, settings: ConsumeSettings, context: TaskContext): Promise<ConsumeSummary> {
  const summary: ConsumeSummary = { deliveries: 0, acked: 0, failedAttempts: 0, deadLettered: 0, deadLetteredIds: [], results: [] };
  while (summary.deliveries < settings.maxMessages) {
    const batch = await transport.fetch(Math.min(settings.maxBatchSize, settings.maxMessages - summary.deliveries));
    if (batch.length === 0) break;
    for (let delivery of batch) {
      for (;;) {
        summary.deliveries++;
        try {
          const result = await settings.applyFunction(delivery, context);
          await transport.ack(delivery);
          summary.acked++;
          if (result !== undefined) summary.results.push(jsonSafe(result));
          break;
        } catch (error) {
          const reason = (error as Error)?.message ?? String(error);
          if (delivery.deliveryCount >= settings.maxDeliveries) {
            await transport.deadLetter(delivery, error);
            summary.deadLettered++;
            summary.deadLetteredIds.push(delivery.id);
            context.log.error(`Message ${delivery.id} failed on delivery ${delivery.deliveryCount}/${settings.maxDeliveries} (${reason}); moved to the dead-letter destination`);
            break;
          }
          summary.failedAttempts++;
          context.log.warn(`Message ${delivery.id} failed on delivery ${delivery.deliveryCount}/${settings.maxDeliveries}: ${reason}`);
          if (transport.redelivers) break;
          delivery = delivery.redelivered();
        }
      }
    }
  }
  context.log.info(`Consumed ${summary.deliveries} deliveries: ${summary.acked} acknowledged, ${summary.failedAttempts} to retry, ${summary.deadLettered} dead-lettered`);
  return summary;
}
