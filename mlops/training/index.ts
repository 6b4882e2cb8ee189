export { logLoss, predictProba, sigmoid, trainLogisticRegression } from "./logistic-regression.ts";
export type { LogisticModel, TrainOptions } from "./logistic-regression.ts";
