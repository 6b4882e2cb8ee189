/**
 * The Updraft feature server as a process, as `feast serve` is: `node bin/run-ts.js providers/feast/serve-main.ts
 * --repo path/to/repo.ts (exporting `repo`: FeatureRepo) --online pglite:/dir | postgres://… | redis://… [--port 6566]
 * [--ready-file f]`.
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "../../mlops/serving/server-process.ts";
import type { FeatureRepo } from "./definitions.ts";
import { startFeatureServer } from "./feature-server.ts";
import type { OnlineStore } from "./online-store.ts";
import { RedisOnlineStore } from "./redis-online-store.ts";
import { openPgliteOnlineStore, openPostgresOnlineStore } from "./sql-online-store.ts";

const args = parseArgs(process.argv.slice(2));
const repoPath = args.get("repo")?.[0];
if (!repoPath) throw new Error("--repo path/to/repo.ts (a module exporting `repo`) is required.");
const { repo } = (await import(pathToFileURL(resolve(repoPath)).href)) as { repo?: FeatureRepo };
if (!repo) throw new Error(`${repoPath} does not export \`repo\` (a FeatureRepo).`);
const online = args.get("online")?.[0] ?? "pglite:";
let store: OnlineStore;
if (online.startsWith("pglite:")) store = await openPgliteOnlineStore(online.slice("pglite:".length) || undefined);
else if (/^postgres(ql)?:\/\//.test(online)) store = await openPostgresOnlineStore(online);
else if (/^rediss?:\/\//.test(online)) store = RedisOnlineStore.connect(online);
else throw new Error(`--online "${online}" must be pglite:<dir>, postgres://… or redis://…`);
// Open the store before announcing the server (an embedded PGlite takes seconds to start), so that the first
// request is not the one that waits.
await store.lastMaterializedEnd(repo.project, repo.featureViews[0]?.name ?? "");
const server = await startFeatureServer(repo, store, { port: Number(args.get("port")?.[0] ?? 6566) });
console.log(`Feature server of project ${repo.project} on ${server.url} (online store ${online})`);
const ready = args.get("ready-file")?.[0];
if (ready) await writeFile(ready, JSON.stringify({ url: server.url }));
// A safety net for servers whose stopping task never ran (a killed `dags test`): exit after --max-lifetime seconds.
const lifetime = Number(args.get("max-lifetime")?.[0] ?? 0);
if (lifetime > 0) setTimeout(() => process.exit(0), lifetime * 1000).unref();
process.on("SIGTERM", () => void server.close().then(() => store.close()).then(() => process.exit(0)));
