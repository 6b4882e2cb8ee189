import { ConfigProblem, keyPathText, type KeyPath, type Location, type YamlIssue } from "./issues.ts";
import { locate, type YamlSource } from "./yaml-source.ts";

interface Candidate {
  source: YamlSource;
  /** Turns a config path (DAG id first) into a path in this source, or undefined when the source cannot hold it. */
  map: (path: KeyPath) => KeyPath | undefined;
}

/**
 * Finds where a problem's key path was written. A DAG's effective config merges several sources (the DAG's own entry,
 * the bases it extends, the file's `default:` block, folder defaults files): they are searched in that order.
 */
export class Locator {
  private readonly candidates: Candidate[] = [];

  constructor(readonly file: string) {}

  add(source: YamlSource, map: Candidate["map"] = (path) => path): void {
    this.candidates.push({ source, map });
  }

  where(path: KeyPath, at: "key" | "value" = "value"): Location | undefined {
    for (const { source, map } of this.candidates) {
      const mapped = map(path);
      const found = mapped && locate(source, mapped, at);
      if (found) return found;
    }
    // Not written anywhere (a missing key): the deepest part of the path in the first source that has some of it.
    for (const { source, map } of this.candidates) {
      const mapped = map(path);
      if (mapped && mapped.length && locate(source, mapped.slice(0, 1))) return locate(source, mapped, at, true);
    }
    return undefined;
  }

  issue(problem: ConfigProblem): YamlIssue {
    const location = problem.details.location ?? this.where(problem.path, problem.details.at);
    return {
      file: location?.file ?? this.file,
      line: location?.line ?? null,
      column: location?.column ?? null,
      ...(location?.rendered ? { rendered: true } : {}),
      keyPath: keyPathText(problem.path),
      message: problem.message,
      ...(problem.details.expected ? { expected: problem.details.expected } : {}),
      ...(problem.details.suggestion ? { suggestion: problem.details.suggestion } : {}),
    };
  }
}
