import type { MessageAttachment } from "@slack/types";
import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { SlackBlock } from "./blocks.ts";
import { resolveWebhook, type WebhookTarget } from "./connection.ts";
import { postToWebhook, redact } from "./webhook.ts";

export interface SlackWebhookOperatorOptions extends TaskOptions, WebhookTarget {
  text?: string;
  blocks?: readonly SlackBlock[];
  attachments?: readonly MessageAttachment[];
  channel?: string;
  username?: string;
  iconEmoji?: string;
  iconUrl?: string;
}

/**
 * Airflow's SlackWebhookOperator: posts one message (text, Block Kit blocks, attachments — all templated) to an
 * incoming webhook. Slack refusing it or not answering fails the try. Under `dags test` with the connection not
 * defined, the try logs the message and succeeds, so a DAG can be tried out without Slack.
 */
export class SlackWebhookOperator extends BaseOperator<void> {
  static override templateFields: readonly string[] = ["text", "blocks", "attachments", "channel", "username"];
  text: string | undefined;
  blocks: readonly SlackBlock[] | undefined;
  attachments: readonly MessageAttachment[] | undefined;
  channel: string | undefined;
  username: string | undefined;
  iconEmoji: string | undefined;
  iconUrl: string | undefined;
  target: WebhookTarget;

  constructor(options: SlackWebhookOperatorOptions) {
    super(options);
    requireArgument(Boolean(options.text || options.blocks?.length || options.attachments?.length), `SlackWebhookOperator "${options.taskId}" needs text, blocks or attachments.`);
    this.text = options.text;
    this.blocks = options.blocks;
    this.attachments = options.attachments;
    this.channel = options.channel;
    this.username = options.username;
    this.iconEmoji = options.iconEmoji;
    this.iconUrl = options.iconUrl;
    this.target = { slackWebhookConnId: options.slackWebhookConnId, webhookUrl: options.webhookUrl, timeoutSeconds: options.timeoutSeconds };
  }

  override async execute(context: TaskContext): Promise<void> {
    let webhook;
    try {
      webhook = await resolveWebhook(this.target, context);
    } catch (error) {
      if (!context.testMode) throw error;
      context.log.warn(`${(error as Error).message} Under dags test the message is not sent; it would say: ${this.text ?? JSON.stringify(this.blocks)}`);
      return;
    }
    await postToWebhook(webhook.url, {
      text: this.text, blocks: this.blocks ? [...this.blocks] : undefined, attachments: this.attachments ? [...this.attachments] : undefined,
      channel: this.channel, username: this.username, icon_emoji: this.iconEmoji, icon_url: this.iconUrl,
    }, webhook.timeoutSeconds);
    context.log.info(`Slack message posted through ${webhook.describe} (${redact(webhook.url)}).`);
  }
}
