/**
 * Scanning SQL text without a parser: where statements end and where `%s` / `%(name)s` placeholders are, skipping
 * string literals ('…', E'…'), quoted identifiers ("…"), dollar-quoted bodies ($tag$…$tag$) and comments.
 */

type Segment = { code: boolean; text: string };

function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let code = "";
  let i = 0;
  const flush = () => {
    if (code) out.push({ code: true, text: code });
    code = "";
  };
  while (i < sql.length) {
    const ch = sql[i];
    const rest = sql.slice(i);
    let end = -1;
    if (ch === "'" || ch === '"') {
      end = i + 1;
      while (end < sql.length) {
        if (sql[end] === ch && sql[end + 1] === ch) end += 2;
        else if (sql[end] === "\\" && ch === "'" && /[eE]$/.test(sql.slice(0, i))) end += 2;
        else if (sql[end] === ch) break;
        else end++;
      }
      end = Math.min(end + 1, sql.length);
    } else if (rest.startsWith("--")) {
      const newline = sql.indexOf("\n", i);
      end = newline < 0 ? sql.length : newline;
    } else if (rest.startsWith("/*")) {
      const close = sql.indexOf("*/", i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else if (ch === "$") {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close < 0 ? sql.length : close + tag[0].length;
      }
    }
    if (end > i) {
      flush();
      out.push({ code: false, text: sql.slice(i, end) });
      i = end;
    } else {
      code += ch;
      i++;
    }
  }
  flush();
  return out;
}

/** Airflow's `split_statements`: the statements of a script, without empty ones or their trailing `;`. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  for (const segment of segments(sql)) {
    if (!segment.code) {
      current += segment.text;
      continue;
    }
    const parts = segment.text.split(";");
    current += parts[0];
    for (const part of parts.slice(1)) {
      statements.push(current);
      current = part;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter(hasContent);
}

/** False for a statement that is only whitespace and comments. */
function hasContent(statement: string): boolean {
  return segments(statement).some((seg) => (seg.code ? seg.text.trim() !== "" : !seg.text.startsWith("--") && !seg.text.startsWith("/*")));
}

export type SqlParameters = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * psycopg2's placeholders (`%s`, `%(name)s`, `%%`) turned into node-postgres's `$1…`, so SQL written for Airflow
 * runs unchanged. SQL already using `$n` with a list of parameters is passed through.
 */
export function toNumberedPlaceholders(sql: string, parameters: SqlParameters | undefined): { text: string; values: unknown[] } {
  if (parameters === undefined || parameters === null) return { text: sql, values: [] };
  const values: unknown[] = [];
  const named = new Map<string, number>();
  const positional = Array.isArray(parameters) ? (parameters as readonly unknown[]) : undefined;
  let next = 0;
  let text = "";
  for (const segment of segments(sql)) {
    if (!segment.code) {
      text += segment.text;
      continue;
    }
    text += segment.text.replace(/%%|%s|%\(([A-Za-z_][A-Za-z0-9_]*)\)s/g, (match, name: string | undefined) => {
      if (match === "%%") return "%";
      if (name === undefined) {
        if (!positional) throw new Error(`The SQL uses %s but the parameters are an object: pass a list, or use %(name)s placeholders.`);
        if (next >= positional.length) throw new Error(`The SQL has more %s placeholders than the ${positional.length} parameters given.`);
        values.push(positional[next++]);
        return `$${values.length}`;
      }
      if (positional) throw new Error(`The SQL uses %(${name})s but the parameters are a list: pass an object, or use %s placeholders.`);
      const record = parameters as Record<string, unknown>;
      if (!(name in record)) throw new Error(`The SQL uses %(${name})s but the parameters have no "${name}".`);
      if (!named.has(name)) {
        values.push(record[name]);
        named.set(name, values.length);
      }
      return `$${named.get(name)}`;
    });
  }
  if (values.length === 0 && positional) return { text: sql, values: [...positional] };
  return { text, values };
}
