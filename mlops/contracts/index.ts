export { loadContracts, pickContract, validateRecords } from "./contract.ts";
export type { ContractValidation, DataContract, RecordViolation } from "./contract.ts";
export { checkCompatibility } from "./compatibility.ts";
export type { CompatibilityIssue, CompatibilityMode, CompatibilityResult } from "./compatibility.ts";
