import { timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "../../core/store/database.ts";
import { basicAuth } from "../../webserver/auth/basic-auth.ts";
import { problem } from "../../webserver/api/problem.ts";
import { classifyDataset, declassifyDataset, effectiveClassifications, isClassification, CLASSIFICATIONS } from "../../governance/classification.ts";
import { nodeId, parseNodeId } from "../naming.ts";
import { recordLineageEvent } from "../store/record-event.ts";
import type { RunEvent } from "../types.ts";
import { validateRunEvent } from "../validate.ts";
import { LineageGraph } from "./graph.ts";
import { impactOf } from "./impact.ts";
import { datasetJson, jobJson, lineageJson } from "./marquez-shapes.ts";

const PATHS = ["/lineage", "/namespaces", "/jobs"];
const MAX_DEPTH = 100;

/**
 * Updraft's own lineage service, Marquez's API shape, mounted in the REST API at /api/v1 beside Airflow's operations
 * (none of which use these paths): `POST /lineage` takes OpenLineage events from any producer, `GET /lineage` answers
 * graph queries, and namespaces, jobs and datasets are listed as Marquez lists them. Other paths fall through.
 * Auth: the API's basic auth, or `Authorization: Bearer $UPDRAFT_LINEAGE_API_KEY` for producers (OpenLineage's api_key).
 */
export function lineageApiRouter(db: Database): express.Router {
  const router = express.Router();
  router.use(PATHS, lineageAuth(db));
  const writer = (req: Request, res: Response, next: NextFunction) =>
    (res.locals.user as { role?: string } | undefined)?.role === "Viewer" ? problem(res, 403, "Your role (Viewer) may read lineage but not change it.") : next();
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => fn(req, res).catch(next);

  router.post("/lineage", writer, wrap(async (req, res) => {
    const errors = validateRunEvent(req.body);
    if (errors.length) return problem(res, 400, `Not a valid OpenLineage RunEvent (spec 2-0-2): ${errors.slice(0, 8).join("; ")}.`);
    await db.transaction((tx) => recordLineageEvent(tx, req.body as RunEvent));
    res.status(201).json({});
  }));

  router.get("/lineage", wrap(async (req, res) => {
    const id = String(req.query.nodeId ?? "");
    if (!parseNodeId(id)) return problem(res, 400, 'Give nodeId as "dataset:<namespace>:<name>" or "job:<namespace>:<name>", e.g. nodeId=dataset:file:/tmp/orders.csv.');
    const depth = req.query.depth === undefined ? 20 : Number(req.query.depth);
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) return problem(res, 400, `depth must be a whole number from 0 to ${MAX_DEPTH}.`);
    const graph = await LineageGraph.load(db);
    if (!graph.has(id)) return problem(res, 404, `No node ${id} in the lineage graph: list what there is with GET /api/v1/namespaces/<namespace>/datasets or /jobs.`);
    res.json(lineageJson(graph, graph.neighbourhood(id, depth)));
  }));

  router.get("/lineage/impact", wrap(async (req, res) => {
    const id = String(req.query.nodeId ?? "");
    if (parseNodeId(id)?.kind !== "dataset") return problem(res, 400, 'Give nodeId as "dataset:<namespace>:<name>".');
    const graph = await LineageGraph.load(db);
    if (!graph.datasets.has(id)) return problem(res, 404, `No dataset ${id} in the lineage graph.`);
    res.json(impactOf(graph, id));
  }));

  router.get("/namespaces", wrap(async (_req, res) => {
    const { rows } = await db.query<{ name: string; created_at: Date; updated_at: Date }>(
      `SELECT namespace AS name, min(created_at) AS created_at, max(updated_at) AS updated_at FROM (
         SELECT namespace, created_at, updated_at FROM lineage_job UNION ALL SELECT namespace, created_at, updated_at FROM lineage_dataset) n
       GROUP BY namespace ORDER BY namespace`,
    );
    res.json({ namespaces: rows.map((n) => ({ name: n.name, createdAt: n.created_at.toISOString(), updatedAt: n.updated_at.toISOString(), ownerName: null, description: null, isHidden: false })) });
  }));

  const listJobs = (inNamespace: boolean) => wrap(async (req, res) => {
    const graph = await LineageGraph.load(db);
    const jobs = [...graph.jobs.values()].filter((j) => !inNamespace || j.namespace === param(req, "namespace")).sort((a, b) => a.name.localeCompare(b.name));
    const { limit, offset } = page(req);
    res.json({ jobs: jobs.slice(offset, offset + limit).map((j) => jobJson(j, graph)), totalCount: jobs.length });
  });
  router.get("/jobs", listJobs(false));
  router.get("/namespaces/:namespace/jobs", listJobs(true));
  router.get("/namespaces/:namespace/jobs/:job", wrap(async (req, res) => {
    const graph = await LineageGraph.load(db);
    const job = graph.jobs.get(nodeId("job", { namespace: param(req, "namespace"), name: param(req, "job") }));
    if (!job) return problem(res, 404, `No job "${param(req, "job")}" in namespace "${param(req, "namespace")}".`);
    res.json(jobJson(job, graph));
  }));

  router.get("/namespaces/:namespace/datasets", wrap(async (req, res) => {
    const graph = await LineageGraph.load(db);
    const tags = await effectiveClassifications(db, graph);
    const all = [...graph.datasets.values()].filter((d) => d.namespace === param(req, "namespace")).sort((a, b) => a.name.localeCompare(b.name));
    const { limit, offset } = page(req);
    res.json({ datasets: all.slice(offset, offset + limit).map((d) => ({ ...datasetJson(d), tags: tagsOf(tags.get(nodeId("dataset", d))) })), totalCount: all.length });
  }));
  router.get("/namespaces/:namespace/datasets/:dataset", wrap(async (req, res) => {
    const graph = await LineageGraph.load(db);
    const id = nodeId("dataset", { namespace: param(req, "namespace"), name: param(req, "dataset") });
    const dataset = graph.datasets.get(id);
    if (!dataset) return problem(res, 404, `No dataset "${param(req, "dataset")}" in namespace "${param(req, "namespace")}".`);
    const tags = (await effectiveClassifications(db, graph)).get(id) ?? [];
    res.json({ ...datasetJson(dataset), tags: tagsOf(tags), classifications: tags });
  }));

  // Marquez's way to tag a dataset; here the tags are classifications, which flow downstream through lineage.
  router.post("/namespaces/:namespace/datasets/:dataset/tags/:tag", writer, wrap(async (req, res) => {
    const [namespace, dataset, tag] = [param(req, "namespace"), param(req, "dataset"), param(req, "tag")];
    if (!isClassification(tag)) return problem(res, 400, `"${tag}" is not a classification: use one of ${CLASSIFICATIONS.join(", ")}.`);
    const graph = await LineageGraph.load(db);
    if (!graph.datasets.has(nodeId("dataset", { namespace, name: dataset }))) return problem(res, 404, `No dataset "${dataset}" in namespace "${namespace}".`);
    await classifyDataset(db, { namespace, name: dataset }, tag);
    res.status(201).json({ namespace, name: dataset, tag });
  }));
  router.delete("/namespaces/:namespace/datasets/:dataset/tags/:tag", writer, wrap(async (req, res) => {
    const [namespace, dataset, tag] = [param(req, "namespace"), param(req, "dataset"), param(req, "tag")];
    if (!(await declassifyDataset(db, { namespace, name: dataset }, tag))) return problem(res, 404, `Dataset "${dataset}" has no tag "${tag}" set on it (a propagated tag is removed where it was set).`);
    res.status(204).end();
  }));
  return router;
}

const param = (req: Request, name: string): string => String(req.params[name] ?? "");

function tagsOf(tags: ReadonlyArray<{ tag: string }> | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.tag))].sort();
}

function page(req: Request): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Number(req.query.limit ?? 100) || 100, 1), 1000);
  const offset = Math.max(Number(req.query.offset ?? 0) || 0, 0);
  return { limit, offset };
}

/** Basic auth as the rest of the API, or the lineage API key producers send (`Authorization: Bearer …`). */
function lineageAuth(db: Database) {
  const basic = basicAuth(db);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    const key = process.env.UPDRAFT_LINEAGE_API_KEY;
    if (key && header.startsWith("Bearer ")) {
      const given = Buffer.from(header.slice(7));
      const expected = Buffer.from(key);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        res.locals.user = { username: "lineage-api-key", role: "Op" };
        return next();
      }
      return problem(res, 401, "The Bearer token is not UPDRAFT_LINEAGE_API_KEY: send the lineage API key, or use basic auth.");
    }
    return basic(req, res, next);
  };
}
