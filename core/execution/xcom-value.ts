import { XComValueError } from "../errors.ts";
import { mappableValues, checkMapLength, MappingError } from "../semantics/mapping.ts";
import type { JsonValue } from "../types.ts";

/**
 * Checks that a value can be stored as XCom (JSON) and returns it as JSON. Dates become ISO strings; anything else
 * that is not JSON (functions, class instances, BigInt, NaN, cycles) is an error naming where it was found.
 */
export function toXComValue(value: unknown, where: string): JsonValue {
  return convert(value, where, "value", new Set());
}

function convert(value: unknown, where: string, path: string, seen: Set<object>): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw notJson(where, path, `the number ${value}`);
    return value;
  }
  if (value === undefined) throw notJson(where, path, "undefined");
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object") throw notJson(where, path, `a ${typeof value}`);
  if (seen.has(value)) throw notJson(where, path, "a circular reference");
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, i) => convert(item, where, `${path}[${i}]`, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw notJson(where, path, `an instance of ${value.constructor?.name ?? "a class"}`);
    }
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out[key] = convert(item, where, `${path}.${key}`, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function notJson(where: string, path: string, what: string): XComValueError {
  return new XComValueError(
    `${where} cannot be stored as XCom: ${path} is ${what}, and XCom values must be JSON (strings, numbers, booleans, null, arrays, plain objects). Convert it first, e.g. to a string or a plain object.`,
  );
}

/** A task whose result is mapped over must return a list or an object (Airflow fails the upstream task otherwise). */
export function checkMappable(value: JsonValue, taskId: string): void {
  if (value === null) {
    throw new MappingError(`Task "${taskId}" returned nothing, but a downstream task is mapped over its result: return a list or an object.`);
  }
  try {
    checkMapLength(mappableValues(value).length);
  } catch (error) {
    throw new MappingError(`Task "${taskId}": ${(error as Error).message}`);
  }
}
