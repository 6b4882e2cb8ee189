import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import Handlebars from "handlebars";
import { valueHelpers } from "../core/templating/helpers/values.ts";
import { expandEnvVars } from "./env-vars.ts";
import { ConfigProblem } from "./issues.ts";
import { mergeValues, isMapping } from "./merge.ts";
import { parseYaml } from "./yaml-source.ts";

/** The environment whose values file a template uses: `UPDRAFT_ENV`, "dev" when unset. */
export function updraftEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.UPDRAFT_ENV?.trim() || "dev";
}

/** `tenants.yaml.hbs` → `tenants`; `etl.yml` → `etl`. */
export function configStem(file: string): string {
  return basename(file).replace(/\.(ya?ml)(\.hbs)?$/, "");
}

/**
 * The values files of a DAG file, in the order they are merged (later wins): `values.yaml`, `values.<env>.yaml`,
 * `<stem>.values.yaml`, `<stem>.values.<env>.yaml`, all beside the file (`.yml` works too). Missing ones are skipped.
 */
export function conventionalValuesFiles(dagFile: string, environment = updraftEnv()): string[] {
  const dir = dirname(dagFile);
  const stem = configStem(dagFile);
  const names = ["values", `values.${environment}`, `${stem}.values`, `${stem}.values.${environment}`];
  return names.flatMap((name) => [join(dir, `${name}.yaml`), join(dir, `${name}.yml`)]);
}

/** Reads and merges values files (missing ones skipped, every one recorded as a dependency) and inline values. */
export async function loadValues(files: readonly string[], inline: Record<string, unknown>, dependencies: Set<string>, required = false): Promise<Record<string, unknown>> {
  const layers: Record<string, unknown>[] = [];
  for (const file of files) {
    dependencies.add(file);
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) {
      if (required) throw new ConfigProblem(["values_files"], `Values file ${file} does not exist.`);
      continue;
    }
    const { value } = parseYaml(file, expandEnvVars(text));
    if (!isMapping(value)) throw new ConfigProblem([], `Values file ${file} must hold a mapping (key: value) at its top level.`, { location: { file, line: 1, column: 1 } });
    layers.push(value);
  }
  return mergeValues([...layers, inline]);
}

// Airflow's run-time template variables: in a `.yaml.hbs` file they must be escaped (`\{{ ds }}`) to reach the task.
const RUNTIME_NAMES = new Set([
  "ds", "ds_nodash", "ts", "ts_nodash", "ts_nodash_with_tz", "logical_date", "execution_date", "data_interval_start",
  "data_interval_end", "prev_ds", "next_ds", "params", "ti", "task_instance", "dag_run", "run_id", "macros", "var", "conn",
  "task", "dag", "xcom_pull", "prev_data_interval_start_success", "prev_data_interval_end_success", "map_index_template",
]);

/**
 * Renders a handlebars template of a DAG config (`*.yaml.hbs`): the context is the values (top level), `env` (the
 * process environment) and `updraft_env`; `partials/` beside the template holds partials (`{{> common/retries}}`).
 * Output is not HTML-escaped. Run-time templates (`{{ ds }}`) must be written `\{{ ds }}` to survive rendering.
 */
export async function renderTemplate(templateFile: string, values: Record<string, unknown>, dependencies: Set<string>): Promise<string> {
  dependencies.add(templateFile);
  const text = await readFile(templateFile, "utf8").catch(() => {
    throw new ConfigProblem(["template"], `Template ${templateFile} does not exist.`);
  });
  const engine = Handlebars.create();
  engine.registerHelper({ ...valueHelpers });
  const partialsDir = join(dirname(templateFile), "partials");
  dependencies.add(partialsDir);
  for (const file of await listFiles(partialsDir)) {
    dependencies.add(file);
    const name = relative(partialsDir, file).split(sep).join("/").replace(/(\.ya?ml)?\.hbs$|\.ya?ml$/, "");
    engine.registerPartial(name, await readFile(file, "utf8"));
  }
  const context = { ...values, env: { ...process.env }, updraft_env: updraftEnv() };
  const where = (loc?: { line: number; column: number }) => (loc ? { file: templateFile, line: loc.line, column: loc.column + 1 } : undefined);
  let ast: hbs.AST.Program;
  try {
    ast = engine.parse(text);
  } catch (error) {
    const line = /on line (\d+)/.exec((error as Error).message)?.[1];
    throw new ConfigProblem([], `Template syntax error: ${(error as Error).message.split("\n")[0]}`, {
      location: line ? { file: templateFile, line: Number(line), column: 1 } : undefined,
    });
  }
  const runtime = findRuntimeReference(ast, context);
  if (runtime) {
    throw new ConfigProblem([], `"{{ ${runtime.name} }}" is a run-time template variable, but this template is rendered when the file is loaded: write \\{{ ${runtime.name} }} to keep it for the task.`, {
      location: where(runtime.loc),
    });
  }
  try {
    // compat: a name missing inside {{#each}} is looked up in the enclosing contexts (as Jinja's scoping does), so
    // partials and loop bodies see top-level values without `../`.
    return engine.compile(ast, { noEscape: true, compat: true })(context);
  } catch (error) {
    throw new ConfigProblem([], `Template ${templateFile} failed to render: ${(error as Error).message}`);
  }
}

function findRuntimeReference(program: hbs.AST.Program, context: Record<string, unknown>): { name: string; loc: { line: number; column: number } } | undefined {
  for (const statement of program.body) {
    const node = statement as unknown as { type: string; path?: hbs.AST.PathExpression; params?: unknown[]; program?: hbs.AST.Program; inverse?: hbs.AST.Program; loc: hbs.AST.SourceLocation };
    if (node.type === "MustacheStatement" || node.type === "BlockStatement") {
      const paths = [node.path, ...(node.params ?? [])] as Array<{ type?: string; parts?: string[]; data?: boolean; depth?: number }>;
      for (const path of paths) {
        const name = path?.type === "PathExpression" && !path.data && path.depth === 0 ? path.parts?.[0] : undefined;
        if (name && RUNTIME_NAMES.has(name) && !(name in context) && !(name in valueHelpers)) return { name, loc: node.loc.start };
      }
      // Inside {{#each}} / {{#with}} names refer to the items, which may well be called "task" or "params".
      const sameContext = node.type === "BlockStatement" && ["if", "unless"].includes(node.path?.original ?? "");
      for (const inner of sameContext ? [node.program, node.inverse] : []) {
        const found = inner ? findRuntimeReference(inner, context) : undefined;
        if (found) return found;
      }
    }
  }
  return undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (/\.(hbs|ya?ml)$/.test(entry.name)) files.push(path);
  }
  return files;
}
