/**
 * phase7_03_circuit_breaker — protecting a flaky dependency with a circuit breaker.
 *
 * Shows:
 * - `circuitBreaker({ name, failureThreshold, resetTimeout, halfOpenTrials, fallback })`: one breaker, "exchange-rates",
 *   whose state (CLOSED → OPEN → HALF_OPEN → CLOSED) is shared by every task, run and worker through the metadata
 *   database — so a mapped task's instances, and the next run, all see that the rates service is down;
 * - `breaker.call(fn)` from a TaskFlow task: while the service fails, two failures open the breaker; later calls fail
 *   fast (the service is not called at all) and get the fallback (yesterday's cached rate) instead of failing the task;
 *   after the reset timeout one trial call is let through: its success closes the breaker again;
 * - `withCircuitBreaker(PythonOperator, breaker)`: any operator class guarded by the same breaker.
 * Breakers are listed, with their state and counts, on the UI's Breakers page, where an operator can reset one.
 *
 * Run it: `updraft dags test phase7_03_circuit_breaker 2024-01-03` (the service answers: every rate is live), then
 * `updraft dags test phase7_03_circuit_breaker 2024-01-03 --conf '{"outage": true}'` (the service is down: the breaker
 * opens after two failed calls and the rest are served from the cache). Under the scheduler, trigger runs with and
 * without `{"outage": true}` and watch the breaker on the Breakers page.
 */
import { circuitBreaker, dag, getCurrentContext, PythonOperator, task, withCircuitBreaker } from "updraft";

const CACHED_RATES: Record<string, number> = { EUR: 0.91, GBP: 0.78, JPY: 148.2, CHF: 0.88, USD: 1 };

interface Rate {
  currency: string;
  rate: number;
  source: "live" | "cache (call failed)" | "cache (breaker open)";
}

/** The rates service, simulated: down when the run's conf says `outage`. */
async function callRatesService(currency: string): Promise<Rate> {
  if (getCurrentContext().dagRun.conf.outage) throw new Error(`rates service answered 503 for ${currency}`);
  return { currency, rate: CACHED_RATES[currency] * 1.001, source: "live" };
}

const ratesBreaker = circuitBreaker({ name: "exchange-rates", failureThreshold: 2, resetTimeout: { seconds: 30 }, halfOpenTrials: 1 });

/** A live rate, or yesterday's from the cache when the call failed or the breaker is open (the service is not called). */
function rateWithFallback(currency: string): Promise<Rate> {
  return ratesBreaker.call(() => callRatesService(currency), {
    fallback: (error, info) => {
      getCurrentContext().log.warn(`Using the cached ${currency} rate: ${(error as Error).message}`);
      return { currency, rate: CACHED_RATES[currency], source: info.rejected ? "cache (breaker open)" : "cache (call failed)" };
    },
  });
}

const fetchRate = task({ taskId: "fetch_rate", maxActiveTisPerDagrun: 1, retries: 0 }, async function fetchRate({ currency }: { currency: string }) {
  return rateWithFallback(currency);
});

const summarize = task({ taskId: "summarize", triggerRule: "all_done" }, async function summarize(rates: Rate[]) {
  const base = await getCurrentContext().ti.xcomPull({ taskIds: "fetch_base_rate" });
  return { sources: Object.fromEntries(rates.map((r) => [r.currency, r.source])), base: base ? "live" : "failed: breaker open" };
});

/** The base rate through a classic operator guarded by the same breaker; without a fallback, an open breaker fails it. */
const GuardedPythonOperator = withCircuitBreaker(PythonOperator, ratesBreaker);

export default dag(
  {
    dagId: "phase7_03_circuit_breaker",
    description: "A circuit breaker shared by every run around a flaky rates service",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase7", "resilience"],
    params: { outage: false },
  },
  () => {
    const rates = fetchRate.expand({ currency: ["EUR", "GBP", "JPY", "CHF"] });
    const base = new GuardedPythonOperator({ taskId: "fetch_base_rate", pythonCallable: () => callRatesService("USD") });
    rates.then(base).then(summarize(rates));
  },
);
