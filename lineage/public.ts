/**
 * What DAG files and operator packs use to describe lineage (`import { openlineage } from "updraft"`): the facet
 * builders, dataset naming, and the types of Airflow's `getOpenLineageFacetsOnStart/OnComplete` protocol.
 */
export {
  dataQualityMetricsFacet, datasetTagsFacet, datasetTypeFacet, documentationFacet, lifecycleStateChangeFacet, ownershipFacet, schemaFacet, sqlFacet, facet,
  type ColumnMetric, type SchemaField,
} from "./facets.ts";
export { datasetFromUri } from "./naming.ts";
export type { OpenLineageAware } from "./extract/operator.ts";
export type { Facet, Facets, InputDataset, OutputDataset, OperatorLineage, RunEvent } from "./types.ts";
