export { assignArm, twoProportionZTest } from "./ab-test.ts";
export type { AbTestResult, Arm } from "./ab-test.ts";
