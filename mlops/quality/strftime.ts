/** Checks a string against a Python strftime format (what `datetime.strptime(value, format)` accepts). */
const DIRECTIVES: Record<string, { pattern: string; field?: "year" | "month" | "day" | "hour12" }> = {
  Y: { pattern: "(\\d{4})", field: "year" }, y: { pattern: "\\d{2}" }, m: { pattern: "(\\d{1,2})", field: "month" },
  d: { pattern: "(\\d{1,2})", field: "day" }, H: { pattern: "(?:[01]?\\d|2[0-3])" }, I: { pattern: "(?:0?[1-9]|1[0-2])" },
  M: { pattern: "[0-5]?\\d" }, S: { pattern: "(?:[0-5]?\\d|6[01])" }, f: { pattern: "\\d{1,6}" }, p: { pattern: "(?:AM|PM|am|pm)" },
  j: { pattern: "(?:00[1-9]|0[1-9]\\d|[12]\\d\\d|3[0-5]\\d|36[0-6]|[1-9]\\d?)" },
  b: { pattern: "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)" },
  B: { pattern: "(?:January|February|March|April|May|June|July|August|September|October|November|December)" },
  a: { pattern: "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)" }, A: { pattern: "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)" },
  z: { pattern: "(?:[+-]\\d{2}:?\\d{2}|Z)" }, Z: { pattern: "(?:UTC|GMT|[A-Z]{3,4})?" }, "%": { pattern: "%" },
};

export function matchesStrftime(value: string, format: string): boolean {
  let pattern = "";
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== "%") {
      pattern += /\s/.test(ch) ? "\\s+" : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      continue;
    }
    const directive = DIRECTIVES[format[++i]];
    if (!directive) throw new Error(`strftime directive "%${format[i]}" is not supported.`);
    pattern += directive.pattern;
    if (directive.field) fields.push(directive.field);
  }
  const match = new RegExp(`^${pattern}$`, "i").exec(value.trim() === value ? value : "");
  if (!match) return false;
  const parts: Record<string, number> = {};
  fields.forEach((field, index) => (parts[field] = Number(match[index + 1])));
  if (parts.month !== undefined && (parts.month < 1 || parts.month > 12)) return false;
  if (parts.day !== undefined) {
    const days = new Date(Date.UTC(parts.year ?? 2000, parts.month ?? 1, 0)).getUTCDate();
    if (parts.day < 1 || parts.day > (parts.month === undefined ? 31 : days)) return false;
  }
  return true;
}
