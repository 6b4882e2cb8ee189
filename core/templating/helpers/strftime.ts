/**
 * The subset of Python's strftime/strptime that DAGs use with `ds_format`: %Y %m %d %H %M %S %y %b %B %a %A %j %%.
 * Dates are UTC, like every Updraft date.
 */
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const SUPPORTED = "%Y %m %d %H %M %S %y %b %B %a %A %j %%";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

function unsupported(directive: string, format: string): Error {
  return new Error(`format "${format}" uses %${directive}, which Updraft does not support: use ${SUPPORTED}.`);
}

export function strftime(date: Date, format: string): string {
  return format.replace(/%(.)/gs, (_, directive: string) => {
    switch (directive) {
      case "Y": return pad(date.getUTCFullYear(), 4);
      case "m": return pad(date.getUTCMonth() + 1);
      case "d": return pad(date.getUTCDate());
      case "H": return pad(date.getUTCHours());
      case "M": return pad(date.getUTCMinutes());
      case "S": return pad(date.getUTCSeconds());
      case "y": return pad(date.getUTCFullYear() % 100);
      case "b": return MONTHS[date.getUTCMonth()].slice(0, 3);
      case "B": return MONTHS[date.getUTCMonth()];
      case "a": return WEEKDAYS[date.getUTCDay()].slice(0, 3);
      case "A": return WEEKDAYS[date.getUTCDay()];
      case "j": return pad(dayOfYear(date), 3);
      case "%": return "%";
      default: throw unsupported(directive, format);
    }
  });
}

const PATTERNS: Record<string, string> = {
  Y: "(\\d{4})",
  m: "(\\d{1,2})",
  d: "(\\d{1,2})",
  H: "(\\d{1,2})",
  M: "(\\d{1,2})",
  S: "(\\d{1,2})",
  y: "(\\d{2})",
  j: "(\\d{1,3})",
  b: `(${MONTHS.map((m) => m.slice(0, 3)).join("|")})`,
  B: `(${MONTHS.join("|")})`,
  a: `(${WEEKDAYS.map((d) => d.slice(0, 3)).join("|")})`,
  A: `(${WEEKDAYS.join("|")})`,
};

/** Python's `datetime.strptime`: the whole text must match; missing fields default to 1900-01-01 00:00:00. */
export function strptime(text: string, format: string): Date {
  const fields: string[] = [];
  let pattern = "";
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    if (char === "%" && i + 1 < format.length) {
      const directive = format[++i];
      if (directive === "%") pattern += "%";
      else if (PATTERNS[directive]) {
        pattern += PATTERNS[directive];
        fields.push(directive);
      } else throw unsupported(directive, format);
    } else if (/\s/.test(char)) {
      pattern += "\\s+";
      while (i + 1 < format.length && /\s/.test(format[i + 1])) i++;
    } else pattern += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const match = new RegExp(`^${pattern}$`, "i").exec(text);
  if (!match) throw new Error(`"${text}" does not match format "${format}".`);

  const parts = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, j: 0 };
  fields.forEach((directive, index) => {
    const value = match[index + 1];
    const monthIndex = (names: string[]) => names.findIndex((name) => name.toLowerCase() === value.toLowerCase()) + 1;
    if (directive === "y") parts.Y = Number(value) < 69 ? 2000 + Number(value) : 1900 + Number(value);
    else if (directive === "b") parts.m = monthIndex(MONTHS.map((m) => m.slice(0, 3)));
    else if (directive === "B") parts.m = monthIndex(MONTHS);
    else if (directive !== "a" && directive !== "A") parts[directive as keyof typeof parts] = Number(value);
  });

  const explicitDay = fields.includes("m") || fields.includes("d") || fields.includes("b") || fields.includes("B");
  const fromDayOfYear = parts.j > 0 && !explicitDay;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as given.
  date.setUTCFullYear(parts.Y, fromDayOfYear ? 0 : parts.m - 1, fromDayOfYear ? parts.j : parts.d);
  date.setUTCHours(parts.H, parts.M, parts.S, 0);
  const fits = fromDayOfYear ? date.getUTCFullYear() === parts.Y : date.getUTCMonth() === parts.m - 1 && date.getUTCDate() === parts.d;
  if (!fits || parts.Y < 1 || parts.H > 23 || parts.M > 59 || parts.S > 59) {
    throw new Error(`"${text}" matches format "${format}" but is not a valid date.`);
  }
  return date;
}
