import StatsD from "hot-shots";

/**
 * The optional StatsD mirror of the metrics, with Airflow's dotted names (`airflow.ti_successes`,
 * `airflow.dagrun.duration.success.<dag_id>`): on when UPDRAFT_STATSD_HOST is set (UPDRAFT_STATSD_PORT, default 8125;
 * UPDRAFT_STATSD_PREFIX, default "airflow", as Airflow's [metrics] statsd_prefix). UDP: a StatsD server that is down
 * loses metrics and never slows or fails the process.
 */
export interface StatsdSink {
  increment(name: string): void;
  gauge(name: string, value: number): void;
  timing(name: string, ms: number): void;
  close(): Promise<void>;
}

export function statsdFromEnv(env: NodeJS.ProcessEnv = process.env): StatsdSink | null {
  const host = env.UPDRAFT_STATSD_HOST;
  if (!host) return null;
  const port = Number(env.UPDRAFT_STATSD_PORT ?? 8125);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`UPDRAFT_STATSD_PORT "${env.UPDRAFT_STATSD_PORT}" is not a port number: set it to the StatsD server's UDP port (default 8125).`);
  }
  const client = new StatsD({
    host, port, prefix: `${env.UPDRAFT_STATSD_PREFIX ?? "airflow"}.`,
    // A lost datagram is a lost sample; an unhandled socket error would end the process.
    errorHandler: () => {},
  });
  return {
    increment: (name) => client.increment(name),
    gauge: (name, value) => client.gauge(name, value),
    timing: (name, ms) => client.timing(name, ms),
    close: () => new Promise((resolve) => client.close(() => resolve())),
  };
}
