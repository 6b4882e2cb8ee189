/**
 * The tests phase11_01_dag_testing teaches: DAG integrity for the whole folder, unit tests of the business logic,
 * and a full run of the DAG with each task's outcome asserted. Copy this file as a starting point for your own DAGs.
 */
import { describe, expect, it } from "vitest";
import { loadDags, runDag } from "updraft/testing";
import { orderTotal, validateItems } from "../dags/phase11/lib/pricing.ts";

describe("DAG integrity: every DAG in dags/", async () => {
  const bag = await loadDags("dags");

  it("loads without import errors", () => {
    expect(bag.importErrors).toEqual([]);
  });

  it("has tags, a description and no cycles (cycles would be import errors)", () => {
    for (const dag of bag.dags.values()) {
      expect(dag.tags.length, `${dag.dagId} has no tags`).toBeGreaterThan(0);
      expect(dag.description, `${dag.dagId} has no description`).not.toBe("");
    }
  });

  it("names every DAG after its file: phaseN_NN_… lives in dags/phaseN/NN_….ts (or .yaml, .yaml.hbs)", () => {
    for (const dag of bag.dags.values()) {
      const match = /dags\/phase(\d+)\/(\d\d)_([a-z0-9_]+)\.(ts|ya?ml|ya?ml\.hbs)$/.exec(dag.fileloc);
      expect(match, dag.fileloc).not.toBeNull();
      expect(dag.dagId.startsWith(`phase${match![1]}_${match![2]}_${match![3]}`), dag.dagId).toBe(true);
    }
  });
});

describe("unit tests of the business logic", () => {
  it("validates line items", () => {
    expect(validateItems([{ sku: "A", quantity: 1, unitPrice: 1 }])).toEqual([]);
    expect(validateItems([{ sku: "", quantity: 0, unitPrice: -1 }])).toEqual([
      "item 0: missing sku",
      "item 0: quantity must be a positive integer",
      "item 0: unitPrice must be ≥ 0",
    ]);
  });

  it("prices an order with a discount, rounded to cents", () => {
    expect(orderTotal([{ sku: "A", quantity: 3, unitPrice: 0.1 }], 0)).toBe(0.3);
    expect(orderTotal([{ sku: "A", quantity: 2, unitPrice: 9.99 }, { sku: "B", quantity: 1, unitPrice: 24.5 }], 0.1)).toBe(40.03);
  });
});

describe("a full run of phase11_01_dag_testing", () => {
  it("runs every task and prices the order", async () => {
    const bag = await loadDags("dags");
    const run = await runDag(bag.getDag("phase11_01_dag_testing"), { logicalDate: "2024-01-01" });
    expect(run.states).toEqual({ load_items: "success", validate: "success", price: "success" });
    expect(run.returnValue("price")).toBe(40.03);
  });
});
