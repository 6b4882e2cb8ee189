import type express from "express";
import { canAccessDag, Resource } from "../../auth/permissions.ts";
import { dagAccessControl } from "../../../core/store/queries/dag-access.ts";
import { page, query, requirePermission, userOf, type UiContext } from "../context.ts";
import { datasetDags, datasetTriggeredRunsSince, listAuditLog, listDagDependencies, listDatasetEvents, listDatasets } from "../queries/admin.ts";
import { runsConsumingEvents } from "../dataset-event-runs.ts";
import { dependencyGraph } from "../dependency-graph.ts";
import { renderPage } from "../render.ts";

const PAGE_SIZE = 100;
const DATASET_EVENTS_SHOWN = 50;

/** The DAGs producing and consuming each dataset, among those the role may read. */
async function datasetLinks(ctx: UiContext, role: string): Promise<Map<string, { producers: string[]; consumers: string[] }>> {
  const links = new Map<string, { producers: string[]; consumers: string[] }>();
  for (const link of await datasetDags(ctx.db)) {
    if (!canAccessDag(role, "can_read", await dagAccessControl(ctx.db, link.dag_id))) continue;
    const entry = links.get(link.uri) ?? { producers: [], consumers: [] };
    (link.role === "producer" ? entry.producers : entry.consumers).push(link.dag_id);
    links.set(link.uri, entry);
  }
  return links;
}

/** Read-only pages: datasets, DAG dependencies and the audit log (pools, variables and connections have their own files). */
export function adminRoutes(router: express.Router, ctx: UiContext): void {
  router.get("/datasets", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.DATASET);
    const links = await datasetLinks(ctx, userOf(res).role);
    // A dataset is known once a DAG names it, even before any event created its row.
    const rows = await listDatasets(ctx.db);
    const known = new Set(rows.map((d) => d.uri));
    const named = [...links.keys()].filter((uri) => !known.has(uri)).map((uri) => ({ uri, events: 0, last_event: null, last_source: null }));
    const datasets = [...rows, ...named].sort((a, b) => a.uri.localeCompare(b.uri)).map((d) => ({ ...d, ...(links.get(d.uri) ?? { producers: [], consumers: [] }) }));
    renderPage(res, "datasets", "Datasets", { datasets });
  }));

  router.get("/datasets/events", page(async (req, res) => {
    requirePermission(res, "can_read", Resource.DATASET);
    const uri = query(req, "uri");
    const { producers, consumers } = (await datasetLinks(ctx, userOf(res).role)).get(uri) ?? { producers: [], consumers: [] };
    const events = await listDatasetEvents(ctx.db, uri, DATASET_EVENTS_SHOWN);
    const oldest = events.at(-1)?.timestamp;
    const consumed = oldest && consumers.length ? runsConsumingEvents(events, await datasetTriggeredRunsSince(ctx.db, consumers, oldest)) : new Map();
    renderPage(res, "dataset-events", `Dataset ${uri}`, {
      uri, producers, consumers, events: events.map((e) => ({ ...e, triggered: consumed.get(e.id) ?? [] })), limit: DATASET_EVENTS_SHOWN,
    });
  }));

  router.get("/dag-dependencies", page(async (_req, res) => {
    requirePermission(res, "can_read", Resource.DAG_DEPENDENCIES);
    const role = userOf(res).role;
    const readable = [];
    for (const { dag_id, dependencies } of await listDagDependencies(ctx.db)) {
      if (canAccessDag(role, "can_read", await dagAccessControl(ctx.db, dag_id))) readable.push(...dependencies);
    }
    renderPage(res, "dag-dependencies", "DAG dependencies", { graph: dependencyGraph(readable) });
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
