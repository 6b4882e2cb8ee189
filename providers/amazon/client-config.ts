import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { ConnectionInfo, JsonObject } from "../../core/types.ts";

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * An S3 client configuration from an Airflow aws connection: login/password are the access key id and secret,
 * the extra gives `region_name`, `aws_session_token`, `endpoint_url` (or `service_config.s3.endpoint_url`) and
 * `config_kwargs.s3.addressing_style`. A custom endpoint (MinIO, moto, Ceph) uses path-style addressing unless
 * the extra says "virtual".
 */
export function s3ClientConfig(connection: ConnectionInfo | undefined): S3ClientConfig {
  const extra: JsonObject = connection?.extra ?? {};
  const serviceConfig = (extra.service_config as JsonObject | undefined)?.s3 as JsonObject | undefined;
  const endpoint = str(serviceConfig?.endpoint_url) ?? str(extra.endpoint_url) ?? str(extra.host);
  const addressing = str(((extra.config_kwargs as JsonObject | undefined)?.s3 as JsonObject | undefined)?.addressing_style) ?? str(extra.addressing_style);
  const accessKeyId = connection?.login ?? str(extra.aws_access_key_id);
  const secretAccessKey = connection?.password ?? str(extra.aws_secret_access_key);
  const config: S3ClientConfig = {
    region: str(extra.region_name) ?? process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION ?? "us-east-1",
    forcePathStyle: addressing === "path" || (endpoint !== undefined && addressing !== "virtual"),
    maxAttempts: 3,
  };
  if (endpoint) config.endpoint = endpoint;
  if (accessKeyId && secretAccessKey) {
    config.credentials = { accessKeyId, secretAccessKey, sessionToken: str(extra.aws_session_token) };
  }
  return config;
}
