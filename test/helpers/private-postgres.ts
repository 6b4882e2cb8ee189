import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);
const PG_ROOT = "/usr/lib/postgresql";

/** The server binaries of the newest PostgreSQL installed from Debian's packages, or null. */
export function postgresBinaries(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(PG_ROOT, versions[0], "bin") : null;
}

/**
 * A PostgreSQL server of a test's own (initdb in a temporary folder, a free port), so that a test may stop and restart
 * it without disturbing the shared server other suites use. PostgreSQL refuses to run as root: as root, it runs as the
 * `postgres` user.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    if (!bin) throw new Error(`No PostgreSQL server binaries under ${PG_ROOT}: install Debian's postgresql package.`);
    const dir = await mkdtemp(join(tmpdir(), "updraft-private-pg-"));
    if (process.getuid?.() === 0) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const server = new PrivatePostgres(bin, dir, await freePort());
    await server.pg("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.pg("pg_ctl", ["-D", join(this.dataDir, "data"), "-o", options, "-l", join(this.dataDir, "server.log"), "-w", "start"]);
  }

  /** `immediate`: as a crash (no checkpoint, every connection cut). */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.pg("pg_ctl", ["-D", join(this.dataDir, "data"), "-m", mode, "-w", "stop"]);
  }

  async destroy(): Promise<void> {
    await this.stop("immediate").catch(() => {});
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (process.getuid?.() === 0) await run("runuser", ["-u", "postgres", "--", path, ...args]);
    else await run(path, args);
  }
}
