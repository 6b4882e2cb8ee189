/**
 * phase9_04_message_queues — Redis Streams producer and consumer with a dead-letter stream.
 *
 * Shows: `RedisStreamProduceOperator` appending the day's order events (XADD, trimmed with MAXLEN); a
 * `RedisStreamConsumeOperator` in consumer group "billing" handling them (XREADGROUP, XACK), reclaiming entries a
 * crashed consumer left pending (XAUTOCLAIM), and after 3 failed deliveries moving a bad event to
 * "phase9:orders.dlq" (variable `phase9_stream` renames both) with its error; a second consumer reading the dead letters. The Kafka operators
 * (`ProduceToTopicOperator`, `ConsumeFromTopicOperator` from "updraft/providers/kafka") take the same arguments.
 *
 * Needs Redis. Run it:
 *   redis-server --port 6379 &
 *   export AIRFLOW_CONN_EVENTS='redis://127.0.0.1:6379'
 *   updraft dags test phase9_04_message_queues 2024-01-03
 * Without Redis the producer fails at once: "Cannot connect to Redis at 127.0.0.1:6379 … Start Redis".
 */
import { dag } from "updraft";
import { RedisStreamConsumeOperator, RedisStreamProduceOperator, type Delivery } from "updraft/providers/redis";

// The stream's key; the variable lets several environments (or test runs) share one Redis.
const STREAM = '{{default var.value.phase9_stream "phase9:orders"}}';

interface OrderEvent {
  orderId: number;
  amount: number;
  day: string;
}

function bill(message: Delivery): number {
  const event = message.json<OrderEvent>();
  if (event.amount < 0) throw new Error(`order ${event.orderId} has a negative amount (${event.amount})`);
  return event.amount;
}

export default dag(
  {
    dagId: "phase9_04_message_queues",
    description: "Streams order events through Redis with retries and a dead-letter stream",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase9", "providers", "redis", "kafka"],
  },
  () => {
    const produce = new RedisStreamProduceOperator({
      taskId: "publish_orders",
      redisConnId: "events",
      stream: STREAM,
      maxlen: 10_000,
      producerFunction: (context) => {
        const day = context.logicalDate.toISOString().slice(0, 10);
        return [120, 80, -5, 45].map((amount, i) => ({ key: `order-${i + 1}`, value: { orderId: i + 1, amount, day } }));
      },
    });
    const billing = new RedisStreamConsumeOperator({
      taskId: "bill_orders",
      redisConnId: "events",
      stream: STREAM,
      groupId: "billing",
      applyFunction: bill,
      maxDeliveries: 3,
      // Failed entries are retried as soon as they are pending; a crashed consumer's after 0 s too in this demo.
      claimMinIdle: 0,
      pollTimeout: 0.5,
    });
    const deadLetters = new RedisStreamConsumeOperator({
      taskId: "review_dead_letters",
      redisConnId: "events",
      stream: `${STREAM}.dlq`,
      groupId: "review",
      pollTimeout: 0.5,
      applyFunction: (message) => ({ key: message.key, error: message.headers["x-error"], deliveries: Number(message.headers["x-delivery-count"]) }),
    });
    produce.then(billing).then(deadLetters);
  },
);
