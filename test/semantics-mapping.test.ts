import { describe, expect, it } from "vitest";
import { checkMapLength, expansionLength, mappableValues, mappedKwargsAt, MappingError } from "../core/semantics/mapping.ts";
import { UpdraftError } from "../core/errors.ts";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).code;
  }
  throw new Error("expected a MappingError");
}

describe("mapped task expansion (Airflow 2.10 expand)", () => {
  const XY = [
    { name: "x", values: [1, 2] },
    { name: "y", values: [10, 20, 30] },
  ];

  it.each([
    [0, { x: 1, y: 10 }],
    [1, { x: 1, y: 20 }],
    [2, { x: 1, y: 30 }],
    [3, { x: 2, y: 10 }],
    [4, { x: 2, y: 20 }],
    [5, { x: 2, y: 30 }],
  ])("expand(x=[1,2], y=[10,20,30]) map index %i → %o", (index, kwargs) => {
    expect(mappedKwargsAt(index, XY)).toEqual(kwargs);
  });

  it("keeps the declared argument order", () => {
    expect(Object.keys(mappedKwargsAt(4, XY))).toEqual(["x", "y"]);
  });

  it.each([
    [0, { x: 1, y: "a", z: true }],
    [1, { x: 1, y: "a", z: false }],
    [2, { x: 1, y: "b", z: true }],
    [5, { x: 2, y: "a", z: false }],
    [7, { x: 2, y: "b", z: false }],
  ])("three arguments, last varying fastest: index %i → %o", (index, kwargs) => {
    const mapped = [
      { name: "x", values: [1, 2] },
      { name: "y", values: ["a", "b"] },
      { name: "z", values: [true, false] },
    ];
    expect(mappedKwargsAt(index, mapped)).toEqual(kwargs);
  });

  it("maps an object to its [key, value] pairs in insertion order", () => {
    const pairs = mappableValues({ zeta: 1, alpha: { nested: true } });
    expect(pairs).toEqual([
      ["zeta", 1],
      ["alpha", { nested: true }],
    ]);
    expect(mappedKwargsAt(1, [{ name: "item", values: pairs }])).toEqual({ item: ["alpha", { nested: true }] });
  });

  it.each([
    [[2, 3], 6],
    [[5], 5],
    [[2, 0, 3], 0],
    [[1024], 1024],
  ])("expansionLength(%o) = %i", (lengths, expected) => {
    expect(expansionLength(lengths)).toBe(expected);
  });

  it("needs at least one mapped argument", () => {
    expect(codeOf(() => expansionLength([]))).toBe("MAPPING_NO_ARGUMENTS");
  });

  it.each([[6], [-1], [1.5], [Number.NaN]])("rejects map index %s for a 6-wide expansion", (index) => {
    expect(codeOf(() => mappedKwargsAt(index, XY))).toBe("MAPPING_INDEX_OUT_OF_RANGE");
  });

  it("rejects every index of a zero-length expansion", () => {
    expect(codeOf(() => mappedKwargsAt(0, [{ name: "x", values: [] }]))).toBe("MAPPING_INDEX_OUT_OF_RANGE");
  });
});

describe("mappableValues", () => {
  it("maps a list to itself, including an empty one", () => {
    const list = [3, 1, 2];
    expect(mappableValues(list)).toBe(list);
    expect(mappableValues([])).toEqual([]);
    expect(mappableValues({})).toEqual([]);
    expect(mappableValues(Object.assign(Object.create(null), { k: "v" }))).toEqual([["k", "v"]]);
  });

  it.each<[string, unknown, string]>([
    ["null (XComForMappingNotPushed)", null, "MAPPING_VALUE_MISSING"],
    ["undefined", undefined, "MAPPING_VALUE_MISSING"],
    ["a string", "abc", "MAPPING_UNMAPPABLE_TYPE"],
    ["an empty string", "", "MAPPING_UNMAPPABLE_TYPE"],
    ["a number", 42, "MAPPING_UNMAPPABLE_TYPE"],
    ["a boolean", true, "MAPPING_UNMAPPABLE_TYPE"],
    ["a Date", new Date(0), "MAPPING_UNMAPPABLE_TYPE"],
    ["a Map", new Map([["a", 1]]), "MAPPING_UNMAPPABLE_TYPE"],
    ["a class instance", new (class Box {})(), "MAPPING_UNMAPPABLE_TYPE"],
  ])("rejects %s", (_what, value, code) => {
    expect(codeOf(() => mappableValues(value))).toBe(code);
  });

  it("explains what was wrong", () => {
    expect(() => mappableValues("abc")).toThrow('Cannot map over a string ("abc"): expand() takes a list or an object');
    expect(() => mappableValues(null)).toThrow("returned nothing to map over");
  });
});

describe("checkMapLength (core.max_map_length)", () => {
  it("allows up to 1024 items by default", () => {
    expect(() => checkMapLength(0)).not.toThrow();
    expect(() => checkMapLength(1024)).not.toThrow();
    expect(codeOf(() => checkMapLength(1025))).toBe("MAPPING_TOO_LONG");
  });

  it("takes a configured limit", () => {
    expect(() => checkMapLength(3, 3)).not.toThrow();
    expect(codeOf(() => checkMapLength(4, 3))).toBe("MAPPING_TOO_LONG");
    expect(() => checkMapLength(4, 3)).toThrow("Cannot map over 4 items: the limit is 3 (core.max_map_length)");
  });

  it("is one of Updraft's named errors", () => {
    const error = new MappingError("boom");
    expect(error).toBeInstanceOf(UpdraftError);
    expect(error.code).toBe("MAPPING_INVALID");
    expect(error.name).toBe("MappingError");
  });
});
