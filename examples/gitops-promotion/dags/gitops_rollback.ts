/**
 * gitops_rollback — undo the latest promotion with a revert commit in the deployments repository.
 *
 * revert_promotion: finds the newest "Promote …" commit of the manifest that no later commit reverted, reverts it
 * (git revert, so history keeps both), names the version restored in the message, and pushes. Fails when there is
 * nothing to roll back.
 *
 * Run: UPDRAFT_DAGS_FOLDER=examples/gitops-promotion/dags npx updraft dags test gitops_rollback 2024-01-03 \
 *        --conf '{"reason": "error rate doubled"}'
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { dag, FailTask, getCurrentContext, param, task } from "updraft";
import { checkoutManifests, git } from "../lib/git.ts";
import { deployedRelease, MANIFEST_PATH } from "../lib/manifest.ts";
import { CHECKOUT, DEFAULT_REPO } from "../lib/settings.ts";

const revertPromotion = task(async function revert_promotion() {
  const { params, runId, log } = getCurrentContext();
  const checkout = await checkoutManifests(String(params.repo), CHECKOUT);
  const history = (await git(checkout, "log", "--format=%H%x1f%s%x1f%b%x1e", "--", MANIFEST_PATH)).split("\x1e").map((c) => c.trim()).filter(Boolean)
    .map((c) => { const [sha, subject, body] = c.split("\x1f"); return { sha, subject, body: body ?? "" }; });
  const reverted = new Set(history.flatMap((c) => [...c.body.matchAll(/This reverts commit ([0-9a-f]{40})/g)].map((m) => m[1])));
  const target = history.find((c) => c.subject.startsWith("Promote ") && !reverted.has(c.sha));
  if (!target) throw new FailTask(`No promotion of ${MANIFEST_PATH} left to roll back in ${String(params.repo)}.`);
  const manifest = join(checkout, MANIFEST_PATH);
  const from = deployedRelease(await readFile(manifest, "utf8").catch(() => null));
  await git(checkout, "revert", "--no-commit", target.sha);
  const to = deployedRelease(await readFile(manifest, "utf8").catch(() => null));
  const message = `Roll back ${from ? `v${from.version}` : "the model"} to ${to ? `v${to.version}` : "no deployment"}: ${String(params.reason)}\n\nThis reverts commit ${target.sha} ("${target.subject}").\nUpdraft run ${runId}.`;
  await git(checkout, "commit", "-m", message);
  await git(checkout, "push", "origin", "HEAD:main");
  const commit = await git(checkout, "rev-parse", "HEAD");
  log.info(`Pushed ${commit}: ${message.split("\n")[0]}`);
  return { commit, reverted: target.sha, restoredVersion: to?.version ?? null };
});

export default dag(
  {
    dagId: "gitops_rollback",
    description: "Roll back the latest model promotion with a revert commit",
    schedule: null,
    startDate: "2024-01-01",
    catchup: false,
    tags: ["examples", "mlops", "gitops"],
    params: {
      reason: param("manual rollback", { type: "string", minLength: 1 }),
      repo: param(DEFAULT_REPO, { type: "string", minLength: 1 }),
    },
  },
  () => {
    revertPromotion();
  },
);
