/**
 * `updraft/providers/mlops`: data quality (Great Expectations' expectations), data contracts (versioned JSON
 * Schema), profiling and drift (Evidently's tests), and model cards. The code lives in mlops/.
 */
export * from "../../mlops/quality/index.ts";
export * from "../../mlops/drift/index.ts";
export * from "../../mlops/contracts/index.ts";
export * from "../../mlops/modelcards/index.ts";
export * from "../../mlops/training/index.ts";
export * from "../../mlops/experiments/index.ts";
export * from "../../mlops/serving/index.ts";
