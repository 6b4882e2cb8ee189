import type { TaskLogger } from "../context.ts";
import { deserializeTrigger, FAIL_METHOD, sleepUntil, TaskEndEvent, TRIGGER_TIMEOUT_ERROR, type Deferral, type Resume, type TriggerEnv } from "../deferral.ts";
import type { CrossDagBackend } from "../cross-dag.ts";
import "../../triggers/registry.ts";

/**
 * `dags test` has no triggerer: a deferred try's trigger runs here, inline, rebuilt from its serialized form as the
 * triggerer would (so a trigger that does not serialize fails here too). Returns how the try resumes: with the
 * first event, or through `__fail__` on timeout or trigger error — or, for a task-end event (end_from_trigger), the
 * state the task instance ends in without resuming.
 */
export async function runTriggerInline(deferral: Deferral, log: TaskLogger, crossDag: CrossDagBackend): Promise<Resume | { end: TaskEndEvent["taskInstanceState"] }> {
  const abort = new AbortController();
  const env: TriggerEnv = {
    signal: abort.signal,
    log: (m) => log.info(`[trigger] ${m}`),
    externalStates: (q) => crossDag.externalStates(q),
    dagRunStates: (dagId, runIds) => crossDag.dagRunStates(dagId, runIds),
  };
  log.info(`Deferred on ${deferral.classpath}: dags test runs the trigger inline (no triggerer).`);
  const fail = (error: string): Resume => ({ method: FAIL_METHOD, kwargs: { ...deferral.nextKwargs, error } });
  try {
    const trigger = deserializeTrigger(deferral.classpath, deferral.triggerKwargs);
    const first = (async (): Promise<Resume | { end: TaskEndEvent["taskInstanceState"] }> => {
      for await (const event of trigger.run(env)) {
        if (event instanceof TaskEndEvent) return { end: event.taskInstanceState };
        return { method: deferral.nextMethod, kwargs: { ...deferral.nextKwargs, event: event.payload } };
      }
      return fail("Trigger exited without sending an event");
    })();
    if (!deferral.timeoutAt) return await first;
    const timedOut = sleepUntil(deferral.timeoutAt.getTime(), abort.signal).then((expired) => (expired ? fail(TRIGGER_TIMEOUT_ERROR) : null));
    const resume = await Promise.race([first, timedOut]);
    return resume ?? (await first);
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    abort.abort();
  }
}
