/** `npm run bench`: every benchmark in turn, one JSON line each. */
import { readdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url);
const skip = new Set(["run-all.ts", "measure.ts"]);
const only = process.argv[2];
for (const file of (await readdir(here)).filter((f) => f.endsWith(".ts") && !skip.has(f)).sort()) {
  if (only && !file.includes(only)) continue;
  await import(pathToFileURL(new URL(file, here).pathname).href);
}
