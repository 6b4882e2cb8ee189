import type express from "express";
import { canAccessDag, Resource } from "../../auth/permissions.ts";
import { dagAccessControl } from "../../../core/store/queries/dag-access.ts";
import { page, query, requirePermission, userOf, type UiContext } from "../context.ts";
import { datasetDags, listAuditLog, listConnections, listDatasets, listPoolUsage, listVariables } from "../queries/admin.ts";
import { renderPage } from "../render.ts";

// Airflow's default sensitive_var_conn_names: a variable whose key contains one of these has its value hidden.
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account"];
const isSensitive = (key: string) => SENSITIVE.some((word) => key.toLowerCase().includes(word));
const PAGE_SIZE = 100;

/** Read-only pages: pools, variables, connections (passwords never shown), datasets, and the audit log. */
export function adminRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/pools", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.POOL);
    const pools = (await listPoolUsage(ctx.db)).map((p) => ({ ...p, open: p.slots < 0 ? "∞" : p.slots - p.running - p.queued, unlimited: p.slots < 0 }));
    renderPage(res, "pools", "Pools", { pools });
  }));

  router.get("/variables", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.VARIABLE);
    const variables = (await listVariables(ctx.db)).map((v) => ({ ...v, shown: isSensitive(v.key) || v.is_encrypted ? "***" : v.val }));
    renderPage(res, "variables", "Variables", { variables });
  }));

  router.get("/connections", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.CONNECTION);
    renderPage(res, "connections", "Connections", { connections: await listConnections(ctx.db) });
  }));

  router.get("/datasets", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.DATASET);
    const role = userOf(res).role;
    const links = new Map<string, { producers: string[]; consumers: string[] }>();
    for (const link of await datasetDags(ctx.db)) {
      if (!canAccessDag(role, "can_read", await dagAccessControl(ctx.db, link.dag_id))) continue;
      const entry = links.get(link.uri) ?? { producers: [], consumers: [] };
      (link.role === "producer" ? entry.producers : entry.consumers).push(link.dag_id);
      links.set(link.uri, entry);
    }
    // A dataset is known once a DAG names it, even before any event created its row.
    const rows = await listDatasets(ctx.db);
    const known = new Set(rows.map((d) => d.uri));
    const named = [...links.keys()].filter((uri) => !known.has(uri)).map((uri) => ({ uri, events: 0, last_event: null, last_source: null }));
    const datasets = [...rows, ...named].sort((a, b) => a.uri.localeCompare(b.uri)).map((d) => ({ ...d, ...(links.get(d.uri) ?? { producers: [], consumers: [] }) }));
    renderPage(res, "datasets", "Datasets", { datasets });
  }));

  router.get("/audit-log", page(async (req, res) => {
    requirePermission(res, "can_read", Resource.AUDIT_LOG);
    const offset = Math.max(Number(query(req, "offset")) || 0, 0);
    const filter = { dagId: query(req, "dag_id"), event: query(req, "event"), owner: query(req, "owner"), limit: PAGE_SIZE + 1, offset };
    const role = userOf(res).role;
    // Events of a DAG the role may not read are left out (as Airflow filters its event log by DAG access).
    const access = new Map<string, boolean>();
    const rows = [];
    for (const row of await listAuditLog(ctx.db, filter)) {
      if (row.dag_id) {
        if (!access.has(row.dag_id)) access.set(row.dag_id, canAccessDag(role, "can_read", await dagAccessControl(ctx.db, row.dag_id)));
        if (!access.get(row.dag_id)) continue;
      }
      rows.push(row);
    }
    const more = rows.length > PAGE_SIZE;
    const params = (o: number) => new URLSearchParams({ dag_id: filter.dagId, event: filter.event, owner: filter.owner, offset: String(o) }).toString();
    renderPage(res, "audit-log", "Audit log", {
      events: rows.slice(0, PAGE_SIZE), filter,
      next: more ? `/audit-log?${params(offset + PAGE_SIZE)}` : null, prev: offset > 0 ? `/audit-log?${params(Math.max(offset - PAGE_SIZE, 0))}` : null,
    });
  }));
}
