import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface RetentionPolicy {
  /** Folder the policy applies to (its files, recursively). */
  path: string;
  /** Files last modified more than this many days ago are expired. */
  maxAgeDays: number;
  /** Only file names matching this are considered (default: all). */
  pattern?: RegExp;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
}

export interface RetentionReport {
  path: string;
  cutoff: string;
  kept: number;
  expired: Array<{ path: string; modified: string; bytes: number }>;
  deleted: boolean;
}

export class RetentionPolicyError extends Error {
  readonly code = "RETENTION_POLICY";
}

/** Applies a retention policy: every file under `path` older than `maxAgeDays` (at `now`) is deleted, or listed in a dry run. */
export async function applyRetention(policy: RetentionPolicy, now = new Date()): Promise<RetentionReport> {
  if (!Number.isFinite(policy.maxAgeDays) || policy.maxAgeDays < 0) throw new RetentionPolicyError(`maxAgeDays must be a number of days ≥ 0, not ${policy.maxAgeDays}.`);
  const root = await stat(policy.path).catch(() => null);
  if (!root?.isDirectory()) throw new RetentionPolicyError(`The retention policy's path ${policy.path} is not a folder: create it or fix the path.`);
  const cutoff = new Date(now.getTime() - policy.maxAgeDays * 86_400_000);
  const report: RetentionReport = { path: policy.path, cutoff: cutoff.toISOString(), kept: 0, expired: [], deleted: !policy.dryRun };
  for (const file of await listFiles(policy.path)) {
    if (policy.pattern && !policy.pattern.test(file)) continue;
    const info = await stat(file);
    if (info.mtime < cutoff) report.expired.push({ path: file, modified: info.mtime.toISOString(), bytes: info.size });
    else report.kept++;
  }
  if (!policy.dryRun) for (const f of report.expired) await rm(f.path, { force: true });
  return report;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}
