import type { JsonObject, JsonValue } from "../../core/types.ts";

/** One input of the trigger form, generated from a DAG param's JSON Schema (Airflow's trigger form does the same). */
export interface ParamField {
  name: string;
  label: string;
  description: string | null;
  kind: "text" | "number" | "boolean" | "select" | "json";
  value: string;
  checked: boolean;
  options: Array<{ value: string; selected: boolean }>;
  required: boolean;
}

type ParamSpec = { value: JsonValue; schema: Record<string, unknown>; description?: string | null };

const typeOf = (schema: Record<string, unknown>): string | undefined => {
  const type = schema.type;
  return Array.isArray(type) ? (type.find((t) => t !== "null") as string | undefined) : (type as string | undefined);
};

/** The form's fields, in the params' order, holding the params' defaults (or the values given in `current`). */
export function paramFields(params: JsonObject, current: Record<string, string> = {}): ParamField[] {
  return Object.entries(params).map(([name, raw]) => {
    const spec = raw as unknown as ParamSpec;
    const schema = spec.schema ?? {};
    const type = typeOf(schema);
    const enumValues = Array.isArray(schema.enum) ? (schema.enum as JsonValue[]) : null;
    const kind: ParamField["kind"] = enumValues ? "select" : type === "boolean" ? "boolean" : type === "number" || type === "integer" ? "number" : type === "string" ? "text" : typeof spec.value === "string" ? "text" : typeof spec.value === "number" ? "number" : typeof spec.value === "boolean" ? "boolean" : "json";
    const text = kind === "json" ? JSON.stringify(spec.value ?? null, null, 2) : spec.value === null || spec.value === undefined ? "" : String(spec.value);
    const value = Object.hasOwn(current, `param.${name}`) ? current[`param.${name}`] : text;
    return {
      name, label: (schema.title as string | undefined) ?? name, description: spec.description ?? (schema.description as string | undefined) ?? null, kind, value,
      checked: kind === "boolean" && (Object.hasOwn(current, `param.${name}`) ? current[`param.${name}`] === "true" : spec.value === true),
      options: (enumValues ?? []).map((v) => ({ value: String(v), selected: String(v) === value })),
      required: spec.value === null && Object.keys(schema).length > 0,
    };
  });
}

/**
 * The conf a submitted form asks for: each param field converted to its schema's type, then the advanced JSON box
 * (when filled) on top. Throws a message naming the field that is not valid.
 */
export function confFromForm(params: JsonObject, body: Record<string, unknown>): JsonObject {
  const conf: JsonObject = {};
  for (const field of paramFields(params)) {
    const raw = body[`param.${field.name}`];
    if (field.kind === "boolean") {
      conf[field.name] = raw === "true" || raw === "on";
      continue;
    }
    if (typeof raw !== "string") continue;
    // An empty box for a param without a default leaves it out, so the DAG's validation says it is missing.
    if (raw.trim() === "" && (params[field.name] as { value?: unknown } | null)?.value === null && field.kind !== "json") continue;
    if (field.kind === "number") {
      if (raw.trim() === "") continue;
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${field.label} must be a number.`);
      conf[field.name] = n;
    } else if (field.kind === "json") {
      try {
        conf[field.name] = JSON.parse(raw) as JsonValue;
      } catch {
        throw new Error(`${field.label} must be valid JSON.`);
      }
    } else conf[field.name] = raw;
  }
  const extra = typeof body.conf === "string" ? body.conf.trim() : "";
  if (extra) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(extra);
    } catch {
      throw new Error("Configuration JSON is not valid JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("Configuration JSON must be an object, e.g. {\"key\": \"value\"}.");
    Object.assign(conf, parsed);
  }
  return conf;
}
