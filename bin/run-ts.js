#!/usr/bin/env node
// Runs a TypeScript file of the project (benchmarks, scripts): node bin/run-ts.js bench/x.ts [args…]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const [file, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(resolve(file)).href);
