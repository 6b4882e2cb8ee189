import { constants } from "node:fs";
import { access, mkdir, readdir, readFile, rm, stat, statfs, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A component check with an optional remediation: check; when it fails, remediate once and check again. The result
 * says whether the component was healthy, healed by the remediation, failing, or skipped (nothing to check here).
 */
export interface CheckOutcome {
  ok: boolean;
  detail: string;
}

export interface ComponentCheck {
  component: string;
  check(): Promise<CheckOutcome | null>;
  remediate?(): Promise<string>;
}

export interface CheckResult {
  component: string;
  status: "healthy" | "healed" | "failing" | "skipped";
  detail: string;
  actions: string[];
}

export async function runCheck(check: ComponentCheck): Promise<CheckResult> {
  const first = await check.check().catch((error: Error) => ({ ok: false, detail: error.message }));
  if (first === null) return { component: check.component, status: "skipped", detail: "not configured", actions: [] };
  if (first.ok) return { component: check.component, status: "healthy", detail: first.detail, actions: [] };
  if (!check.remediate) return { component: check.component, status: "failing", detail: first.detail, actions: [] };
  const action = await check.remediate().catch((error: Error) => `remediation failed: ${error.message}`);
  const again = (await check.check().catch((error: Error) => ({ ok: false, detail: error.message }))) ?? first;
  return { component: check.component, status: again.ok ? "healed" : "failing", detail: again.ok ? `${first.detail}; ${again.detail}` : again.detail, actions: [action] };
}

/** Free space of the file system holding `dir`, at least `minFreePct` %; remediation purges `scratch` files older than a day. */
export function diskSpaceCheck(dir: string, scratch: string, minFreePct: number): ComponentCheck {
  return {
    component: "disk_space",
    async check() {
      const fs = await statfs(dir);
      const freePct = (fs.bavail / fs.blocks) * 100;
      return { ok: freePct >= minFreePct, detail: `${freePct.toFixed(1)} % free (minimum ${minFreePct} %)` };
    },
    async remediate() {
      const dayAgo = Date.now() - 86_400_000;
      let purged = 0;
      for (const name of await readdir(scratch).catch(() => [] as string[])) {
        const path = join(scratch, name);
        if ((await stat(path)).mtimeMs < dayAgo) {
          await rm(path, { recursive: true, force: true });
          purged++;
        }
      }
      return `purged ${purged} scratch file(s) older than a day`;
    },
  };
}

/** The spool directory exists and is writable; remediation creates it. */
export function spoolCheck(spool: string): ComponentCheck {
  return {
    component: "spool_dir",
    async check() {
      try {
        await access(spool, constants.W_OK);
        return { ok: true, detail: `${spool} is writable` };
      } catch {
        return { ok: false, detail: `${spool} is missing or not writable` };
      }
    },
    async remediate() {
      await mkdir(spool, { recursive: true });
      await writeFile(join(spool, ".probe"), new Date().toISOString());
      return `created ${spool}`;
    },
  };
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** No lock left by a process that died (it would block the next ingest forever); remediation removes a stale one. */
export function staleLockCheck(lockFile: string): ComponentCheck {
  return {
    component: "ingest_lock",
    async check() {
      const content = await readFile(lockFile, "utf8").catch(() => null);
      if (content === null) return { ok: true, detail: "no lock held" };
      const pid = Number(content.trim());
      if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) return { ok: true, detail: `held by live process ${pid}` };
      return { ok: false, detail: `stale lock of dead process ${content.trim()}` };
    },
    async remediate() {
      await rm(lockFile, { force: true });
      return `removed stale ${lockFile}`;
    },
  };
}

// An API that has not answered in 5 s is down for this check, not a reason to hang the run.
const HTTP_TIMEOUT_MS = 5_000;

/** Updraft's own health report (GET /health): every component that runs must be healthy. Skipped without a URL. */
export function updraftHealthCheck(url: string | undefined): ComponentCheck {
  return {
    component: "updraft",
    async check() {
      if (!url) return null;
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      } catch (error) {
        return { ok: false, detail: `${url} did not answer: ${(error as Error).message}` };
      }
      if (!response.ok) return { ok: false, detail: `${url} answered HTTP ${response.status}` };
      const report = (await response.json()) as Record<string, { status: string | null }>;
      const unhealthy = Object.entries(report).filter(([, c]) => c?.status === "unhealthy").map(([name]) => name);
      return { ok: unhealthy.length === 0, detail: unhealthy.length ? `unhealthy: ${unhealthy.join(", ")}` : "all running components healthy" };
    },
  };
}
