import { BaseTrigger, sleepUntil, TriggerEvent, type TriggerEnv } from "../core/deferral.ts";
import { durationToMs, type Duration } from "../core/dates.ts";
import type { JsonObject } from "../core/types.ts";
import { firstMatchingFile } from "../operators/file-match.ts";

/** Airflow's FileTrigger: fires (payload true) when the path or glob matches a file, checking every `pokeInterval`. */
export class FileTrigger extends BaseTrigger {
  static readonly classpath = "updraft.triggers.file.FileTrigger";
  readonly classpath = FileTrigger.classpath;
  readonly filepath: string;
  readonly recursive: boolean;
  readonly pokeIntervalMs: number;

  constructor(options: { filepath: string; recursive?: boolean; pokeInterval?: Duration }) {
    super();
    this.filepath = options.filepath;
    this.recursive = options.recursive ?? false;
    this.pokeIntervalMs = durationToMs(options.pokeInterval ?? 5, "FileTrigger pokeInterval");
  }

  serialize(): JsonObject {
    return { filepath: this.filepath, recursive: this.recursive, poke_interval: this.pokeIntervalMs / 1000 };
  }

  async *run(env: TriggerEnv): AsyncIterable<TriggerEvent> {
    do {
      const found = await firstMatchingFile(this.filepath, this.recursive);
      if (found) {
        env.log(`Found file ${found.path} last modified: ${found.mtime.toISOString()}`);
        yield new TriggerEvent(true);
        return;
      }
    } while (await sleepUntil(Date.now() + this.pokeIntervalMs, env.signal));
  }
}
