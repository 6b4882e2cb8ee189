import type { ConnectionInfo } from "../types.ts";

/** Async look-ups a template may need; resolved BEFORE rendering because handlebars is synchronous. */
export interface TemplateLookups {
  variable(key: string): Promise<string | undefined>;
  connection(connId: string): Promise<ConnectionInfo | undefined>;
  xcomPull(args: { taskIds?: string | string[]; key?: string; mapIndexes?: number | number[]; dagId?: string }): Promise<unknown>;
}
