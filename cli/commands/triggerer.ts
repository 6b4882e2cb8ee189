import { UsageError, type Command } from "../command.ts";
import { untilSignal } from "../until-signal.ts";
import { logFunction } from "../../observability/logger.ts";

export const triggerer: Command = {
  group: "triggerer",
  verb: "",
  summary: "Run the triggerer: the async triggers of deferred task instances, in one process (PostgreSQL)",
  args: "",
  options: { capacity: { type: "string" } },
  optionHelp: {
    capacity: "--capacity N               triggers run at once (default 1000, UPDRAFT_TRIGGERER_CAPACITY)",
  },
  async run(_args, values, io) {
    const capacity = values.capacity === undefined ? undefined : Number(values.capacity);
    if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1)) throw new UsageError(`Invalid --capacity "${values.capacity}": give a whole number of 1 or more.`);
    if (!process.env.UPDRAFT_DATABASE_URL) {
      throw new UsageError("`updraft triggerer` runs beside a scheduler on a shared PostgreSQL (set UPDRAFT_DATABASE_URL); with the embedded database, `updraft standalone` already runs a triggerer in its one process.");
    }
    const { openDatabase } = await import("../../core/store/open.ts");
    const { requireCurrentSchema } = await import("../../core/store/migrate.ts");
    const { Triggerer } = await import("../../triggerer/triggerer.ts");
    const db = await openDatabase();
    await requireCurrentSchema(db).catch(async (error) => {
      await db.close();
      throw error;
    });
    const running = new Triggerer(db, { capacity, log: logFunction("triggerer") });
    await running.start();
    const signal = await untilSignal();
    io.out(`Received ${signal}: handing the running triggers back and stopping…`);
    await running.stop();
    await db.close();
    return 0;
  },
};
