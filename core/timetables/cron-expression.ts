/**
 * Cron expressions as Airflow 2.10 accepts them (croniter's spelling), parsed and evaluated by cron-parser.
 * Three croniter spellings are rewritten into cron-parser's: a sixth field is seconds LAST (cron-parser wants them
 * first), "L5" (last Friday) is "5L", and a weekday range ending on Sunday ("fri-sun") ends at 7, since cron-parser
 * rejects "5-0". Where the two differ in meaning cron-parser wins: day-of-month and day-of-week are ORed whenever
 * both are restricted, and only "*" or "?" counts as unrestricted, so "0 0 *\/2 * 0-6" fires every day here but
 * every other day under croniter (which treats a full range as "*" when the other day field contains a "*").
 */
import { CronExpressionParser, type CronExpression } from "cron-parser";
import { TimetableError } from "./errors.ts";

/** Airflow's `cron_presets`; croniter itself knows the rest (`@midnight`, `@annually`) and ignores their case. */
export const AIRFLOW_CRON_PRESETS: Readonly<Record<string, string>> = Object.freeze({
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@quarterly": "0 0 1 */3 *",
  "@yearly": "0 0 1 1 *",
});

const CRONITER_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
});

const HOW_TO_FIX =
  'Use five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *", or a preset such as "@daily".';

/** Fields in croniter's order; a sixth is seconds. */
const FIELDS = [
  { name: "minute", allowed: "0-59" },
  { name: "hour", allowed: "0-23" },
  { name: "day-of-month", allowed: "1-31 or L" },
  { name: "month", allowed: "1-12 or jan-dec" },
  { name: "day-of-week", allowed: "0-7 or sun-sat" },
  { name: "second", allowed: "0-59" },
] as const;
type Field = (typeof FIELDS)[number];

/**
 * `expression` (a preset or a croniter-style cron) parsed by cron-parser in UTC, so that naive wall-clock times
 * (see timezone.ts) go in and come out unshifted. The result is an iterator: `reset` it before each `next`/`prev`.
 */
export function parseCron(expression: string): CronExpression {
  const fail = (what: string): never => {
    throw new TimetableError(`Invalid cron expression "${expression}": ${what}. ${HOW_TO_FIX}`);
  };
  if (typeof expression !== "string") fail("a schedule must be a string");
  const text = AIRFLOW_CRON_PRESETS[expression] ?? CRONITER_ALIASES[expression.toLowerCase()] ?? expression;
  if (text.trim().startsWith("@")) {
    fail(`unknown preset "${text.trim()}" (presets: @once, @continuous, ${Object.keys(AIRFLOW_CRON_PRESETS).join(", ")}, @midnight, @annually)`);
  }
  const written = text.trim().split(/\s+/).filter(Boolean);
  if (written.length !== 5 && written.length !== 6) {
    fail(`expected 5 fields (or 6 with seconds last) but found ${written.length}`);
  }
  // cron-parser would pick a random value on every parse; Airflow passes croniter no hash id, which rejects "H".
  const hashed = written.findIndex((item) => /(^|,)h/i.test(item));
  if (hashed >= 0) fail(`${FIELDS[hashed].name} "${written[hashed]}" uses "H" (a hashed value), which Airflow does not accept; write a fixed value`);
  const fields = written.map((item, i) => toCronParserSpelling(item, FIELDS[i]));
  try {
    return CronExpressionParser.parse(secondsFirst(fields), { tz: "UTC" });
  } catch (error) {
    return fail(explain(written, fields, error));
  }
}

function secondsFirst(fields: readonly string[]): string {
  return [fields[5] ?? "0", ...fields.slice(0, 5)].join(" ");
}

function toCronParserSpelling(item: string, field: Field): string {
  const upper = item.toUpperCase(); // croniter ignores case; cron-parser only knows "L" in upper case
  if (field.name !== "day-of-week") return upper;
  return upper
    .split(",")
    .map((part) => part.replace(/^L(\w+)$/, "$1L").replace(/^(?!0-|SUN-)(\w+)-(0|SUN)(?=\/|$)/, "$1-7"))
    .join(",");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why cron-parser rejected the expression, in the user's terms. Its messages do not name the field, so each field
 * is parsed on its own to find the culprit; its wording is matched loosely and anything unmatched is quoted as is.
 */
function explain(written: readonly string[], fields: readonly string[], error: unknown): string {
  for (let i = 0; i < fields.length; i++) {
    try {
      CronExpressionParser.parse(secondsFirst(fields.map((item, j) => (j === i ? item : "*"))), { tz: "UTC" });
    } catch (fieldError) {
      return explainField(FIELDS[i], written[i], messageOf(fieldError));
    }
  }
  const why = messageOf(error);
  if (/day of month definition/i.test(why)) return "it never matches a real date (no chosen month has that day)";
  return `cron-parser cannot use it (${why})`;
}

function explainField(field: Field, item: string, why: string): string {
  const { name, allowed } = field;
  if (/(^|,)-/.test(item)) return `${name} may not be negative ("${item}")`;
  const outOfRange = /got (?:value|range) (\S+) expected range/.exec(why);
  if (outOfRange) return `${name} must be ${allowed} (got "${outOfRange[1].includes("NaN") ? item : outOfRange[1]}")`;
  if (/resolve alias|invalid characters/i.test(why)) return `${name} value "${item}" is not understood; ${name} must be ${allowed}`;
  if (/repeat at every 0|invalid step/i.test(why)) return `the step in ${name} "${item}" must be a whole number of at least 1`;
  const backwards = /invalid range: (\S+),/i.exec(why);
  if (backwards) return `the range "${backwards[1]}" in ${name} goes backwards; write the lower value first`;
  if (/occurrence number/.test(why)) return `in day-of-week "${item}" the occurrence after "#" must be 1-5`;
  return `${name} "${item}" is not understood (${why}); ${name} must be ${allowed}`;
}
