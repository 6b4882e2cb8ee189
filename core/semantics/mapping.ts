import { UpdraftError } from "../errors.ts";
import { DEFAULTS } from "../types.ts";

/**
 * A value cannot be mapped over. Codes: `MAPPING_VALUE_MISSING` (upstream returned nothing, Airflow's
 * XComForMappingNotPushed), `MAPPING_UNMAPPABLE_TYPE` (not a list or object), `MAPPING_TOO_LONG` (past
 * core.max_map_length), `MAPPING_INDEX_OUT_OF_RANGE`, `MAPPING_NO_ARGUMENTS`; `MAPPING_INVALID` when the caller gives none.
 */
export class MappingError extends UpdraftError {
  constructor(message: string, code = "MAPPING_INVALID", options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Number of TIs a mapped task expands to: the product of its mapped arguments' lengths. */
export function expansionLength(lengths: readonly number[]): number {
  if (lengths.length === 0) throw new MappingError("expand() needs at least one mapped argument.", "MAPPING_NO_ARGUMENTS");
  return lengths.reduce((product, length) => product * length, 1);
}

/**
 * The mapped arguments of one map index. Cartesian product, last argument varying fastest:
 * `expand(x=[1,2], y=[10,20,30])` gives index 1 → {x: 1, y: 20} and index 3 → {x: 2, y: 10}.
 */
export function mappedKwargsAt(
  index: number,
  mapped: ReadonlyArray<{ name: string; values: readonly unknown[] }>,
): Record<string, unknown> {
  const length = expansionLength(mapped.map((arg) => arg.values.length));
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new MappingError(
      `Map index ${index} is out of range: the mapped arguments expand to ${length} task instance${length === 1 ? "" : "s"}.`,
      "MAPPING_INDEX_OUT_OF_RANGE",
    );
  }
  const kwargs: Record<string, unknown> = {};
  let rest = index;
  for (let i = mapped.length - 1; i >= 0; i--) {
    const { name, values } = mapped[i];
    kwargs[name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // Restore the declared argument order, which the loop above reversed.
  return Object.fromEntries(mapped.map(({ name }) => [name, kwargs[name]]));
}

/** The items a value maps to: a list maps to its items, an object to its `[key, value]` pairs in insertion order. */
export function mappableValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) return Object.entries(value);
  if (value === null || value === undefined) {
    throw new MappingError(
      "The upstream task returned nothing to map over: return a list or an object from it.",
      "MAPPING_VALUE_MISSING",
    );
  }
  throw new MappingError(
    `Cannot map over ${describe(value)}: expand() takes a list or an object (mapped to its [key, value] pairs).`,
    "MAPPING_UNMAPPABLE_TYPE",
  );
}

/** Airflow's `core.max_map_length`: a longer expansion fails the upstream task instead of creating the TIs. */
export function checkMapLength(length: number, max: number = DEFAULTS.maxMapLength): void {
  if (length > max) {
    throw new MappingError(
      `Cannot map over ${length} items: the limit is ${max} (core.max_map_length). Map over fewer items, or raise the limit.`,
      "MAPPING_TOO_LONG",
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "string") return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `a ${typeof value} (${String(value)})`;
}
