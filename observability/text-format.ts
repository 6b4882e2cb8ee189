/**
 * One pino JSON line as a person reads it on a terminal:
 * `13:52:07.123 INFO  scheduler  DagRun r1 of etl finished: success  dag_id=etl run_id=r1`.
 */
const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const HIDDEN = new Set(["level", "time", "msg", "component", "pid", "hostname"]);

export function formatText(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  const time = typeof record.time === "number" ? new Date(record.time).toISOString().slice(11, 23) : "";
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const head = [time, level, record.component ?? "", record.msg ?? ""].filter((part) => part !== "").join("  ");
  return `${fields.length ? `${head}  ${fields.join(" ")}` : head}\n`;
}
