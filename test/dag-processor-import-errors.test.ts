import { expect, it } from "vitest";
import { dagSource } from "./fixtures/dag-processor/dag-folder.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const SYNTAX_ERROR = `import { dag } from "updraft";

export default dag({ dagId: "syntax_dag", schedule: null }, () => {
  const x = ;
});
`;
const THROWS = `import { dag } from "updraft";

const settings: Record<string, string> = {};
if (!settings.bucket) {
  throw new Error("settings.bucket is not configured");
}
export default dag({ dagId: "never_built", schedule: null });
`;
const CYCLE = `import { dag, EmptyOperator } from "updraft";

export default dag({ dagId: "cyclic_dag", schedule: null }, () => {
  const a = new EmptyOperator({ taskId: "a" });
  const b = new EmptyOperator({ taskId: "b" });
  a.then(b).then(a);
});
`;

describeEachBackend("broken DAG files become import errors", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("records a syntax error, a throw and a cycle with their lines, and still stores the good file", async () => {
    await world.folder.write("a_syntax.ts", SYNTAX_ERROR);
    await world.folder.write("b_good.ts", dagSource("good"));
    await world.folder.write("c_throws.ts", THROWS);
    await world.folder.write("d_cycle.ts", CYCLE);
    const report = await world.processor().processOnce();

    expect(report).toMatchObject({ filesSeen: 4, filesParsed: 4, dagsStored: ["good"], importErrors: 3 });
    expect(await world.importError(world.folder.file("a_syntax.ts"))).toMatchObject({ line: 4 });
    expect(await world.importError(world.folder.file("c_throws.ts"))).toEqual({ line: 5, stacktrace: "settings.bucket is not configured" });
    const cycle = await world.importError(world.folder.file("d_cycle.ts"));
    expect(cycle?.stacktrace).toMatch(/DAG "cyclic_dag" has a cycle/);
    expect(cycle?.line).toBe(3);
    expect(await world.importError(world.folder.file("b_good.ts"))).toBeUndefined();
    expect(await world.dagRow("good")).toMatchObject({ is_active: true, has_import_errors: false });
    expect(await world.dagRow("cyclic_dag")).toBeUndefined();
  });

  it("keeps a broken file's DAGs active but flagged, and clears the error once the file is fixed", async () => {
    const file = await world.folder.write("sales.ts", dagSource("sales", ["a"]));
    const processor = world.processor();
    await processor.processOnce();

    await world.folder.write("sales.ts", `${dagSource("sales", ["a"])}\nthrow new Error("half-edited");\n`);
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, importErrors: 1, dagsStored: [], deactivated: [] });
    expect(await world.importError(file)).toMatchObject({ stacktrace: "half-edited", line: 7 });
    expect(await world.dagRow("sales")).toMatchObject({ is_active: true, has_import_errors: true });
    // An unchanged broken file is not parsed again.
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 0 });

    await world.folder.write("sales.ts", dagSource("sales", ["a", "b"]));
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, importErrors: 0, dagsStored: ["sales"], newVersions: ["sales"] });
    expect(await world.importError(file)).toBeUndefined();
    expect(await world.dagRow("sales")).toMatchObject({ is_active: true, has_import_errors: false });
  });

  it("a dag id another file already defines is an import error of the newer file, until the first lets it go", async () => {
    const first = await world.folder.write("a_first.ts", dagSource("shared", ["one"]));
    const processor = world.processor();
    await processor.processOnce();
    const second = await world.folder.write("b_second.ts", dagSource("shared", ["two"]));

    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, importErrors: 1, dagsStored: [] });
    expect((await world.importError(second))?.stacktrace).toBe(`DAG id "shared" is already defined in ${first}: every DAG needs its own dagId.`);
    expect(await world.dagRow("shared")).toMatchObject({ fileloc: first, is_active: true, has_import_errors: false });

    await world.folder.write("a_first.ts", dagSource("renamed", ["one"]));
    // The conflict depended on the other file, so the second file is parsed again without being edited.
    const report = await processor.processOnce();
    expect(report).toMatchObject({ filesParsed: 2, importErrors: 0, deactivated: ["shared"] });
    expect(report.dagsStored.sort()).toEqual(["renamed", "shared"]);
    expect(await world.importError(second)).toBeUndefined();
    expect(await world.dagRow("shared")).toMatchObject({ fileloc: second, is_active: true });
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 0 });
  });

  it("two files defining one dag id in the same pass: the first in file order keeps it", async () => {
    const first = await world.folder.write("a.ts", dagSource("shared"));
    const second = await world.folder.write("b.ts", dagSource("shared"));
    expect(await world.processor().processOnce()).toMatchObject({ dagsStored: ["shared"], importErrors: 1 });
    expect(await world.dagRow("shared")).toMatchObject({ fileloc: first });
    expect((await world.importError(second))?.stacktrace).toMatch(/DAG id "shared" is already defined in .*a\.ts/);
  });
});
