import Handlebars from "handlebars";
import { dateFilterHelpers } from "./helpers/date-filters.ts";
import { helperArguments } from "./helpers/args.ts";
import { macroHelpers } from "./helpers/macros.ts";
import { valueHelpers } from "./helpers/values.ts";
import { xcomPull } from "./helpers/xcom.ts";
import { formatOutput } from "./output.ts";
import { renderState } from "./render-state.ts";

/**
 * Updraft's own handlebars environment, so helpers registered by other code never reach DAG templates.
 * Prototype access stays disallowed (handlebars' default): templates read only a value's own properties.
 */
export const templateEnvironment = Handlebars.create();

/**
 * Every `{{ … }}` is rewritten to call this helper (see rewrite.ts) so values print as Airflow users expect and
 * native mode can capture the raw value. The space in its name keeps templates from calling it.
 */
export const OUTPUT_HELPER = "updraft output";

templateEnvironment.registerHelper({
  ...dateFilterHelpers,
  ...macroHelpers,
  ...valueHelpers,
  xcom_pull: xcomPull,
  [OUTPUT_HELPER]: (...args: unknown[]) => {
    const { params, options } = helperArguments(args);
    const capture = renderState(options).capture;
    if (capture) capture.value = params[0];
    return formatOutput(params[0]);
  },
});

export const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  strict: false,
  // Names missing from a block's context ({{#each}}, {{#with}}) are looked up in the enclosing ones, as Jinja's
  // lexical scoping does: `{{#each params.tables}}{{ds}}{{/each}}` still sees `ds`.
  compat: true,
};

export function isHelperName(name: string): boolean {
  return Object.hasOwn(templateEnvironment.helpers, name);
}

export function helperNames(): string[] {
  return Object.keys(templateEnvironment.helpers).filter((name) => name !== OUTPUT_HELPER && !name.endsWith("Missing"));
}
