import { readFileSync } from "node:fs";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import { parse } from "yaml";

/**
 * Airflow's REST API spec (airflow-v1.yaml, OpenAPI 3.0), loaded once and turned into JSON Schema for ajv. The API
 * validates every request against it (path and query parameters, bodies) and the tests validate every response, so
 * the shapes are the spec's by construction, not by hand.
 *
 * OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative, `$ref`s point into the converted components, and
 * in request bodies a `readOnly` property may not be given (Airflow's marshmallow schemas reject dump-only fields as
 * unknown) while unknown top-level fields are refused too (`unevaluatedProperties`, which sees through allOf).
 */
type Json = Record<string, unknown>;
type Mode = "request" | "response";

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Json;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: SpecParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
}

export const SPEC_PATH = new URL("./openapi/airflow-v1.yaml", import.meta.url);
const spec = parse(readFileSync(SPEC_PATH, "utf8")) as {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; parameters: Record<string, Json>; responses: Record<string, Json> };
  info: { version: string };
};
export const SPEC_VERSION = spec.info.version;

const resolveRef = <T>(node: Json): T => {
  const ref = node.$ref as string | undefined;
  if (!ref) return node as T;
  const [, , kind, name] = ref.split("/");
  return (spec.components as unknown as Record<string, Record<string, T>>)[kind][name];
};

function convert(node: unknown, mode: Mode, root: string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, mode, root));
  if (!node || typeof node !== "object") return node;
  const source = node as Json;
  if (mode === "request" && source.readOnly === true) return false;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "nullable" || key === "example" || key === "discriminator" || key === "readOnly" || key === "writeOnly" || key.startsWith("x-")) continue;
    if (key === "$ref") out.$ref = `${root}#/definitions/${(value as string).split("/").pop()}`;
    else if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(v, mode, root)]));
    else out[key] = convert(value, mode, root);
  }
  if (source.nullable === true) {
    if (typeof out.type === "string" && !out.$ref && !out.allOf) {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

const ajv = new Ajv2019({ strict: false, allErrors: true, coerceTypes: false });
const isDateTime = (s: string) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(s) && !Number.isNaN(Date.parse(s));
ajv.addFormat("date-time", isDateTime);
ajv.addFormat("datetime", isDateTime);
for (const format of ["password", "path", "uri", "date"]) ajv.addFormat(format, true);
for (const mode of ["request", "response"] as const) {
  const definitions = Object.fromEntries(Object.entries(spec.components.schemas).map(([k, v]) => [k, convert(v, mode, mode)]));
  ajv.addSchema({ $id: mode, definitions });
}

/** Every operation of the spec, with the path-level parameters merged in and `$ref`s resolved. */
export const OPERATIONS: ReadonlyMap<string, SpecOperation> = new Map(
  Object.entries(spec.paths).flatMap(([path, item]) => {
    const shared = ((item.parameters as unknown as Json[] | undefined) ?? []).map((p) => resolveRef<SpecParameter>(p));
    return Object.entries(item)
      .filter(([method]) => method !== "parameters")
      .map(([method, raw]) => {
        const op = raw as Json;
        const own = ((op.parameters as Json[] | undefined) ?? []).map((p) => resolveRef<SpecParameter>(p));
        const requestBody = op.requestBody ? resolveRef<SpecOperation["requestBody"]>(op.requestBody as Json) : undefined;
        const responses = Object.fromEntries(Object.entries(op.responses as Json).map(([code, r]) => [code, resolveRef<Json>(r as Json)]));
        const operation: SpecOperation = { operationId: op.operationId as string, method, path, parameters: [...shared, ...own], requestBody, responses };
        return [operation.operationId, operation] as const;
      });
  }),
);

export function operation(id: string): SpecOperation {
  const op = OPERATIONS.get(id);
  if (!op) throw new Error(`No operation "${id}" in airflow-v1.yaml.`);
  return op;
}

const cache = new Map<string, ValidateFunction>();
function compiled(key: string, schema: () => unknown): ValidateFunction {
  let fn = cache.get(key);
  if (!fn) cache.set(key, (fn = ajv.compile(schema() as Json)));
  return fn;
}

/** A validator for a parameter's value (already coerced from its string form). */
export function parameterValidator(op: SpecOperation, param: SpecParameter): ValidateFunction {
  return compiled(`param:${op.operationId}:${param.in}:${param.name}`, () => convert(param.schema, "request", "request"));
}

/** A validator for the operation's JSON request body, or null when it takes none. */
export function requestBodyValidator(op: SpecOperation): ValidateFunction | null {
  const schema = op.requestBody?.content["application/json"]?.schema;
  if (!schema) return null;
  return compiled(`body:${op.operationId}`, () => ({ allOf: [convert(schema, "request", "request")], unevaluatedProperties: false }));
}

/** A validator for a JSON response of the operation with this status (4xx/5xx not listed: the Error schema). */
export function responseValidator(op: SpecOperation, status: number): ValidateFunction | null {
  const response = op.responses[String(status)] ?? (status >= 400 ? { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } : undefined);
  if (!response) return null;
  const schema = (response.content as Record<string, { schema: Json }> | undefined)?.["application/json"]?.schema;
  if (!schema) return null;
  return compiled(`response:${op.operationId}:${status}`, () => convert(schema, "response", "response"));
}

/** The operation a request is for: its method and path matched against the spec's path templates. */
export function matchOperation(method: string, path: string): SpecOperation | null {
  const segments = path.split("/").filter(Boolean);
  let best: { op: SpecOperation; literals: number } | null = null;
  for (const op of OPERATIONS.values()) {
    if (op.method !== method.toLowerCase()) continue;
    const template = op.path.split("/").filter(Boolean);
    if (template.length !== segments.length) continue;
    let literals = 0;
    const ok = template.every((t, i) => {
      if (t.startsWith("{")) return true;
      literals += 1;
      return t === segments[i];
    });
    if (ok && (!best || literals > best.literals)) best = { op, literals };
  }
  return best?.op ?? null;
}

/** ajv's errors as one sentence naming the fields: what a 400 says. */
export function describeErrors(errors: ErrorObject[] | null | undefined, what: string): string {
  const parts = (errors ?? []).filter((e) => e.keyword !== "anyOf" && e.keyword !== "allOf").map((e) => {
    const field = e.instancePath.replace(/^\//, "").replaceAll("/", ".") || what;
    if (e.keyword === "unevaluatedProperties") {
      const name = (e.params as { unevaluatedProperty: string }).unevaluatedProperty;
      return `unknown field "${e.instancePath ? `${field}.` : ""}${name}"`;
    }
    if (e.keyword === "false schema") return `"${field}" is read-only and cannot be set`;
    if (e.keyword === "required") return `"${(e.params as { missingProperty: string }).missingProperty}" is required`;
    return `"${field}" ${e.message}`;
  });
  return [...new Set(parts)].join("; ");
}
