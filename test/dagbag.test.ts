import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";

const folder = join(import.meta.dirname, "fixtures", "broken");

describe("loading a DAGs folder with broken files", async () => {
  const bag = await DagBag.load(folder);
  const errorOf = (file: string) => bag.importErrors.find((e) => e.file === join(folder, file));

  it("keeps loading the good DAGs", () => {
    expect([...bag.dags.keys()]).toEqual(["good_dag"]);
  });

  it("skips files that never mention updraft (helper modules)", () => {
    expect(bag.files.some((f) => f.endsWith("helper_module.ts"))).toBe(false);
  });

  it("a file that throws becomes an import error with its message and line", () => {
    expect(errorOf("throws.ts")).toMatchObject({ message: "settings.bucket is not configured", line: 5 });
  });

  it("a cycle names the DAG and the cycle", () => {
    expect(errorOf("cycle.ts")?.message).toMatch(/DAG "cyclic_dag" has a cycle: (a >> b >> a|b >> a >> b)/);
    expect(errorOf("cycle.ts")?.line).toBe(3);
  });

  it("duplicate task ids name the task, the DAG and the line", () => {
    expect(errorOf("duplicate_task.ts")).toMatchObject({ line: 5 });
    expect(errorOf("duplicate_task.ts")?.message).toMatch(/Duplicate task id "load" in DAG "duplicate_task_dag"/);
  });

  it("an unknown trigger rule suggests the closest one", () => {
    expect(errorOf("bad_trigger_rule.ts")?.message).toMatch(/task "join" of DAG "bad_rule_dag".*"one_sucess".*one_success/);
    expect(errorOf("bad_trigger_rule.ts")?.line).toBe(4);
  });

  it("an invalid cron names the DAG and the expression", () => {
    expect(errorOf("bad_cron.ts")?.message).toMatch(/DAG "bad_cron_dag".*"0 25 \* \* \*"/);
  });

  it("a syntax error points at the line", () => {
    const error = errorOf("syntax_error.ts");
    expect(error).toBeDefined();
    expect(error?.line).toBe(4);
  });

  it("a dag id defined twice is an error of the second file, naming the first", () => {
    expect(errorOf(join("nested", "duplicate_dag_id.ts"))?.message).toMatch(/DAG id "good_dag" is already defined in .*good\.ts/);
    expect(bag.dags.get("good_dag")?.fileloc).toBe(join(folder, "good.ts"));
  });

  it("reports exactly one error per broken file", () => {
    expect(bag.importErrors.map((e) => e.file.slice(folder.length + 1)).sort()).toEqual(
      ["bad_cron.ts", "bad_trigger_rule.ts", "cycle.ts", "duplicate_task.ts", "nested/duplicate_dag_id.ts", "syntax_error.ts", "throws.ts"],
    );
  });
});
