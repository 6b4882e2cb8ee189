import { Ajv, type ValidateFunction } from "ajv";
import { ParamValidationError } from "./errors.ts";
import type { JsonObject, JsonValue } from "./types.ts";

/** A DAG parameter: a default value plus a JSON Schema it must satisfy (Airflow's `Param`). */
export class Param<T extends JsonValue = JsonValue> {
  constructor(
    readonly value: T | undefined,
    readonly schema: JsonSchema = {},
    readonly description?: string,
  ) {}

  toJSON(): JsonObject {
    return {
      value: (this.value ?? null) as JsonValue,
      schema: this.schema as JsonObject,
      description: this.description ?? null,
    };
  }
}

export type JsonSchema = { [key: string]: unknown; type?: string | string[]; description?: string; title?: string };

export function param<T extends JsonValue>(value: T | undefined, schema: JsonSchema & { description?: string } = {}): Param<T> {
  return new Param(value, schema, schema.description);
}

/** `params` as written in a DAG file: plain values or `param(...)`. */
export type ParamsSpec = Record<string, JsonValue | Param>;

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** Checks a DAG's param schemas at parse time, so a broken schema is an import error, not a failed run. */
export function checkParamSchemas(params: ParamsSpec, where: string): void {
  for (const [name, spec] of Object.entries(params)) {
    if (spec instanceof Param) {
      try {
        validatorFor(spec.schema);
      } catch (error) {
        throw new ParamValidationError(`Param "${name}" of ${where} has an invalid JSON Schema: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * Airflow's resolution: DAG params, overridden by task params, overridden by the run's conf; then every param that
 * has a schema is validated. Returns plain values.
 */
export function resolveParams(specs: ParamsSpec[], conf: JsonObject, where: string): JsonObject {
  const merged: Record<string, JsonValue | Param> = Object.assign({}, ...specs);
  const values: JsonObject = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(merged)) {
    const fromConf = Object.hasOwn(conf, name);
    const value = fromConf ? conf[name] : spec instanceof Param ? spec.value : spec;
    if (spec instanceof Param) {
      if (value === undefined) {
        problems.push(`param "${name}" has no value: give it a default or pass it in the run's conf`);
        continue;
      }
      const validate = validatorFor(spec.schema);
      if (!validate(value)) {
        const details = (validate.errors ?? []).map((e) => `${e.instancePath || "value"} ${e.message}`).join("; ");
        problems.push(`param "${name}" = ${JSON.stringify(value)} is invalid: ${details}`);
        continue;
      }
    }
    values[name] = value as JsonValue;
  }
  for (const [name, value] of Object.entries(conf)) if (!(name in values) && !(name in merged)) values[name] = value;
  if (problems.length) throw new ParamValidationError(`Invalid params for ${where}: ${problems.join("; ")}.`);
  return values;
}

/** Params as a JSON Schema document (for the API and the trigger form). */
export function paramsToJson(params: ParamsSpec): JsonObject {
  return Object.fromEntries(
    Object.entries(params).map(([name, spec]) => [
      name,
      spec instanceof Param ? spec.toJSON() : { value: spec, schema: {}, description: null },
    ]),
  );
}
