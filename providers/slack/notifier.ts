import type { MessageAttachment } from "@slack/types";
import type { TaskContext } from "../../core/context.ts";
import { defineNotifier, type Notifier, type NotifierOptions } from "../../notifications/notifier.ts";
import { renderWithContext } from "../../notifications/render.ts";
import type { SlackBlock } from "./blocks.ts";
import { resolveWebhook, type WebhookTarget } from "./connection.ts";
import { postToWebhook, redact } from "./webhook.ts";

export interface SlackNotifierOptions extends NotifierOptions, WebhookTarget {
  /** Handlebars, rendered with the callback's context (`{{ti.task_id}}`, `{{exception_text}}`, `{{reason}}`…). */
  text?: string;
  blocks?: readonly SlackBlock[];
  attachments?: readonly MessageAttachment[];
  channel?: string;
  username?: string;
}

/** Airflow's SlackWebhookNotifier: a message posted from any callback. See notifications/notifier.ts for failures. */
export function slackNotifier(options: SlackNotifierOptions): Notifier {
  if (!options.text && !options.blocks?.length && !options.attachments?.length) throw new TypeError("slackNotifier needs text, blocks or attachments.");
  return defineNotifier(
    "slack_notifier",
    async (context: TaskContext, signal: AbortSignal) => {
      const message = await renderWithContext(
        { text: options.text, blocks: options.blocks ? [...options.blocks] : undefined, attachments: options.attachments ? [...options.attachments] : undefined, channel: options.channel, username: options.username },
        context,
      );
      let webhook;
      try {
        webhook = await resolveWebhook(options, context);
      } catch (error) {
        throw new Error(`${(error as Error).message} The message was not sent: ${message.text ?? "(blocks only)"}`);
      }
      if (signal.aborted) return;
      await postToWebhook(webhook.url, message, webhook.timeoutSeconds);
      return `posted to Slack through ${webhook.describe} (${redact(webhook.url)})`;
    },
    options,
  );
}
