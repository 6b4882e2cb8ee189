import type { TiSnapshot } from "../core/scheduling/plan-run.ts";
import type { TaskState } from "../core/types.ts";

/** A task instance's new state, as a finished try reports it. */
export interface TiChange {
  taskId: string;
  mapIndex: number;
  state: TaskState;
  nextRetryAt?: Date | null;
  rescheduleAt?: Date | null;
}

interface CachedRun {
  tis: Map<string, TiSnapshot>;
}

const tiKey = (taskId: string, mapIndex: number) => `${taskId}\u0000${mapIndex}`;

/**
 * What the scheduler last knew of each running run's task instances, kept up to date by the tries' finish events, so
 * that a finished try costs a plan in memory rather than a snapshot of the whole run (a 1,000-TI run: 4–5 ms of the
 * embedded database per finished try before, on the dev machine).
 *
 * It is only ever a hint. Every write the scheduler makes from it stays guarded by the state it saw, a write that
 * misses drops the run from here, a run is finished only from a fresh snapshot, and the safety-net pass re-reads every
 * run. Anything that changes TIs without an event (a user clearing them, a branch skipping them) forgets the run.
 */
export class RunStateCache {
  private readonly runs = new Map<string, CachedRun>();
  /** Bumped by every change, so a snapshot read before a change is never remembered over it. */
  private readonly versions = new Map<string, number>();
  /** Bumped by `forgetAll`, which changes every run's version at once, including runs it has no entry for. */
  private generation = 0;

  /** The run's TIs, or undefined when they must be read from the database. */
  get(runKey: string): TiSnapshot[] | undefined {
    const run = this.runs.get(runKey);
    return run ? [...run.tis.values()].map((ti) => ({ ...ti })) : undefined;
  }

  /** The version to pass to `remember` with a snapshot read from now on. */
  version(runKey: string): string {
    return `${this.generation}.${this.versions.get(runKey) ?? 0}`;
  }

  /** Keeps a snapshot, unless something changed the run since `version` was taken (the snapshot may predate it). */
  remember(runKey: string, snapshot: readonly TiSnapshot[], version: string): void {
    if (this.version(runKey) !== version) {
      this.runs.delete(runKey);
      return;
    }
    this.runs.set(runKey, { tis: new Map(snapshot.map((ti) => [tiKey(ti.taskId, ti.mapIndex), { ...ti }])) });
  }

  /** A try finished. A TI the cache does not know means the cache is behind: the run is read again next time. */
  apply(runKey: string, change: TiChange): void {
    this.bump(runKey);
    const run = this.runs.get(runKey);
    if (!run) return;
    const ti = run.tis.get(tiKey(change.taskId, change.mapIndex));
    if (!ti) {
      this.runs.delete(runKey);
      return;
    }
    ti.state = change.state;
    ti.nextRetryAt = change.nextRetryAt ?? null;
    ti.rescheduleAt = change.rescheduleAt ?? null;
  }

  /** Something changed the run's TIs in a way no event describes: read it from the database next time. */
  forget(runKey: string): void {
    this.bump(runKey);
    this.runs.delete(runKey);
  }

  /** Something outside the scheduler changed runs it cannot name (a user cleared or marked TIs): read them all again. */
  forgetAll(): void {
    this.generation++;
    this.runs.clear();
    this.versions.clear();
  }

  /** The run finished or is gone. */
  drop(runKey: string): void {
    this.runs.delete(runKey);
    this.versions.delete(runKey);
  }

  private bump(runKey: string): void {
    this.versions.set(runKey, (this.versions.get(runKey) ?? 0) + 1);
  }
}
