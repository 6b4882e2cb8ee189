import type { Database, Queryable } from "../core/store/database.ts";
import type { LineageGraph } from "../lineage/service/graph.ts";
import { nodeId } from "../lineage/naming.ts";

/** Classification tags, most to least restrictive. */
export const CLASSIFICATIONS = ["PII", "Confidential", "Public"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export function isClassification(value: string): value is Classification {
  return (CLASSIFICATIONS as readonly string[]).includes(value);
}

export interface DatasetRef {
  namespace: string;
  name: string;
}
export interface EffectiveTag {
  tag: Classification;
  /** "user": set on this dataset; "propagated": inherited from `origin`, upstream of it. */
  source: "user" | "propagated";
  origin: DatasetRef | null;
}

export class ClassificationError extends Error {
  readonly code = "BAD_CLASSIFICATION";
}

export async function classifyDataset(db: Queryable, dataset: DatasetRef, tag: string): Promise<void> {
  if (!isClassification(tag)) throw new ClassificationError(`"${tag}" is not a classification: use one of ${CLASSIFICATIONS.join(", ")}.`);
  await db.query(
    `INSERT INTO dataset_classification (namespace, name, tag, source, origin) VALUES ($1, $2, $3, 'user', '')
     ON CONFLICT (namespace, name, tag, origin) DO UPDATE SET source = 'user', updated_at = now()`,
    [dataset.namespace, dataset.name, tag],
  );
}

export async function declassifyDataset(db: Queryable, dataset: DatasetRef, tag: string): Promise<boolean> {
  const { rows } = await db.query("DELETE FROM dataset_classification WHERE namespace = $1 AND name = $2 AND tag = $3 AND source = 'user' RETURNING tag", [dataset.namespace, dataset.name, tag]);
  return rows.length > 0;
}

/**
 * Each dataset's tags: its own, plus every tag set on a dataset upstream of it (data made from PII is PII). Computed
 * from the lineage graph each time, so a new edge classifies new data at once.
 */
export async function effectiveClassifications(db: Queryable, graph: LineageGraph): Promise<Map<string, EffectiveTag[]>> {
  const { rows } = await db.query<{ namespace: string; name: string; tag: Classification }>("SELECT namespace, name, tag FROM dataset_classification WHERE source = 'user'");
  const result = new Map<string, EffectiveTag[]>();
  const add = (id: string, tag: EffectiveTag) => {
    const list = result.get(id) ?? [];
    if (!list.some((t) => t.tag === tag.tag && t.source === tag.source && t.origin?.namespace === tag.origin?.namespace && t.origin?.name === tag.origin?.name)) list.push(tag);
    result.set(id, list);
  };
  for (const row of rows) {
    const origin = { namespace: row.namespace, name: row.name };
    const id = nodeId("dataset", origin);
    add(id, { tag: row.tag, source: "user", origin: null });
    for (const downstream of graph.reachable(id, "downstream")) {
      if (graph.datasets.has(downstream)) add(downstream, { tag: row.tag, source: "propagated", origin });
    }
  }
  return result;
}

/** Writes the propagated tags down (for catalogs and reports that read the table): replaces the old ones, in one transaction. */
export async function materializePropagatedTags(db: Database, graph: LineageGraph): Promise<number> {
  const effective = await effectiveClassifications(db, graph);
  return db.transaction(async (tx) => {
    await tx.query("DELETE FROM dataset_classification WHERE source = 'propagated'");
    let count = 0;
    for (const [id, tags] of effective) {
      const dataset = graph.datasets.get(id);
      if (!dataset) continue;
      for (const t of tags) {
        if (t.source !== "propagated" || !t.origin) continue;
        await tx.query(
          "INSERT INTO dataset_classification (namespace, name, tag, source, origin) VALUES ($1, $2, $3, 'propagated', $4) ON CONFLICT DO NOTHING",
          [dataset.namespace, dataset.name, t.tag, nodeId("dataset", t.origin)],
        );
        count++;
      }
    }
    return count;
  });
}
