import { secretsMasker } from "./secrets-masker.ts";

/**
 * Masks this process's stdout and stderr from now on (for `updraft dags test`, where tasks print straight to the
 * terminal): a secret a task read is printed as `***`, as in a runner's log file.
 */
export function maskProcessOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === "string" ? secretsMasker.redact(chunk) : chunk instanceof Uint8Array ? secretsMasker.redact(Buffer.from(chunk).toString("utf8")) : chunk, ...rest)) as typeof stream.write;
  }
}
