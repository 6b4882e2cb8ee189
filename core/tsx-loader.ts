import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The TypeScript loader for child processes (`--import`), resolved from this package rather than from the working
 * directory, so `updraft` started anywhere finds its own tsx.
 */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
