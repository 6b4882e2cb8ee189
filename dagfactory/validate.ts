import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { closest } from "../core/suggest.ts";
import { ALL_TRIGGER_RULES, TRIGGER_RULE_ALIASES, WEIGHT_RULES } from "../core/types.ts";
import { ConfigProblem, type KeyPath } from "./issues.ts";

/** The JSON Schema of one DAG entry (`dag-factory.schema.json`, kept beside this file for editors and CI). */
export const DAG_FACTORY_SCHEMA = JSON.parse(readFileSync(new URL("./dag-factory.schema.json", import.meta.url), "utf8"));
// Rules are data in core/types.ts; the schema file leaves their lists empty rather than repeat them.
DAG_FACTORY_SCHEMA.definitions.triggerRule.enum = [...ALL_TRIGGER_RULES, ...Object.keys(TRIGGER_RULE_ALIASES)];
DAG_FACTORY_SCHEMA.definitions.weightRule.enum = Object.values(WEIGHT_RULES);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(DAG_FACTORY_SCHEMA);
  return compiled;
}

/** Checks one DAG's effective config; every problem found, each at its key path (DAG id first). */
export function validateDagConfig(dagId: string, config: Record<string, unknown>): ConfigProblem[] {
  const validate = validator();
  if (validate(config)) return [];
  const errors = validate.errors ?? [];
  const branches = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  // A failed anyOf reports each branch's failure too; one message saying what forms are accepted reads better.
  // Branch errors sit at the anyOf's own value, or below it under the anyOf's schema path ($ref'd branches report
  // their own schema path, hence the first test).
  const kept = errors.filter(
    (e) => !branches.some((b) => b !== e && (e.instancePath === b.instancePath || (e.instancePath.startsWith(`${b.instancePath}/`) && e.schemaPath.startsWith(`${b.schemaPath}/`)))),
  );
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const error of kept) {
    const problem = toProblem(dagId, error);
    const key = `${problem.path.join("\u0000")}|${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return problems;
}

function toProblem(dagId: string, error: ErrorObject): ConfigProblem {
  const path: KeyPath = [dagId, ...pointerSegments(error.instancePath)];
  const parent = error.parentSchema as { title?: string; description?: string; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      return new ConfigProblem([...path, key], `unknown ${parent?.title ?? ""} key "${key}".`.replace("  ", " "), {
        at: "key",
        expected: `a ${parent?.title ?? "known"} key (see docs/yaml-dags.md)`,
        suggestion: closest(key, known),
      });
    }
    case "required":
      return new ConfigProblem(path, `missing required key "${error.params.missingProperty}".`);
    case "type":
      return new ConfigProblem(path, `must be ${article(String(error.params.type))}, got ${describe(error.data)}.`, { expected: String(error.params.type) });
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      return new ConfigProblem(path, `${describe(error.data)} is not allowed.`, {
        expected: `one of ${allowed.join(", ")}`,
        suggestion: typeof error.data === "string" ? closest(error.data, allowed) : undefined,
      });
    }
    case "anyOf":
    case "oneOf":
      if (parent?.title === "task") return new ConfigProblem(path, "a task needs an operator or a decorator.", { expected: "operator: <dotted path or name> or decorator: <dotted path>" });
      return new ConfigProblem(path, `has the wrong form: got ${describe(error.data)}.`, { expected: parent?.description });
    default:
      return new ConfigProblem(path, `${error.message ?? "is invalid"}.`);
  }
}

function pointerSegments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function describe(value: unknown): string {
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (Array.isArray(value)) return "a list";
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
