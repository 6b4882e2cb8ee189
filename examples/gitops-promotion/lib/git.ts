import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// Commits carry the pipeline's identity whatever the machine's git config says.
const IDENTITY = { GIT_AUTHOR_NAME: "Updraft GitOps", GIT_AUTHOR_EMAIL: "gitops@updraft.local", GIT_COMMITTER_NAME: "Updraft GitOps", GIT_COMMITTER_EMAIL: "gitops@updraft.local" };

export async function git(cwd: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, env: { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: "0" } });
    return stdout.trim();
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error("git is not installed (or not on PATH): the GitOps example commits with the git command line.");
    throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/**
 * A working clone of the manifests repository, up to date with `origin/main`. A local path that does not exist
 * yet becomes a new bare repository with one commit (as a team's empty deployments repository would start).
 */
export async function checkoutManifests(remote: string, checkout: string): Promise<string> {
  const local = !/^[a-z]+:\/\/|^[^/]+@[^:]+:/.test(remote);
  if (local && !existsSync(remote)) {
    await mkdir(remote, { recursive: true });
    await git(remote, "init", "--bare", "--initial-branch=main");
    const seed = `${remote}.seed`;
    await git(dirname(remote), "clone", remote, seed);
    await writeFile(join(seed, "README.md"), "# Model deployments\n\nManifests here are synced to the cluster (Argo CD). Promotions are commits by Updraft.\n");
    await git(seed, "checkout", "-b", "main");
    await git(seed, "add", "README.md");
    await git(seed, "commit", "-m", "Start the deployments repository");
    await git(seed, "push", "origin", "main");
    await rm(seed, { recursive: true, force: true });
  }
  if (!existsSync(join(checkout, ".git"))) {
    await mkdir(dirname(checkout), { recursive: true });
    await git(dirname(checkout), "clone", "--branch", "main", remote, checkout);
  } else {
    await git(checkout, "fetch", "origin");
    await git(checkout, "reset", "--hard", "origin/main");
  }
  return checkout;
}

/** Commits every change under `paths` with `message` and pushes it; returns the new commit's hash. */
export async function commitAndPush(checkout: string, paths: string[], message: string): Promise<string> {
  await git(checkout, "add", "--", ...paths);
  await git(checkout, "commit", "-m", message);
  await git(checkout, "push", "origin", "HEAD:main");
  return git(checkout, "rev-parse", "HEAD");
}
