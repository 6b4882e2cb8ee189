import { stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { DagBag } from "../../core/dagbag/dagbag.ts";
import { findDagFiles } from "../../core/dagbag/find-dag-files.ts";
import type { ImportError } from "../../core/dagbag/import-error.ts";
import { formatIssue, type YamlIssue } from "../../dagfactory/issues.ts";
import { UsageError, type Command } from "../command.ts";

interface FileReport {
  file: string;
  valid: boolean;
  dag_ids: string[];
  errors: Array<{ file: string; line: number | null; column: number | null; key_path: string; message: string; expected: string | null; suggestion: string | null }>;
}

/**
 * `updraft dags validate <path…>`: loads DAG files (YAML and TypeScript) as the DAG processor would and reports every
 * problem with file, line, column, key path and the closest valid name. Exit 0 when all are valid, 1 otherwise: a CI gate.
 */
export const dagsValidate: Command = {
  group: "dags",
  verb: "validate",
  summary: "Check DAG files (YAML configs and .ts) without running them; exit 1 on any problem",
  args: "<path…>",
  options: { output: { type: "string", short: "o", default: "plain" } },
  optionHelp: { output: "-o, --output json|plain       output format (default plain)" },
  async run(paths, values, io) {
    const format = String(values.output);
    if (format !== "json" && format !== "plain" && format !== "table") throw new UsageError(`Unknown output format "${format}": use json or plain.`);
    if (paths.length === 0) throw new UsageError("Give at least one DAG file or folder to validate.");
    const files: string[] = [];
    let folder: string | undefined;
    for (const path of paths.map((p) => resolve(p))) {
      const info = await stat(path).catch(() => {
        throw new UsageError(`${path} does not exist.`);
      });
      folder ??= info.isDirectory() ? path : dirname(path);
      files.push(...(info.isDirectory() ? await findDagFiles(path) : [path]));
    }
    const bag = new DagBag(folder!);
    const reports: FileReport[] = [];
    for (const file of [...new Set(files)]) {
      const before = new Set(bag.dags.keys());
      await bag.loadFile(file);
      const error = bag.importErrors.find((e) => e.file === file);
      reports.push({
        file: relative(process.cwd(), file),
        valid: !error,
        dag_ids: [...bag.dags.keys()].filter((id) => !before.has(id)),
        errors: error ? errorsOf(error) : [],
      });
    }
    const problems = reports.reduce((n, r) => n + r.errors.length, 0);
    if (format === "json") {
      io.out(JSON.stringify({ valid: problems === 0, files: reports }));
    } else {
      for (const report of reports.filter((r) => !r.valid)) {
        for (const e of report.errors) {
          const issue: YamlIssue = { file: e.file, line: e.line, column: e.column, keyPath: e.key_path, message: e.message, expected: e.expected ?? undefined, suggestion: e.suggestion ?? undefined };
          const where = e.line === null ? e.file : `${e.file}:${e.line}:${e.column}`;
          io.out(`${where}: ${formatIssue({ ...issue, line: null, column: null }, e.file)}`);
        }
      }
      const dags = reports.reduce((n, r) => n + r.dag_ids.length, 0);
      io.out(`${reports.length} file(s), ${dags} DAG(s): ${problems === 0 ? "all valid" : `${problems} problem(s) in ${reports.filter((r) => !r.valid).length} file(s)`}.`);
    }
    return problems === 0 ? 0 : 1;
  },
};

function errorsOf(error: ImportError): FileReport["errors"] {
  const issues: YamlIssue[] = error.issues ?? [{ file: error.file, line: error.line, column: error.column, keyPath: "", message: error.message }];
  return issues.map((i) => ({
    file: relative(process.cwd(), i.file),
    line: i.line,
    column: i.column,
    key_path: i.keyPath,
    message: i.message,
    expected: i.expected ?? null,
    suggestion: i.suggestion ?? null,
  }));
}
