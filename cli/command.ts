import type { ParseArgsConfig } from "node:util";

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
