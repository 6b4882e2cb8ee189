import type { KafkaConfig, SASLOptions } from "kafkajs";
import type { ConnectionInfo } from "../../core/types.ts";

/**
 * kafkajs settings from an Airflow kafka connection, whose extra is librdkafka configuration:
 * `bootstrap.servers` (else host:port), `client.id`, `security.protocol` (SSL / SASL_SSL / SASL_PLAINTEXT),
 * `sasl.mechanism(s)` (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with `sasl.username` / `sasl.password` (else the
 * connection's login/password).
 */
export function kafkaConfig(connection: ConnectionInfo): KafkaConfig {
  const extra = connection.extra ?? {};
  const get = (key: string) => (typeof extra[key] === "string" ? (extra[key] as string) : undefined);
  const servers = get("bootstrap.servers") ?? (connection.host ? `${connection.host}:${connection.port ?? 9092}` : undefined);
  if (!servers) throw new Error(`Kafka connection "${connection.connId}" has no brokers: set its extra "bootstrap.servers" (e.g. "127.0.0.1:9092").`);
  const protocol = (get("security.protocol") ?? "PLAINTEXT").toUpperCase();
  const config: KafkaConfig = {
    clientId: get("client.id") ?? "updraft",
    brokers: servers.split(",").map((s) => s.trim()).filter(Boolean),
    ssl: protocol === "SSL" || protocol === "SASL_SSL",
    connectionTimeout: 3000,
    retry: { retries: 2 },
  };
  if (protocol.startsWith("SASL")) {
    const mechanism = (get("sasl.mechanism") ?? get("sasl.mechanisms") ?? "PLAIN").toLowerCase();
    const username = get("sasl.username") ?? connection.login ?? "";
    const password = get("sasl.password") ?? connection.password ?? "";
    if (!["plain", "scram-sha-256", "scram-sha-512"].includes(mechanism)) throw new Error(`Kafka connection "${connection.connId}": sasl.mechanism "${mechanism}" is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.`);
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return config;
}
