import { resolve } from "node:path";
import { updraftHome } from "../../core/store/open.ts";
import { UsageError, type Command } from "../command.ts";
import { untilSignal } from "../until-signal.ts";
import { logFunction } from "../../observability/logger.ts";

export const worker: Command = {
  group: "worker",
  verb: "",
  summary: "Run task instances from BullMQ queues in warm runner processes (UPDRAFT_EXECUTOR=bullmq)",
  args: "",
  options: { queues: { type: "string", short: "q" }, concurrency: { type: "string", short: "c" } },
  optionHelp: {
    queues: "-q, --queues a,b           queues to consume (default: default)",
    concurrency: "-c, --concurrency N        tasks run at once, one runner process each (default 8)",
  },
  async run(_args, values, io) {
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`Invalid --concurrency "${values.concurrency}": give a whole number of 1 or more.`);
    const queues = typeof values.queues === "string" ? values.queues.split(",").map((q) => q.trim()).filter(Boolean) : ["default"];
    const redisUrl = process.env.UPDRAFT_REDIS_URL || "redis://127.0.0.1:6379";
    const { startBullmqWorker } = await import("../../executor/bullmq-worker.ts");
    const running = await startBullmqWorker({
      redisUrl, queues, concurrency, home: resolve(updraftHome()), apiUrl: process.env.UPDRAFT_API_URL || undefined, log: logFunction("worker"),
    });
    const signal = await untilSignal();
    io.out(`Received ${signal}: finishing running tasks, then stopping…`);
    await running.stop();
    return 0;
  },
};
