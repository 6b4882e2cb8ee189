import { registerTrigger } from "../core/deferral.ts";
import type { JsonObject } from "../core/types.ts";
import { DagStateTrigger, WorkflowTrigger } from "./external-task.ts";
import { FileTrigger } from "./file.ts";
import { DateTimeTrigger } from "./temporal.ts";

/** The built-in trigger kinds, by classpath: imported by whatever rebuilds triggers (triggerer, `dags test`). */
registerTrigger(DateTimeTrigger.classpath, (k: JsonObject) => new DateTimeTrigger({ moment: k.moment as string, endFromTrigger: k.end_from_trigger === true }));
registerTrigger(FileTrigger.classpath, (k) => new FileTrigger({ filepath: k.filepath as string, recursive: k.recursive as boolean, pokeInterval: k.poke_interval as number }));
registerTrigger(WorkflowTrigger.classpath, (k) => WorkflowTrigger.fromKwargs(k));
registerTrigger(DagStateTrigger.classpath, (k) => DagStateTrigger.fromKwargs(k));

export { deserializeTrigger } from "../core/deferral.ts";
