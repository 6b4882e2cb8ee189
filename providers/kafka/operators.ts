import type { ConsumerConfig } from "kafkajs";
import type { TaskContext } from "../../core/context.ts";
import type { ConsumerTransport, ProducerTransport } from "../common/messaging.ts";
import { BaseConsumeOperator, BaseProduceOperator, type ConsumeOptions, type ProduceOptions } from "../common/queue-operators.ts";
import { KafkaConsumer, KafkaProducer } from "./transport.ts";

export interface ProduceToTopicOptions extends ProduceOptions {
  /** Default "kafka_default". */
  kafkaConfigId?: string;
  /** Templated. */
  topic: string;
}

/** Airflow's ProduceToTopicOperator (kafka provider) on kafkajs, with the same interface as the Redis Streams producer. */
export class ProduceToTopicOperator extends BaseProduceOperator {
  kafkaConfigId: string;

  constructor(options: ProduceToTopicOptions) {
    super(options);
    this.kafkaConfigId = options.kafkaConfigId ?? "kafka_default";
  }

  protected override async producer(context: TaskContext): Promise<ProducerTransport> {
    return KafkaProducer.connect(await context.connections.get(this.kafkaConfigId));
  }
}

export interface ConsumeFromTopicOptions extends ConsumeOptions {
  kafkaConfigId?: string;
  /** Templated. */
  topic: string;
  /** A new group starts at the earliest offset (default) or only takes new messages. */
  fromBeginning?: boolean;
  /**
   * kafkajs consumer settings (Airflow's consumer_config). A lone short-lived consumer joins its group faster with
   * a small `rebalanceTimeout` (the broker waits that long for other members): 15 s with kafkajs's default against
   * Tansu, 3 s with 2000 ms.
   */
  consumerConfig?: Partial<ConsumerConfig>;
}

/**
 * Airflow's ConsumeFromTopicOperator on kafkajs: `applyFunction` per message, offsets committed as messages are
 * handled; a message that fails `maxDeliveries` times goes to the dead-letter topic (default "<topic>.dlq").
 */
export class ConsumeFromTopicOperator extends BaseConsumeOperator {
  kafkaConfigId: string;
  fromBeginning: boolean;
  consumerConfig: Partial<ConsumerConfig>;

  constructor(options: ConsumeFromTopicOptions) {
    super(options);
    this.kafkaConfigId = options.kafkaConfigId ?? "kafka_default";
    this.fromBeginning = options.fromBeginning ?? true;
    this.consumerConfig = options.consumerConfig ?? {};
  }

  protected override async consumer(context: TaskContext): Promise<ConsumerTransport> {
    return KafkaConsumer.connect(await context.connections.get(this.kafkaConfigId), this.topic, {
      groupId: this.groupId, deadLetterTopic: this.deadLetterTopic, pollTimeoutMs: Math.round(this.pollTimeout * 1000), fromBeginning: this.fromBeginning, consumerConfig: this.consumerConfig,
    });
  }
}
