import { UsageError, type Command } from "../command.ts";
import { untilSignal } from "../until-signal.ts";

export const webserver: Command = {
  group: "webserver",
  verb: "",
  summary: "Run the web UI, the REST API and the execution API workers report to, without a scheduler (PostgreSQL only)",
  args: "",
  options: { port: { type: "string", short: "p" } },
  optionHelp: { port: "-p, --port N               port (default 8080, UPDRAFT_PORT; 0 = any free port); UPDRAFT_HOST to bind elsewhere" },
  async run(_args, values, io) {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`Invalid --port "${values.port}": give a port number.`);
    const { startWebserver } = await import("../webserver.ts");
    const running = await startWebserver({ port, log: io.out });
    const signal = await untilSignal();
    io.out(`Received ${signal}: shutting down…`);
    await running.stop();
    return 0;
  },
};
