/** Kafka through kafkajs: `import { ProduceToTopicOperator, ConsumeFromTopicOperator } from "updraft/providers/kafka"`. */
export { ProduceToTopicOperator, ConsumeFromTopicOperator, type ProduceToTopicOptions, type ConsumeFromTopicOptions } from "./operators.ts";
export { KafkaProducer, KafkaConsumer, kafkaClient } from "./transport.ts";
export { kafkaConfig } from "./config.ts";
export { Delivery, consumeMessages, type OutgoingMessage, type ConsumeSummary, type ApplyFunction } from "../common/messaging.ts";
