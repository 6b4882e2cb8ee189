import type { IncomingWebhookSendArguments } from "@slack/webhook";
import type { ConnectionInfo } from "../../core/types.ts";

/** Airflow's SlackWebhookHook times out after 30 s by default; a webhook that does not answer fails the send then. */
const DEFAULT_TIMEOUT_SECONDS = 30;

export type SlackMessage = IncomingWebhookSendArguments;

/**
 * The webhook URL of a `slackwebhook` connection, as Airflow's Slack provider reads it: the password is the full URL,
 * or the token after `host` (default `https://hooks.slack.com/services`).
 */
export function webhookUrl(connection: ConnectionInfo): string {
  const secret = connection.password ?? "";
  if (/^https?:\/\//.test(secret)) return secret;
  if (!secret) {
    throw new Error(`Connection "${connection.connId}" has no webhook: put the webhook URL (or its token) in its password.`);
  }
  let base = connection.host ?? "https://hooks.slack.com/services";
  if (!/^https?:\/\//.test(base)) base = `https://${base}`;
  if (connection.port) base = `${base}:${connection.port}`;
  if (connection.schema) base = `${base}/${connection.schema}`;
  return `${base.replace(/\/$/, "")}/${secret.replace(/^\//, "")}`;
}

export function webhookTimeoutSeconds(connection: ConnectionInfo | undefined): number {
  const value = Number(connection?.extra?.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
}

/** Slack shows this much of a message's text; longer text is cut so that the post is not refused. */
const MAX_TEXT = 40_000;

/**
 * Posts one message to an incoming webhook. Fails with Slack's answer when it refuses the message (4xx/5xx), and
 * after `timeoutSeconds` when it does not answer. Never retries: a duplicated alert is worse than a logged failure.
 */
export async function postToWebhook(url: string, message: SlackMessage, timeoutSeconds: number): Promise<void> {
  const { IncomingWebhook } = await import("@slack/webhook");
  const webhook = new IncomingWebhook(url, { timeout: timeoutSeconds * 1000 });
  const body = typeof message.text === "string" && message.text.length > MAX_TEXT ? { ...message, text: message.text.slice(0, MAX_TEXT) } : message;
  const where = redact(url);
  try {
    await webhook.send(body);
  } catch (error) {
    const reason = (error as Error).message.includes("aborted") || (error as Error).name === "TimeoutError"
      ? `no answer within ${timeoutSeconds}s`
      : (error as Error).message;
    throw new Error(`Slack webhook ${where} refused the message: ${reason}`, { cause: error });
  }
}

/** The webhook's token is its secret: logs show only the host. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}
