/** `updraft/providers/slack`: Slack incoming webhooks (Airflow's slack provider). */
export { SlackWebhookOperator, type SlackWebhookOperatorOptions } from "./slack-webhook-operator.ts";
export { slackNotifier, type SlackNotifierOptions } from "./notifier.ts";
export { blocks, taskAlertBlocks, type SlackBlock } from "./blocks.ts";
export { postToWebhook, webhookUrl, type SlackMessage } from "./webhook.ts";
export { DEFAULT_SLACK_CONN_ID, type WebhookTarget } from "./connection.ts";
