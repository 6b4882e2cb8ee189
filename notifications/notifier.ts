import type { TaskCallback } from "../core/base-operator.ts";
import type { TaskContext } from "../core/context.ts";

/**
 * A notifier gives up after this long so that a callback never holds a runner: Airflow's SMTP and Slack hooks time
 * out after 30 s by default, and a notifier is one send.
 */
const DEFAULT_TIMEOUT_SECONDS = Number(process.env.UPDRAFT_NOTIFIER_TIMEOUT_SEC ?? 30);

export interface NotifierOptions {
  /** Seconds before the send is abandoned (logged as failed). */
  timeoutSeconds?: number;
}

/** A callback (Airflow's BaseNotifier) usable as any task or DAG callback, alone or in a list. */
export type Notifier = TaskCallback & { readonly notifierName: string };

export type NotifyFunction = (context: TaskContext, signal: AbortSignal) => Promise<string | void>;

/**
 * Makes a notifier from one send. A send that fails or times out is logged once, with its reason, and the callback
 * still returns normally: a notification never changes a task's outcome. A send may return a line saying what it
 * did, which is logged.
 */
export function defineNotifier(name: string, notify: NotifyFunction, options: NotifierOptions = {}): Notifier {
  const seconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const callback = async (context: TaskContext): Promise<void> => {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new Error(`no answer within ${seconds}s; abandoned`));
      }, seconds * 1000);
    });
    try {
      const done = await Promise.race([Promise.resolve().then(() => notify(context, abort.signal)), expired]);
      if (done) context.log.info(`${name}: ${done}`);
    } catch (error) {
      context.log.error(`${name} failed: ${error instanceof Error ? error.message : String(error)} (the task's outcome is unchanged)`);
    } finally {
      clearTimeout(timer);
    }
  };
  Object.defineProperty(callback, "name", { value: name });
  return Object.assign(callback, { notifierName: name });
}
