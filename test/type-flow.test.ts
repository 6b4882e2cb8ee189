import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.ts";

const fixtures = join(REPO_ROOT, "test", "fixtures", "typecheck");

/** Type-checks one DAG file the way `npm run typecheck` does (same compiler options). */
async function typecheck(file: string): Promise<{ ok: boolean; output: string }> {
  const template = await readFile(join(fixtures, "tsconfig.json"), "utf8");
  const dir = await mkdtemp(join(fixtures, ".tsconfig-"));
  const config = join(dir, "tsconfig.json");
  await writeFile(config, template.replaceAll("../../../", "../../../../").replace("FILE", join("..", file)));
  try {
    await promisify(execFile)(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", config], { cwd: REPO_ROOT });
    return { ok: true, output: "" };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("types flow between TaskFlow tasks", () => {
  it("a DAG passing each task what it expects type-checks", async () => {
    expect(await typecheck("right-type.ts")).toEqual({ ok: true, output: "" });
  });

  it("passing a number output where a string is expected fails the typecheck", async () => {
    const { ok, output } = await typecheck("wrong-type.ts");
    expect(ok).toBe(false);
    expect(output).toMatch(/wrong-type\.ts\(11,9\): error TS2345: .*XComArg<number>.*string/);
  });

  it("mapping strings over a number argument fails the typecheck", async () => {
    const { ok, output } = await typecheck("wrong-mapped-type.ts");
    expect(ok).toBe(false);
    expect(output).toMatch(/wrong-mapped-type\.ts\(8,.*error TS2322/);
  });
});
