import type { TaskContext } from "../../core/context.ts";
import { webhookTimeoutSeconds, webhookUrl } from "./webhook.ts";

export interface WebhookTarget {
  /** A connection of type `slackwebhook` (Airflow's `slack_webhook_conn_id`). */
  slackWebhookConnId?: string;
  /** Or the webhook URL itself. */
  webhookUrl?: string;
  timeoutSeconds?: number;
}

export const DEFAULT_SLACK_CONN_ID = "slack_default";

/** Where a message goes: the given URL, else the connection's webhook. */
export async function resolveWebhook(target: WebhookTarget, context: TaskContext): Promise<{ url: string; timeoutSeconds: number; describe: string }> {
  if (target.webhookUrl) return { url: target.webhookUrl, timeoutSeconds: target.timeoutSeconds ?? webhookTimeoutSeconds(undefined), describe: "the given webhook URL" };
  const connId = target.slackWebhookConnId ?? DEFAULT_SLACK_CONN_ID;
  const connection = await context.connections.get(connId);
  return { url: webhookUrl(connection), timeoutSeconds: target.timeoutSeconds ?? webhookTimeoutSeconds(connection), describe: `connection "${connId}"` };
}
