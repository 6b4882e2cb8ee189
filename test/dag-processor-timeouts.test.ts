import { expect, it } from "vitest";
import { dagSource } from "./fixtures/dag-processor/dag-folder.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const SPINS = `import { dag } from "updraft";
while (true) {}
export default dag({ dagId: "never", schedule: null });
`;
const WAITS_FOREVER = `import { dag } from "updraft";
await new Promise(() => {});
export default dag({ dagId: "never_either", schedule: null });
`;
const EXITS = `import { dag } from "updraft";
console.error("giving up on dag building");
process.exit(3);
`;

describeEachBackend("DAG files that hang or kill their parser process", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("a file that spins is stopped at the timeout; the rest of its batch is still stored", async () => {
    await world.folder.write("a_good.ts", dagSource("before"));
    const hanging = await world.folder.write("b_spins.ts", SPINS);
    await world.folder.write("c_good.ts", dagSource("after"));
    const report = await world.processor({ parseTimeoutMs: 1500, parsingProcesses: 1 }).processOnce();

    expect(report).toMatchObject({ filesParsed: 3, importErrors: 1 });
    expect(report.dagsStored.sort()).toEqual(["after", "before"]);
    expect((await world.importError(hanging))?.stacktrace).toMatch(
      /^Parsing .*b_spins\.ts took longer than 1\.5s \(the DAG file processor timeout\); .*UPDRAFT_DAG_FILE_PROCESSOR_TIMEOUT/,
    );
  });

  it("a file awaiting forever is stopped at the timeout too", async () => {
    const waiting = await world.folder.write("waits.ts", WAITS_FOREVER);
    await world.folder.write("z_good.ts", dagSource("fine"));
    const report = await world.processor({ parseTimeoutMs: 1500, parsingProcesses: 1 }).processOnce();
    expect(report).toMatchObject({ dagsStored: ["fine"], importErrors: 1 });
    expect((await world.importError(waiting))?.stacktrace).toMatch(/took longer than 1\.5s \(the DAG file processor timeout\)/);
  });

  it("a file that exits its process is an import error with its output; the processor carries on", async () => {
    const exits = await world.folder.write("a_exits.ts", EXITS);
    await world.folder.write("b_good.ts", dagSource("survivor"));
    const report = await world.processor({ parsingProcesses: 1 }).processOnce();
    expect(report).toMatchObject({ dagsStored: ["survivor"], importErrors: 1 });
    const error = await world.importError(exits);
    expect(error?.stacktrace).toMatch(/The parser process exited with code 3 while loading .*a_exits\.ts/);
    expect(error?.stacktrace).toMatch(/giving up on dag building/);
  });
});
