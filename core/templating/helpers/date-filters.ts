import type Handlebars from "handlebars";
import { ds, dsNodash, isoformat, tsNodash, tsNodashWithTz } from "../../dates.ts";
import { dateArgument, helperArguments } from "./args.ts";

/**
 * Airflow's date filters as helpers: `{{ts_nodash data_interval_end}}`. Handlebars calls a helper for a bare
 * `{{ ds }}` too, so without an argument they give the template variable of the same name.
 */
const FORMATS = {
  ds,
  ds_nodash: dsNodash,
  ts: isoformat,
  ts_nodash: tsNodash,
  ts_nodash_with_tz: tsNodashWithTz,
} as const;

const DATE_FILTER_NAMES = Object.keys(FORMATS) as (keyof typeof FORMATS)[];

function dateFilter(name: keyof typeof FORMATS): Handlebars.HelperDelegate {
  return (...args: unknown[]) => {
    const { params, options } = helperArguments(args);
    if (params.length === 0) return (options.data as { root: Record<string, unknown> }).root[name];
    if (params[0] == null) return "";
    return FORMATS[name](dateArgument(params[0], name));
  };
}

export const dateFilterHelpers: Record<string, Handlebars.HelperDelegate> = Object.fromEntries(
  DATE_FILTER_NAMES.map((name) => [name, dateFilter(name)]),
);
