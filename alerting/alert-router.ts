import type { TaskContext } from "../core/context.ts";
import { runtimeOf } from "../core/runtime.ts";
import { defineNotifier, type Notifier } from "../notifications/notifier.ts";
import { exceptionText } from "../notifications/render.ts";
import type { AlertBackend } from "./alert-api.ts";
import { processAlertBackend } from "./alert-store.ts";
import { loadRoutingConfig, type RoutingConfig } from "./config.ts";
import type { AlertPolicy } from "./decision.ts";
import { deliveriesFor, type Alert } from "./deliver.ts";
import { routeFor } from "./route.ts";
import type { Severity } from "./severity.ts";

/** Each destination gives up after this long; the whole alert after twice it (see notifications/notifier.ts). */
const DEFAULT_TIMEOUT_SECONDS = 10;

export interface AlertRouterOptions {
  /** Path of the routing YAML file, or the file already loaded; UPDRAFT_ALERT_ROUTING when not given. */
  config?: string | RoutingConfig;
  /** Overrides the severity the routes give (e.g. a critical task in a P3 DAG). */
  severity?: Severity;
  timeoutSeconds?: number;
}

function resolveConfig(config: AlertRouterOptions["config"]): RoutingConfig {
  if (typeof config === "object") return config;
  const path = config ?? process.env.UPDRAFT_ALERT_ROUTING;
  if (!path) throw new TypeError("alertRouter needs a routing file: pass { config: \"path/to/alert_routing.yaml\" } or set UPDRAFT_ALERT_ROUTING.");
  return loadRoutingConfig(path);
}

function backendOf(context: TaskContext): AlertBackend {
  const runtime = runtimeOf(context);
  if (runtime.recordAlert && runtime.resolveAlert) return { recordAlert: runtime.recordAlert, resolveAlert: runtime.resolveAlert };
  context.log.warn("alert_router: this runtime keeps no shared alert state; deduplication and escalation hold within this process only.");
  return processAlertBackend(context.dag.dagId);
}

function policyOf(config: RoutingConfig, severity: Severity): AlertPolicy {
  return {
    severity,
    dedupWindowSeconds: config.dedupWindowSeconds,
    escalateAfterFailures: config.escalation.afterFailures,
    escalateWithinSeconds: config.escalation.withinSeconds,
    escalateAfterSeconds: config.escalation.afterSeconds,
    escalateTo: config.escalation.to,
  };
}

/**
 * A callback that routes a failure to the right people by severity (alerting/config.ts): use it as a task's
 * onFailureCallback / onRetryCallback or a DAG's onFailureCallback; as an onSuccessCallback it closes the task's
 * failure streak, so the next failure starts afresh. The routing file is read and validated when the DAG file is
 * loaded, so a mistake in it is an import error. Sending never changes the task's outcome.
 */
export function alertRouter(options: AlertRouterOptions = {}): Notifier {
  const config = resolveConfig(options.config);
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  return defineNotifier(
    "alert_router",
    async (context: TaskContext) => {
      const dagLevel = context.reason !== undefined;
      const subject = dagLevel ? "" : context.ti.taskId;
      const key = dagLevel ? context.dag.dagId : `${context.dag.dagId}.${subject}`;
      const failed = context.exception !== undefined || (dagLevel && context.reason !== "success");
      const backend = backendOf(context);
      if (!failed) {
        return (await backend.resolveAlert(subject)) ? `${key} succeeded; its failure streak is closed` : undefined;
      }
      const route = routeFor(config, context.dag);
      const decision = await backend.recordAlert(subject, policyOf(config, options.severity ?? route.severity));
      const where = `team ${route.team} via ${route.rule}`;
      if (!decision.deliver) return `${decision.severity} alert for ${key} suppressed: ${decision.reason}`;
      const summary = dagLevel
        ? `DAG ${context.dag.dagId} run ${context.runId} failed (${context.reason})`
        : `Task ${key} failed in run ${context.runId} (try ${context.ti.tryNumber} of ${context.ti.maxTries + 1})`;
      const details = [`Failures in the last ${config.escalation.withinSeconds}s: ${decision.failures}`];
      if (decision.escalated) details.push(decision.reason);
      const error = exceptionText(context);
      if (decision.severity === "P4") return `P4 alert (log only, ${where}): ${summary}${error ? `: ${error}` : ""}`;
      const alert: Alert = { key, severity: decision.severity, route, summary, details };
      const deliveries = deliveriesFor(alert, config, context, timeoutSeconds);
      if (deliveries.length === 0) {
        context.log.warn(`alert_router: ${decision.severity} alert for ${key} (${where}) has no destination configured in ${config.source}: ${summary}`);
        return;
      }
      const results = await Promise.allSettled(deliveries.map((d) => d.send()));
      results.forEach((result, i) => {
        const what = deliveries[i].what;
        if (result.status === "fulfilled") context.log.info(`alert_router: ${decision.severity} alert for ${key} sent to ${what} (${where}).`);
        else context.log.error(`alert_router: ${decision.severity} alert for ${key} to ${what} failed: ${(result.reason as Error).message} (the task's outcome is unchanged)`);
      });
    },
    { timeoutSeconds: timeoutSeconds * 2 },
  );
}
