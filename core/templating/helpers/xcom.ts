import { renderState } from "../render-state.ts";
import { xcomPullRequest, xcomRequestKey } from "../xcom-request.ts";
import { helperArguments } from "./args.ts";

/** `{{xcom_pull task_ids="extract" key="k"}}`: the value was pulled before rendering (helpers are synchronous). */
export function xcomPull(...args: unknown[]): unknown {
  const { params, options } = helperArguments(args);
  const request = xcomPullRequest(params, options.hash);
  const { xcoms } = renderState(options);
  const key = xcomRequestKey(request);
  if (!xcoms.has(key)) {
    throw new Error(
      `xcom_pull ${key} was not pulled before rendering: its arguments must be literals or variables of the template, not values of a {{#each}} or {{#with}} block.`,
    );
  }
  const value = xcoms.get(key);
  return value ?? options.hash.default ?? value;
}
