import { UpdraftError } from "../core/errors.ts";

/** A path into a config: DAG id, then keys; task and group entries are named by their id even in list form. */
export type KeyPath = readonly (string | number)[];

export interface Location {
  file: string;
  line: number;
  column: number;
  /** The position is in the output of a template (`.yaml.hbs`, `template:`), not in the file as written. */
  rendered?: boolean;
}

/** One thing wrong with a YAML DAG file: where, which key, what was expected, and the likely intended name. */
export interface YamlIssue {
  file: string;
  line: number | null;
  column: number | null;
  rendered?: boolean;
  /** e.g. `my_dag.tasks.extract.operator` */
  keyPath: string;
  message: string;
  expected?: string;
  suggestion?: string;
}

export interface ProblemDetails {
  expected?: string;
  suggestion?: string;
  /** Point at the key itself (an unknown or misspelt key) rather than its value. */
  at?: "key" | "value";
  /** Known already (a YAML syntax error); otherwise found from `path` in the config's sources. */
  location?: Location;
}

/** Thrown while reading or building a config; the loader locates it in the YAML sources and turns it into a YamlIssue. */
export class ConfigProblem extends Error {
  constructor(
    readonly path: KeyPath,
    message: string,
    readonly details: ProblemDetails = {},
  ) {
    super(message);
  }
}

/** Several problems found in one pass (schema validation reports them all). */
export class ConfigProblems extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => p.message).join("; "));
  }
}

/** A YAML DAG file that cannot be loaded: an import error listing every problem found. */
export class YamlDagError extends UpdraftError {
  constructor(
    readonly file: string,
    readonly issues: readonly YamlIssue[],
  ) {
    super("YAML_DAG_INVALID", describeIssues(file, issues));
  }
}

export function keyPathText(path: KeyPath): string {
  return path.map(String).join(".");
}

function describeIssues(file: string, issues: readonly YamlIssue[]): string {
  const lines = issues.map((issue) => `  ${formatIssue(issue, file)}`);
  const head = issues.length === 1 ? "Invalid YAML DAG file:" : `Invalid YAML DAG file (${issues.length} problems):`;
  return [head, ...lines].join("\n");
}

/** `key.path (line 3, column 5): message Did you mean "x"?` — with the file when it is not `relativeTo`. */
export function formatIssue(issue: YamlIssue, relativeTo?: string): string {
  const where: string[] = [];
  if (issue.file !== relativeTo) where.push(issue.file);
  if (issue.line !== null) where.push(`line ${issue.line}, column ${issue.column}${issue.rendered ? " of the rendered template" : ""}`);
  const head = [issue.keyPath, where.length ? `(${where.join(", ")})` : ""].filter(Boolean).join(" ");
  const expected = issue.expected && !issue.message.includes(issue.expected) ? ` Expected: ${issue.expected}.` : "";
  const suggestion = issue.suggestion ? ` Did you mean "${issue.suggestion}"?` : "";
  return `${head ? `${head}: ` : ""}${issue.message}${expected}${suggestion}`;
}

/** Runs `run`; whatever it throws becomes a problem at `path` (a ConfigProblem passes through). */
export function attempt<T>(path: KeyPath, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ConfigProblem) throw error;
    throw new ConfigProblem(path, (error as Error).message);
  }
}
