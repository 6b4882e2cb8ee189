import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { fairnessBySlice, type FairnessReport } from "./fairness.ts";
import { classificationMetrics, type ClassificationMetrics } from "./metrics.ts";

/** What a model card says about a model (Mitchell et al., "Model Cards for Model Reporting"). */
export interface ModelCardDetails {
  name: string;
  version?: string;
  owners?: string[];
  description?: string;
  intendedUse?: string;
  limitations?: string[];
  trainingData?: string;
  evaluationData?: string;
}

export interface Predictions { yTrue: number[]; yPred: number[]; scores?: number[]; sensitive?: Record<string, Array<string | number | boolean | null>> }

export interface ModelCard {
  details: ModelCardDetails;
  performance: ClassificationMetrics;
  fairness: FairnessReport[];
  /** Fairness gaps above this are flagged in the card (default 0.1). */
  fairnessThreshold: number;
  flags: string[];
  generatedAt: string;
}

/** Computes the card's numbers from predictions: overall performance and per-slice fairness for each sensitive feature. */
export function buildModelCard(details: ModelCardDetails, predictions: Predictions, options: { fairnessThreshold?: number } = {}): ModelCard {
  const threshold = options.fairnessThreshold ?? 0.1;
  const fairness = Object.entries(predictions.sensitive ?? {}).map(([feature, groups]) => fairnessBySlice(feature, groups, predictions.yTrue, predictions.yPred, predictions.scores));
  const flags = fairness.flatMap((f) => [
    ...(f.demographicParityDifference > threshold ? [`${f.feature}: demographic parity difference ${f.demographicParityDifference.toFixed(3)} > ${threshold}`] : []),
    ...(f.equalizedOddsDifference > threshold ? [`${f.feature}: equalized odds difference ${f.equalizedOddsDifference.toFixed(3)} > ${threshold}`] : []),
  ]);
  return {
    details, fairness, flags, fairnessThreshold: threshold,
    performance: classificationMetrics(predictions.yTrue, predictions.yPred, predictions.scores),
    generatedAt: new Date().toISOString(),
  };
}

const engine = Handlebars.create();
engine.registerHelper("fixed", (value: number | null) => (value === null || value === undefined ? "n/a" : Number(value).toFixed(3)));
const template = engine.compile(readFileSync(new URL("../templates/model-card.hbs", import.meta.url), "utf8"));

export function renderModelCard(card: ModelCard): string {
  return template(card);
}
