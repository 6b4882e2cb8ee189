import type { TaskContext } from "../core/context.ts";
import { PAGERDUTY_EVENTS_URL, type PagerDutyConfig } from "./config.ts";

export interface PagerDutyEndpoint {
  url: string;
  routingKey: string;
}

/** The endpoint of the file, or of its connection (Airflow's `pagerduty_events` connection: password = key). */
export async function pagerDutyEndpoint(config: PagerDutyConfig, context: TaskContext): Promise<PagerDutyEndpoint> {
  if (config.connId === null) return { url: config.url, routingKey: config.routingKey };
  const connection = await context.connections.get(config.connId);
  if (!connection.password) throw new Error(`Connection "${config.connId}" has no password: put the PagerDuty integration (routing) key there.`);
  let url = connection.host ? (/^https?:\/\//.test(connection.host) ? connection.host : `https://${connection.host}`) : PAGERDUTY_EVENTS_URL;
  if (connection.host && connection.port) url = `${url}:${connection.port}`;
  if (connection.host) url = `${url}/${connection.schema ?? "v2/enqueue"}`;
  return { url, routingKey: connection.password };
}

export interface PagerDutyEvent {
  summary: string;
  /** Repeated triggers with one dedup key update one incident; PagerDuty's own deduplication. */
  dedupKey: string;
  source: string;
  component: string;
  group: string;
  eventClass: string;
  customDetails: Record<string, unknown>;
  links: Array<{ href: string; text: string }>;
}

/** Pages on-call: one PagerDuty Events API v2 "trigger" (severity critical). Fails on any answer but 202. */
export async function pageOnCall(config: PagerDutyEndpoint, event: PagerDutyEvent, timeoutSeconds: number): Promise<void> {
  const body = {
    routing_key: config.routingKey,
    event_action: "trigger",
    dedup_key: event.dedupKey,
    payload: {
      summary: event.summary.slice(0, 1024),
      source: event.source,
      severity: "critical",
      component: event.component,
      group: event.group,
      class: event.eventClass,
      custom_details: event.customDetails,
    },
    links: event.links,
  };
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
  } catch (error) {
    const reason = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutSeconds}s` : ((error as Error).cause as Error)?.message ?? (error as Error).message;
    throw new Error(`could not reach PagerDuty at ${new URL(config.url).host}: ${reason}`);
  }
  if (response.status !== 202) {
    throw new Error(`PagerDuty at ${new URL(config.url).host} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
}
