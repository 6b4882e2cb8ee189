/** Alert severities, most urgent first. P1 pages on-call; P4 is only logged. */
export const SEVERITIES = ["P1", "P2", "P3", "P4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

/** Lower is more urgent. */
export const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** One level more urgent (P1 stays P1). */
export function raise(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, rank(severity) - 1)];
}
