export { buildModelCard, renderModelCard } from "./card.ts";
export type { ModelCard, ModelCardDetails, Predictions } from "./card.ts";
export { fairnessBySlice } from "./fairness.ts";
export type { FairnessReport, SliceMetrics } from "./fairness.ts";
export { classificationMetrics, rocAuc } from "./metrics.ts";
export type { ClassificationMetrics } from "./metrics.ts";
