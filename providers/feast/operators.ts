import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import type { Input } from "../../core/xcom-arg.ts";
import type { Row } from "../../mlops/quality/batch.ts";
import { readFileBatch } from "../../mlops/quality/sources.ts";
import { FeastFeatureServerClient, feastUrlFromConnection, type OnlineFeatures } from "./client.ts";
import type { FeatureRepo } from "./definitions.ts";
import { getHistoricalFeatures } from "./offline-store.ts";

interface FeastTaskOptions extends TaskOptions {
  /** An http connection to the feature server; default `feast_default`, else http://127.0.0.1:6566. */
  feastConnId?: string;
  /** The feature server's URL (templated, or an upstream XCom), instead of the connection. */
  url?: Input<string>;
}

/** The client for a task's connection; without `feast_default`, Feast's default address. */
export async function feastClientFor(context: TaskContext, connId = "feast_default"): Promise<FeastFeatureServerClient> {
  try {
    return new FeastFeatureServerClient(feastUrlFromConnection(await context.connections.get(connId)));
  } catch (error) {
    if (connId === "feast_default" && /is not defined/.test((error as Error).message)) return new FeastFeatureServerClient("http://127.0.0.1:6566");
    throw error;
  }
}

abstract class FeastOperator<R> extends BaseOperator<R> {
  readonly feastConnId: string;
  url: string | undefined;
  constructor(options: FeastTaskOptions) {
    super(options);
    this.feastConnId = options.feastConnId ?? "feast_default";
    this.url = options.url as string | undefined;
  }
  protected client(context: TaskContext) {
    return this.url ? Promise.resolve(new FeastFeatureServerClient(this.url)) : feastClientFor(context, this.feastConnId);
  }
}

/** Reads online features for entity rows; returns them as rows (with statuses), one per entity row. */
export class FeastGetOnlineFeaturesOperator extends FeastOperator<OnlineFeatures> {
  static override templateFields = ["url", "features", "featureService", "entities"];
  features: string[] | undefined;
  featureService: string | undefined;
  entities: Record<string, unknown[]>;
  readonly fullFeatureNames: boolean;
  constructor(options: FeastTaskOptions & { features?: Input<string[]>; featureService?: Input<string>; entities: Input<Record<string, unknown[]>>; fullFeatureNames?: boolean }) {
    super(options);
    requireArgument(options.features !== undefined || options.featureService !== undefined, `FeastGetOnlineFeaturesOperator "${options.taskId}" needs features or a featureService.`);
    this.features = options.features as string[] | undefined;
    this.featureService = options.featureService as string | undefined;
    this.entities = options.entities as Record<string, unknown[]>;
    this.fullFeatureNames = options.fullFeatureNames ?? false;
  }
  override async execute(context: TaskContext) {
    const result = await (await this.client(context)).getOnlineFeatures({ features: this.features, featureService: this.featureService, entities: this.entities, fullFeatureNames: this.fullFeatureNames });
    const missing = result.statuses.reduce((n, s) => n + Object.values(s).filter((v) => v !== "PRESENT").length, 0);
    context.log.info(`Read ${result.featureNames.length} columns for ${result.rows.length} entity rows (${missing} values not present).`);
    return result;
  }
}

/** Pushes rows to a push source (online by default). */
export class FeastPushOperator extends FeastOperator<{ pushed: number }> {
  static override templateFields = ["url", "pushSourceName", "rows"];
  pushSourceName: string;
  rows: Row[];
  readonly to: "online" | "offline" | "online_and_offline";
  constructor(options: FeastTaskOptions & { pushSourceName: Input<string>; rows: Input<Row[]>; to?: "online" | "offline" | "online_and_offline" }) {
    super(options);
    this.pushSourceName = options.pushSourceName as string;
    this.rows = options.rows as Row[];
    this.to = options.to ?? "online";
  }
  override async execute(context: TaskContext) {
    if (!Array.isArray(this.rows)) throw new TypeError(`FeastPushOperator "${this.taskId}": rows must be a list of objects.`);
    await (await this.client(context)).push(this.pushSourceName, this.rows, this.to);
    return { pushed: this.rows.length };
  }
}

/** `feast materialize start end` through the feature server; start/end are templated (default the data interval). */
export class FeastMaterializeOperator extends FeastOperator<unknown> {
  static override templateFields = ["url", "startTs", "endTs", "featureViews"];
  startTs: string;
  endTs: string;
  featureViews: string[] | undefined;
  constructor(options: FeastTaskOptions & { startTs?: Input<string>; endTs?: Input<string>; featureViews?: Input<string[]> }) {
    super(options);
    this.startTs = (options.startTs as string | undefined) ?? "{{ data_interval_start }}";
    this.endTs = (options.endTs as string | undefined) ?? "{{ data_interval_end }}";
    this.featureViews = options.featureViews as string[] | undefined;
  }
  override async execute(context: TaskContext) {
    const { body } = await (await this.client(context)).materialize(this.startTs, this.endTs, { featureViews: this.featureViews });
    context.log.info(`Materialized ${this.startTs} .. ${this.endTs}`);
    return body;
  }
}

/** `feast materialize-incremental end`: each view continues from its last materialized end. */
export class FeastMaterializeIncrementalOperator extends FeastOperator<unknown> {
  static override templateFields = ["url", "endTs", "featureViews"];
  endTs: string;
  featureViews: string[] | undefined;
  constructor(options: FeastTaskOptions & { endTs?: Input<string>; featureViews?: Input<string[]> }) {
    super(options);
    this.endTs = (options.endTs as string | undefined) ?? "{{ data_interval_end }}";
    this.featureViews = options.featureViews as string[] | undefined;
  }
  override async execute(context: TaskContext) {
    const { body } = await (await this.client(context)).materializeIncremental(this.endTs, { featureViews: this.featureViews });
    context.log.info(`Materialized incrementally up to ${this.endTs}`);
    return body;
  }
}

/**
 * Point-in-time-correct training data from the native offline store: the entity rows (inline or a file) joined
 * with each feature as of the row's timestamp; written to `outputPath` (CSV) when given.
 */
export class FeastHistoricalFeaturesOperator extends BaseOperator<{ rows: number; path?: string; data?: Row[] }> {
  static override templateFields = ["entityRows", "entityPath", "outputPath"];
  readonly repo: FeatureRepo;
  readonly features: string[];
  entityRows: Row[] | undefined;
  entityPath: string | undefined;
  outputPath: string | undefined;
  readonly fullFeatureNames: boolean;
  constructor(options: TaskOptions & { repo: FeatureRepo; features: string[]; entityRows?: Input<Row[]>; entityPath?: Input<string>; outputPath?: string; fullFeatureNames?: boolean }) {
    super(options);
    requireArgument(options.entityRows !== undefined || options.entityPath !== undefined, `FeastHistoricalFeaturesOperator "${options.taskId}" needs entityRows or an entityPath.`);
    this.repo = options.repo;
    this.features = options.features;
    this.entityRows = options.entityRows as Row[] | undefined;
    this.entityPath = options.entityPath as string | undefined;
    this.outputPath = options.outputPath;
    this.fullFeatureNames = options.fullFeatureNames ?? false;
  }
  override async execute(context: TaskContext) {
    const entities = this.entityRows ?? (await readFileBatch(this.entityPath!)).rows;
    const rows = await getHistoricalFeatures(this.repo, entities, { features: this.features, fullFeatureNames: this.fullFeatureNames });
    const missing = rows.filter((r) => Object.values(r).some((v) => v === null)).length;
    context.log.info(`Joined ${this.features.length} features onto ${rows.length} entity rows point-in-time (${missing} rows with a missing feature).`);
    if (!this.outputPath) return { rows: rows.length, data: rows };
    await mkdir(dirname(this.outputPath), { recursive: true });
    await writeFile(this.outputPath, toCsv(rows));
    return { rows: rows.length, path: this.outputPath };
  }
}

export function toCsv(rows: Row[]): string {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const text = v instanceof Date ? v.toISOString() : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[names.join(","), ...rows.map((r) => names.map((n) => cell(r[n])).join(","))].join("\n")}\n`;
}
