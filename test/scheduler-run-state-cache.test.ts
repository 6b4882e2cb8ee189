import { describe, expect, it } from "vitest";
import type { TiSnapshot } from "../core/scheduling/plan-run.ts";
import { RunStateCache } from "../scheduler/run-state-cache.ts";

const RUN = "dag\u0000run";
const ti = (taskId: string, state: TiSnapshot["state"], mapIndex = -1): TiSnapshot => ({ taskId, mapIndex, state, nextRetryAt: null, rescheduleAt: null });
const states = (cache: RunStateCache) => Object.fromEntries((cache.get(RUN) ?? []).map((t) => [`${t.taskId}[${t.mapIndex}]`, t.state]));

describe("the scheduler's cache of run states", () => {
  it("knows nothing of a run until a snapshot is remembered", () => {
    const cache = new RunStateCache();
    expect(cache.get(RUN)).toBeUndefined();
    cache.remember(RUN, [ti("a", "running"), ti("b", null)], cache.version(RUN));
    expect(states(cache)).toEqual({ "a[-1]": "running", "b[-1]": null });
  });

  it("applies a finished try's outcome, with its retry date", () => {
    const cache = new RunStateCache();
    cache.remember(RUN, [ti("a", "running"), ti("b", null)], cache.version(RUN));
    const retryAt = new Date("2024-01-01T00:05:00Z");
    cache.apply(RUN, { taskId: "a", mapIndex: -1, state: "up_for_retry", nextRetryAt: retryAt });
    expect(cache.get(RUN)!.find((t) => t.taskId === "a")).toMatchObject({ state: "up_for_retry", nextRetryAt: retryAt });
  });

  it("never keeps a snapshot read before an event over that event", () => {
    const cache = new RunStateCache();
    const version = cache.version(RUN); // a pass starts reading the run…
    cache.apply(RUN, { taskId: "a", mapIndex: -1, state: "success" }); // …a try finishes meanwhile…
    cache.remember(RUN, [ti("a", "running")], version); // …and the pass's older snapshot arrives
    expect(cache.get(RUN)).toBeUndefined();
    // A snapshot read after the event is kept.
    cache.remember(RUN, [ti("a", "success")], cache.version(RUN));
    expect(states(cache)).toEqual({ "a[-1]": "success" });
  });

  it("forgets the run when an event names a TI it does not know (it is behind), or on forget()", () => {
    const cache = new RunStateCache();
    cache.remember(RUN, [ti("a", "running")], cache.version(RUN));
    cache.apply(RUN, { taskId: "mapped", mapIndex: 3, state: "success" });
    expect(cache.get(RUN)).toBeUndefined();
    cache.remember(RUN, [ti("a", "running")], cache.version(RUN));
    cache.forget(RUN);
    expect(cache.get(RUN)).toBeUndefined();
  });

  it("hands out copies: planning on them cannot change what it knows", () => {
    const cache = new RunStateCache();
    cache.remember(RUN, [ti("a", null)], cache.version(RUN));
    cache.get(RUN)![0].state = "scheduled";
    expect(states(cache)).toEqual({ "a[-1]": null });
  });
  it("forgets every run at once after an outside change, including a snapshot being read for a run it never knew", () => {
    const cache = new RunStateCache();
    cache.remember(RUN, [ti("a", "success")], cache.version(RUN));
    const other = "dag\u0000other";
    const version = cache.version(other); // a pass starts reading a run the cache has no entry for…
    cache.forgetAll(); // …a user clears TIs meanwhile…
    cache.remember(other, [ti("b", "success")], version); // …and the pass's snapshot, read before the clear, arrives
    expect(cache.get(RUN)).toBeUndefined();
    expect(cache.get(other)).toBeUndefined();
  });
});
