import { relative } from "node:path";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import { formatImportError } from "../../core/dagbag/import-error.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, type Command } from "../command.ts";
import { formatTable } from "../table.ts";

export const dagsList: Command = {
  group: "dags",
  verb: "list",
  summary: "List the DAGs of the DAGs folder",
  args: "",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run(_args, values, io) {
    const format = outputFormat(values);
    const bag = await DagBag.load();
    const rows = [...bag.dags.values()]
      .sort((a, b) => a.dagId.localeCompare(b.dagId))
      .map((dag) => ({
        dag_id: dag.dagId,
        fileloc: relative(process.cwd(), dag.fileloc),
        owners: dag.owner,
        schedule: dag.timetable.summary,
        tags: [...dag.tags],
      }));
    if (format === "json") io.out(JSON.stringify(rows));
    else if (format === "plain") for (const row of rows) io.out(row.dag_id);
    else io.out(formatTable(["dag_id", "fileloc", "owners", "schedule", "tags"], rows.map((r) => [r.dag_id, r.fileloc, r.owners, r.schedule, r.tags.join(", ")])));
    if (bag.importErrors.length && format !== "json") {
      io.err(`\n${bag.importErrors.length} file(s) failed to load (see "updraft dags list-import-errors"):`);
      for (const error of bag.importErrors) io.err(`  ${formatImportError({ ...error, file: relative(process.cwd(), error.file) })}`);
    }
    return 0;
  },
};

export const dagsListImportErrors: Command = {
  group: "dags",
  verb: "list-import-errors",
  summary: "List the DAG files that failed to load, with file, line and reason",
  args: "",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run(_args, values, io) {
    const format = outputFormat(values);
    const bag = await DagBag.load();
    const rows = bag.importErrors.map((e) => ({ filepath: relative(process.cwd(), e.file), line: e.line, error: e.message, kind: e.kind }));
    if (format === "json") io.out(JSON.stringify(rows));
    else if (rows.length === 0) io.out("No import errors.");
    else io.out(formatTable(["filepath", "line", "error"], rows.map((r) => [r.filepath, r.line, r.error])));
    return rows.length ? 1 : 0;
  },
};
