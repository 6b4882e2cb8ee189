/**
 * Who may do what: Airflow 2.10's default roles (its FAB security manager's VIEWER/USER/OP/ADMIN permission lists) over
 * Airflow's resource names, plus per-DAG access control declared on a DAG (`accessControl: { Role: ["can_read"] }`).
 * The REST API and the UI both ask `isAuthorized` / `canAccessDag`, so a role means the same thing everywhere.
 */

export type Action = "can_read" | "can_edit" | "can_create" | "can_delete";

/** Airflow's resource names (airflow/security/permissions.py), as they appear in its roles. */
export const Resource = {
  AUDIT_LOG: "Audit Logs",
  CLUSTER_ACTIVITY: "Cluster Activity",
  CONFIG: "Configurations",
  CONNECTION: "Connections",
  DAG: "DAGs",
  DAG_CODE: "DAG Code",
  DAG_DEPENDENCIES: "DAG Dependencies",
  DAG_RUN: "DAG Runs",
  DAG_WARNING: "DAG Warnings",
  DATASET: "Datasets",
  IMPORT_ERROR: "ImportError",
  JOB: "Jobs",
  MY_PASSWORD: "My Password",
  MY_PROFILE: "My Profile",
  PLUGIN: "Plugins",
  POOL: "Pools",
  PROVIDER: "Providers",
  ROLE: "Roles",
  SLA_MISS: "SLA Misses",
  TASK_INSTANCE: "Task Instances",
  TASK_LOG: "Task Logs",
  TASK_RESCHEDULE: "Task Reschedules",
  TRIGGER: "Triggers",
  USER: "Users",
  VARIABLE: "Variables",
  WEBSITE: "Website",
  XCOM: "XComs",
} as const;
export type Resource = (typeof Resource)[keyof typeof Resource];

export const ROLES = ["Admin", "Op", "User", "Viewer", "Public"] as const;
export type RoleName = (typeof ROLES)[number];

type Grant = readonly [Action, Resource];
const R = Resource;

const VIEWER: readonly Grant[] = [
  ["can_read", R.DAG], ["can_read", R.DAG_DEPENDENCIES], ["can_read", R.DAG_CODE], ["can_read", R.DAG_RUN],
  ["can_read", R.DATASET], ["can_read", R.CLUSTER_ACTIVITY], ["can_read", R.IMPORT_ERROR], ["can_read", R.DAG_WARNING],
  ["can_read", R.JOB], ["can_read", R.MY_PASSWORD], ["can_edit", R.MY_PASSWORD], ["can_read", R.MY_PROFILE],
  ["can_edit", R.MY_PROFILE], ["can_read", R.PLUGIN], ["can_read", R.SLA_MISS], ["can_read", R.TASK_INSTANCE],
  ["can_read", R.TASK_LOG], ["can_read", R.XCOM], ["can_read", R.WEBSITE], ["can_read", R.AUDIT_LOG],
];

const USER: readonly Grant[] = [
  ["can_edit", R.DAG], ["can_delete", R.DAG], ["can_create", R.TASK_INSTANCE], ["can_edit", R.TASK_INSTANCE],
  ["can_delete", R.TASK_INSTANCE], ["can_create", R.DAG_RUN], ["can_edit", R.DAG_RUN], ["can_delete", R.DAG_RUN],
  // Airflow 2.9+: creating a dataset event (POST /datasets/events) needs it.
  ["can_create", R.DATASET],
];

const OP: readonly Grant[] = [
  ["can_read", R.CONFIG], ["can_create", R.CONNECTION], ["can_read", R.CONNECTION], ["can_edit", R.CONNECTION],
  ["can_delete", R.CONNECTION], ["can_create", R.POOL], ["can_read", R.POOL], ["can_edit", R.POOL],
  ["can_delete", R.POOL], ["can_read", R.PROVIDER], ["can_create", R.VARIABLE], ["can_read", R.VARIABLE],
  ["can_edit", R.VARIABLE], ["can_delete", R.VARIABLE], ["can_delete", R.XCOM],
  // Airflow 2.9+: clearing a dataset's queued events needs it.
  ["can_delete", R.DATASET],
];

const ACTIONS: readonly Action[] = ["can_read", "can_edit", "can_create", "can_delete"];
/** Airflow gives Admin every permission there is (its security manager's update_admin_permission). */
const ADMIN: readonly Grant[] = Object.values(Resource).flatMap((resource) => ACTIONS.map((action) => [action, resource] as const));

const grants = (...lists: ReadonlyArray<readonly Grant[]>) => new Set(lists.flat().map(([action, resource]) => `${action}\u0000${resource}`));

/** Each role's permissions: each has those of the roles below it, as in Airflow; Public has none by default. */
const ROLE_GRANTS: Record<RoleName, ReadonlySet<string>> = {
  Public: new Set(),
  Viewer: grants(VIEWER),
  User: grants(VIEWER, USER),
  Op: grants(VIEWER, USER, OP),
  Admin: grants(ADMIN),
};

export function isRoleName(value: string): value is RoleName {
  return (ROLES as readonly string[]).includes(value);
}

/** The role's permissions, as `[action, resource]` pairs (for `roles` listings and the UI). */
export function permissionsOf(role: string): Array<[Action, Resource]> {
  const set = isRoleName(role) ? ROLE_GRANTS[role] : new Set<string>();
  return [...set].map((grant) => grant.split("\u0000") as [Action, Resource]);
}

/** Whether `role` may do `action` on every instance of `resource`. An unknown role may do nothing. */
export function isAuthorized(role: string, action: Action, resource: Resource): boolean {
  return isRoleName(role) && ROLE_GRANTS[role].has(`${action}\u0000${resource}`);
}

/**
 * A DAG's own access control, as serialized: `{ role: ["can_read", "can_edit"] }`, or Airflow 2.10's nested form
 * `{ role: { "DAGs": [...], "DAG Runs": [...] } }`.
 */
export type DagAccessControl = Record<string, readonly string[] | Record<string, readonly string[]>>;

/**
 * Whether `role` may do `action` on one DAG: the role's permission on every DAG, or one the DAG grants it. `can_edit`
 * also covers pausing, triggering and clearing, as in Airflow, where those need `can_edit` on the DAG.
 */
export function canAccessDag(role: string, action: "can_read" | "can_edit" | "can_delete", accessControl: DagAccessControl | null | undefined): boolean {
  if (isAuthorized(role, action, Resource.DAG)) return true;
  const granted = accessControl?.[role];
  if (!granted) return false;
  const actions = Array.isArray(granted) ? granted : (granted as Record<string, readonly string[]>)[Resource.DAG] ?? [];
  // can_edit on a DAG implies reading it (Airflow grants can_read with it when syncing DAG permissions).
  return actions.includes(action) || (action === "can_read" && actions.includes("can_edit"));
}

/**
 * What an API call or a UI action on something of a DAG needs, as Airflow's FAB auth manager checks it: the role's
 * permission on the kind of thing (a DAG run, task instance, log, XCom…), and access to that DAG (read for GET,
 * edit for anything else).
 */
export function canAccessDagEntity(role: string, method: string, entity: Resource, accessControl: DagAccessControl | null | undefined): boolean {
  const reading = method === "GET" || method === "HEAD";
  const action: Action = reading ? "can_read" : method === "POST" ? "can_create" : method === "DELETE" ? "can_delete" : "can_edit";
  if (!isAuthorized(role, action, entity)) return false;
  return canAccessDag(role, reading ? "can_read" : "can_edit", accessControl);
}
