import { ConfigProblem } from "./issues.ts";
import { isMapping } from "./merge.ts";

/**
 * `tasks` and `task_groups` may be a mapping (id → config) or a list of configs naming their id (`task_id`,
 * `group_name`), as in dag-factory. Returns the mapping form, in the order written.
 */
export function normalizeEntries(value: unknown, path: readonly (string | number)[], idKey: "task_id" | "group_name"): Record<string, Record<string, unknown>> {
  const what = idKey === "task_id" ? "task" : "task group";
  if (value === undefined || value === null) return {};
  if (isMapping(value)) {
    for (const [id, entry] of Object.entries(value)) {
      if (entry === null || entry === undefined) value[id] = {};
      else if (!isMapping(entry)) throw new ConfigProblem([...path, id], `The ${what} "${id}" must be a mapping of its settings.`, { expected: "a mapping" });
    }
    return value as Record<string, Record<string, unknown>>;
  }
  if (!Array.isArray(value)) {
    throw new ConfigProblem(path, `"${path.at(-1)}" must be a mapping (${idKey} → settings) or a list of entries with ${idKey}.`, { expected: "a mapping or a list" });
  }
  const converted: Record<string, Record<string, unknown>> = {};
  value.forEach((entry, index) => {
    if (!isMapping(entry) || typeof entry[idKey] !== "string") {
      throw new ConfigProblem([...path, index], `Each ${what} of the list must be a mapping with a "${idKey}" key.`, { expected: `${idKey}: <name>` });
    }
    const { [idKey]: id, ...rest } = entry;
    if (Object.hasOwn(converted, id as string)) throw new ConfigProblem([...path, id as string], `Duplicate ${idKey} "${id}" in the ${what} list.`);
    converted[id as string] = rest;
  });
  return converted;
}
