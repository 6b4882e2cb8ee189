/** The timetables without periodic intervals (Airflow's `airflow/timetables/simple.py`): `null`, `"@once"`, `"@continuous"`. */
import { exactRunInfo, intervalRunInfo, laterOf, type DagRunInfo, type DataInterval, type SerializedTimetable, type TimeRestriction, type Timetable } from "./types.ts";

interface NextArgs {
  lastAutomatedDataInterval: DataInterval | null;
  restriction: TimeRestriction;
  now: Date;
}

abstract class TrivialTimetable implements Timetable {
  abstract readonly type: "null" | "once" | "continuous";
  abstract readonly summary: string;
  readonly periodic = false;
  readonly canBeScheduled: boolean = true;
  abstract nextDagrunInfo(args: NextArgs): DagRunInfo | null;

  inferManualDataInterval(runAfter: Date): DataInterval {
    return { start: runAfter, end: runAfter };
  }

  serialize(): SerializedTimetable {
    return { type: this.type };
  }
}

/** `schedule: null`: never scheduled; runs only when triggered. */
export class NullTimetable extends TrivialTimetable {
  readonly type = "null";
  readonly summary = "None";
  override readonly canBeScheduled = false;

  nextDagrunInfo(): DagRunInfo | null {
    return null;
  }
}

/** `"@once"`: one run at the start date, even with catchup=False. */
export class OnceTimetable extends TrivialTimetable {
  readonly type = "once";
  readonly summary = "@once";

  nextDagrunInfo({ lastAutomatedDataInterval, restriction }: NextArgs): DagRunInfo | null {
    if (lastAutomatedDataInterval !== null || restriction.earliest === null) return null;
    const runAfter = restriction.earliest;
    if (restriction.latest !== null && runAfter.getTime() > restriction.latest.getTime()) return null;
    return exactRunInfo(runAfter);
  }
}

/**
 * `"@continuous"`: a new run as soon as the previous one ends (the DAG must allow one active run). The first run
 * covers `[start date, max(start date, now)]`, each later one `[previous end, now]`.
 */
export class ContinuousTimetable extends TrivialTimetable {
  readonly type = "continuous";
  readonly summary = "@continuous";

  nextDagrunInfo({ lastAutomatedDataInterval, restriction, now }: NextArgs): DagRunInfo | null {
    if (restriction.earliest === null) return null;
    const start = lastAutomatedDataInterval?.end ?? restriction.earliest;
    const end = lastAutomatedDataInterval ? now : laterOf(restriction.earliest, now);
    if (restriction.latest !== null && end.getTime() > restriction.latest.getTime()) return null;
    return intervalRunInfo(start, end);
  }
}
