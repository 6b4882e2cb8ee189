/** Governance for DAG files (`import { governance } from "updraft"`): catalog publishing, retention, access review, classification. */
export { publishToDataHub, datasetSnapshot, datasetUrn, CatalogPublishError, type CatalogDataset, type DataHubOptions } from "./datahub.ts";
export { applyRetention, RetentionPolicyError, type RetentionPolicy, type RetentionReport } from "./retention.ts";
export { RetentionPolicyOperator, type RetentionPolicyOptions } from "./retention-operator.ts";
export { buildAccessReview, fetchAccessReviewInput, type AccessReview, type AccessReviewInput } from "./access-review.ts";
export { apiFromConnection, classifyThroughApi } from "./updraft-api.ts";
export { CLASSIFICATIONS, type Classification } from "./classification.ts";
