/**
 * Glossary (Feast's words, used throughout providers/feast):
 * - entity: what features describe (a driver, a customer), identified by its join keys.
 * - feature view: a named group of features of one or more entities, read from one source, with a TTL.
 * - entity dataframe: the rows (join keys + an event timestamp + labels) to enrich with point-in-time features.
 * - materialization: copying the latest feature values of an interval from the offline source to the online store.
 */
export interface Entity {
  name: string;
  /** Default `[name]`. */
  joinKeys?: string[];
}

interface SourceTiming {
  /** Column with each row's event timestamp (after `fieldMapping`). */
  timestampField: string;
  /** Column with the time a row was written; breaks ties between equal event timestamps. */
  createdTimestampColumn?: string;
  /** Source column → feature/key name, applied before anything else (Feast's `field_mapping`). */
  fieldMapping?: Record<string, string>;
}

/** A CSV/TSV/JSON/Parquet file (Feast's FileSource) or a PostgreSQL table (PostgreSQLSource). */
export type DataSource =
  | (SourceTiming & { path: string })
  | (SourceTiming & { table: string; connectionString: string });

export interface FeatureView {
  name: string;
  /** None for a view joined on time alone. */
  entities: Entity[];
  features: string[];
  /**
   * Seconds a value stays valid after its event timestamp. 0 (Feast's default) = forever;
   * null = none set (materialize-incremental then needs one earlier materialize).
   */
  ttlSeconds?: number | null;
  source: DataSource;
  /** Materialized into the online store (default true). */
  online?: boolean;
  /** Name of the push source feeding this view through `/push`. */
  pushSource?: string;
}

/** A feature repository: the project and its views (what `feast apply` registers from Python definitions). */
export interface FeatureRepo {
  project: string;
  featureViews: FeatureView[];
  /** Named lists of feature refs (`view:feature`). */
  featureServices?: Record<string, string[]>;
}

/** A Feast object (view, feature, service, push source) that the repository does not define: HTTP 404, as Feast answers. */
export class FeastObjectNotFound extends Error {
  readonly status = 404;
}

export const joinKeysOf = (view: FeatureView): string[] => view.entities.flatMap((e) => e.joinKeys ?? [e.name]);

export function findView(repo: FeatureRepo, name: string): FeatureView {
  const view = repo.featureViews.find((v) => v.name === name);
  if (!view) throw new FeastObjectNotFound(`Feature view "${name}" is not in project "${repo.project}" (known: ${repo.featureViews.map((v) => v.name).join(", ") || "none"}).`);
  return view;
}

/** `view:feature` refs grouped by view, in request order; unknown views or features are errors. */
export function groupFeatureRefs(repo: FeatureRepo, refs: string[]): Array<{ view: FeatureView; features: string[] }> {
  const groups = new Map<string, { view: FeatureView; features: string[] }>();
  for (const ref of refs) {
    const [viewName, feature, extra] = ref.split(":");
    if (!viewName || !feature || extra !== undefined) throw new Error(`Feature ref "${ref}" is not of the form "<feature_view>:<feature>".`);
    const view = findView(repo, viewName);
    if (!view.features.includes(feature)) throw new FeastObjectNotFound(`Feature view "${viewName}" has no feature "${feature}" (it has ${view.features.join(", ")}).`);
    const group = groups.get(viewName) ?? { view, features: [] };
    if (!group.features.includes(feature)) group.features.push(feature);
    groups.set(viewName, group);
  }
  return [...groups.values()];
}

/** The refs of a feature service, or the refs given. */
export function resolveFeatures(repo: FeatureRepo, request: { features?: string[]; featureService?: string }): string[] {
  if (request.featureService) {
    const refs = repo.featureServices?.[request.featureService];
    if (!refs) throw new FeastObjectNotFound(`Feature service "${request.featureService}" is not in project "${repo.project}".`);
    return refs;
  }
  if (!request.features?.length) throw new Error("Name the features to read (\"view:feature\" refs) or a feature service.");
  return request.features;
}
