import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { parseDuration } from "./duration.ts";
import { isSeverity, SEVERITIES, type Severity } from "./severity.ts";

/** A Slack destination: a `slackwebhook` connection id, or a webhook URL. */
export type SlackTarget = string;

export interface TeamConfig {
  channel: SlackTarget | null;
  email: string[];
}

export interface RouteConfig {
  /** Matches when the DAG has any of these tags… */
  tags: string[];
  /** …or is owned by one of these owners. A route with neither matches every DAG. */
  owners: string[];
  team: string;
  severity: Severity;
}

/** The Events API v2 endpoint and integration key, given in the file or by a connection (host = URL, password = key). */
export type PagerDutyConfig = { url: string; routingKey: string; connId: null } | { url: null; routingKey: null; connId: string };

/** One alert-routing file, validated. */
export interface RoutingConfig {
  source: string;
  teams: Record<string, TeamConfig>;
  routes: RouteConfig[];
  defaultRoute: { team: string; severity: Severity };
  incidentChannel: SlackTarget | null;
  leadershipEmail: string[];
  pagerduty: PagerDutyConfig | null;
  smtpConnId: string | null;
  dedupWindowSeconds: number;
  escalation: { afterFailures: number | null; withinSeconds: number; afterSeconds: number | null; to: Severity | null };
}

export class AlertRoutingConfigError extends Error {
  readonly code = "ALERT_ROUTING_INVALID";
}

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads fields of one YAML mapping, collecting every problem with its path so that one run shows them all. */
class Reader {
  constructor(private readonly problems: string[]) {}

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(raw: Raw, key: string, path: string): Raw | null {
    const value = raw[key];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) this.fail(`${path}${key}`, "must be a mapping");
    return isObject(value) ? value : null;
  }

  string(raw: Raw, key: string, path: string): string | null {
    const value = raw[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== "string" || value.trim() === "") this.fail(`${path}${key}`, "must be a non-empty string");
    return typeof value === "string" && value.trim() !== "" ? value : null;
  }

  strings(raw: Raw, key: string, path: string): string[] {
    const value = raw[key];
    if (value === undefined || value === null) return [];
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string" && item.trim() !== "")) {
      this.fail(`${path}${key}`, "must be a string or a list of strings");
      return [];
    }
    return list as string[];
  }

  severity(raw: Raw, key: string, path: string): Severity | null {
    const value = raw[key];
    if (value === undefined || value === null) return null;
    if (!isSeverity(value)) this.fail(`${path}${key}`, `must be one of ${SEVERITIES.join(", ")} (got ${JSON.stringify(value)})`);
    return isSeverity(value) ? value : null;
  }

  duration(raw: Raw, key: string, path: string): number | null {
    if (raw[key] === undefined || raw[key] === null) return null;
    try {
      return parseDuration(raw[key], `${path}${key}`);
    } catch (error) {
      this.problems.push((error as Error).message);
      return null;
    }
  }

  unknownKeys(raw: Raw, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(raw)) if (!allowed.includes(key)) this.fail(`${path}${key}`, `unknown key; expected one of ${allowed.join(", ")}`);
  }
}

/** Validates a parsed routing document; throws AlertRoutingConfigError listing every problem. */
export function validateRoutingConfig(document: unknown, source: string): RoutingConfig {
  const problems: string[] = [];
  const r = new Reader(problems);
  if (!isObject(document)) throw new AlertRoutingConfigError(`${source}: the alert routing file must be a YAML mapping (teams:, routes:, default:…).`);
  r.unknownKeys(document, ["teams", "routes", "default", "incident_channel", "leadership_email", "pagerduty", "smtp_conn_id", "dedup_window", "escalation"], "");

  const teams: Record<string, TeamConfig> = {};
  for (const [name, raw] of Object.entries(r.object(document, "teams", "") ?? {})) {
    if (!isObject(raw)) {
      r.fail(`teams.${name}`, "must be a mapping with channel and/or email");
      continue;
    }
    r.unknownKeys(raw, ["channel", "email"], `teams.${name}.`);
    teams[name] = { channel: r.string(raw, "channel", `teams.${name}.`), email: r.strings(raw, "email", `teams.${name}.`) };
  }
  const knownTeam = (team: string | null, path: string) => {
    if (team !== null && !teams[team]) r.fail(path, `team "${team}" is not defined under teams (defined: ${Object.keys(teams).join(", ") || "none"})`);
  };

  const routes: RouteConfig[] = [];
  const rawRoutes = document.routes ?? [];
  if (!Array.isArray(rawRoutes)) r.fail("routes", "must be a list of {match, team, severity}");
  (Array.isArray(rawRoutes) ? rawRoutes : []).forEach((raw: unknown, i) => {
    const path = `routes[${i}].`;
    if (!isObject(raw)) return r.fail(`routes[${i}]`, "must be a mapping with match, team and severity");
    r.unknownKeys(raw, ["match", "team", "severity"], path);
    const match = r.object(raw, "match", path) ?? {};
    r.unknownKeys(match, ["tags", "owner"], `${path}match.`);
    const team = r.string(raw, "team", path);
    const severity = r.severity(raw, "severity", path);
    if (team === null) r.fail(`${path}team`, "is required");
    if (severity === null && raw.severity === undefined) r.fail(`${path}severity`, `is required (${SEVERITIES.join(", ")})`);
    knownTeam(team, `${path}team`);
    if (team !== null && severity !== null) {
      routes.push({ tags: r.strings(match, "tags", `${path}match.`), owners: r.strings(match, "owner", `${path}match.`), team, severity });
    }
  });

  const rawDefault = r.object(document, "default", "");
  if (!rawDefault) r.fail("default", "is required: the team and severity of a DAG no route matches, e.g. {team: platform, severity: P4}");
  const defaultTeam = rawDefault ? r.string(rawDefault, "team", "default.") : null;
  const defaultSeverity = rawDefault ? r.severity(rawDefault, "severity", "default.") : null;
  if (rawDefault && defaultTeam === null) r.fail("default.team", "is required");
  if (rawDefault && defaultSeverity === null && rawDefault.severity === undefined) r.fail("default.severity", "is required");
  knownTeam(defaultTeam, "default.team");

  let pagerduty: PagerDutyConfig | null = null;
  const rawPd = r.object(document, "pagerduty", "");
  if (rawPd) {
    r.unknownKeys(rawPd, ["url", "routing_key", "conn_id"], "pagerduty.");
    const routingKey = r.string(rawPd, "routing_key", "pagerduty.");
    const connId = r.string(rawPd, "conn_id", "pagerduty.");
    if ((routingKey === null) === (connId === null)) {
      r.fail("pagerduty", "give either routing_key (the on-call service's integration key, and optionally url) or conn_id (a connection whose password is the key)");
    }
    pagerduty = connId !== null
      ? { url: null, routingKey: null, connId }
      : { url: r.string(rawPd, "url", "pagerduty.") ?? PAGERDUTY_EVENTS_URL, routingKey: routingKey ?? "", connId: null };
  }

  const rawEscalation = r.object(document, "escalation", "") ?? {};
  r.unknownKeys(rawEscalation, ["after_failures", "within", "after", "to"], "escalation.");
  const afterFailures = rawEscalation.after_failures;
  if (afterFailures !== undefined && !(Number.isInteger(afterFailures) && (afterFailures as number) >= 1)) {
    r.fail("escalation.after_failures", "must be a whole number ≥ 1");
  }

  const incidentChannel = r.string(document, "incident_channel", "");
  const leadershipEmail = r.strings(document, "leadership_email", "");
  const usesP1 = routes.some((route) => route.severity === "P1") || defaultSeverity === "P1" || rawEscalation.after_failures !== undefined || rawEscalation.after !== undefined;
  if (usesP1 && !pagerduty && !incidentChannel && leadershipEmail.length === 0) {
    r.fail("pagerduty", "P1 alerts (a P1 route, or escalation) need somewhere to go: set pagerduty, incident_channel or leadership_email");
  }

  const config: RoutingConfig = {
    source,
    teams,
    routes,
    defaultRoute: { team: defaultTeam ?? "", severity: defaultSeverity ?? "P4" },
    incidentChannel,
    leadershipEmail,
    pagerduty,
    smtpConnId: r.string(document, "smtp_conn_id", ""),
    dedupWindowSeconds: r.duration(document, "dedup_window", "") ?? 1800,
    escalation: {
      afterFailures: Number.isInteger(afterFailures) ? (afterFailures as number) : null,
      withinSeconds: r.duration(rawEscalation, "within", "escalation.") ?? 3600,
      afterSeconds: r.duration(rawEscalation, "after", "escalation."),
      to: r.severity(rawEscalation, "to", "escalation."),
    },
  };
  if (problems.length) {
    throw new AlertRoutingConfigError(`Alert routing file ${source} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return config;
}

/** Reads and validates the routing file at `path`. */
export function loadRoutingConfig(path: string): RoutingConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AlertRoutingConfigError(`Cannot read the alert routing file ${path}: ${(error as Error).message}. Check the path given to alertRouter or UPDRAFT_ALERT_ROUTING.`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new AlertRoutingConfigError(`Alert routing file ${path} is not valid YAML: ${(error as Error).message}`);
  }
  return validateRoutingConfig(document, path);
}
