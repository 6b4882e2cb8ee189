import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";

/**
 * Python's `glob.glob(pattern, recursive=…)`, which FileSensor uses: `*`, `?` and `[…]` within one path segment,
 * `**` for any number of directories when `recursive`; names starting with "." match only a pattern that starts
 * with "." too. Node 20 has no `fs.glob`, hence this small walker.
 */
export async function glob(pattern: string, recursive: boolean): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/).filter((s, i) => s !== "" || i === 0);
  let matches = [absolute ? sep : ""];
  for (const [index, segment] of segments.entries()) {
    if (index === 0 && absolute) continue;
    const next: string[] = [];
    for (const base of matches) {
      if (!hasMagic(segment)) {
        const path = base === "" ? segment : join(base, segment);
        if (await exists(path)) next.push(path);
      } else if (segment === "**" && recursive) {
        next.push(base, ...(await descendants(base === "" ? "." : base, base)));
      } else {
        const regex = segmentRegex(segment);
        for (const name of await list(base === "" ? "." : base)) {
          if (name.startsWith(".") && !segment.startsWith(".")) continue;
          if (regex.test(name)) next.push(base === "" ? name : join(base, name));
        }
      }
    }
    matches = [...new Set(next)];
  }
  return matches.filter((m) => m !== "" && m !== sep);
}

function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment);
}

function segmentRegex(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) source += "\\[";
      else {
        const body = segment.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** Every directory below `dir` (hidden ones excluded), as paths joined onto `base`. */
async function descendants(dir: string, base: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = base === "" ? entry.name : join(base, entry.name);
    found.push(path, ...(await descendants(join(dir, entry.name), path)));
  }
  return found;
}
