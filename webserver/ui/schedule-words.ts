/**
 * A DAG's schedule in words for the DAGs list ("Every day at 00:00"), from its timetable summary: a preset, a cron
 * expression, a timedelta ("1 day, 0:00:00") or "None"/"Dataset". What it cannot say simply it shows as written.
 */
const PRESETS: Readonly<Record<string, string>> = {
  "@once": "Once",
  "@continuous": "Continuously",
  "@hourly": "Every hour",
  "@daily": "Every day at 00:00",
  "@midnight": "Every day at 00:00",
  "@weekly": "Every Sunday at 00:00",
  "@monthly": "On day 1 of every month at 00:00",
  "@yearly": "Every 1 January at 00:00",
  "@annually": "Every 1 January at 00:00",
  None: "Manual triggers only",
  Dataset: "When its datasets are updated",
};
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const isNumber = (s: string) => /^\d+$/.test(s);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const hhmm = (h: string, m: string) => `${h.padStart(2, "0")}:${m.padStart(2, "0")}`;

export function scheduleInWords(summary: string | null | undefined): string {
  if (!summary) return "Manual triggers only";
  if (PRESETS[summary]) return PRESETS[summary];
  // DatasetOrTimeSchedule: "Dataset or <its time timetable's summary>".
  if (summary.startsWith("Dataset or ")) return `${PRESETS.Dataset}, or ${lowerFirst(scheduleInWords(summary.slice(11)))}`;
  const fields = summary.trim().split(/\s+/);
  if (fields.length !== 5) return /\d:\d\d:\d\d/.test(summary) ? `Every ${summary}` : summary;
  const [minute, hour, dom, month, dow] = fields;
  const everyDay = dom === "*" && month === "*" && dow === "*";
  if (everyDay && hour === "*" && minute === "*") return "Every minute";
  const stepMinutes = /^\*\/(\d+)$/.exec(minute);
  if (everyDay && hour === "*" && stepMinutes) return `Every ${stepMinutes[1]} minutes`;
  if (everyDay && hour === "*" && isNumber(minute)) return minute === "0" ? "Every hour" : `Every hour at minute ${minute}`;
  const stepHours = /^\*\/(\d+)$/.exec(hour);
  if (everyDay && stepHours && isNumber(minute)) return `Every ${stepHours[1]} hours at minute ${minute}`;
  if (!isNumber(minute) || !isNumber(hour) || month !== "*") return summary;
  const at = hhmm(hour, minute);
  if (everyDay) return `Every day at ${at}`;
  if (dom === "*" && dow === "1-5") return `Every weekday at ${at}`;
  if (dom === "*" && isNumber(dow)) return `Every ${DAYS[Number(dow)] ?? dow} at ${at}`;
  if (dow === "*" && isNumber(dom)) return `On day ${dom} of every month at ${at}`;
  return summary;
}
