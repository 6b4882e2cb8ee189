import type { SchemaField } from "../lineage/facets.ts";

/**
 * Publishing dataset metadata to a DataHub-style catalog, through DataHub's Rest.li ingestion endpoint
 * (`POST {server}/entities?action=ingest`, a DatasetSnapshot with Ownership, GlobalTags, DatasetProperties and
 * SchemaMetadata aspects; `Authorization: Bearer <token>` when a token is set) — the shape DataHub's own
 * `datahub-rest` emitter sends for snapshots, so any DataHub GMS (and catalogs copying its API) accepts it.
 */
export interface CatalogDataset {
  /** OpenLineage naming: `postgres://host:5432` + `db.schema.table`, `s3://bucket` + `key`, `file` + `/path`. */
  namespace: string;
  name: string;
  description?: string;
  owners?: string[];
  /** Tags, e.g. the classification (PII, Confidential, Public). */
  tags?: string[];
  schema?: SchemaField[];
  properties?: Record<string, string>;
  /** DataHub's fabric; PROD by default. */
  env?: string;
}

export interface DataHubOptions {
  /** GMS base URL, e.g. http://localhost:8080. */
  server: string;
  token?: string;
  timeoutMs?: number;
}

export class CatalogPublishError extends Error {
  readonly code = "CATALOG_PUBLISH";
}

/** DataHub's platform for an OpenLineage namespace (`postgres://…` → postgres, `s3://…` → s3, `file` → file). */
export function platformOf(namespace: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(namespace)?.[1]?.toLowerCase() ?? namespace.toLowerCase();
  return scheme === "postgresql" ? "postgres" : scheme;
}

export function datasetUrn(d: Pick<CatalogDataset, "namespace" | "name" | "env">): string {
  return `urn:li:dataset:(urn:li:dataPlatform:${platformOf(d.namespace)},${d.name},${d.env ?? "PROD"})`;
}

const FIELD_TYPES: Array<[RegExp, string]> = [
  [/int|num|dec|float|double|real|serial/i, "NumberType"],
  [/bool/i, "BooleanType"],
  [/date|time/i, "DateType"],
  [/char|text|string|uuid/i, "StringType"],
];

/** The ingest request body for one dataset. */
export function datasetSnapshot(d: CatalogDataset, now = Date.now()) {
  const platform = `urn:li:dataPlatform:${platformOf(d.namespace)}`;
  const audit = { time: now, actor: "urn:li:corpuser:updraft" };
  const aspects: object[] = [
    { "com.linkedin.dataset.DatasetProperties": { description: d.description ?? "", customProperties: { namespace: d.namespace, ...d.properties } } },
  ];
  if (d.owners?.length) {
    aspects.push({ "com.linkedin.common.Ownership": { owners: d.owners.map((o) => ({ owner: o.startsWith("urn:") ? o : `urn:li:corpuser:${o}`, type: "DATAOWNER" })), lastModified: audit } });
  }
  if (d.tags?.length) aspects.push({ "com.linkedin.common.GlobalTags": { tags: d.tags.map((t) => ({ tag: `urn:li:tag:${t}` })) } });
  if (d.schema?.length) {
    aspects.push({
      "com.linkedin.schema.SchemaMetadata": {
        schemaName: d.name, platform, version: 0, hash: "", created: audit, lastModified: audit,
        platformSchema: { "com.linkedin.schema.OtherSchema": { rawSchema: "" } },
        fields: d.schema.map((f) => ({
          fieldPath: f.name,
          nativeDataType: f.type ?? "unknown",
          type: { type: { [`com.linkedin.schema.${FIELD_TYPES.find(([re]) => re.test(f.type ?? ""))?.[1] ?? "NullType"}`]: {} } },
          ...(f.description ? { description: f.description } : {}),
          nullable: true,
        })),
      },
    });
  }
  return { entity: { value: { "com.linkedin.metadata.snapshot.DatasetSnapshot": { urn: datasetUrn(d), aspects } } } };
}

/** Publishes each dataset; stops at the first the catalog refuses, saying which and why. Returns the URNs published. */
export async function publishToDataHub(datasets: readonly CatalogDataset[], options: DataHubOptions): Promise<string[]> {
  const url = `${options.server.replace(/\/+$/, "")}/entities?action=ingest`;
  const published: string[] = [];
  for (const d of datasets) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "X-RestLi-Protocol-Version": "2.0.0", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify(datasetSnapshot(d)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new CatalogPublishError(`Could not reach the catalog at ${url} (${(error as Error).message}): check the connection's host and that DataHub GMS is running.`);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => "")).slice(0, 300);
      throw new CatalogPublishError(`The catalog refused ${datasetUrn(d)}: ${response.status} ${text}. ${published.length} dataset(s) were published before it.`);
    }
    published.push(datasetUrn(d));
  }
  return published;
}
