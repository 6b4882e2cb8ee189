import type { WriteStream } from "node:fs";
import type { TaskLogger } from "../core/context.ts";
import { redact } from "../core/masking/secrets-masker.ts";

/** A logger writing Airflow-style lines (`[time] {LEVEL} message`) to a try's log file. */
export function fileLogger(stream: WriteStream): TaskLogger {
  const write = (level: string) => (message: string, ...args: unknown[]) =>
    stream.write(redact(`[${new Date().toISOString()}] {${level}} ${args.length ? `${message} ${args.map(String).join(" ")}` : message}\n`));
  return { info: write("INFO"), warn: write("WARNING"), error: write("ERROR"), debug: write("DEBUG") };
}

/** While user code runs, whatever it prints goes to its log too. Returns the function that stops capturing. */
export function captureOutput(stream: WriteStream): () => void {
  const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tee = (chunk: string | Uint8Array) => {
    stream.write(redact(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")));
    return true;
  };
  process.stdout.write = tee as typeof process.stdout.write;
  process.stderr.write = tee as typeof process.stderr.write;
  return () => {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  };
}
