import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { RunEvent, Transport } from "../types.ts";

/** Appends each event as one JSON line (openlineage-python's file transport with `append: true`). */
export function fileTransport(path: string): Transport {
  let ready: Promise<unknown> | undefined;
  return {
    name: `file ${path}`,
    async send(event: RunEvent) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, `${JSON.stringify(event)}\n`);
    },
  };
}
