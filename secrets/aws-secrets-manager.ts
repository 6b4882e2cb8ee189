import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ConnectionInfo } from "../core/types.ts";
import { connectionFromSecret, type SecretsBackend } from "./backend.ts";

/** Airflow's SecretsManagerBackend kwargs (plus `endpoint_url`, for a local server such as moto). */
export interface AwsSecretsManagerKwargs {
  connections_prefix?: string | null;
  variables_prefix?: string | null;
  sep?: string;
  region_name?: string;
  endpoint_url?: string;
  aws_access_key_id?: string;
  aws_secret_access_key?: string;
}

/**
 * AWS Secrets Manager, named as Airflow's SecretsManagerBackend names secrets: a connection is
 * `<connections_prefix><sep><conn_id>` (default `airflow/connections/<id>`) holding a URI or a JSON object of its fields;
 * a variable is `<variables_prefix><sep><key>` holding the value. A prefix set to null turns that kind off.
 */
export class AwsSecretsManagerBackend implements SecretsBackend {
  readonly name = "aws-secrets-manager";
  private readonly client: SecretsManagerClient;

  constructor(private readonly kwargs: AwsSecretsManagerKwargs) {
    const credentials = kwargs.aws_access_key_id && kwargs.aws_secret_access_key
      ? { accessKeyId: kwargs.aws_access_key_id, secretAccessKey: kwargs.aws_secret_access_key }
      : undefined;
    this.client = new SecretsManagerClient({
      region: kwargs.region_name ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(kwargs.endpoint_url ? { endpoint: kwargs.endpoint_url } : {}),
      ...(credentials ? { credentials } : {}),
      maxAttempts: 2,
    });
  }

  async getConnection(connId: string): Promise<ConnectionInfo | undefined> {
    const prefix = this.kwargs.connections_prefix === undefined ? "airflow/connections" : this.kwargs.connections_prefix;
    if (prefix === null) return undefined;
    const secret = await this.read(`${prefix}${this.kwargs.sep ?? "/"}${connId}`);
    if (secret === undefined) return undefined;
    return connectionFromSecret(connId, secret.trimStart().startsWith("{") ? (JSON.parse(secret) as unknown) : secret);
  }

  async getVariable(key: string): Promise<string | undefined> {
    const prefix = this.kwargs.variables_prefix === undefined ? "airflow/variables" : this.kwargs.variables_prefix;
    if (prefix === null) return undefined;
    return this.read(`${prefix}${this.kwargs.sep ?? "/"}${key}`);
  }

  private async read(secretId: string): Promise<string | undefined> {
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return result.SecretString ?? (result.SecretBinary ? Buffer.from(result.SecretBinary).toString("utf8") : undefined);
    } catch (error) {
      if (error instanceof ResourceNotFoundException || (error as { name?: string }).name === "ResourceNotFoundException") return undefined;
      throw new Error(`AWS Secrets Manager could not read "${secretId}": ${(error as Error).message}`);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
