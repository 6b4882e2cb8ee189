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

  it("a mapped task group's arguments and output are typed by its function", async () => {
    expect(await typecheck("right-mapped-group.ts")).toEqual({ ok: true, output: "" });
  });

  it("expanding a group over values of the wrong type, or consuming its output as the wrong type, fails the typecheck", async () => {
    const { ok, output } = await typecheck("wrong-mapped-group.ts");
    expect(ok).toBe(false);
    // strings mapped over `x: number`; its number[] output given where string[] is expected; `x` mapped nowhere; `z` is no argument
    expect(output).toMatch(/wrong-mapped-group\.ts\(14,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(output).toMatch(/wrong-mapped-group\.ts\(15,\d+\): error TS2345: .*XComArg<number\[\]>.*string\[\]/);
    expect(output).toMatch(/wrong-mapped-group\.ts\(16,\d+\): error TS2345: Argument of type '\{\}' is not assignable to parameter of type 'MappedInputs/);
    expect(output).toMatch(/wrong-mapped-group\.ts\(17,\d+\): error TS2353: .*'z' does not exist/);
  });
});
