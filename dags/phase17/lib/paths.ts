/** Where the phase17 examples keep their files: $UPDRAFT_PHASE17_DATA, else a folder in the system's temp dir. */
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DATA_DIR = process.env.UPDRAFT_PHASE17_DATA || join(tmpdir(), "updraft-phase17");
export const fileUri = (name: string) => `file://${join(DATA_DIR, name)}`;
