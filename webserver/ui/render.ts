import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { Response } from "express";
import { CSRF_FIELD } from "../auth/csrf.ts";
import type { Session } from "../auth/session.ts";
import { STATE_COLORS, stateClass } from "./states.ts";

const VIEWS = fileURLToPath(new URL("./views/", import.meta.url));

/**
 * The UI's handlebars: its own instance (DAG templating has another, with Airflow's helpers), every view and partial
 * compiled once at start-up. Handlebars escapes `{{…}}`; nothing user-supplied is ever rendered with `{{{…}}}` except
 * JSON made safe by the `json` helper.
 */
const hbs = Handlebars.create();

const pad = (n: number) => String(n).padStart(2, "0");
function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function formatDuration(seconds: unknown): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return "";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : `${m}m ${pad(s % 60)}s`;
}

hbs.registerHelper("date", formatDate);
hbs.registerHelper("duration", formatDuration);
hbs.registerHelper("stateClass", (state: string | null) => stateClass(state));
hbs.registerHelper("stateLabel", (state: string | null) => state ?? "no status");
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("encode", (value: unknown) => encodeURIComponent(String(value ?? "")));
// JSON for a <script type="application/json"> block: "<" escaped so no value can close the script element.
hbs.registerHelper("json", (value: unknown) => new hbs.SafeString(JSON.stringify(value ?? null).replace(/</g, "\\u003c")));
hbs.registerHelper("pretty", (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2)));
hbs.registerHelper("csrf", function (this: unknown, options: Handlebars.HelperOptions) {
  const token = (options.data.root as { csrfToken?: string }).csrfToken ?? "";
  return new hbs.SafeString(`<input type="hidden" name="${CSRF_FIELD}" value="${hbs.escapeExpression(token)}">`);
});

const templates = new Map<string, Handlebars.TemplateDelegate>();
const fragments = new Map<string, Handlebars.TemplateDelegate>();
for (const file of readdirSync(join(VIEWS, "partials"))) {
  if (!file.endsWith(".hbs")) continue;
  const source = readFileSync(join(VIEWS, "partials", file), "utf8");
  hbs.registerPartial(basename(file, ".hbs"), source);
  fragments.set(`partials/${basename(file, ".hbs")}`, hbs.compile(source));
}
for (const file of readdirSync(VIEWS)) {
  if (file.endsWith(".hbs")) templates.set(basename(file, ".hbs"), hbs.compile(readFileSync(join(VIEWS, file), "utf8"), { strict: false }));
}
const layout = templates.get("layout")!;

export interface PageUser {
  username: string;
  role: string;
}

/** Renders `view` inside the layout (nav, flash message, CSRF token), with `status`. */
export function renderPage(res: Response, view: string, title: string, data: Record<string, unknown> = {}, status = 200): void {
  res.status(status).type("html").send(renderToString(res, view, title, data));
}

export function renderToString(res: Response, view: string, title: string, data: Record<string, unknown> = {}): string {
  const template = templates.get(view);
  if (!template) throw new Error(`No UI view "${view}"`);
  const session = res.locals.session as Session | undefined;
  const flash = session?.flash ?? null;
  if (session) session.flash = null;
  const context = { ...data, title, user: res.locals.uiUser as PageUser | undefined, nav: res.locals.nav, csrfToken: session?.csrfToken ?? "", flash, stateColors: STATE_COLORS };
  return layout({ ...context, body: new hbs.SafeString(template(context)) });
}

/** A view without the layout (grid fragments fetched by the live update). */
export function renderFragment(view: string, data: Record<string, unknown>): string {
  return (fragments.get(view) ?? templates.get(view)!)(data);
}
