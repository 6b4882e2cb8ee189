import type { Database } from "../../core/store/database.ts";
import { DEFAULT_POOL, deletePool, listPools, setPool, type PoolRow } from "../../core/store/queries/pools.ts";
import { didYouMean } from "../../core/suggest.ts";
import { withDatabase } from "../with-database.ts";
import { OUTPUT_HELP, OUTPUT_OPTION, outputFormat, UsageError, type CliIO, type Command } from "../command.ts";
import { formatTable } from "../table.ts";

const withPools = (work: (db: Database) => Promise<number>) => withDatabase("updraft pools", work);

function printPools(io: CliIO, pools: PoolRow[], format: "json" | "table" | "plain"): void {
  if (format === "json") io.out(JSON.stringify(pools));
  else if (format === "plain") for (const p of pools) io.out(`${p.pool}\t${p.slots}\t${p.description}`);
  else io.out(formatTable(["pool", "slots", "description", "include_deferred"], pools.map((p) => [p.pool, p.slots, p.description, String(p.include_deferred)])));
}

function parseSlots(raw: string | undefined): number {
  const slots = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isInteger(slots) || slots < -1) {
    throw new UsageError(`SLOTS must be a whole number ≥ 0 (or -1 for unlimited), got ${JSON.stringify(raw ?? "")}.`);
  }
  return slots;
}

export const poolsSet: Command = {
  group: "pools",
  verb: "set",
  summary: "Create a pool, or change its slots and description",
  args: "<name> <slots> [description]",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run([name, rawSlots, description = ""], values, io) {
    const format = outputFormat(values);
    if (!name) throw new UsageError("Missing <name>.");
    const slots = parseSlots(rawSlots);
    return withPools(async (db) => {
      const pool = await setPool(db, name, slots, description);
      if (format !== "json") io.out(`Pool ${pool.pool} set: ${pool.slots === -1 ? "unlimited" : pool.slots} slot(s).`);
      printPools(io, [pool], format);
      return 0;
    });
  },
};

export const poolsList: Command = {
  group: "pools",
  verb: "list",
  summary: "List the pools and their slots",
  args: "",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run(_args, values, io) {
    const format = outputFormat(values);
    return withPools(async (db) => {
      printPools(io, await listPools(db), format);
      return 0;
    });
  },
};

export const poolsDelete: Command = {
  group: "pools",
  verb: "delete",
  summary: "Delete a pool (its tasks then wait, scheduled, until it exists again)",
  args: "<name>",
  options: { ...OUTPUT_OPTION },
  optionHelp: { ...OUTPUT_HELP },
  async run([name], values, io) {
    const format = outputFormat(values);
    if (!name) throw new UsageError("Missing <name>.");
    if (name === DEFAULT_POOL) {
      io.err(`updraft pools delete: ${DEFAULT_POOL} cannot be deleted; resize it with "updraft pools set ${DEFAULT_POOL} <slots>".`);
      return 1;
    }
    return withPools(async (db) => {
      const deleted = await deletePool(db, name);
      if (!deleted) {
        const names = (await listPools(db)).map((p) => p.pool);
        io.err(`updraft pools delete: there is no pool "${name}".${didYouMean(name, names)}`);
        return 1;
      }
      if (format !== "json") io.out(`Pool ${deleted.pool} deleted.`);
      printPools(io, [deleted], format);
      return 0;
    });
  },
};
