/**
 * An access review: who may use Updraft and with what role, and which DAGs touch classified (PII, Confidential) data
 * and who owns them, with findings a reviewer acts on. Built from the REST API, so a task can run it (tasks never
 * open the database): users and DAGs from Airflow's API, datasets and their classification from the lineage service.
 */
export interface ReviewUser {
  username: string;
  roles: string[];
  active: boolean;
  lastLogin: string | null;
}
export interface ReviewDataset {
  namespace: string;
  name: string;
  tags: string[];
  /** DAGs with a task that reads or writes it. */
  dags: string[];
}
export interface AccessReviewInput {
  users: ReviewUser[];
  dagOwners: Record<string, string[]>;
  datasets: ReviewDataset[];
}
export interface AccessReview {
  generatedAt: string;
  users: Array<ReviewUser & { findings: string[] }>;
  sensitiveData: Array<ReviewDataset & { owners: string[] }>;
  findings: string[];
}

const STALE_DAYS = 90;
const SENSITIVE = new Set(["PII", "Confidential"]);

export function buildAccessReview(input: AccessReviewInput, now = new Date()): AccessReview {
  const findings: string[] = [];
  const users = input.users.map((u) => {
    const own: string[] = [];
    if (u.roles.includes("Admin")) own.push("has the Admin role: confirm it is still needed");
    if (u.active && !u.lastLogin) own.push("active but never logged in: remove or deactivate");
    else if (u.active && u.lastLogin && now.getTime() - Date.parse(u.lastLogin) > STALE_DAYS * 86_400_000) own.push(`active but has not logged in for over ${STALE_DAYS} days`);
    if (!u.roles.length) own.push("has no role");
    for (const f of own) findings.push(`user ${u.username} ${f}`);
    return { ...u, findings: own };
  });
  const sensitiveData = input.datasets
    .filter((d) => d.tags.some((t) => SENSITIVE.has(t)))
    .map((d) => ({ ...d, owners: [...new Set(d.dags.flatMap((dag) => input.dagOwners[dag] ?? []))].sort() }));
  for (const d of sensitiveData) {
    if (d.dags.length) findings.push(`${d.tags.filter((t) => SENSITIVE.has(t)).join("/")} data ${d.namespace}/${d.name} is handled by DAG(s) ${d.dags.join(", ")} (owners: ${d.owners.join(", ") || "none"})`);
  }
  return { generatedAt: now.toISOString(), users, sensitiveData, findings };
}

export interface ApiCredentials {
  url: string;
  username: string;
  password: string;
}

/** Reads what the review needs from a running Updraft's REST API. */
export async function fetchAccessReviewInput(api: ApiCredentials): Promise<AccessReviewInput> {
  const auth = `Basic ${Buffer.from(`${api.username}:${api.password}`).toString("base64")}`;
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api.url.replace(/\/+$/, "")}/api/v1${path}`, { headers: { authorization: auth, accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET /api/v1${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return (await response.json()) as T;
  };
  const { users } = await get<{ users: Array<{ username: string; roles: Array<{ name: string }>; active: boolean; last_login: string | null }> }>("/users?limit=1000");
  const { dags } = await get<{ dags: Array<{ dag_id: string; owners: string[] }> }>("/dags?limit=1000");
  const { namespaces } = await get<{ namespaces: Array<{ name: string }> }>("/namespaces");
  const datasets: ReviewDataset[] = [];
  for (const ns of namespaces) {
    const list = await get<{ datasets: Array<{ namespace: string; name: string; tags: string[] }> }>(`/namespaces/${encodeURIComponent(ns.name)}/datasets?limit=1000`);
    for (const d of list.datasets) {
      if (!d.tags.length) continue;
      const node = `dataset:${d.namespace}:${d.name}`;
      const { graph } = await get<{ graph: Array<{ type: string; data: { facets?: { updraft_task?: { dagId?: string } } } | null }> }>(`/lineage?nodeId=${encodeURIComponent(node)}&depth=1`);
      const dagIds = graph.filter((n) => n.type === "JOB").map((n) => n.data?.facets?.updraft_task?.dagId).filter((id): id is string => !!id);
      datasets.push({ namespace: d.namespace, name: d.name, tags: d.tags, dags: [...new Set(dagIds)].sort() });
    }
  }
  return {
    users: users.map((u) => ({ username: u.username, roles: u.roles.map((r) => r.name), active: u.active, lastLogin: u.last_login })),
    dagOwners: Object.fromEntries(dags.map((d) => [d.dag_id, d.owners])),
    datasets,
  };
}
