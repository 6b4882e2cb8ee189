import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // DAG files and tests import "updraft" exactly as a user's would; inside the repo that is the package itself.
    alias: [
      { find: /^updraft$/, replacement: here("./index.ts") },
      { find: /^updraft\/testing$/, replacement: here("./core/testing/index.ts") },
      { find: /^updraft\/observability$/, replacement: here("./observability/task.ts") },
      { find: /^updraft\/providers\/([a-z0-9-]+)$/, replacement: `${here("./providers")}/$1/index.ts` },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Suites start databases, servers and runner processes in their hooks; on a loaded 2-core machine that can take a while.
    hookTimeout: 60_000,
    pool: "forks",
    // Many suites wait on runner processes, servers and timers: two at once on a 2-core machine (vitest's default there is
    // one) saves minutes; three starved the CPU-heavy ones (schemathesis, CLI spawns) into timeouts.
    maxWorkers: 2,
  },
});
