/** `updraft/providers/feast`: Feast's feature server API (client, operators, a server of our own) and a native offline store. */
export { FeastApiError, FeastFeatureServerClient, feastUrlFromConnection, onlineFeaturesToRows } from "./client.ts";
export type { OnlineFeatures } from "./client.ts";
export { findView, groupFeatureRefs, joinKeysOf } from "./definitions.ts";
export type { DataSource, Entity, FeatureRepo, FeatureView } from "./definitions.ts";
export { startFeatureServer } from "./feature-server.ts";
export type { RunningFeatureServer } from "./feature-server.ts";
export { FeastFeatureFreshnessSensor } from "./freshness-sensor.ts";
export { latestPerEntity, materialize, materializeIncremental } from "./materialize.ts";
export type { MaterializedView } from "./materialize.ts";
export { getHistoricalFeatures, readSourceRows } from "./offline-store.ts";
export { FEATURE_STATUS, getOnlineFeatures } from "./online-read.ts";
export type { FeatureStatus, OnlineFeaturesRequest, OnlineFeaturesResponse } from "./online-read.ts";
export type { OnlineRecord, OnlineStore } from "./online-store.ts";
export {
  FeastGetOnlineFeaturesOperator, FeastHistoricalFeaturesOperator, FeastMaterializeIncrementalOperator, FeastMaterializeOperator,
  FeastPushOperator, feastClientFor, toCsv,
} from "./operators.ts";
export { entityTimestampColumn, pointInTimeJoin } from "./point-in-time.ts";
export type { PointInTimeOptions, ViewRows } from "./point-in-time.ts";
export { RedisOnlineStore } from "./redis-online-store.ts";
export { openPgliteOnlineStore, openPostgresOnlineStore, SqlOnlineStore } from "./sql-online-store.ts";
export type { SqlClient } from "./sql-online-store.ts";
export { spawnFeatureServer } from "./server-process.ts";
export { FeastObjectNotFound } from "./definitions.ts";
