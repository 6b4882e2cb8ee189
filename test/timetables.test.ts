import { describe, expect, it } from "vitest";
import {
  createTimetable,
  CronTriggerTimetable,
  deserializeTimetable,
  runIdFor,
  runTypeFromRunId,
  TimetableError,
  type DagRunInfo,
  type DataInterval,
  type ScheduleSpec,
  type Timetable,
} from "../core/timetables/index.ts";

const d = (iso: string): Date => new Date(iso);
const FAR_FUTURE = d("2030-01-01T00:00:00Z");

interface Ask {
  earliest?: string | null;
  latest?: string | null;
  catchup?: boolean;
  last?: [string, string] | null;
  now?: string;
}

function next(timetable: Timetable, ask: Ask): DagRunInfo | null {
  const last: DataInterval | null = ask.last ? { start: d(ask.last[0]), end: d(ask.last[1]) } : null;
  return timetable.nextDagrunInfo({
    lastAutomatedDataInterval: last,
    restriction: {
      earliest: ask.earliest === undefined ? d("2024-01-01T00:00:00Z") : ask.earliest === null ? null : d(ask.earliest),
      latest: ask.latest ? d(ask.latest) : null,
      catchup: ask.catchup ?? true,
    },
    now: ask.now ? d(ask.now) : FAR_FUTURE,
  });
}

/** [interval start, interval end, runAfter, logicalDate] as ISO strings, or null. */
function shape(info: DagRunInfo | null): [string, string, string, string] | null {
  if (!info) return null;
  return [
    info.dataInterval.start.toISOString(),
    info.dataInterval.end.toISOString(),
    info.runAfter.toISOString(),
    info.logicalDate.toISOString(),
  ];
}

/** A data-interval run: logical date = start, runAfter = end. */
const run = (start: string, end: string): [string, string, string, string] => [d(start).toISOString(), d(end).toISOString(), d(end).toISOString(), d(start).toISOString()];

function interval(i: DataInterval): [string, string] {
  return [i.start.toISOString(), i.end.toISOString()];
}

const utc = (schedule: ScheduleSpec): Timetable => createTimetable(schedule, { timezone: "UTC" });

describe("presets", () => {
  // earliest 2024-01-01T10:30Z is a Monday; the first interval starts at the first tick at or after it.
  const cases: [string, string, string][] = [
    ["@hourly", "2024-01-01T11:00:00Z", "2024-01-01T12:00:00Z"],
    ["@daily", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"],
    ["@midnight", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"],
    ["@weekly", "2024-01-07T00:00:00Z", "2024-01-14T00:00:00Z"],
    ["@monthly", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"],
    ["@quarterly", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z"],
    ["@yearly", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"],
    ["@annually", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"],
    ["@DAILY", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"],
  ];
  it.each(cases)("%s: first interval %s → %s, summary kept as written", (preset, start, end) => {
    const timetable = utc(preset);
    expect(timetable.type).toBe("cron");
    expect(timetable.summary).toBe(preset);
    expect(timetable.periodic).toBe(true);
    expect(timetable.canBeScheduled).toBe(true);
    expect(shape(next(timetable, { earliest: "2024-01-01T10:30:00Z" }))).toEqual(run(start, end));
  });
});

describe("cron data intervals: first run", () => {
  const cases: [string, string, Ask, [string, string, string, string] | null][] = [
    ["reference pin: @daily from 10:00 starts next midnight", "@daily", { earliest: "2024-01-01T10:00:00Z" }, run("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z")],
    ["a start on a tick is kept", "@daily", { earliest: "2024-01-01T00:00:00Z" }, run("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")],
    ["weekdays at 06:00 from a Friday 07:00", "0 6 * * 1-5", { earliest: "2024-01-05T07:00:00Z" }, run("2024-01-08T06:00:00Z", "2024-01-09T06:00:00Z")],
    ["catchup=True, no start date: no run", "@daily", { earliest: null }, null],
    ["catchup=False: interval ending at the last tick", "@daily", { catchup: false, now: "2024-01-10T15:00:00Z" }, run("2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z")],
    ["catchup=False, now exactly on a tick: interval starting at the previous tick", "@daily", { catchup: false, now: "2024-01-10T00:00:00Z" }, run("2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z")],
    ["catchup=False, weekday cron on a Wednesday noon", "0 6 * * 1-5", { catchup: false, now: "2024-03-06T12:00:00Z" }, run("2024-03-05T06:00:00Z", "2024-03-06T06:00:00Z")],
    ["catchup=False never earlier than the start date", "@daily", { catchup: false, earliest: "2024-02-01T12:00:00Z", now: "2024-01-10T15:00:00Z" }, run("2024-02-02T00:00:00Z", "2024-02-03T00:00:00Z")],
    // Airflow's _skip_to_latest does not need a start date, so catchup=False still yields the latest interval.
    ["catchup=False without a start date", "@daily", { catchup: false, earliest: null, now: "2024-01-10T15:00:00Z" }, run("2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z")],
    ["end date before the first interval: no run", "@daily", { earliest: "2024-01-01T10:00:00Z", latest: "2024-01-01T23:00:00Z" }, null],
  ];
  it.each(cases)("%s", (_name, schedule, ask, expected) => {
    expect(shape(next(utc(schedule), ask))).toEqual(expected);
  });
});

describe("cron data intervals: next run after the last automated one", () => {
  const cases: [string, string, Ask, [string, string, string, string] | null][] = [
    ["starts where the last ended", "@daily", { last: ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"] }, run("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z")],
    ["weekday cron skips the weekend", "0 6 * * 1-5", { last: ["2024-01-04T06:00:00Z", "2024-01-05T06:00:00Z"] }, run("2024-01-05T06:00:00Z", "2024-01-08T06:00:00Z")],
    ["schedule changed from @daily to 06:00: aligned back to the tick before the last end", "0 6 * * *", { last: ["2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z"] }, run("2024-01-09T06:00:00Z", "2024-01-10T06:00:00Z")],
    ["catchup=False after a long pause jumps to the latest interval", "@daily", { catchup: false, now: "2024-01-10T15:00:00Z", last: ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"] }, run("2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z")],
    ["catchup=False right after a run continues from it", "@daily", { catchup: false, now: "2024-01-10T15:00:00Z", last: ["2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z"] }, run("2024-01-10T00:00:00Z", "2024-01-11T00:00:00Z")],
    ["end date equal to the next start still runs", "@daily", { latest: "2024-01-03T00:00:00Z", last: ["2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"] }, run("2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z")],
    ["next start after the end date: no run", "@daily", { latest: "2024-01-03T00:00:00Z", last: ["2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z"] }, null],
    ["end date inside the next interval still runs it", "@daily", { latest: "2024-01-02T12:00:00Z", last: ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"] }, run("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z")],
  ];
  it.each(cases)("%s", (_name, schedule, ask, expected) => {
    expect(shape(next(utc(schedule), ask))).toEqual(expected);
  });
});

describe("croniter syntax", () => {
  const cases: [string, string, string, string][] = [
    // [cron, earliest, first interval start, end]
    ["0 0 1 * 1", "2024-01-30T00:00:00Z", "2024-02-01T00:00:00Z", "2024-02-05T00:00:00Z"], // day-of-month OR day-of-week
    ["0 0 1-31 * 1", "2024-01-02T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"], // croniter keeps 1-31 restricted: every day
    ["0 0 L * *", "2024-02-10T00:00:00Z", "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z"],
    ["0 0 * * 5#3", "2024-01-01T00:00:00Z", "2024-01-19T00:00:00Z", "2024-02-16T00:00:00Z"],
    ["0 0 * * L5", "2024-01-01T00:00:00Z", "2024-01-26T00:00:00Z", "2024-02-23T00:00:00Z"],
    ["0 0 * * fri-sun", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z", "2024-01-06T00:00:00Z"],
    ["*/15 9-17 * * *", "2024-01-01T17:50:00Z", "2024-01-02T09:00:00Z", "2024-01-02T09:15:00Z"],
    ["0 0 1 jan,jul *", "2024-02-01T00:00:00Z", "2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    ["0 12 10/5 * *", "2024-02-26T00:00:00Z", "2024-03-10T12:00:00Z", "2024-03-15T12:00:00Z"],
    ["0 0 * * * 30", "2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z", "2024-01-02T00:00:30Z"], // six fields: seconds last
  ];
  it.each(cases)("%s from %s", (cron, earliest, start, end) => {
    expect(shape(next(utc(cron), { earliest }))).toEqual(run(start, end));
  });

  it("day-of-month OR day-of-week whenever neither is written \"*\" (cron-parser's rule; croniter would fire every other day)", () => {
    expect(shape(next(utc("0 0 */2 * 0-6"), { earliest: "2024-01-01T12:00:00Z" }))).toEqual(run("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"));
  });
});

describe("DST: cron evaluated in the DAG timezone as Airflow's CronMixin does", () => {
  // Europe/Amsterdam 2024: 31 Mar 02:00 CET → 03:00 CEST (01:00Z); 27 Oct 03:00 CEST → 02:00 CET (01:00Z).
  // America/New_York 2024: 10 Mar 02:00 EST → 03:00 EDT (07:00Z); 3 Nov 02:00 EDT → 01:00 EST (06:00Z).
  // Fixed-hour crons localize the naive tick (skipped times move forward by the gap, repeated times take the
  // second occurrence); every-hour crons add the naive distance to the real instant.
  const cases: [string, string, string, string, [string, string][]][] = [
    ["daily 02:00 over spring-forward", "0 2 * * *", "Europe/Amsterdam", "2024-03-29T12:00:00Z", [
      ["2024-03-30T01:00:00Z", "2024-03-31T01:00:00Z"],
      ["2024-03-31T01:00:00Z", "2024-04-01T00:00:00Z"],
      ["2024-04-01T00:00:00Z", "2024-04-02T00:00:00Z"],
    ]],
    ["daily 02:30 over spring-forward", "30 2 * * *", "Europe/Amsterdam", "2024-03-29T12:00:00Z", [
      ["2024-03-30T01:30:00Z", "2024-03-31T01:30:00Z"],
      ["2024-03-31T01:30:00Z", "2024-04-01T00:30:00Z"],
      ["2024-04-01T00:30:00Z", "2024-04-02T00:30:00Z"],
    ]],
    ["daily 02:30 over fall-back takes the second 02:30", "30 2 * * *", "Europe/Amsterdam", "2024-10-25T12:00:00Z", [
      ["2024-10-26T00:30:00Z", "2024-10-27T01:30:00Z"],
      ["2024-10-27T01:30:00Z", "2024-10-28T01:30:00Z"],
    ]],
    ["daily 02:00 over fall-back", "0 2 * * *", "Europe/Amsterdam", "2024-10-25T12:00:00Z", [
      ["2024-10-26T00:00:00Z", "2024-10-27T01:00:00Z"],
      ["2024-10-27T01:00:00Z", "2024-10-28T01:00:00Z"],
    ]],
    ["hourly over spring-forward keeps one-hour intervals", "0 * * * *", "Europe/Amsterdam", "2024-03-30T23:30:00Z", [
      ["2024-03-31T00:00:00Z", "2024-03-31T01:00:00Z"],
      ["2024-03-31T01:00:00Z", "2024-03-31T02:00:00Z"],
      ["2024-03-31T02:00:00Z", "2024-03-31T03:00:00Z"],
    ]],
    ["half past every hour over fall-back runs the repeated hour", "30 * * * *", "Europe/Amsterdam", "2024-10-26T23:00:00Z", [
      ["2024-10-26T23:30:00Z", "2024-10-27T00:30:00Z"],
      ["2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z"],
      ["2024-10-27T01:30:00Z", "2024-10-27T02:30:00Z"],
    ]],
    ["every two hours over fall-back skips the first 02:30", "30 */2 * * *", "Europe/Amsterdam", "2024-10-26T22:00:00Z", [
      ["2024-10-26T22:30:00Z", "2024-10-27T01:30:00Z"],
      ["2024-10-27T01:30:00Z", "2024-10-27T03:30:00Z"],
    ]],
    ["New York daily 02:00 over spring-forward", "0 2 * * *", "America/New_York", "2024-03-08T12:00:00Z", [
      ["2024-03-09T07:00:00Z", "2024-03-10T07:00:00Z"],
      ["2024-03-10T07:00:00Z", "2024-03-11T06:00:00Z"],
    ]],
    ["New York daily 01:30 over fall-back takes the EST 01:30", "30 1 * * *", "America/New_York", "2024-11-01T12:00:00Z", [
      ["2024-11-02T05:30:00Z", "2024-11-03T06:30:00Z"],
      ["2024-11-03T06:30:00Z", "2024-11-04T06:30:00Z"],
    ]],
    ["New York hourly over fall-back", "0 * * * *", "America/New_York", "2024-11-03T04:30:00Z", [
      ["2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z"],
      ["2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z"],
    ]],
  ];
  it.each(cases)("%s", (_name, cron, timezone, earliest, expected) => {
    const timetable = createTimetable(cron, { timezone });
    let last: [string, string] | null = null;
    const got: [string, string][] = [];
    for (let i = 0; i < expected.length; i++) {
      const info = next(timetable, { earliest, last });
      expect(info).not.toBeNull();
      got.push(interval(info!.dataInterval));
      last = got[i];
    }
    expect(got).toEqual(expected.map(([s, e]) => [d(s).toISOString(), d(e).toISOString()]));
  });

  it("catchup=False on a spring-forward day follows Airflow's algorithm (previous tick localizes onto the same instant)", () => {
    const timetable = createTimetable("0 2 * * *", { timezone: "Europe/Amsterdam" });
    expect(shape(next(timetable, { catchup: false, now: "2024-03-31T12:00:00Z" }))).toEqual(run("2024-03-31T01:00:00Z", "2024-04-01T00:00:00Z"));
    expect(shape(next(timetable, { catchup: false, now: "2024-04-02T12:00:00Z" }))).toEqual(run("2024-04-01T00:00:00Z", "2024-04-02T00:00:00Z"));
  });
});

describe("delta schedules", () => {
  it("schedule omitted: one day anchored at the start date, not midnight", () => {
    const timetable = createTimetable(undefined, { timezone: "UTC" });
    expect(timetable.type).toBe("delta");
    expect(timetable.summary).toBe("1 day, 0:00:00");
    expect(shape(next(timetable, { earliest: "2024-01-01T10:00:00Z" }))).toEqual(run("2024-01-01T10:00:00Z", "2024-01-02T10:00:00Z"));
    expect(shape(next(timetable, { earliest: "2024-01-01T10:00:00Z", last: ["2024-01-01T10:00:00Z", "2024-01-02T10:00:00Z"] }))).toEqual(
      run("2024-01-02T10:00:00Z", "2024-01-03T10:00:00Z"),
    );
  });

  const summaries: [ScheduleSpec, string][] = [
    [{ hours: 6 }, "6:00:00"],
    [{ minutes: 30 }, "0:30:00"],
    [{ days: 2, minutes: 30 }, "2 days, 0:30:00"],
    [{ days: 1, hours: 25 }, "2 days, 1:00:00"],
    [{ seconds: 1.5 }, "0:00:01.500000"],
  ];
  it.each(summaries)("summary of %j is %s (Python timedelta str)", (schedule, summary) => {
    expect(utc(schedule).summary).toBe(summary);
  });

  const cases: [string, ScheduleSpec, Ask, [string, string, string, string] | null][] = [
    ["catchup=False: now floored to a multiple of the delta since the epoch, minus one delta", { hours: 6 }, { earliest: "2024-01-01T10:00:00Z", catchup: false, now: "2024-01-10T15:00:00Z" }, run("2024-01-10T06:00:00Z", "2024-01-10T12:00:00Z")],
    ["catchup=False daily: epoch-aligned, no longer anchored at the start time", { days: 1 }, { earliest: "2024-01-01T10:00:00Z", catchup: false, now: "2024-01-10T15:00:00Z" }, run("2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z")],
    ["catchup=False never before the start date (kept unaligned)", { hours: 6 }, { earliest: "2024-01-10T07:00:00Z", catchup: false, now: "2024-01-10T15:00:00Z" }, run("2024-01-10T07:00:00Z", "2024-01-10T13:00:00Z")],
    ["next run starts at the last end", { hours: 6 }, { last: ["2024-01-01T10:00:00Z", "2024-01-01T16:00:00Z"] }, run("2024-01-01T16:00:00Z", "2024-01-01T22:00:00Z")],
    ["end date cut-off", { hours: 6 }, { latest: "2024-01-01T15:00:00Z", last: ["2024-01-01T10:00:00Z", "2024-01-01T16:00:00Z"] }, null],
    ["no start date with catchup: no run", { hours: 6 }, { earliest: null }, null],
  ];
  it.each(cases)("%s", (_name, schedule, ask, expected) => {
    expect(shape(next(utc(schedule), ask))).toEqual(expected);
  });
});

describe("@once", () => {
  const once = utc("@once");
  it("is not periodic but can be scheduled", () => {
    expect([once.type, once.summary, once.periodic, once.canBeScheduled]).toEqual(["once", "@once", false, true]);
  });
  const cases: [string, Ask, [string, string, string, string] | null][] = [
    ["one run at the start date", { earliest: "2024-01-01T10:00:00Z" }, run("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z")],
    ["even with catchup=False", { earliest: "2024-01-01T10:00:00Z", catchup: false, now: "2024-06-01T00:00:00Z" }, run("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z")],
    ["nothing after the first run", { earliest: "2024-01-01T10:00:00Z", last: ["2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"] }, null],
    ["no start date: no run", { earliest: null }, null],
    ["start date after the end date: no run", { earliest: "2024-01-02T00:00:00Z", latest: "2024-01-01T00:00:00Z" }, null],
  ];
  it.each(cases)("%s", (_name, ask, expected) => {
    expect(shape(next(once, ask))).toEqual(expected);
  });
});

describe("null schedule", () => {
  it.each([[null], ["None"], ["none"]] as [ScheduleSpec][])("%j never schedules", (schedule) => {
    const timetable = utc(schedule);
    expect([timetable.type, timetable.summary, timetable.periodic, timetable.canBeScheduled]).toEqual(["null", "None", false, false]);
    expect(next(timetable, { earliest: "2024-01-01T00:00:00Z" })).toBeNull();
    expect(next(timetable, { catchup: false, now: "2024-06-01T00:00:00Z" })).toBeNull();
  });
});

describe("@continuous", () => {
  const continuous = utc("@continuous");
  it("is not periodic but can be scheduled", () => {
    expect([continuous.type, continuous.summary, continuous.periodic, continuous.canBeScheduled]).toEqual(["continuous", "@continuous", false, true]);
  });
  const cases: [string, Ask, [string, string, string, string] | null][] = [
    ["first run now, covering [start date, now]", { earliest: "2024-01-01T00:00:00Z", now: "2024-01-10T15:00:00Z" }, run("2024-01-01T00:00:00Z", "2024-01-10T15:00:00Z")],
    ["first run at the start date when it is in the future", { earliest: "2024-02-01T00:00:00Z", now: "2024-01-10T15:00:00Z" }, run("2024-02-01T00:00:00Z", "2024-02-01T00:00:00Z")],
    ["after a run: again now, from the previous end", { now: "2024-01-10T15:05:00Z", last: ["2024-01-01T00:00:00Z", "2024-01-10T15:00:00Z"] }, run("2024-01-10T15:00:00Z", "2024-01-10T15:05:00Z")],
    ["past the end date: no run", { latest: "2024-01-10T00:00:00Z", now: "2024-01-10T15:00:00Z" }, null],
    ["no start date: no run", { earliest: null, now: "2024-01-10T15:00:00Z" }, null],
  ];
  it.each(cases)("%s", (_name, ask, expected) => {
    expect(shape(next(continuous, ask))).toEqual(expected);
  });
});

describe("CronTriggerTimetable", () => {
  const trigger = new CronTriggerTimetable("0 6 * * *", { timezone: "UTC" });
  const daily = new CronTriggerTimetable("0 6 * * *", { timezone: "UTC", interval: { days: 1 } });
  /** [start, tick]: runAfter = tick, logical date = start */
  const fire = (start: string, tick: string) => run(start, tick);
  const cases: [string, Timetable, Ask, [string, string, string, string] | null][] = [
    ["fires at the first tick; logical date = tick", trigger, { earliest: "2024-01-01T10:00:00Z" }, fire("2024-01-02T06:00:00Z", "2024-01-02T06:00:00Z")],
    ["interval of one day: logical date = tick − 1 day", daily, { earliest: "2024-01-01T10:00:00Z" }, fire("2024-01-01T06:00:00Z", "2024-01-02T06:00:00Z")],
    ["next tick after the last run", trigger, { last: ["2024-01-02T06:00:00Z", "2024-01-02T06:00:00Z"] }, fire("2024-01-03T06:00:00Z", "2024-01-03T06:00:00Z")],
    ["no start date with catchup: no run", trigger, { earliest: null }, null],
    ["catchup=False: the latest tick at or before now still fires", trigger, { catchup: false, now: "2024-01-10T15:00:00Z" }, fire("2024-01-10T06:00:00Z", "2024-01-10T06:00:00Z")],
    ["catchup=False, now on a tick", trigger, { catchup: false, now: "2024-01-10T06:00:00Z" }, fire("2024-01-10T06:00:00Z", "2024-01-10T06:00:00Z")],
    ["catchup=False after that tick ran: the next one", trigger, { catchup: false, now: "2024-01-10T15:00:00Z", last: ["2024-01-10T06:00:00Z", "2024-01-10T06:00:00Z"] }, fire("2024-01-11T06:00:00Z", "2024-01-11T06:00:00Z")],
    ["catchup=False with a future start date", trigger, { catchup: false, earliest: "2024-02-01T10:00:00Z", now: "2024-01-10T15:00:00Z" }, fire("2024-02-02T06:00:00Z", "2024-02-02T06:00:00Z")],
    ["tick after the end date: no run", trigger, { latest: "2024-01-03T05:59:59Z", last: ["2024-01-02T06:00:00Z", "2024-01-02T06:00:00Z"] }, null],
  ];
  it.each(cases)("%s", (_name, timetable, ask, expected) => {
    expect(shape(next(timetable, ask))).toEqual(expected);
  });

  it("evaluates in its timezone (02:30 Amsterdam on spring-forward day fires at 03:30 CEST)", () => {
    const amsterdam = new CronTriggerTimetable("30 2 * * *", { timezone: "Europe/Amsterdam" });
    expect(shape(next(amsterdam, { earliest: "2024-03-30T12:00:00Z" }))).toEqual(fire("2024-03-31T01:30:00Z", "2024-03-31T01:30:00Z"));
  });
});

describe("manual runs: inferred data interval", () => {
  const cases: [string, Timetable, string, [string, string]][] = [
    ["cron: the last complete interval", utc("@daily"), "2024-01-25T01:00:00Z", ["2024-01-24T00:00:00Z", "2024-01-25T00:00:00Z"]],
    ["cron, on a tick: the interval ending there", utc("@daily"), "2024-01-25T00:00:00Z", ["2024-01-24T00:00:00Z", "2024-01-25T00:00:00Z"]],
    ["cron, weekdays over a weekend", utc("0 6 * * 1-5"), "2024-01-07T12:00:00Z", ["2024-01-04T06:00:00Z", "2024-01-05T06:00:00Z"]],
    ["cron in Amsterdam the day after spring-forward", createTimetable("0 2 * * *", { timezone: "Europe/Amsterdam" }), "2024-04-01T12:00:00Z", ["2024-03-31T01:00:00Z", "2024-04-01T00:00:00Z"]],
    // Airflow's get_prev of the skipped 02:00 localizes onto the same instant: a zero-length interval.
    ["cron in Amsterdam on spring-forward day", createTimetable("0 2 * * *", { timezone: "Europe/Amsterdam" }), "2024-03-31T12:00:00Z", ["2024-03-31T01:00:00Z", "2024-03-31T01:00:00Z"]],
    ["delta: [runAfter − delta, runAfter]", utc({ hours: 6 }), "2024-01-25T01:00:00Z", ["2024-01-24T19:00:00Z", "2024-01-25T01:00:00Z"]],
    ["null: [runAfter, runAfter]", utc(null), "2024-01-25T01:00:00.123Z", ["2024-01-25T01:00:00.123Z", "2024-01-25T01:00:00.123Z"]],
    ["@once: [runAfter, runAfter]", utc("@once"), "2024-01-25T01:00:00Z", ["2024-01-25T01:00:00Z", "2024-01-25T01:00:00Z"]],
    ["@continuous: [runAfter, runAfter]", utc("@continuous"), "2024-01-25T01:00:00Z", ["2024-01-25T01:00:00Z", "2024-01-25T01:00:00Z"]],
    ["cron trigger: [runAfter − interval, runAfter]", new CronTriggerTimetable("0 6 * * *", { interval: { hours: 1 } }), "2024-01-25T01:00:00Z", ["2024-01-25T00:00:00Z", "2024-01-25T01:00:00Z"]],
    ["cron trigger without interval: [runAfter, runAfter]", new CronTriggerTimetable("0 6 * * *", {}), "2024-01-25T01:00:00Z", ["2024-01-25T01:00:00Z", "2024-01-25T01:00:00Z"]],
  ];
  it.each(cases)("%s", (_name, timetable, runAfter, expected) => {
    expect(interval(timetable.inferManualDataInterval(d(runAfter)))).toEqual(expected.map((s) => d(s).toISOString()));
  });
});

describe("serialize / deserialize", () => {
  const cases: [string, Timetable, unknown][] = [
    ["null", utc(null), { type: "null" }],
    ["once", utc("@once"), { type: "once" }],
    ["continuous", utc("@continuous"), { type: "continuous" }],
    ["cron preset", createTimetable("@daily", { timezone: "Europe/Amsterdam" }), { type: "cron", expression: "@daily", timezone: "Europe/Amsterdam" }],
    ["cron", createTimetable("0 6 * * 1-5", { timezone: "America/New_York" }), { type: "cron", expression: "0 6 * * 1-5", timezone: "America/New_York" }],
    ["cron trigger", new CronTriggerTimetable("0 6 * * *", { timezone: "Europe/Amsterdam", interval: { days: 1 } }), { type: "cron_trigger", expression: "0 6 * * *", timezone: "Europe/Amsterdam", intervalSeconds: 86400 }],
    ["delta", utc({ hours: 6 }), { type: "delta", seconds: 21600 }],
    ["default delta", utc(undefined), { type: "delta", seconds: 86400 }],
  ];
  it.each(cases)("%s round-trips", (_name, timetable, serialized) => {
    expect(timetable.serialize()).toEqual(serialized);
    const back = deserializeTimetable(timetable.serialize());
    expect(back.serialize()).toEqual(serialized);
    expect([back.type, back.summary, back.periodic, back.canBeScheduled]).toEqual([timetable.type, timetable.summary, timetable.periodic, timetable.canBeScheduled]);
    const ask: Ask = { earliest: "2024-03-29T10:00:00Z", now: "2024-04-02T15:00:00Z", catchup: false };
    expect(shape(next(back, ask))).toEqual(shape(next(timetable, ask)));
    expect(interval(back.inferManualDataInterval(d("2024-03-31T12:00:00Z")))).toEqual(interval(timetable.inferManualDataInterval(d("2024-03-31T12:00:00Z"))));
  });

  it("a Timetable instance passed as schedule is used as is", () => {
    const trigger = new CronTriggerTimetable("0 6 * * *", { timezone: "UTC" });
    expect(createTimetable(trigger, { timezone: "Europe/Amsterdam" })).toBe(trigger);
  });

  it("timezone names are stored in canonical spelling", () => {
    expect(createTimetable("@daily", { timezone: "europe/amsterdam" }).serialize()).toEqual({ type: "cron", expression: "@daily", timezone: "Europe/Amsterdam" });
  });
});

describe("run ids", () => {
  const ids: [Parameters<typeof runIdFor>[0], string, string][] = [
    ["scheduled", "2024-01-01T00:00:00Z", "scheduled__2024-01-01T00:00:00+00:00"],
    ["manual", "2024-05-01T12:34:56.123Z", "manual__2024-05-01T12:34:56.123000+00:00"],
    ["backfill", "2024-01-02T06:30:00Z", "backfill__2024-01-02T06:30:00+00:00"],
    ["dataset_triggered", "2024-01-02T06:30:00.001Z", "dataset_triggered__2024-01-02T06:30:00.001000+00:00"],
  ];
  it.each(ids)("%s at %s → %s", (runType, logicalDate, runId) => {
    expect(runIdFor(runType, d(logicalDate))).toBe(runId);
    expect(runTypeFromRunId(runId)).toBe(runType);
  });

  it.each([["my_custom_run"], ["scheduled_2024-01-01"], ["Scheduled__2024-01-01T00:00:00+00:00"], [""]])("%j is a manual run id", (runId) => {
    expect(runTypeFromRunId(runId)).toBe("manual");
  });
});

describe("invalid schedules", () => {
  const fix = 'Use five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *", or a preset such as "@daily".';
  const cases: [string, string][] = [
    ["61 * * * *", `Invalid cron expression "61 * * * *": minute must be 0-59 (got "61"). ${fix}`],
    ["every day", `Invalid cron expression "every day": expected 5 fields (or 6 with seconds last) but found 2. ${fix}`],
    ["* * *", `Invalid cron expression "* * *": expected 5 fields (or 6 with seconds last) but found 3. ${fix}`],
    ["0 0 * * * * 2024", `Invalid cron expression "0 0 * * * * 2024": expected 5 fields (or 6 with seconds last) but found 7. ${fix}`],
    ["0 25 * * *", `Invalid cron expression "0 25 * * *": hour must be 0-23 (got "25"). ${fix}`],
    ["0 0 32 * *", `Invalid cron expression "0 0 32 * *": day-of-month must be 1-31 or L (got "32"). ${fix}`],
    ["0 0 * 13 *", `Invalid cron expression "0 0 * 13 *": month must be 1-12 or jan-dec (got "13"). ${fix}`],
    ["0 0 * * 8", `Invalid cron expression "0 0 * * 8": day-of-week must be 0-7 or sun-sat (got "8"). ${fix}`],
    ["0 0 * * fry", `Invalid cron expression "0 0 * * fry": day-of-week value "fry" is not understood; day-of-week must be 0-7 or sun-sat. ${fix}`],
    ["*/0 * * * *", `Invalid cron expression "*/0 * * * *": the step in minute "*/0" must be a whole number of at least 1. ${fix}`],
    ["5-1 * * * *", `Invalid cron expression "5-1 * * * *": the range "5-1" in minute goes backwards; write the lower value first. ${fix}`],
    ["-5 * * * *", `Invalid cron expression "-5 * * * *": minute may not be negative ("-5"). ${fix}`],
    ["0 0 * * 1#6", `Invalid cron expression "0 0 * * 1#6": in day-of-week "1#6" the occurrence after "#" must be 1-5. ${fix}`],
    ["0 0 30 2 *", `Invalid cron expression "0 0 30 2 *": it never matches a real date (no chosen month has that day). ${fix}`],
    ["H 0 * * *", `Invalid cron expression "H 0 * * *": minute "H" uses "H" (a hashed value), which Airflow does not accept; write a fixed value. ${fix}`],
    ["@fortnightly", `Invalid cron expression "@fortnightly": unknown preset "@fortnightly" (presets: @once, @continuous, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly, @midnight, @annually). ${fix}`],
  ];
  it.each(cases)("%j", (schedule, message) => {
    let error: unknown;
    try {
      utc(schedule);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TimetableError);
    expect((error as TimetableError).code).toBe("INVALID_SCHEDULE");
    expect((error as TimetableError).message).toBe(message);
  });

  it("an unknown timezone", () => {
    expect(() => createTimetable("@daily", { timezone: "Mars/Olympus" })).toThrow(
      new TimetableError('Invalid timezone "Mars/Olympus": it is not an IANA timezone name. Use a name such as "UTC", "Europe/Amsterdam" or "America/New_York".'),
    );
    expect(() => new CronTriggerTimetable("@daily", { timezone: "Nowhere" })).toThrow(TimetableError);
  });

  it.each([
    [{ hours: 0 }, /must be positive/],
    [{ weeks: 1 }, /unknown key "weeks"; a duration takes days, hours, minutes and seconds/],
    [{ hours: -1 }, /Invalid schedule/],
  ] as [ScheduleSpec, RegExp][])("duration %j", (schedule, message) => {
    expect(() => utc(schedule)).toThrow(TimetableError);
    expect(() => utc(schedule)).toThrow(message);
  });

  it("something that is no schedule at all", () => {
    expect(() => utc(42 as unknown as ScheduleSpec)).toThrow(/Invalid schedule 42: use a cron expression/);
  });
});
