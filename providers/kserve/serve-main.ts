/**
 * The model server as a process: `node bin/run-ts.js providers/kserve/serve-main.ts --model churn:2=model.json
 * [--model …] [--port 8080] [--ready-file f]`. Each model file is a LogisticModel's JSON (mlops/training).
 */
import { readFile, writeFile } from "node:fs/promises";
import type { LogisticModel } from "../../mlops/training/logistic-regression.ts";
import { parseArgs } from "../../mlops/serving/server-process.ts";
import { startModelServer, type ServedModel } from "./model-server.ts";

const args = parseArgs(process.argv.slice(2));
const models: ServedModel[] = [];
for (const spec of args.get("model") ?? []) {
  const match = /^([a-z0-9][-a-z0-9_.]*)(?::([^=]+))?=(.+)$/i.exec(spec);
  if (!match) throw new Error(`--model "${spec}" must be name[:version]=path/to/model.json.`);
  models.push({ name: match[1], version: match[2], model: JSON.parse(await readFile(match[3], "utf8")) as LogisticModel });
}
if (models.length === 0) throw new Error("Serve at least one model: --model name[:version]=model.json");
const server = await startModelServer(models, { port: Number(args.get("port")?.[0] ?? 0) });
console.log(`Serving ${models.map((m) => `${m.name}:${m.version ?? "1"}`).join(", ")} on ${server.url} (V1 and V2 protocols)`);
const ready = args.get("ready-file")?.[0];
if (ready) await writeFile(ready, JSON.stringify({ url: server.url }));
// A safety net for servers whose stopping task never ran (a killed `dags test`): exit after --max-lifetime seconds.
const lifetime = Number(args.get("max-lifetime")?.[0] ?? 0);
if (lifetime > 0) setTimeout(() => process.exit(0), lifetime * 1000).unref();
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
