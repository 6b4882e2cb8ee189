import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import type { ValidationResult } from "./validate.ts";

const engine = Handlebars.create();
engine.registerHelper("json", (value: unknown) => JSON.stringify(value));
engine.registerHelper("percent", (value: number | null) => (value === null ? "n/a" : `${value.toFixed(1)}%`));
engine.registerHelper("observed", (result: Record<string, unknown>) => {
  if ("unexpected_count" in result) {
    const sample = (result.partial_unexpected_list as unknown[] | undefined)?.slice(0, 10) ?? [];
    const pct = result.unexpected_percent === null ? "n/a" : `${Number(result.unexpected_percent).toFixed(2)}%`;
    return `${result.unexpected_count} unexpected of ${result.element_count} (${pct})${sample.length ? `; e.g. ${JSON.stringify(sample)}` : ""}`;
  }
  return "observed_value" in result ? JSON.stringify(result.observed_value) : "";
});
const template = engine.compile(readFileSync(new URL("../templates/validation-report.hbs", import.meta.url), "utf8"));

/** GE's Data Docs page for one validation result, as a standalone HTML file (values are HTML-escaped). */
export function renderValidationReport(result: ValidationResult): string {
  return template(result);
}
