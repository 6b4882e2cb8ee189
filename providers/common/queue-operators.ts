import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { consumeMessages, type ApplyFunction, type ConsumeSummary, type ConsumerTransport, type OutgoingMessage, type ProducerTransport } from "./messaging.ts";

export interface ProduceOptions extends TaskOptions {
  /** Messages to send. Templated. */
  messages?: OutgoingMessage[];
  /** Returns the messages to send (objects, or `[key, value]` pairs as Airflow's producer_function yields). */
  producerFunction?: (context: TaskContext) => Iterable<OutgoingMessage | [string | null, unknown]> | Promise<Iterable<OutgoingMessage | [string | null, unknown]>>;
}

/** Sends messages to a stream or topic; the ids of what was sent are the return XCom. */
export abstract class BaseProduceOperator extends BaseOperator<string[]> {
  static override templateFields: readonly string[] = ["topic", "messages"];
  topic: string;
  messages: OutgoingMessage[] | undefined;
  producerFunction: ProduceOptions["producerFunction"];

  constructor(options: ProduceOptions & { topic: string }) {
    super(options);
    requireArgument(typeof options.topic === "string" && options.topic !== "", `${new.target.name} "${options.taskId}" needs the stream or topic to send to.`);
    requireArgument((options.messages === undefined) !== (options.producerFunction === undefined), `${new.target.name} "${options.taskId}": give either messages or producerFunction.`);
    this.topic = options.topic;
    this.messages = options.messages;
    this.producerFunction = options.producerFunction;
  }

  protected abstract producer(context: TaskContext): Promise<ProducerTransport>;

  override async execute(context: TaskContext): Promise<string[]> {
    const produced = this.messages ?? [...(await this.producerFunction!(context))].map((m) => (Array.isArray(m) ? { key: m[0], value: m[1] } : m));
    const transport = await this.producer(context);
    try {
      const ids = await transport.send(this.topic, produced);
      context.log.info(`Sent ${ids.length} messages to ${this.topic}`);
      return ids;
    } finally {
      await transport.close();
    }
  }
}

export interface ConsumeOptions extends TaskOptions {
  /** Called for each message; throwing leaves it to be retried, then dead-lettered. */
  applyFunction: ApplyFunction;
  /** Consumer group. */
  groupId?: string;
  /** Deliveries per try. Default 1000. */
  maxMessages?: number;
  maxBatchSize?: number;
  /** Seconds to wait for messages before ending the try. Default 1. */
  pollTimeout?: number;
  /** Failed deliveries before a message is dead-lettered. Default 3. */
  maxDeliveries?: number;
  /** Where failed messages go. Default "<topic>.dlq". */
  deadLetterTopic?: string;
}

/** Consumes a stream or topic in a consumer group; returns a summary (counts, dead-lettered ids, results). */
export abstract class BaseConsumeOperator extends BaseOperator<ConsumeSummary> {
  static override templateFields: readonly string[] = ["topic", "groupId", "deadLetterTopic"];
  topic: string;
  applyFunction: ApplyFunction;
  groupId: string;
  maxMessages: number;
  maxBatchSize: number;
  pollTimeout: number;
  maxDeliveries: number;
  deadLetterTopic: string;

  constructor(options: ConsumeOptions & { topic: string }) {
    super(options);
    requireArgument(typeof options.topic === "string" && options.topic !== "", `${new.target.name} "${options.taskId}" needs the stream or topic to consume.`);
    requireArgument(typeof options.applyFunction === "function", `${new.target.name} "${options.taskId}" needs an applyFunction(message, context).`);
    this.topic = options.topic;
    this.applyFunction = options.applyFunction;
    this.groupId = options.groupId ?? `updraft-${this.dag.dagId}-${this.taskId}`;
    this.maxMessages = options.maxMessages ?? 1000;
    this.maxBatchSize = options.maxBatchSize ?? 100;
    this.pollTimeout = options.pollTimeout ?? 1;
    this.maxDeliveries = options.maxDeliveries ?? 3;
    this.deadLetterTopic = options.deadLetterTopic ?? `${options.topic}.dlq`;
    requireArgument(this.maxDeliveries >= 1, `${new.target.name} "${options.taskId}": maxDeliveries must be at least 1.`);
  }

  protected abstract consumer(context: TaskContext): Promise<ConsumerTransport>;

  override async execute(context: TaskContext): Promise<ConsumeSummary> {
    const transport = await this.consumer(context);
    try {
      return await consumeMessages(transport, { applyFunction: this.applyFunction, maxMessages: this.maxMessages, maxBatchSize: this.maxBatchSize, maxDeliveries: this.maxDeliveries }, context);
    } finally {
      await transport.close();
    }
  }
}
