import { describe, expect, it } from "vitest";
import { latestSerializedDag } from "../scheduler/dag-processor/index.ts";
import { dagSource } from "./fixtures/dag-processor/dag-folder.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("the DAG processor stores the DAGs of a folder", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("stores a new DAG, paused, as version 1, with its file's mtime", async () => {
    const file = await world.folder.write("sales.ts", dagSource("sales", ["extract", "load"]));
    const report = await world.processor().processOnce();

    expect(report).toMatchObject({ filesSeen: 1, filesParsed: 1, dagsStored: ["sales"], newVersions: ["sales"], importErrors: 0, deactivated: [] });
    expect(await world.dagRow("sales")).toMatchObject({
      fileloc: file, is_paused: true, is_active: true, has_import_errors: false, tags: ["test"], timetable_summary: "None",
    });
    const stored = await latestSerializedDag(world.db, "sales");
    expect(stored).toMatchObject({ version: 1, data: { dag_id: "sales", fileloc: file } });
    expect(stored!.data.tasks.map((t) => t.task_id)).toEqual(["extract", "load"]);
    expect((await world.dagRow("sales"))!.dag_hash).toBe(stored!.dagHash);
    const { rows } = await world.db.query("SELECT dag_ids FROM dag_file WHERE fileloc = $1", [file]);
    expect(rows).toEqual([{ dag_ids: ["sales"] }]);
  });

  it("does not parse an unchanged file again, unless asked to parse everything", async () => {
    await world.folder.write("sales.ts", dagSource("sales"));
    const processor = world.processor();
    await processor.processOnce();

    expect(await processor.processOnce()).toMatchObject({ filesSeen: 1, filesParsed: 0, dagsStored: [] });
    expect(await processor.processAll()).toMatchObject({ filesSeen: 1, filesParsed: 1, dagsStored: ["sales"], newVersions: [] });
    expect((await latestSerializedDag(world.db, "sales"))!.version).toBe(1);
  });

  it("stores a new version only when an edit really changed the DAG", async () => {
    await world.folder.write("sales.ts", dagSource("sales", ["a"]));
    const processor = world.processor();
    await processor.processOnce();
    const first = await latestSerializedDag(world.db, "sales");

    await world.folder.write("sales.ts", `// a comment changes the file, not the DAG\n${dagSource("sales", ["a"])}`);
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, dagsStored: ["sales"], newVersions: [] });
    expect(await latestSerializedDag(world.db, "sales")).toEqual(first);

    await world.folder.write("sales.ts", dagSource("sales", ["a", "b"]));
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, newVersions: ["sales"] });
    const second = await latestSerializedDag(world.db, "sales");
    expect(second).toMatchObject({ version: 2 });
    expect(second!.dagHash).not.toBe(first!.dagHash);
    expect((await world.dagRow("sales"))!.dag_hash).toBe(second!.dagHash);
  });

  it("makes a reverted DAG the latest version again", async () => {
    await world.folder.write("sales.ts", dagSource("sales", ["a"]));
    const processor = world.processor();
    await processor.processOnce();
    const first = await latestSerializedDag(world.db, "sales");
    await world.folder.write("sales.ts", dagSource("sales", ["a", "b"]));
    await processor.processOnce();

    await world.folder.write("sales.ts", dagSource("sales", ["a"]));
    expect(await processor.processOnce()).toMatchObject({ newVersions: ["sales"] });
    expect(await latestSerializedDag(world.db, "sales")).toMatchObject({ version: 3, dagHash: first!.dagHash });
  });

  it("stores every DAG a file defines", async () => {
    await world.folder.write(
      "two.ts",
      `import { dag, EmptyOperator } from "updraft";
export const first = dag({ dagId: "first", schedule: null }, () => { new EmptyOperator({ taskId: "t" }); });
export const second = dag({ dagId: "second", schedule: "@daily", startDate: "2024-01-01" }, () => { new EmptyOperator({ taskId: "t" }); });
`,
    );
    const report = await world.processor().processOnce();
    expect(report.dagsStored.sort()).toEqual(["first", "second"]);
    expect(await world.dagRow("second")).toMatchObject({ timetable_summary: "@daily", is_active: true });
  });
});

describeEachBackend("new DAGs start paused unless configured otherwise", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("a DAG with isPausedUponCreation: false starts unpaused", async () => {
    await world.folder.write("eager.ts", dagSource("eager", ["t"], "isPausedUponCreation: false"));
    await world.folder.write("plain.ts", dagSource("plain"));
    await world.processor().processOnce();
    expect(await world.dagRow("eager")).toMatchObject({ is_paused: false });
    expect(await world.dagRow("plain")).toMatchObject({ is_paused: true });
  });

  it("pausedAtCreation: false starts DAGs unpaused, unless the DAG says isPausedUponCreation: true", async () => {
    await world.folder.write("plain.ts", dagSource("plain"));
    await world.folder.write("careful.ts", dagSource("careful", ["t"], "isPausedUponCreation: true"));
    await world.processor({ pausedAtCreation: false }).processOnce();
    expect(await world.dagRow("plain")).toMatchObject({ is_paused: false });
    expect(await world.dagRow("careful")).toMatchObject({ is_paused: true });
  });

  it("UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION=false starts DAGs unpaused", async () => {
    await world.folder.write("plain.ts", dagSource("plain"));
    process.env.UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION = "false";
    try {
      await world.processor().processOnce();
    } finally {
      delete process.env.UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION;
    }
    expect(await world.dagRow("plain")).toMatchObject({ is_paused: false });
  });

  it("a re-parse keeps the pause state a user set", async () => {
    await world.folder.write("plain.ts", dagSource("plain", ["a"]));
    const processor = world.processor();
    await processor.processOnce();
    await world.db.query("UPDATE dag SET is_paused = false WHERE dag_id = 'plain'");

    await world.folder.write("plain.ts", dagSource("plain", ["a", "b"]));
    expect(await processor.processOnce()).toMatchObject({ newVersions: ["plain"] });
    expect(await world.dagRow("plain")).toMatchObject({ is_paused: false });
  });
});

describe("DAG processor settings", () => {
  it("rejects a UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION that is not a boolean, naming it", async () => {
    const { resolveOptions } = await import("../scheduler/dag-processor/options.ts");
    expect(() => resolveOptions({ dagsFolder: "." }, { UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "nope" })).toThrow(/UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION="nope" is not a boolean/);
    expect(resolveOptions({ dagsFolder: "." }, { UPDRAFT_DAG_FILE_PROCESSOR_TIMEOUT: "2.5" }).parseTimeoutMs).toBe(2500);
    expect(resolveOptions({ dagsFolder: "." }, {})).toMatchObject({ parseTimeoutMs: 30_000, pausedAtCreation: true });
  });
});
