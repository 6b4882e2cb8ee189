import { describe, expect, it } from "vitest";
import { checkCompatibility, pickContract, validateRecords, type DataContract } from "updraft/providers/mlops";

const v1 = {
  type: "object", additionalProperties: false, required: ["id", "amount"],
  properties: { id: { type: "integer" }, amount: { type: "number", minimum: 0 }, status: { enum: ["new", "paid"] }, note: { type: "string", maxLength: 50 } },
};
const clone = () => JSON.parse(JSON.stringify(v1)) as { required: string[]; properties: Record<string, unknown> };

describe("data contracts", () => {
  it("validates records with every violation's record index and JSON pointer", () => {
    const contract: DataContract = { name: "orders", version: 1, schema: v1 };
    const result = validateRecords(contract, [{ id: 1, amount: 5 }, { id: 1.5, amount: -1 }, { id: 3, amount: 1, extra: true }]);
    expect(result).toMatchObject({ valid: false, recordCount: 3, invalidCount: 2 });
    expect(result.violations).toEqual([
      { index: 1, path: "/id", message: "must be integer" }, { index: 1, path: "/amount", message: "must be >= 0" },
      { index: 2, path: "/", message: 'must NOT have additional properties ("extra")' }]);
    expect(() => validateRecords({ name: "bad", version: 1, schema: { type: "nonsense" } }, [])).toThrow(/"bad" v1 has an invalid JSON Schema/);
    const all = [contract, { ...contract, version: 2 }];
    expect(pickContract(all, "orders").version).toBe(2);
    expect(() => pickContract(all, "orders", 7)).toThrow(/no version 7 \(versions: 1, 2\)/);
  });

  it("classifies schema changes as backward, forward or fully compatible", () => {
    const addOptional = clone();
    addOptional.properties.channel = { type: "string" };
    expect(checkCompatibility(v1, addOptional, "backward").compatible).toBe(true);
    expect(checkCompatibility(v1, addOptional, "forward").issues).toEqual([{ path: "/properties/channel", message: 'forward: "channel" is no longer allowed (additionalProperties: false)' }]);

    const addRequired = clone();
    addRequired.required = [...v1.required, "status"];
    expect(checkCompatibility(v1, addRequired, "backward").issues).toEqual([{ path: "/properties/status", message: 'backward: "status" is required but records without it were valid' }]);
    expect(checkCompatibility(v1, addRequired, "forward").compatible).toBe(true);

    const widenEnum = clone();
    widenEnum.properties.status = { enum: ["new", "paid", "refunded"] };
    expect(checkCompatibility(v1, widenEnum, "full").issues).toEqual([{ path: "/properties/status", message: 'forward: enum value "refunded" is no longer allowed' }]);

    const narrowType = clone();
    narrowType.properties.amount = { type: "integer", minimum: 1 };
    expect(checkCompatibility(v1, narrowType, "backward").issues.map((i) => i.message)).toEqual(['backward: type "number" is not accepted by "integer"']);
    const tighter = clone();
    tighter.properties.note = { type: "string", maxLength: 10 };
    expect(checkCompatibility(v1, tighter, "backward").issues).toEqual([{ path: "/properties/note", message: "backward: maxLength 50 → 10 rejects values that were valid" }]);
    expect(checkCompatibility(v1, clone(), "full")).toEqual({ compatible: true, mode: "full", issues: [] });
  });
});
