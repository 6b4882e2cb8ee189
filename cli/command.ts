import type { ParseArgsConfig } from "node:util";
import { parseDate } from "../core/dates.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** One `updraft <group> <verb>` command. */
export interface Command {
  group: string;
  verb: string;
  summary: string;
  /** Positional arguments, e.g. "<dag_id> [logical_date]". */
  args: string;
  options: OptionSpec;
  /** One line per option for --help: name → description. */
  optionHelp: Record<string, string>;
  run(positionals: string[], values: Record<string, string | boolean | undefined>, io: CliIO): Promise<number>;
}

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

export class UsageError extends Error {
  readonly code = "USAGE";
}

export const OUTPUT_OPTION: OptionSpec = { output: { type: "string", short: "o", default: "table" } };
export const OUTPUT_HELP = { output: "-o, --output json|table|plain  output format (default table)" };

export function outputFormat(values: Record<string, unknown>): "json" | "table" | "plain" {
  const format = String(values.output ?? "table");
  if (format !== "json" && format !== "table" && format !== "plain") {
    throw new UsageError(`Unknown output format "${format}": use json, table or plain.`);
  }
  return format;
}

/** A date given on the command line (ISO 8601, UTC unless it has an offset); a malformed one is a usage error. */
export function parseDateArgument(value: string | boolean | undefined, what: string): Date | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  try {
    return parseDate(value, what);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A whole number given on the command line, at least `min`. */
export function parseIntegerArgument(value: string | boolean | undefined, what: string, min: number): number | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new UsageError(`${what} must be a whole number ≥ ${min}, got "${value}".`);
  return n;
}
