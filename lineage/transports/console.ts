import type { RunEvent, Transport } from "../types.ts";

/** Writes each event to stderr as one JSON line (stdout belongs to the task or the CLI's output). */
export function consoleTransport(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Transport {
  return {
    name: "console",
    async send(event: RunEvent) {
      write(`[openlineage] ${JSON.stringify(event)}`);
    },
  };
}
