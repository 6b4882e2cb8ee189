import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";

/** A data contract: a named, versioned JSON Schema that each record of a dataset must satisfy. */
export interface DataContract { name: string; version: number; description?: string; schema: Record<string, unknown> }

export interface RecordViolation { index: number; path: string; message: string }
export interface ContractValidation { contract: string; version: number; valid: boolean; recordCount: number; invalidCount: number; violations: RecordViolation[] }

/** The string formats contracts use most (ajv ships none without the ajv-formats package). */
const FORMATS: Record<string, RegExp | ((value: string) => boolean)> = {
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  "date-time": (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: (v) => URL.canParse(v),
};

/** Reads every `*.json` contract file of a folder; each holds `{ name, version, schema }`. */
export async function loadContracts(dir: string): Promise<DataContract[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  const contracts: DataContract[] = [];
  for (const file of files) {
    const parsed = JSON.parse(await readFile(join(dir, file), "utf8")) as Partial<DataContract>;
    if (typeof parsed.name !== "string" || !Number.isInteger(parsed.version) || typeof parsed.schema !== "object" || parsed.schema === null) {
      throw new Error(`Contract file ${join(dir, file)} must hold { "name": string, "version": integer, "schema": object }.`);
    }
    contracts.push(parsed as DataContract);
  }
  return contracts;
}

/** The given version of a contract, or its latest. */
export function pickContract(contracts: DataContract[], name: string, version?: number): DataContract {
  const versions = contracts.filter((c) => c.name === name).sort((x, y) => x.version - y.version);
  if (!versions.length) throw new Error(`No contract named "${name}" (known: ${[...new Set(contracts.map((c) => c.name))].join(", ") || "none"}).`);
  const found = version === undefined ? versions.at(-1) : versions.find((c) => c.version === version);
  if (!found) throw new Error(`Contract "${name}" has no version ${version} (versions: ${versions.map((c) => c.version).join(", ")}).`);
  return found;
}

/** Validates each record; reports every violation with the record index and a JSON pointer. */
export function validateRecords(contract: DataContract, records: unknown[], maxViolations = 100): ContractValidation {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  let check;
  try {
    check = ajv.compile(contract.schema);
  } catch (error) {
    throw new Error(`Contract "${contract.name}" v${contract.version} has an invalid JSON Schema: ${(error as Error).message}`);
  }
  const violations: RecordViolation[] = [];
  let invalidCount = 0;
  records.forEach((record, index) => {
    if (check(record)) return;
    invalidCount++;
    for (const error of check.errors ?? []) {
      if (violations.length >= maxViolations) break;
      const extra = error.keyword === "additionalProperties" ? ` ("${(error.params as { additionalProperty: string }).additionalProperty}")` : "";
      violations.push({ index, path: error.instancePath || "/", message: `${error.message ?? error.keyword}${extra}` });
    }
  });
  return { contract: contract.name, version: contract.version, valid: invalidCount === 0, recordCount: records.length, invalidCount, violations };
}
