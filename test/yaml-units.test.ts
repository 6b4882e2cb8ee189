/** The dense rules of the YAML loader, one by one: env expansion, merging, typed values, dataset conditions, dates, registry. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BaseOperator, registerOperator, type TaskOptions } from "updraft";
import { DagBag } from "../core/dagbag/dagbag.ts";
import { Combined, castTyped, Timedelta } from "../dagfactory/cast.ts";
import { parseCondition } from "../dagfactory/datasets.ts";
import { configDate } from "../dagfactory/dates.ts";
import { defaultsFolders } from "../dagfactory/defaults.ts";
import { expandEnvVars } from "../dagfactory/env-vars.ts";
import { ConfigProblem } from "../dagfactory/issues.ts";
import { mergeConfigs } from "../dagfactory/merge.ts";
import { registerBuiltinOperators } from "../dagfactory/builtin-operators.ts";
import { closestOperatorName } from "../dagfactory/operator-registry.ts";

describe("environment variables in YAML text", () => {
  const env = { HOME_DIR: "/srv", EMPTY: "" };
  it.each([
    ["$HOME_DIR/dags", "/srv/dags"],
    ["${HOME_DIR}x", "/srvx"],
    ["$UNKNOWN and ${UNKNOWN}", "$UNKNOWN and ${UNKNOWN}"],
    ["${UNKNOWN:-fallback} ${EMPTY:-fallback} ${EMPTY-kept}", "fallback fallback "],
    ["price: $5", "price: $5"],
  ])("%s → %s", (text, expected) => {
    expect(expandEnvVars(text, env)).toBe(expected);
  });
});

describe("merging configs as dag-factory's merge_configs", () => {
  it("keeps the config's values, fills missing keys, merges mappings, takes lists and typed values whole", () => {
    const merged = mergeConfigs(
      { a: 1, nested: { x: 1 }, list: [1], delta: { __type__: "datetime.timedelta", hours: 1 } },
      { a: 2, b: 3, nested: { x: 2, y: 2 }, list: [2, 3], delta: { __type__: "datetime.timedelta", minutes: 5 } },
    );
    expect(merged).toEqual({ a: 1, b: 3, nested: { x: 1, y: 2 }, list: [1], delta: { __type__: "datetime.timedelta", hours: 1 } });
  });
});

describe("typed values (__type__, __and__, __or__, __join__)", () => {
  it("builds timedeltas from keyword and positional arguments", () => {
    expect(castTyped({ __type__: "datetime.timedelta", hours: 1, minutes: 30 }, [])).toEqual(new Timedelta(5400));
    expect(castTyped({ __type__: "datetime.timedelta", __args__: [1, 30] }, [])).toEqual(new Timedelta(86_430));
  });

  it("joins strings, combines strings into condition text and datasets into conditions", () => {
    expect(castTyped({ __join__: ["s3://", "bucket"] }, [])).toBe("s3://bucket");
    expect(castTyped({ __and__: ["a", { __or__: ["b", "c"] }] }, [])).toBe("(a & (b | c))");
    const combined = castTyped({ __or__: [{ __type__: "airflow.datasets.Dataset", uri: "s3://a" }, { __type__: "airflow.sdk.Asset", uri: "s3://b" }] }, []);
    expect(combined).toBeInstanceOf(Combined);
    expect((combined as Combined).items.map((d) => (d as { uri: string }).uri)).toEqual(["s3://a", "s3://b"]);
  });

  it("names an unknown __type__ with the closest supported one", () => {
    const attempt = () => castTyped({ d: { __type__: "datetime.timedelt", hours: 1 } }, ["dag"]);
    expect(attempt).toThrow(ConfigProblem);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigProblem).path).toEqual(["dag", "d", "__type__"]);
      expect((error as ConfigProblem).details.suggestion).toBe("datetime.timedelta");
    }
  });
});

describe("dataset condition text", () => {
  it("reads & before |, parentheses and names from a datasets file", () => {
    const uris = (c: unknown): unknown => ("op" in (c as object) ? { [(c as Combined).op]: (c as Combined).items.map(uris) } : (c as { uri: string }).uri);
    expect(uris(parseCondition("s3://a | s3://b & s3://c", []))).toEqual({ or: ["s3://a", { and: ["s3://b", "s3://c"] }] });
    expect(uris(parseCondition("((x & y) | z)", [], new Map([["x", "s3://x"], ["y", "s3://y"], ["z", "s3://z"]])))).toEqual({
      or: [{ and: ["s3://x", "s3://y"] }, "s3://z"],
    });
    expect(() => parseCondition("(s3://a & s3://b", [])).toThrow("a parenthesis is not closed");
  });
});

describe("dates as dag-factory reads them", () => {
  it("reads dates as wall-clock time in the timezone, keeps explicit offsets, and computes relative dates", () => {
    expect(configDate("2024-01-01", "Europe/Amsterdam").toISOString()).toBe("2023-12-31T23:00:00.000Z");
    expect(configDate(new Date("2024-07-01T00:00:00Z"), "Europe/Amsterdam").toISOString()).toBe("2024-06-30T22:00:00.000Z");
    expect(configDate("2024-01-01T06:00:00+02:00", "America/New_York").toISOString()).toBe("2024-01-01T04:00:00.000Z");
    const now = new Date("2024-03-10T15:30:00Z");
    expect(configDate("2 days", "UTC", now).toISOString()).toBe("2024-03-08T00:00:00.000Z");
    expect(configDate("1 hours", "UTC", now).toISOString()).toBe("2024-03-09T23:00:00.000Z");
  });
});

describe("defaults.yml folders", () => {
  it("walks from the file's folder up to the DAGs folder, or takes the file's folder and that folder", () => {
    expect(defaultsFolders("/dags/a/b/x.yml", "/dags")).toEqual(["/dags/a/b", "/dags/a", "/dags"]);
    expect(defaultsFolders("/other/x.yml", "/dags")).toEqual(["/other", "/dags"]);
  });
});

describe("the operator registry", () => {
  it("suggests the closest operator, by dotted path or by class name", () => {
    registerBuiltinOperators();
    expect(closestOperatorName("airflow.operators.bash.BashOperatr")).toBe("airflow.operators.bash.BashOperator");
    expect(closestOperatorName("PythonOperater")).toBe("PythonOperator");
    expect(closestOperatorName("airflow.sensors.filesystem.FileSenser")).toBe("airflow.sensors.filesystem.FileSensor");
  });

  it("lets a pack register an operator that YAML files then name, with its own arguments checked", async () => {
    class GreetOperator extends BaseOperator<string> {
      readonly greeting: string;
      constructor(options: TaskOptions & { greeting: string }) {
        super(options);
        this.greeting = options.greeting;
      }
      override execute(): string {
        return this.greeting;
      }
    }
    registerOperator("acme_pack.operators.GreetOperator", GreetOperator, { aliases: ["GreetOperator"], arguments: ["greeting"] });
    const dir = await mkdtemp(join(tmpdir(), "updraft-registry-"));
    try {
      await writeFile(join(dir, "greet.yml"), "greet:\n  schedule: none\n  tasks:\n    hi:\n      operator: acme_pack.operators.GreetOperator\n      greeting: hello\n");
      await writeFile(join(dir, "typo.yml"), "typo:\n  schedule: none\n  tasks:\n    hi:\n      operator: GreetOperator\n      greting: hello\n");
      const bag = await DagBag.load(dir);
      expect((bag.getDag("greet").getTask("hi") as GreetOperator).greeting).toBe("hello");
      expect(bag.importErrors[0].issues).toEqual([expect.objectContaining({ keyPath: "typo.tasks.hi.greting", suggestion: "greeting" })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
