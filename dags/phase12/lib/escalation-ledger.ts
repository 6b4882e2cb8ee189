import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { CheckResult } from "./component-checks.ts";

/**
 * Consecutive failing checks per component, kept in a JSON file between runs: a component failing `threshold` runs in
 * a row (remediation did not help) is escalated once, as an incident line in `incidents`; a healthy or healed check
 * resets its count. Written to a temporary file and renamed, so a crash never leaves half a ledger.
 */
export interface Escalation {
  component: string;
  failures: number;
  detail: string;
}

export async function recordChecks(ledgerFile: string, incidentsFile: string, results: readonly CheckResult[], threshold: number, runId: string): Promise<{ failures: Record<string, number>; escalated: Escalation[] }> {
  const failures = JSON.parse(await readFile(ledgerFile, "utf8").catch(() => "{}")) as Record<string, number>;
  const escalated: Escalation[] = [];
  for (const result of results) {
    if (result.status === "skipped") continue;
    failures[result.component] = result.status === "failing" ? (failures[result.component] ?? 0) + 1 : 0;
    if (failures[result.component] === threshold) escalated.push({ component: result.component, failures: threshold, detail: result.detail });
  }
  await mkdir(dirname(ledgerFile), { recursive: true });
  await writeFile(`${ledgerFile}.tmp`, JSON.stringify(failures, null, 2));
  await rename(`${ledgerFile}.tmp`, ledgerFile);
  for (const incident of escalated) await appendFile(incidentsFile, `${JSON.stringify({ at: new Date().toISOString(), run_id: runId, ...incident })}\n`);
  return { failures, escalated };
}
