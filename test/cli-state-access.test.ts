import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { updraft } from "./helpers/cli.ts";
import { holdEmbeddedDatabase } from "./helpers/databases.ts";

const LONG = { timeout: 90_000 };

// With a running standalone commands use its API, and with UPDRAFT_DATABASE_URL they open PostgreSQL: both are
// covered by test/cli-runs.test.ts, test/cli-backfill.test.ts and test/cli-clear.test.ts.
describe("how commands reach state without a running standalone", () => {
  it("they open the embedded database themselves, and say why not when another process holds it or there is none", LONG, async () => {
    const home = await mkdtemp(join(tmpdir(), "updraft-reach-"));
    const env = { UPDRAFT_HOME: home, UPDRAFT_DATABASE_URL: "" };
    try {
      const none = await updraft(["dags", "pause", "cli_quick"], { env });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`There is no Updraft database in ${home}`);
      expect(none.stderr).toContain("start `updraft standalone`");

      expect((await updraft(["db", "migrate"], { env })).code).toBe(0);
      const direct = await updraft(["dags", "pause", "cli_quick"], { env });
      expect(direct.code).toBe(1);
      expect(direct.stderr).toContain('updraft dags pause: DAG "cli_quick" not found: no DAG with this id has been parsed');

      const holder = await holdEmbeddedDatabase(home);
      try {
        const locked = await updraft(["dags", "list-runs", "cli_quick"], { env });
        expect(locked.code).toBe(1);
        expect(locked.stderr).toContain(`The embedded database in ${home} is open in another process (pid ${holder.pid}), and it is not an \`updraft standalone\``);
        expect(locked.stderr).toContain("UPDRAFT_DATABASE_URL");
        expect(locked.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await holder.kill();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
