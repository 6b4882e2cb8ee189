/** Alert routing: severities, routes by tags/owner to teams, deduplication and escalation, from one YAML file. */
export { alertRouter, type AlertRouterOptions } from "./alert-router.ts";
export { loadRoutingConfig, validateRoutingConfig, AlertRoutingConfigError, type RoutingConfig } from "./config.ts";
export { SEVERITIES, type Severity } from "./severity.ts";
