export { dataDrift, defaultMethod } from "./data-drift.ts";
export type { ColumnDrift, DataDriftOptions, DataDriftReport } from "./data-drift.ts";
export { chiSquarePValue, jensenShannon, ks2samp, runStatTest, STAT_TESTS, wassersteinNormed, zTestPValue } from "./stattests.ts";
export type { StatTestId, StatTestResult } from "./stattests.ts";
export { binnedShares } from "./binning.ts";
export { inferKind } from "./column-type.ts";
export { profileColumns } from "./profile.ts";
export type { ColumnProfile } from "./profile.ts";
