/**
 * YAML DAGs under the DAG processor: stored like .ts DAGs, their problems stored as import errors with a line, and
 * parsed again when a file they read changes (a values file, a callables file), not only the YAML file itself.
 */
import { expect, it } from "vitest";
import { latestSerializedDag } from "../scheduler/dag-processor/index.ts";
import { useDagProcessorWorld } from "./fixtures/dag-processor/setup.ts";
import { describeEachBackend } from "./helpers/databases.ts";

const TEMPLATE = `t_dag:
  schedule: none
  default_args:
    retries: {{retries}}
  tasks:
    run:
      operator: airflow.operators.python.PythonOperator
      python_callable_name: run
      python_callable_file: code.py
`;

describeEachBackend("the DAG processor and YAML DAG files", (backend) => {
  const world = useDagProcessorWorld(backend);

  it("stores a YAML DAG and parses it again when its values or callables file changes", async () => {
    const file = await world.folder.write("t.yaml.hbs", TEMPLATE);
    await world.folder.write("values.yaml", "retries: 1\n");
    await world.folder.write("code.ts", "export function run() { return 1; }\n");
    const processor = world.processor();
    expect(await processor.processOnce()).toMatchObject({ filesSeen: 1, filesParsed: 1, dagsStored: ["t_dag"], importErrors: 0 });
    expect(await world.dagRow("t_dag")).toMatchObject({ fileloc: file, tags: ["dagfactory"] });
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 0 });

    await world.folder.write("values.yaml", "retries: 2\n");
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, newVersions: ["t_dag"] });
    expect((await latestSerializedDag(world.db, "t_dag"))!.data.tasks[0].retries).toBe(2);

    // The function's name is gone: the file fails where it names it.
    await world.folder.write("code.ts", "export function renamed() { return 1; }\n");
    expect(await processor.processOnce()).toMatchObject({ filesParsed: 1, importErrors: 1 });
    expect(await world.importError(file)).toMatchObject({ line: 8 });
  });
});
