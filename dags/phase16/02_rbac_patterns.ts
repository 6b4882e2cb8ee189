/**
 * phase16_02_rbac_patterns — team isolation with per-DAG permissions on top of the webserver's roles.
 *
 * Shows: a DAG declaring who may see and operate it (`accessControl`, Airflow's `access_control`). The roles are
 * Airflow 2.10's (Viewer, User, Op, Admin; Public has no DAG access of its own): a grant here lets the named role
 * read this DAG — and only this DAG — in the REST API and the UI, while Admin/Op/User keep access to all DAGs and a
 * Viewer still cannot trigger or clear. Connections and variables stay readable only by roles with that permission
 * (Op, Admin), and every read of them is recorded in the audit log (phase16_03).
 *
 * Try it: `updraft standalone`, create a user with `updraft users create --role Public …`, log in as them: this DAG is
 * listed, the others are not, and triggering it is refused. `updraft dags test phase16_02_rbac_patterns 2024-01-03`
 * runs it like any DAG.
 */
import { dag, getCurrentContext, task } from "updraft";

const summarise = task(async function summarise() {
  const context = getCurrentContext();
  context.log.info(`Run ${context.dagRun.runId}: a summary the finance team may read, and no more`);
  return { team: "finance", visibleTo: ["Public (read)", "User", "Op", "Admin"] };
});

export default dag(
  {
    dagId: "phase16_02_rbac_patterns",
    description: "Per-DAG access: readable by the Public role, operable by User and above",
    schedule: null,
    startDate: "2024-01-01",
    tags: ["phase16", "rbac"],
    accessControl: { Public: ["can_read"] },
  },
  () => {
    summarise();
  },
);
