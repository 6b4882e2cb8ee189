import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { Facets } from "./types.ts";

const SCHEMAS = fileURLToPath(new URL("./schemas/", import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let compiled: { event: ValidateFunction; facets: Map<string, ValidateFunction[]> } | undefined;

/** The official schemas (copied verbatim in ./schemas), compiled once: the RunEvent and every facet, by facet key. */
function schemas() {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("uuid", UUID);
  ajv.addFormat("uri", (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s));
  ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS}OpenLineage.json`, "utf8")));
  const facets = new Map<string, ValidateFunction[]>();
  for (const file of readdirSync(`${SCHEMAS}facets`)) {
    const schema = JSON.parse(readFileSync(`${SCHEMAS}facets/${file}`, "utf8"));
    ajv.addSchema(schema);
    for (const key of Object.keys(schema.properties ?? {})) {
      facets.set(key, [...(facets.get(key) ?? []), ajv.getSchema(schema.$id)!]);
    }
  }
  compiled = { event: ajv.getSchema("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent")!, facets };
  return compiled;
}

/** Every problem with an event: the core schema first, then each facet against its own schema. Empty when valid. */
export function validateRunEvent(event: unknown): string[] {
  const { event: check, facets } = schemas();
  const errors: string[] = [];
  if (!check(event)) errors.push(...(check.errors ?? []).map((e) => `${e.instancePath || "event"} ${e.message}`));
  const e = event as { run?: { facets?: Facets }; job?: { facets?: Facets }; inputs?: Array<Record<string, Facets>>; outputs?: Array<Record<string, Facets>> };
  const checkFacets = (where: string, bag: Facets | undefined) => {
    for (const [key, value] of Object.entries(bag ?? {})) {
      const candidates = facets.get(key);
      if (!candidates) continue; // a custom facet: only the core BaseFacet rules apply
      const results = candidates.map((validate) => (validate({ [key]: value }) ? [] : (validate.errors ?? []).map((x) => `${where}.${key}${x.instancePath} ${x.message}`)));
      if (results.every((r) => r.length > 0)) errors.push(...results[0]);
    }
  };
  checkFacets("run.facets", e.run?.facets);
  checkFacets("job.facets", e.job?.facets);
  for (const [i, d] of (e.inputs ?? []).entries()) {
    checkFacets(`inputs[${i}].facets`, d.facets);
    checkFacets(`inputs[${i}].inputFacets`, d.inputFacets);
  }
  for (const [i, d] of (e.outputs ?? []).entries()) {
    checkFacets(`outputs[${i}].facets`, d.facets);
    checkFacets(`outputs[${i}].outputFacets`, d.outputFacets);
  }
  return errors;
}
