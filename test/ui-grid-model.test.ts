import { describe, expect, it } from "vitest";
import { BashOperator, dag, taskGroup } from "../index.ts";
import { serializeDag } from "../core/serialization.ts";
import type { DagRunRow } from "../core/store/queries/dag-runs.ts";
import { buildGrid } from "../webserver/ui/grid-model.ts";
import type { GridTi } from "../webserver/ui/queries/grid.ts";
import { scheduleInWords } from "../webserver/ui/schedule-words.ts";
import { summaryState } from "../webserver/ui/states.ts";

const run = (runId: string, state: string, day: number) =>
  ({ run_id: runId, state, run_type: "manual", logical_date: new Date(Date.UTC(2024, 0, day)), start_date: new Date(Date.UTC(2024, 0, day)), end_date: new Date(Date.UTC(2024, 0, day, 0, day)) }) as unknown as DagRunRow;
const urls = { run: (r: string) => `/r/${r}`, ti: (r: string, t: string, m: number) => `/r/${r}/${t}/${m}` };

describe("the grid's rows and cells", () => {
  const shapes = serializeDag(dag({ dagId: "g", schedule: null, startDate: "2024-01-01" }, () => {
    const first = new BashOperator({ taskId: "first", bashCommand: "true" });
    const group = taskGroup("outer", () => {
      const a = new BashOperator({ taskId: "a", bashCommand: "true" });
      const inner = taskGroup("inner", () => void new BashOperator({ taskId: "b", bashCommand: "true" }));
      a.then(inner);
    });
    first.then(group).then(new BashOperator({ taskId: "last", bashCommand: "true" }));
  }));

  it("puts groups before their tasks, indented, oldest run on the left, with the groups' summary state", () => {
    const tis: GridTi[] = [
      ["r1", "first", -1, "success", 1], ["r1", "outer.a", -1, "success", 1], ["r1", "outer.inner.b", -1, "failed", 2], ["r1", "last", -1, "upstream_failed", 1],
      ["r2", "first", -1, "running", 1],
    ];
    const grid = buildGrid(shapes, [run("r2", "running", 2), run("r1", "failed", 1)], tis, urls);
    expect(grid.columns.map((c) => c.runId)).toEqual(["r1", "r2"]);
    expect(grid.rows.map((r) => [r.kind, r.id, r.depth, r.groups])).toEqual([
      ["task", "first", 0, ""], ["group", "outer", 0, ""], ["task", "outer.a", 1, "outer"], ["group", "outer.inner", 1, "outer"],
      ["task", "outer.inner.b", 2, "outer outer.inner"], ["task", "last", 0, ""],
    ]);
    const outer = grid.rows[1];
    expect(outer.cells.map((c) => c.cls)).toEqual(["state-failed", "state-absent"]);
    const b = grid.rows[4];
    expect(b.label).toBe("b");
    expect(b.cells[0]).toMatchObject({ cls: "state-failed", title: "outer.inner.b: failed (try 2)", href: "/r/r1/outer.inner.b/-1" });
    expect(grid.rows[0].cells[1]).toMatchObject({ cls: "state-running" });
    // Run bars are as tall as the run is long, relative to the longest run shown.
    expect(grid.columns[1].height).toBeGreaterThan(grid.columns[0].height);
  });

  it("shows a mapped task as one cell with its count and the most urgent state of its map indexes", () => {
    const mapped = serializeDag(dag({ dagId: "m", schedule: null, startDate: "2024-01-01" }, () => {
      BashOperator.partial({ taskId: "each" }).expand({ bashCommand: ["echo 1", "echo 2", "echo 3"] });
    }));
    const tis: GridTi[] = [["r1", "each", 0, "success", 1], ["r1", "each", 1, "failed", 1], ["r1", "each", 2, "success", 1]];
    const [row] = buildGrid(mapped, [run("r1", "failed", 1)], tis, urls).rows;
    expect(row.mapped).toBe(true);
    expect(row.cells[0]).toMatchObject({ cls: "state-failed", count: 3, title: "2 success, 1 failed" });
  });
});

describe("states and schedules in words", () => {
  it("summarises states as Airflow's grid does", () => {
    expect(summaryState(["success", "success"])).toBe("success");
    expect(summaryState(["success", "running", "failed"])).toBe("failed");
    expect(summaryState(["success", null])).toBe(null);
    expect(summaryState(["success", "skipped"])).toBe("skipped");
    expect(summaryState([])).toBe(null);
  });

  it("says presets, common cron expressions and intervals in words, and leaves the rest as written", () => {
    expect(scheduleInWords("None")).toBe("Manual triggers only");
    expect(scheduleInWords(null)).toBe("Manual triggers only");
    expect(scheduleInWords("@daily")).toBe("Every day at 00:00");
    expect(scheduleInWords("0 0 * * *")).toBe("Every day at 00:00");
    expect(scheduleInWords("30 6 * * 1-5")).toBe("Every weekday at 06:30");
    expect(scheduleInWords("*/15 * * * *")).toBe("Every 15 minutes");
    expect(scheduleInWords("0 * * * *")).toBe("Every hour");
    expect(scheduleInWords("0 9 * * 1")).toBe("Every Monday at 09:00");
    expect(scheduleInWords("0 3 1 * *")).toBe("On day 1 of every month at 03:00");
    expect(scheduleInWords("1 day, 0:00:00")).toBe("Every 1 day, 0:00:00");
    expect(scheduleInWords("Dataset")).toBe("When its datasets are updated");
    expect(scheduleInWords("Dataset or 0 2 * * *")).toBe("When its datasets are updated, or every day at 02:00");
    expect(scheduleInWords("5 4 * 2 *")).toBe("5 4 * 2 *");
  });
});
