import type { DAG } from "../core/dag.ts";
import { buildDag } from "./build-dag.ts";
import { registerBuiltinOperators } from "./builtin-operators.ts";
import { callableRefs, loadCallables, moduleFileOf } from "./callables.ts";
import { ConfigProblems, YamlDagError, type YamlIssue } from "./issues.ts";
import { Locator } from "./locator.ts";
import { asProblem, resolveConfigs } from "./resolve-config.ts";

export interface YamlDagFile {
  dags: DAG[];
  /** Every file the result depends on (values, partials, defaults, bases, callables…; some may not exist yet). */
  dependencies: Set<string>;
}

/**
 * Loads the DAGs of a YAML DAG file (dag-factory format, optionally a handlebars template). `root` is the DAGs
 * folder: the top of the `defaults.yml` search and a place "module.function" callables are looked up. Throws a
 * YamlDagError listing every problem, located in the YAML, when any DAG of the file is invalid: as with dag-factory,
 * one broken DAG fails the whole file.
 */
export async function loadYamlDagFile(file: string, root: string): Promise<YamlDagFile> {
  registerBuiltinOperators();
  (await import("../providers/yaml-operators.ts")).registerProviderOperators(); // loaded on use: the drivers are heavy
  const dependencies = new Set<string>();
  const locator = new Locator(file);
  const issues: YamlIssue[] = [];
  const dags: DAG[] = [];
  try {
    const resolved = await resolveConfigs(file, root, locator, dependencies);
    issues.push(...resolved.problems.map((p) => locator.issue(p)));
    for (const { dagId, raw, config } of resolved.dags) {
      try {
        const functions = await loadCallables(callableRefs(dagId, config), file, [root], dependencies);
        dags.push(await buildDag(dagId, config, { yamlFile: file, functions, dependencies }, raw));
      } catch (error) {
        const problems = error instanceof ConfigProblems ? error.problems : [asProblem(error)];
        issues.push(...problems.map((p) => locator.issue(p)));
      }
    }
  } catch (error) {
    issues.push(locator.issue(asProblem(error)));
  }
  if (issues.length) throw new YamlDagError(file, sortIssues(issues));
  return { dags, dependencies };
}

/** In reading order: the DAG file's own problems first, then by line. */
function sortIssues(issues: YamlIssue[]): YamlIssue[] {
  const rank = (issue: YamlIssue) => [issue.file === issues[0].file ? 0 : 1, issue.file, issue.line ?? 0, issue.column ?? 0] as const;
  return [...issues].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2] || x[3] - y[3];
  });
}

/** The files a YAML DAG file depends on, found without importing any code (the DAG processor calls this). */
export async function yamlDependencies(file: string, root: string): Promise<Set<string>> {
  const dependencies = new Set<string>();
  try {
    const { dags } = await resolveConfigs(file, root, new Locator(file), dependencies);
    for (const { dagId, config } of dags) {
      for (const ref of callableRefs(dagId, config)) await moduleFileOf(ref, file, [root], dependencies).catch(() => undefined);
    }
  } catch {
    // A broken file still depends on what was read before the problem; its parse reports the problem.
  }
  dependencies.add(file);
  return dependencies;
}
