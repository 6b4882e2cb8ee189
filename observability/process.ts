import { logFunction, type LogFunction } from "./logger.ts";
import { startMetricsServer } from "./metrics-endpoint.ts";
import { statsdSink } from "./metrics.ts";
import { shutdownTracing } from "./tracing.ts";

/**
 * Each component's `log` option. With a `log` of its own (tests, embedding), messages go there prefixed with the
 * component as before (`[scheduler] …`); otherwise they are structured records (logger.ts).
 */
export function componentLogs(log?: (message: string) => void): (component: string) => LogFunction {
  if (log) return (component) => (message) => log(`[${component}] ${message}`);
  const made = new Map<string, LogFunction>();
  return (component) => {
    if (!made.has(component)) made.set(component, logFunction(component));
    return made.get(component)!;
  };
}

/**
 * What a long-running process starts besides its components: its own /metrics endpoint when it serves no web server
 * (`updraft scheduler` with UPDRAFT_METRICS_PORT). `stop` also sends the spans and StatsD samples still buffered.
 */
export async function startProcessObservability(options: { metricsPort: boolean; log: (message: string) => void }): Promise<{ stop(): Promise<void> }> {
  const metrics = options.metricsPort ? await startMetricsServer() : null;
  if (metrics) options.log(`Metrics at ${metrics.url}`);
  return {
    async stop() {
      await metrics?.close();
      await shutdownTracing();
      await statsdSink()?.close();
    },
  };
}
