import { Redis } from "ioredis";
import type { ConnectionInfo } from "../../core/types.ts";
import { Delivery, encodeValue, type ConsumerTransport, type OutgoingMessage, type ProducerTransport } from "../common/messaging.ts";
import { redisOptions } from "./connection.ts";

/** A connected client; the error says where Redis was expected and what to do. */
export async function connectRedis(connection: ConnectionInfo): Promise<Redis> {
  const options = redisOptions(connection);
  const client = new Redis(options);
  client.on("error", () => {}); // reported by connect() / the failing command instead
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Cannot connect to Redis at ${options.host}:${options.port} (connection "${connection.connId}"): ${(error as Error).message}. Start Redis or fix the connection.`, { cause: error });
  }
  return client;
}

// Entry fields: the value, the key and headers (JSON) when present.
function toFields(message: OutgoingMessage): string[] {
  const fields = ["value", encodeValue(message.value)];
  if (message.key !== undefined && message.key !== null) fields.push("key", message.key);
  if (message.headers && Object.keys(message.headers).length) fields.push("headers", JSON.stringify(message.headers));
  return fields;
}

function fromFields(stream: string, id: string, raw: string[], deliveryCount: number): Delivery {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i]!] = raw[i + 1]!;
  let headers: Record<string, string> = {};
  try {
    headers = fields.headers ? JSON.parse(fields.headers) : {};
  } catch {
    headers = {};
  }
  return new Delivery(id, stream, fields.key ?? null, fields.value ?? "", headers, deliveryCount);
}

export interface StreamProducerSettings {
  /** Trim the stream to about this many entries on each XADD. */
  maxlen?: number;
  /** `MAXLEN ~` (default, cheaper: trims whole nodes) or exact `MAXLEN =`. */
  approximate?: boolean;
}

/** XADD producer. */
export class RedisStreamProducer implements ProducerTransport {
  constructor(private readonly client: Redis, private readonly settings: StreamProducerSettings = {}) {}

  async send(stream: string, messages: readonly OutgoingMessage[]): Promise<string[]> {
    const pipeline = this.client.multi();
    for (const message of messages) {
      const trim = this.settings.maxlen !== undefined ? ["MAXLEN", this.settings.approximate === false ? "=" : "~", String(this.settings.maxlen)] : [];
      pipeline.call("XADD", stream, ...trim, "*", ...toFields(message));
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, id]) => {
      if (error) throw error;
      return id as string;
    });
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

export interface StreamConsumerSettings {
  group: string;
  consumer: string;
  /** Milliseconds XREADGROUP waits for new entries. */
  blockMs: number;
  /** Pending entries idle this long (another consumer died, or a failed delivery) are reclaimed with XAUTOCLAIM. */
  claimMinIdleMs: number;
  deadLetterStream: string;
  /** Where a new group starts: "0" (the whole stream, default) or "$" (only new entries). */
  startId?: string;
}

/** Consumer-group reader: XAUTOCLAIM stale pending entries first, then XREADGROUP new ones; XACK; dead-letter by XADD. */
export class RedisStreamConsumer implements ConsumerTransport {
  readonly redelivers = true;
  private groupReady = false;

  constructor(private readonly client: Redis, private readonly stream: string, private readonly settings: StreamConsumerSettings) {}

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.client.call("XGROUP", "CREATE", this.stream, this.settings.group, this.settings.startId ?? "0", "MKSTREAM");
    } catch (error) {
      if (!String((error as Error).message).includes("BUSYGROUP")) throw error;
    }
    this.groupReady = true;
  }

  async fetch(max: number): Promise<Delivery[]> {
    await this.ensureGroup();
    const claimed = await this.claimStale(max);
    if (claimed.length) return claimed;
    const reply = (await this.client.call(
      "XREADGROUP", "GROUP", this.settings.group, this.settings.consumer, "COUNT", String(max), "BLOCK", String(this.settings.blockMs), "STREAMS", this.stream, ">",
    )) as Array<[string, Array<[string, string[]]>]> | [string, Array<[string, string[]]>] | null;
    // RESP2 answers [[stream, entries]]; ioredis 6 unwraps a single stream to [stream, entries].
    const entries = !reply ? [] : typeof reply[0] === "string" ? (reply as [string, Array<[string, string[]]>])[1] : ((reply as Array<[string, Array<[string, string[]]>]>)[0]?.[1] ?? []);
    return entries.map(([id, fields]) => fromFields(this.stream, id, fields, 1));
  }

  private async claimStale(max: number): Promise<Delivery[]> {
    const [, entries] = (await this.client.call(
      "XAUTOCLAIM", this.stream, this.settings.group, this.settings.consumer, String(this.settings.claimMinIdleMs), "0-0", "COUNT", String(max),
    )) as [string, Array<[string, string[]] | null>];
    const live = entries.filter((e): e is [string, string[]] => e !== null && e[1] !== null);
    if (!live.length) return [];
    // XAUTOCLAIM counted this delivery; XPENDING tells how many there have been.
    const counts = await Promise.all(
      live.map(async ([id]) => {
        const pending = (await this.client.call("XPENDING", this.stream, this.settings.group, id, id, "1")) as Array<[string, string, number, number]>;
        return pending[0]?.[3] ?? 1;
      }),
    );
    return live.map(([id, fields], i) => fromFields(this.stream, id, fields, counts[i]!));
  }

  async ack(delivery: Delivery): Promise<void> {
    await this.client.xack(this.stream, this.settings.group, delivery.id);
  }

  async deadLetter(delivery: Delivery, error: unknown): Promise<void> {
    const reason = (error as Error)?.message ?? String(error);
    // The same x- headers as the Kafka dead-letter topic, so one consumer reads both; plain fields for redis-cli.
    const headers = { ...delivery.headers, "x-error": reason, "x-source-topic": this.stream, "x-source-id": delivery.id, "x-delivery-count": String(delivery.deliveryCount) };
    const fields = ["value", delivery.value, "headers", JSON.stringify(headers)];
    if (delivery.key !== null) fields.push("key", delivery.key);
    fields.push("error", reason, "source_id", delivery.id, "delivery_count", String(delivery.deliveryCount), "failed_at", new Date().toISOString());
    await this.client.multi().call("XADD", this.settings.deadLetterStream, "*", ...fields).xack(this.stream, this.settings.group, delivery.id).exec();
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
