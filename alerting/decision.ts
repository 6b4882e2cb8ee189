import { rank, raise, type Severity } from "./severity.ts";

/** How one alert key (a DAG's task) is deduplicated and escalated; sent with each failure so any process applies it. */
export interface AlertPolicy {
  severity: Severity;
  /** A repeat at the same or a lower severity within this many seconds of the last delivered alert is suppressed. */
  dedupWindowSeconds: number;
  /** Escalate one level (or to `escalateTo`) after this many failures within `escalateWithinSeconds`… */
  escalateAfterFailures: number | null;
  escalateWithinSeconds: number;
  /** …or once the key has been failing, without a success in between, for this long. */
  escalateAfterSeconds: number | null;
  escalateTo: Severity | null;
}

/** What is remembered per key between failures; cleared when the key succeeds again. */
export interface AlertState {
  streakStartedAt: Date;
  /** Failure times within the escalation window, oldest first. */
  failures: Date[];
  lastSentAt: Date | null;
  lastSentSeverity: Severity | null;
}

export interface AlertDecision {
  severity: Severity;
  deliver: boolean;
  escalated: boolean;
  /** Failures of the key within the escalation window, this one included. */
  failures: number;
  streakStartedAt: Date;
  /** Why it is suppressed or escalated, for the log. */
  reason: string;
}

/** Failure times kept per key: enough for any escalation threshold anyone sets. */
const MAX_REMEMBERED_FAILURES = 100;

/** Records one failure of a key and decides what to send. Pure: the caller persists `state`. */
export function decideAlert(previous: AlertState | null, policy: AlertPolicy, now: Date): { state: AlertState; decision: AlertDecision } {
  const windowStart = now.getTime() - policy.escalateWithinSeconds * 1000;
  const failures = [...(previous?.failures ?? []).filter((at) => at.getTime() > windowStart), now].slice(-MAX_REMEMBERED_FAILURES);
  const streakStartedAt = previous?.streakStartedAt ?? now;
  const byCount = policy.escalateAfterFailures !== null && failures.length >= policy.escalateAfterFailures;
  const byTime = policy.escalateAfterSeconds !== null && now.getTime() - streakStartedAt.getTime() >= policy.escalateAfterSeconds * 1000;
  let severity = policy.severity;
  const reasons: string[] = [];
  if (byCount || byTime) {
    const target = policy.escalateTo ?? raise(policy.severity);
    if (rank(target) < rank(severity)) {
      severity = target;
      reasons.push(byCount
        ? `escalated ${policy.severity}→${severity}: ${failures.length} failures within ${policy.escalateWithinSeconds}s`
        : `escalated ${policy.severity}→${severity}: failing since ${streakStartedAt.toISOString()}`);
    }
  }
  const last = previous?.lastSentAt ?? null;
  const duplicate = last !== null && now.getTime() - last.getTime() < policy.dedupWindowSeconds * 1000
    && previous?.lastSentSeverity !== null && rank(severity) >= rank(previous!.lastSentSeverity!);
  if (duplicate) reasons.push(`duplicate of the ${previous!.lastSentSeverity} alert sent at ${last!.toISOString()} (dedup window ${policy.dedupWindowSeconds}s)`);
  const state: AlertState = {
    streakStartedAt,
    failures,
    lastSentAt: duplicate ? last : now,
    lastSentSeverity: duplicate ? previous!.lastSentSeverity : severity,
  };
  return {
    state,
    decision: { severity, deliver: !duplicate, escalated: severity !== policy.severity, failures: failures.length, streakStartedAt, reason: reasons.join("; ") },
  };
}
