/**
 * phase8_02_slack_notifications — Slack through incoming webhooks.
 *
 * Shows:
 * - `SlackWebhookOperator` posting a templated daily summary built with the Block Kit helpers (`blocks.header`,
 *   `blocks.fields`, `blocks.context`) through the `slack_default` connection.
 * - Notifiers as callbacks, several at once: `load_partner_feed` fails for good, and its `onFailureCallback` list
 *   posts a Block Kit alert (`taskAlertBlocks()`) to the team channel and a one-line note to an ops channel.
 * - A DAG-level `onSuccessCallback` notifier, which sees the run's context and `reason`.
 * `finish` (`all_done`) is the leaf, so the run succeeds although `load_partner_feed` failed on purpose.
 *
 * Run it: `updraft dags test phase8_02_slack_notifications 2024-01-03`. Without Slack it still runs: the operator
 * logs the message it would post, and each notifier logs once why it could not. To post for real, give the webhook:
 *   AIRFLOW_CONN_SLACK_DEFAULT='{"conn_type":"slackwebhook","password":"https://hooks.slack.com/services/T…/B…/…"}'
 *   AIRFLOW_CONN_SLACK_OPS='{"conn_type":"slackwebhook","password":"https://hooks.slack.com/services/…"}'
 */
import { dag, FailTask, task } from "updraft";
import { blocks, slackNotifier, SlackWebhookOperator, taskAlertBlocks } from "updraft/providers/slack";

const countOrders = task({ taskId: "count_orders", multipleOutputs: true }, async function countOrders() {
  return { orders: 42, revenue: 1234.5 };
});

const loadPartnerFeed = task(
  {
    taskId: "load_partner_feed",
    onFailureCallback: [
      slackNotifier({ text: ":red_circle: {{dag.dag_id}}.{{ti.task_id}} failed: {{exception_text}}", blocks: taskAlertBlocks() }),
      slackNotifier({ slackWebhookConnId: "slack_ops", text: "ops note: partner feed missing for {{ds}} (run {{run_id}})" }),
    ],
  },
  async function loadPartnerFeed() {
    throw new FailTask("partner feed file for today is missing");
  },
);

const finish = task({ taskId: "finish", triggerRule: "all_done" }, async function finish() {
  return "done";
});

export default dag(
  {
    dagId: "phase8_02_slack_notifications",
    description: "Posts a daily summary to Slack, and alerts there on failures",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase8", "notifications"],
    onSuccessCallback: slackNotifier({ text: ":white_check_mark: {{dag.dag_id}} run {{run_id}} finished ({{reason}})" }),
  },
  () => {
    const post = new SlackWebhookOperator({
      taskId: "post_summary",
      slackWebhookConnId: "slack_default",
      text: 'Daily summary for {{ds}}: {{xcom_pull task_ids="count_orders" key="orders"}} orders',
      blocks: [
        blocks.header("Daily summary {{ds}}"),
        blocks.fields({ Orders: '{{xcom_pull task_ids="count_orders" key="orders"}}', Revenue: '{{xcom_pull task_ids="count_orders" key="revenue"}}' }),
        blocks.context("DAG {{dag.dag_id}} · run {{run_id}}"),
      ],
    });
    countOrders().then(post);
    const end = finish();
    post.then(end);
    loadPartnerFeed().then(end);
  },
);
