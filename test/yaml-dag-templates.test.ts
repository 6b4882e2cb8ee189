/**
 * Generated YAML DAGs: handlebars templates (`*.yaml.hbs`, or a file with `template:`) with per-environment values,
 * partials and loops; environment variables in plain YAML; `extends` inheritance. Loaded from a DAGs folder as a
 * user's would be.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { dagFileVersion } from "../core/dagbag/dag-file-version.ts";
import type { BashOperator } from "../operators/bash.ts";
import { runDag } from "updraft/testing";
import { REPO_ROOT } from "./helpers/cli.ts";

const folders: string[] = [];
const savedEnv = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});
afterAll(async () => {
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
});

// Inside the repository (tmp/ is git-ignored) so callables files resolve `updraft` like a user's would.
async function folderWith(files: Record<string, string>): Promise<string> {
  await mkdir(join(REPO_ROOT, "tmp"), { recursive: true });
  const dir = await mkdtemp(join(REPO_ROOT, "tmp", "yaml-templates-"));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) await write(dir, name, text);
  return dir;
}

let tick = Date.now() / 1000;
async function write(dir: string, name: string, text: string): Promise<void> {
  await mkdir(join(dir, name, ".."), { recursive: true });
  await writeFile(join(dir, name), text);
  // Each write moves the mtime on by a second, so a change is seen whatever the clock's resolution.
  tick += 1;
  await utimes(join(dir, name), tick, tick);
}

const bash = (bag: DagBag, dagId: string, taskId: string) => (bag.getDag(dagId).getTask(taskId) as BashOperator).bashCommand;

const TENANT_TEMPLATE = `{{#each tenants}}
tenant_{{name}}:
  schedule: "{{schedule}}"
  default_args:
    start_date: 2024-01-01
    pool: {{pool}}
    {{> retries}}
  tasks:
    load:
      operator: airflow.operators.bash.BashOperator
      bash_command: "echo {{name}} into {{../warehouse}} on \\{{ ds }}"
{{/each}}
`;

describe("handlebars templates (*.yaml.hbs)", () => {
  it("renders one DAG per tenant, each with its own id, schedule and pool, from values, env values and partials", async () => {
    const dir = await folderWith({
      "tenants.yaml.hbs": TENANT_TEMPLATE,
      "values.yaml": "warehouse: dev_wh\nretries: 1\n",
      "values.prod.yaml": "warehouse: prod_wh\nretries: 3\n",
      "tenants.values.yaml": "tenants:\n  - {name: acme, schedule: '0 2 * * *', pool: acme_pool}\n  - {name: globex, schedule: '@hourly', pool: globex_pool}\n",
      "partials/retries.hbs": "retries: {{retries}}\n",
    });
    const dev = await DagBag.load(dir);
    expect(dev.importErrors).toEqual([]);
    expect([...dev.dags.keys()]).toEqual(["tenant_acme", "tenant_globex"]);
    expect(dev.getDag("tenant_acme").timetable.summary).toBe("0 2 * * *");
    expect(dev.getDag("tenant_globex").timetable.summary).toBe("@hourly");
    expect(dev.getDag("tenant_globex").getTask("load").pool).toBe("globex_pool");
    expect(dev.getDag("tenant_acme").getTask("load").retries).toBe(1);
    // A run-time template escaped in the file reaches the task, and renders when it runs.
    expect(bash(dev, "tenant_acme", "load")).toBe("echo acme into dev_wh on {{ ds }}");
    const run = await runDag(dev.getDag("tenant_acme"), { logicalDate: "2024-01-03" });
    expect(run.returnValue("load")).toBe("acme into dev_wh on 2024-01-03");

    process.env.UPDRAFT_ENV = "prod";
    const prod = await DagBag.load(dir);
    expect(bash(prod, "tenant_acme", "load")).toBe("echo acme into prod_wh on {{ ds }}");
    expect(prod.getDag("tenant_acme").getTask("load").retries).toBe(3);
    expect(prod.getDag("tenant_acme").fileloc).toBe(join(dir, "tenants.yaml.hbs"));
  });

  it("does not load values files, partials or templates/ as DAG files", async () => {
    const dir = await folderWith({
      "values.yaml": "tenants: []\n",
      "partials/task.yaml.hbs": "operator: airflow.operators.empty.EmptyOperator\n",
      "templates/base.yaml.hbs": "{{#each x}}broken: [\n{{/each}}operator: x\n",
      "defaults.yml": "default_args:\n  owner: team\n",
    });
    const bag = await DagBag.load(dir);
    expect(bag.files).toEqual([]);
    expect(bag.importErrors).toEqual([]);
  });

  it("reports an unescaped run-time variable at its place in the template", async () => {
    const dir = await folderWith({ "report.yaml.hbs": "report:\n  tasks:\n    t:\n      operator: BashOperator\n      bash_command: echo {{ ds }}\n" });
    const bag = await DagBag.load(dir);
    expect(bag.importErrors[0].issues).toEqual([
      expect.objectContaining({ line: 5, column: 26, message: expect.stringContaining("write \\{{ ds }} to keep it for the task") }),
    ]);
  });

  it("renders a template named by a `template:` file, with values files and inline values; paths resolve from that file", async () => {
    const dir = await folderWith({
      "pipelines.yaml": "template: shared/templates/pipeline.yaml.hbs\nvalues_files: [shared/teams.yaml, 'shared/values.${UPDRAFT_ENV:-dev}.yaml']\nvalues:\n  owner: inline_owner\n",
      "shared/templates/pipeline.yaml.hbs":
        "{{#each teams}}\npipeline_{{this}}:\n  schedule: none\n  default_args:\n    owner: {{../owner}}\n  description: {{../region}}\n  tasks:\n    run:\n      operator: airflow.operators.python.PythonOperator\n      python_callable_name: greet\n      python_callable_file: shared/callables.py\n      op_args: [{{this}}]\n{{/each}}\n",
      "shared/teams.yaml": "teams: [red, blue]\n",
      "shared/values.dev.yaml": "region: eu-dev\n",
      "shared/callables.ts": "export function greet(team: string) { return `hello ${team}`; }\n",
    });
    const bag = await DagBag.load(dir);
    expect(bag.importErrors).toEqual([]);
    expect([...bag.dags.keys()]).toEqual(["pipeline_red", "pipeline_blue"]);
    expect(bag.getDag("pipeline_blue").description).toBe("eu-dev");
    expect(bag.getDag("pipeline_blue").getTask("run").owner).toBe("inline_owner");
    expect((await runDag(bag.getDag("pipeline_blue"), { logicalDate: "2024-01-03" })).returnValue("run")).toBe("hello blue");
  });
});

describe("environment variables and inheritance in plain YAML", () => {
  it("expands $VAR and ${VAR} (unknown ones left as written) and ${VAR:-default}", async () => {
    process.env.DF_TEST_TARGET = "warehouse";
    const dir = await folderWith({
      "env.yml": "env_dag:\n  schedule: \"${DF_TEST_SCHEDULE:-@daily}\"\n  default_args: {start_date: 2024-01-01}\n  tasks:\n    t:\n      operator: BashOperator\n      bash_command: echo $DF_TEST_TARGET ${DF_TEST_TARGET} $DF_TEST_UNSET\n",
    });
    const bag = await DagBag.load(dir);
    expect(bag.getDag("env_dag").timetable.summary).toBe("@daily");
    expect(bash(bag, "env_dag", "t")).toBe("echo warehouse warehouse $DF_TEST_UNSET");
  });

  it("merges a DAG over the bases it extends: same-file bases, another DAG, another file's entry; mappings key by key", async () => {
    const dir = await folderWith({
      "etl.yml": [
        "bases:",
        "  etl:",
        "    default_args: {start_date: 2024-01-01, retries: 2, owner: base_owner}",
        "    schedule: '@daily'",
        "    tasks:",
        "      extract: {operator: BashOperator, bash_command: echo extract}",
        "      load: {operator: BashOperator, bash_command: echo load, dependencies: [extract]}",
        "orders:",
        "  extends: etl",
        "  default_args: {owner: orders_team}",
        "  tasks:",
        "    load: {bash_command: echo load orders}",
        "customers:",
        "  extends: [orders, 'common.yml#hourly']",
        "",
      ].join("\n"),
      "common.yml": "bases:\n  hourly:\n    schedule: '@hourly'\n    tags: [common]\n    tasks: {}\n",
    });
    const bag = await DagBag.load(dir);
    expect(bag.importErrors).toEqual([]);
    const orders = bag.getDag("orders");
    expect(bash(bag, "orders", "load")).toBe("echo load orders");
    expect([...orders.getTask("load").upstreamTaskIds]).toEqual(["extract"]);
    expect([orders.getTask("load").owner, orders.getTask("load").retries]).toEqual(["orders_team", 2]);
    expect(orders.timetable.summary).toBe("@daily");
    const customers = bag.getDag("customers");
    expect(customers.timetable.summary).toBe("@hourly");
    expect(customers.tags).toEqual(["common", "dagfactory"]);
    expect(bash(bag, "customers", "load")).toBe("echo load orders");
  });

  it("reports an extends cycle and an unknown base with the closest name", async () => {
    const dir = await folderWith({ "loop.yml": "a:\n  extends: b\n  tasks: {t: {operator: EmptyOperator}}\nb:\n  extends: a\nc:\n  extends: bse\nbases:\n  base: {}\n" });
    const issues = (await DagBag.load(dir)).importErrors[0].issues!;
    expect(issues.map((i) => [i.keyPath, i.line, i.suggestion])).toEqual([
      ["a.extends", 2, undefined],
      ["b.extends", 5, undefined],
      ["c.extends", 7, "base"],
    ]);
    expect(issues[0].message).toContain("extends forms a cycle");
  });
});

describe("a YAML DAG file's version covers the files it reads", () => {
  it("changes when a values file, a partial, a callables file or a folder defaults.yml changes, not for unrelated files", async () => {
    const dir = await folderWith({
      "sub/t.yaml.hbs": "t_dag:\n  default_args:\n    start_date: 2024-01-01\n    {{> args}}\n  tasks:\n    run:\n      operator: airflow.operators.python.PythonOperator\n      python_callable_name: run\n      python_callable_file: code.py\n",
      "sub/values.yaml": "retries: 1\n",
      "sub/partials/args.hbs": "retries: {{retries}}\n",
      "sub/code.ts": "export function run() { return 1; }\n",
      "unrelated.txt": "x",
    });
    process.env.UPDRAFT_DAGS_FOLDER = dir;
    const file = join(dir, "sub/t.yaml.hbs");
    const versions = [await dagFileVersion(file)];
    for (const [name, text] of [
      ["unrelated.txt", "y"],
      ["sub/values.yaml", "retries: 2\n"],
      ["sub/partials/args.hbs", "retries: {{retries}}\nowner: me\n"],
      ["sub/code.ts", "export function run() { return 2; }\n"],
      ["defaults.yml", "default_args:\n  queue: q\n"],
      ["sub/values.dev.yaml", "retries: 3\n"],
    ]) {
      await write(dir, name, text);
      versions.push(await dagFileVersion(file));
    }
    expect(versions[1]).toBe(versions[0]);
    expect(new Set(versions.slice(1)).size).toBe(6);
    expect(await dagFileVersion(file)).toBe(versions.at(-1));
  });
});
