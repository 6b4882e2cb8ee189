import type Handlebars from "handlebars";

/**
 * What one render passes to helpers through handlebars' `data` frame: XCom values pulled before rendering, and
 * the raw value of the single expression in native mode. The key has a space so no template can name it as `@…`.
 */
export const RENDER_STATE = "updraft render state";

export interface RenderState {
  xcoms: ReadonlyMap<string, unknown>;
  capture?: { value: unknown };
}

export function renderState(options: Handlebars.HelperOptions): RenderState {
  return (options.data as Record<string, RenderState>)[RENDER_STATE];
}
