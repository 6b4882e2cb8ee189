import type { Block, KnownBlock } from "@slack/types";

/**
 * Block Kit helpers: the few layouts alerts and reports use, as plain objects Slack accepts. Text is mrkdwn unless
 * said otherwise; Slack refuses a section longer than 3000 characters, so longer text is cut.
 */
const SECTION_LIMIT = 3000;
const cut = (text: string, limit = SECTION_LIMIT) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

export type SlackBlock = KnownBlock | Block;

export const blocks = {
  header(text: string): KnownBlock {
    return { type: "header", text: { type: "plain_text", text: cut(text, 150), emoji: true } };
  },
  section(markdown: string): KnownBlock {
    return { type: "section", text: { type: "mrkdwn", text: cut(markdown) } };
  },
  /** Label/value pairs shown two per row. */
  fields(pairs: Record<string, string | number>): KnownBlock {
    const fields = Object.entries(pairs).slice(0, 10).map(([label, value]) => ({ type: "mrkdwn" as const, text: cut(`*${label}*\n${value}`, 2000) }));
    return { type: "section", fields };
  },
  divider(): KnownBlock {
    return { type: "divider" };
  },
  context(...markdown: string[]): KnownBlock {
    return { type: "context", elements: markdown.map((text) => ({ type: "mrkdwn" as const, text: cut(text) })) };
  },
  /** Link buttons, e.g. to the task's log. */
  buttons(links: Record<string, string>): KnownBlock {
    return {
      type: "actions",
      elements: Object.entries(links).map(([text, url]) => ({ type: "button" as const, text: { type: "plain_text" as const, text: cut(text, 75) }, url })),
    };
  },
};

/** A task alert: a header, the DAG/task/run fields, the error, and a link to the log. All strings may be templates. */
export function taskAlertBlocks(options: { title?: string; logUrl?: string } = {}): SlackBlock[] {
  const layout: SlackBlock[] = [
    blocks.header(options.title ?? ":red_circle: Task {{ti.state}}: {{dag.dag_id}}.{{ti.task_id}}"),
    blocks.fields({ DAG: "{{dag.dag_id}}", Task: "{{ti.task_id}}", Run: "{{run_id}}", Try: "{{ti.try_number}}" }),
    blocks.section("```{{exception_text}}```"),
  ];
  if (options.logUrl) layout.push(blocks.buttons({ "View log": options.logUrl }));
  return layout;
}
