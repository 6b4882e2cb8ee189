import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where an example writes what it produces (raw copies, features, models, registries, reports): a folder per
 * example under $UPDRAFT_EXAMPLES_DATA, default $TMPDIR/updraft-examples. Inputs stay in the example's data/ folder.
 */
export function exampleWorkDir(example: string): string {
  return join(process.env.UPDRAFT_EXAMPLES_DATA ?? join(tmpdir(), "updraft-examples"), example);
}
