import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ConfigProblem, type KeyPath, type Location } from "./issues.ts";

/** One parsed YAML text, kept with its positions so that problems found later can name a line and column. */
export interface YamlSource {
  /** The file a user opens to fix a problem (for a template's output: the DAG file). */
  file: string;
  rendered: boolean;
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * Parses YAML as dag-factory's PyYAML FullLoader does: YAML 1.1 (yes/no/on/off booleans, `<<` merge keys,
 * timestamps as dates). Unlike PyYAML, a key repeated in one mapping is an error instead of a silent overwrite.
 */
export function parseYaml(file: string, text: string, rendered = false): { source: YamlSource; value: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", merge: true, lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const source: YamlSource = { file, rendered, doc, lines };
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const message = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigProblem([], `YAML syntax error: ${message}`, {
      location: pos ? { file, line: pos.line, column: pos.col, rendered } : undefined,
    });
  }
  return { source, value: doc.toJS({ maxAliasCount: 10_000 }) ?? {} };
}

/**
 * Where `path` is in a source: the value (or, with `at: "key"`, the key) it names. A list of tasks or task groups is
 * searched by `task_id` / `group_name`, so `dag.tasks.extract` finds `- task_id: extract`. Undefined when the path
 * is not in this source at all; with `partial`, the deepest part of it that is.
 */
export function locate(source: YamlSource, path: KeyPath, at: "key" | "value" = "value", partial = false): Location | undefined {
  let node: unknown = source.doc.contents;
  let key: unknown;
  for (const segment of path) {
    const found = child(source, node, segment);
    if (!found) {
      if (!partial) return undefined;
      break;
    }
    [key, node] = found;
  }
  const target = (at === "key" ? key : node) ?? key ?? node;
  const offset = (target as Node | undefined)?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = source.lines.linePos(offset);
  return { file: source.file, line: pos.line, column: pos.col, rendered: source.rendered };
}

function child(source: YamlSource, node: unknown, segment: string | number): [unknown, unknown] | undefined {
  if (isAlias(node)) node = node.resolve(source.doc);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(segment)) return [pair.key, pair.value ?? pair.key];
    }
    for (const pair of node.items) {
      // A key brought in by a `<<: *anchor` merge.
      if (isScalar(pair.key) && pair.key.value === "<<") {
        const merged = child(source, pair.value, segment);
        if (merged) return merged;
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    if (typeof segment === "number" || /^\d+$/.test(String(segment))) {
      const item = node.items[Number(segment)];
      return item === undefined ? undefined : [item, item];
    }
    for (const item of node.items) {
      const resolved = isAlias(item) ? item.resolve(source.doc) : item;
      if (isMap(resolved) && (resolved.get("task_id") === segment || resolved.get("group_name") === segment)) return [resolved, resolved];
    }
  }
  return undefined;
}
