import { expect, it } from "vitest";
import { dagSource } from "./fixtures/dag-processor/dag-folder.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

describeEachBackend("two DAG processors on one database", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("parsing the same folder at once stores each DAG once, as one version, with no false duplicates", async () => {
    for (const name of ["a", "b", "c", "d"]) await world.folder.write(`${name}.ts`, dagSource(`dag_${name}`));
    const [one, two] = [world.processor(), world.processor()];
    const reports = await Promise.all([one.processAll(), two.processAll()]);

    expect(reports.map((r) => r.importErrors)).toEqual([0, 0]);
    const { rows } = await world.db.query("SELECT dag_id, version FROM serialized_dag ORDER BY dag_id");
    expect(rows).toEqual(["a", "b", "c", "d"].map((n) => ({ dag_id: `dag_${n}`, version: 1 })));
    expect((await world.db.query("SELECT count(*)::int AS n FROM import_error")).rows[0]).toEqual({ n: 0 });
  });

  it("a pass started twice on one processor runs the passes one after the other", async () => {
    await world.folder.write("a.ts", dagSource("only_once"));
    const processor = world.processor();
    const [first, second] = await Promise.all([processor.processOnce(), processor.processOnce()]);
    expect(first.filesParsed).toBe(1);
    expect(second.filesParsed).toBe(0);
  });
});
