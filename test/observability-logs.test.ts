import { afterEach, describe, expect, it } from "vitest";
import { logFormat, logFunction, rootLogger } from "../observability/logger.ts";
import { componentLogs } from "../observability/process.ts";
import { logIds } from "../observability/scheduler-hooks.ts";
import { formatText } from "../observability/text-format.ts";

/** Structured process logs: JSON records with the component and correlation ids, or one readable line each. */
const saved = { format: process.env.UPDRAFT_LOG_FORMAT, level: process.env.UPDRAFT_LOG_LEVEL };
afterEach(() => {
  for (const [key, value] of [["UPDRAFT_LOG_FORMAT", saved.format], ["UPDRAFT_LOG_LEVEL", saved.level]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

function capture(): string[] {
  const lines: string[] = [];
  rootLogger((line) => lines.push(line));
  return lines;
}

describe("process logs", () => {
  it("writes one JSON record per message, with the component and the try's correlation ids", () => {
    process.env.UPDRAFT_LOG_FORMAT = "json";
    const lines = capture();
    const log = logFunction("scheduler");
    log("Zombie etl.load try 2 → failed", logIds({ dagId: "etl", runId: "manual__1", taskId: "load", mapIndex: 3 }, 2));
    log("The database is reachable again; scheduling resumes.");
    const [zombie, plain] = lines.map((line) => JSON.parse(line));
    expect(zombie).toMatchObject({
      level: 30, component: "scheduler", msg: "Zombie etl.load try 2 → failed",
      dag_id: "etl", run_id: "manual__1", task_id: "load", map_index: 3, try_number: 2, pid: process.pid,
    });
    expect(typeof zombie.time).toBe("number");
    expect(plain).toMatchObject({ component: "scheduler", msg: "The database is reachable again; scheduling resumes." });
    expect(plain).not.toHaveProperty("dag_id");
  });

  it("honours UPDRAFT_LOG_LEVEL and a level given with the message", () => {
    process.env.UPDRAFT_LOG_FORMAT = "json";
    process.env.UPDRAFT_LOG_LEVEL = "warn";
    const lines = capture();
    const log = logFunction("executor");
    log("routine");
    log("runner crashed", { level: "error", dag_id: "etl" });
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 50, msg: "runner crashed", dag_id: "etl" })]);
  });

  it("is human-readable in text format: time, level, component, message, then the ids", () => {
    process.env.UPDRAFT_LOG_FORMAT = "text";
    const lines = capture();
    logFunction("dag-processor")("parsed 2 file(s)", { dag_id: "etl", note: "two words" });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}dag-processor {2}parsed 2 file\(s\) {2}dag_id=etl note="two words"\n$/);
    expect(formatText("not json")).toBe("not json\n");
  });

  it("is text on a terminal and JSON otherwise, unless UPDRAFT_LOG_FORMAT says; bad settings say what to use", () => {
    expect(logFormat({}, true)).toBe("text");
    expect(logFormat({}, false)).toBe("json");
    expect(logFormat({ UPDRAFT_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(() => logFormat({ UPDRAFT_LOG_FORMAT: "xml" }, false)).toThrow('UPDRAFT_LOG_FORMAT "xml" is not a log format: use "json" or "text".');
    process.env.UPDRAFT_LOG_LEVEL = "loud";
    expect(() => capture()).toThrow(/UPDRAFT_LOG_LEVEL "loud" is not a level: use one of trace, debug/);
  });

  it("keeps a caller's own log function (tests, embedding) with the component as a prefix", () => {
    const got: string[] = [];
    componentLogs((m) => got.push(m))("scheduler")("DagRun r of d finished: success", { dag_id: "d" });
    expect(got).toEqual(["[scheduler] DagRun r of d finished: success"]);
  });
});
