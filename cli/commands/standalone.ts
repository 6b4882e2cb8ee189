import { UsageError, type Command } from "../command.ts";
import type { StandaloneOptions } from "../standalone.ts";
import { untilSignal } from "../until-signal.ts";

// The server, scheduler and executor are imported when one of these commands runs, not for every `updraft` call.
async function startStandalone(options: StandaloneOptions) {
  return (await import("../standalone.ts")).startStandalone(options);
}

export const standalone: Command = {
  group: "standalone",
  verb: "",
  summary: "Run Updraft on this machine: DAG processor, scheduler, local executor and web server in one process",
  args: "",
  options: { port: { type: "string", short: "p" }, parallelism: { type: "string" } },
  optionHelp: {
    port: "-p, --port N               port of the web server and execution API (default 8080, UPDRAFT_PORT; 0 = any free port)",
    parallelism: "--parallelism N            task runner processes (default 8, UPDRAFT_PARALLELISM)",
  },
  async run(_args, values, io) {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`Invalid --port "${values.port}": give a port number.`);
    // Without a `log`, its components write structured logs (observability/logger.ts).
    const running = await startStandalone({ port, parallelism: values.parallelism ? Number(values.parallelism) : undefined });
    const signal = await untilSignal();
    io.out(`Received ${signal}: finishing running tasks and shutting down…`);
    await running.stop();
    return 0;
  },
};

export const scheduler: Command = {
  group: "scheduler",
  verb: "",
  summary: "Run the DAG processor, scheduler and local executor (with the execution API its runners use)",
  args: "",
  options: { port: { type: "string", short: "p" }, parallelism: { type: "string" } },
  optionHelp: {
    port: "-p, --port N               port of the execution API for this scheduler's runners (default 8793, 0 = any free port)",
    parallelism: "--parallelism N            task runner processes (default 8, UPDRAFT_PARALLELISM)",
  },
  async run(_args, values, io) {
    const running = await startStandalone({
      port: values.port === undefined ? 8793 : Number(values.port),
      parallelism: values.parallelism ? Number(values.parallelism) : undefined,
      restApi: false,
    });
    const signal = await untilSignal();
    io.out(`Received ${signal}: shutting down…`);
    await running.stop();
    return 0;
  },
};
