/**
 * Compatibility between two versions of a contract's JSON Schema, in the registry sense (Confluent's modes):
 * - backward: consumers on the NEW schema can read data written under the OLD one (every old-valid record is new-valid);
 * - forward: consumers on the OLD schema can read data written under the NEW one;
 * - full: both.
 * The check is structural and conservative over the keywords contracts use (type, properties, required,
 * additionalProperties, enum, const, items, minimum/maximum, exclusive*, minLength/maxLength, pattern, format):
 * a change it cannot prove safe is reported.
 */
export type CompatibilityMode = "backward" | "forward" | "full";
export interface CompatibilityIssue { path: string; message: string }
export interface CompatibilityResult { compatible: boolean; mode: CompatibilityMode; issues: CompatibilityIssue[] }

type Schema = Record<string, unknown>;

const typesOf = (s: Schema): Set<string> | null => {
  if (s.type === undefined) return null;
  const list = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
  return new Set(list.includes("number") ? [...list, "integer"] : list);
};

/** Issues that stop every instance of `narrow` from being an instance of `wide`. */
function subschemaIssues(narrow: Schema, wide: Schema, path: string, issues: CompatibilityIssue[]): void {
  const nt = typesOf(narrow);
  const wt = typesOf(wide);
  if (wt && (!nt || [...nt].some((t) => !wt.has(t)))) {
    issues.push({ path, message: `type ${JSON.stringify(narrow.type ?? "any")} is not accepted by ${JSON.stringify(wide.type)}` });
    return;
  }
  if (Array.isArray(wide.enum)) {
    const wideValues = new Set(wide.enum.map((v) => JSON.stringify(v)));
    const narrowValues = Array.isArray(narrow.enum) ? narrow.enum : narrow.const !== undefined ? [narrow.const] : null;
    if (!narrowValues) issues.push({ path, message: `an enum ${JSON.stringify(wide.enum)} was added` });
    else for (const v of narrowValues) if (!wideValues.has(JSON.stringify(v))) issues.push({ path, message: `enum value ${JSON.stringify(v)} is no longer allowed` });
  }
  if (wide.const !== undefined && JSON.stringify(narrow.const) !== JSON.stringify(wide.const)) issues.push({ path, message: `const ${JSON.stringify(wide.const)} was added or changed` });
  const bound = (key: string, tighter: (w: number, n: number) => boolean) => {
    const w = wide[key];
    const n = narrow[key];
    if (typeof w !== "number") return;
    if (typeof n !== "number" || tighter(w, n)) issues.push({ path, message: `${key} ${n ?? "(none)"} → ${w} rejects values that were valid` });
  };
  bound("minimum", (w, n) => w > n);
  bound("exclusiveMinimum", (w, n) => w > n);
  bound("minLength", (w, n) => w > n);
  bound("minItems", (w, n) => w > n);
  bound("maximum", (w, n) => w < n);
  bound("exclusiveMaximum", (w, n) => w < n);
  bound("maxLength", (w, n) => w < n);
  bound("maxItems", (w, n) => w < n);
  for (const key of ["pattern", "format"]) {
    if (wide[key] !== undefined && wide[key] !== narrow[key]) issues.push({ path, message: `${key} ${JSON.stringify(narrow[key] ?? null)} → ${JSON.stringify(wide[key])} may reject values that were valid` });
  }
  const nProps = (narrow.properties ?? {}) as Record<string, Schema>;
  const wProps = (wide.properties ?? {}) as Record<string, Schema>;
  const nRequired = new Set((narrow.required ?? []) as string[]);
  for (const name of (wide.required ?? []) as string[]) {
    if (!nRequired.has(name)) issues.push({ path: `${path}/properties/${name}`, message: `"${name}" is required but records without it were valid` });
  }
  for (const [name, wSchema] of Object.entries(wProps)) {
    if (nProps[name]) subschemaIssues(nProps[name], wSchema, `${path}/properties/${name}`, issues);
    else if (narrow.additionalProperties !== false) {
      // Records could carry any value under this name before; the new definition constrains it.
      if (Object.keys(wSchema).length) issues.push({ path: `${path}/properties/${name}`, message: `"${name}" was undeclared (any value) and is now constrained` });
    }
  }
  if (wide.additionalProperties === false) {
    for (const name of Object.keys(nProps)) if (!wProps[name]) issues.push({ path: `${path}/properties/${name}`, message: `"${name}" is no longer allowed (additionalProperties: false)` });
    if (narrow.additionalProperties !== false) issues.push({ path, message: "additionalProperties: false now rejects extra fields that were allowed" });
  }
  if (narrow.items && wide.items) subschemaIssues(narrow.items as Schema, wide.items as Schema, `${path}/items`, issues);
  else if (wide.items && !narrow.items) issues.push({ path: `${path}/items`, message: "items are now constrained" });
}

export function checkCompatibility(older: Schema, newer: Schema, mode: CompatibilityMode = "backward"): CompatibilityResult {
  const issues: CompatibilityIssue[] = [];
  if (mode === "backward" || mode === "full") {
    const found: CompatibilityIssue[] = [];
    subschemaIssues(older, newer, "", found);
    issues.push(...found.map((i) => ({ path: i.path || "/", message: `backward: ${i.message}` })));
  }
  if (mode === "forward" || mode === "full") {
    const found: CompatibilityIssue[] = [];
    subschemaIssues(newer, older, "", found);
    issues.push(...found.map((i) => ({ path: i.path || "/", message: `forward: ${i.message}` })));
  }
  return { compatible: issues.length === 0, mode, issues };
}
