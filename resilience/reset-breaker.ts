import type { Database } from "../core/store/database.ts";
import { reset } from "./breaker-state.ts";
import { transitionBreaker, type BreakerRow } from "./breaker-store.ts";

/** Closes a breaker by hand (UI, REST API); null when no breaker has that name. */
export async function resetBreaker(db: Database, name: string): Promise<BreakerRow | null> {
  const done = await transitionBreaker(db, name, null, (s, _config, now) => ({ next: reset(s, now), result: null }));
  return done?.row ?? null;
}
