/**
 * phase4_04_dynamic_tasks — dynamic task mapping.
 *
 * Shows: `expand` over a literal list, `partial` + `expand` (fixed and mapped arguments), mapping over an upstream
 * task's output (the number of task instances is decided at run time), the cartesian product of two mapped
 * arguments, `expandKwargs`, classic operators mapped with `BashOperator.partial(...).expand(...)`, a downstream task
 * receiving every mapped result in map-index order, a zero-length expansion that skips, and a mapped task group
 * (`taskGroup.fn(...).expand(...)`): a chain of two tasks run once per file, each index waiting only for its own.
 */
import { dag, task, taskGroup, BashOperator } from "updraft";

const listFiles = task(async function list_files(): Promise<string[]> {
  return ["sales_2024_01.csv", "sales_2024_02.csv", "sales_2024_03.csv"];
});

const processFile = task(async function process_file({ file, prefix }: { file: string; prefix: string }): Promise<number> {
  return `${prefix}/${file}`.length;
});

const total = task(async function total(sizes: number[]): Promise<number> {
  return sizes.reduce((a, b) => a + b, 0);
});

const multiply = task(async function multiply({ x, factor }: { x: number; factor: number }): Promise<number> {
  return x * factor;
});

const describe = task(async function describe_pair({ region, tier }: { region: string; tier: string }): Promise<string> {
  return `${region}-${tier}`;
});

const nothingToDo = task(async function find_late_files(): Promise<string[]> {
  return [];
});

const handleLate = task(async function handle_late_file({ file }: { file: string }): Promise<string> {
  return file;
});

const validate = task(async function validate(file: string): Promise<string> {
  if (!file.endsWith(".csv")) throw new Error(`${file} is not a CSV file`);
  return file;
});

const countRows = task(async function count_rows(file: string): Promise<number> {
  return file.length * 10; // stands in for reading the file
});

/** Inside the group `file` is one map index's file: pass it to tasks (it has no value while the DAG is built). */
const perFile = taskGroup.fn(function per_file({ file }: { file: string }) {
  return countRows(validate(file));
});

export default dag(
  {
    dagId: "phase4_04_dynamic_tasks",
    description: "expand, partial, expandKwargs, mapping over XCom, cartesian products and empty expansions",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase4", "dynamic-tasks"],
  },
  () => {
    const files = listFiles();
    const sizes = processFile.partial({ prefix: "s3://raw" }).expand({ file: files });
    total(sizes);

    multiply.partial({ factor: 10 }).expand({ x: [1, 2, 3] });
    describe.expand({ region: ["eu", "us"], tier: ["gold", "silver", "bronze"] });
    multiply.override({ taskId: "multiply_kwargs" }).expandKwargs([{ x: 2, factor: 2 }, { x: 3, factor: 3 }]);

    BashOperator.partial({ taskId: "echo_region" }).expand({ bashCommand: ["echo eu", "echo us"] });

    handleLate.expand({ file: nothingToDo() });

    // per_file.validate[i] and per_file.count_rows[i] for each file; total_rows gets every count, in file order.
    total.override({ taskId: "total_rows" })(perFile.expand({ file: files }));
  },
);
