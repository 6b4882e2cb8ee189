/** Redis Streams: `import { RedisStreamProduceOperator, RedisStreamConsumeOperator } from "updraft/providers/redis"`. */
export { RedisStreamProduceOperator, RedisStreamConsumeOperator, type RedisStreamProduceOptions, type RedisStreamConsumeOptions } from "./operators.ts";
export { RedisStreamProducer, RedisStreamConsumer, connectRedis, type StreamConsumerSettings, type StreamProducerSettings } from "./streams.ts";
export { redisOptions } from "./connection.ts";
export { Delivery, consumeMessages, type OutgoingMessage, type ConsumeSummary, type ApplyFunction, type ConsumerTransport, type ProducerTransport } from "../common/messaging.ts";
