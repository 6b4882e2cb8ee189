const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "30m", "2h", "1d", or a number of seconds. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/.exec(value) : null;
  if (!match) throw new Error(`${where}: ${JSON.stringify(value)} is not a duration; write e.g. "90s", "30m", "2h", "1d" or a number of seconds.`);
  return Number(match[1]) * UNITS[match[2]];
}
