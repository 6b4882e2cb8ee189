import type { RoutingConfig, TeamConfig } from "./config.ts";
import type { Severity } from "./severity.ts";

export interface Route {
  team: string;
  teamConfig: TeamConfig;
  severity: Severity;
  /** Which rule chose it, for the log. */
  rule: string;
}

/** The first route whose tags or owner match the DAG, else the default. */
export function routeFor(config: RoutingConfig, dag: { tags: readonly string[]; owner: string }): Route {
  const owners = dag.owner.split(",").map((o) => o.trim());
  for (const [i, route] of config.routes.entries()) {
    const any = route.tags.length === 0 && route.owners.length === 0;
    const byTag = route.tags.some((tag) => dag.tags.includes(tag));
    const byOwner = route.owners.some((owner) => owners.includes(owner));
    if (any || byTag || byOwner) return { team: route.team, teamConfig: config.teams[route.team], severity: route.severity, rule: `routes[${i}]` };
  }
  const { team, severity } = config.defaultRoute;
  return { team, teamConfig: config.teams[team], severity, rule: "default" };
}
