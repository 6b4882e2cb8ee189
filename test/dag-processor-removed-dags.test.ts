import { expect, it } from "vitest";
import { latestSerializedDag } from "../scheduler/dag-processor/index.ts";
import { dagSource } from "./fixtures/dag-processor/dag-folder.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("DAGs whose file or definition is gone", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("deleting a file deactivates its DAGs and forgets the file and its import error", async () => {
    const doomed = await world.folder.write("doomed.ts", dagSource("doomed"));
    const broken = await world.folder.write("broken.ts", `import { dag } from "updraft";\nthrow new Error("nope");\n`);
    await world.folder.write("kept.ts", dagSource("kept"));
    const processor = world.processor();
    await processor.processOnce();

    await world.folder.remove("doomed.ts");
    await world.folder.remove("broken.ts");
    const report = await processor.processOnce();
    expect(report).toMatchObject({ filesSeen: 1, filesParsed: 0, deactivated: ["doomed"] });
    expect(await world.dagRow("doomed")).toMatchObject({ is_active: false });
    expect(await world.dagRow("kept")).toMatchObject({ is_active: true });
    expect((await world.db.query("SELECT fileloc FROM dag_file ORDER BY fileloc")).rows).toEqual([{ fileloc: world.folder.file("kept.ts") }]);
    expect(await world.importError(broken)).toBeUndefined();
    expect(await world.importError(doomed)).toBeUndefined();
    // The DAG's history stays: runs of an inactive DAG still show in the UI.
    expect(await latestSerializedDag(world.db, "doomed")).toMatchObject({ version: 1 });
  });

  it("a DAG removed from a file that still loads is deactivated; bringing it back reactivates it", async () => {
    await world.folder.write(
      "pair.ts",
      `import { dag, EmptyOperator } from "updraft";
export const stays = dag({ dagId: "stays", schedule: null }, () => { new EmptyOperator({ taskId: "t" }); });
export const goes = dag({ dagId: "goes", schedule: null }, () => { new EmptyOperator({ taskId: "t" }); });
`,
    );
    const processor = world.processor();
    await processor.processOnce();
    await world.folder.write("pair.ts", dagSource("stays", ["t"]));

    expect(await processor.processOnce()).toMatchObject({ dagsStored: ["stays"], deactivated: ["goes"] });
    expect(await world.dagRow("goes")).toMatchObject({ is_active: false });
    expect(await world.dagRow("stays")).toMatchObject({ is_active: true });

    await world.folder.write("other.ts", dagSource("goes", ["t"]));
    expect(await processor.processOnce()).toMatchObject({ dagsStored: ["goes"], deactivated: [] });
    expect(await world.dagRow("goes")).toMatchObject({ is_active: true, fileloc: world.folder.file("other.ts") });
  });

  it("a DAG moved to another file in one pass ends up active in its new file", async () => {
    await world.folder.write("b_old.ts", dagSource("moving"));
    const processor = world.processor();
    await processor.processOnce();
    await world.folder.remove("b_old.ts");
    const moved = await world.folder.write("a_new.ts", dagSource("moving"));

    expect(await processor.processOnce()).toMatchObject({ dagsStored: ["moving"], importErrors: 0 });
    expect(await world.dagRow("moving")).toMatchObject({ is_active: true, fileloc: moved });
  });
});
