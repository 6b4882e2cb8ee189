import { describe, expect, it } from "vitest";
import { param } from "../index.ts";
import { paramsToJson } from "../core/params.ts";
import { confFromForm, paramFields } from "../webserver/ui/trigger-form.ts";

const params = paramsToJson({
  name: param("world", { type: "string", description: "Who to greet" }),
  count: param(2, { type: "integer", minimum: 1 }),
  loud: param(false, { type: "boolean" }),
  mode: param("fast", { enum: ["fast", "slow"] }),
  options: param({ retries: 1 }, { type: "object" }),
  target: param(null, { type: ["null", "string"] }),
  plain: 7,
});

describe("the trigger form generated from a DAG's params", () => {
  it("makes one input per param, of the kind its schema says, holding its default", () => {
    const fields = paramFields(params);
    expect(fields.map((f) => [f.name, f.kind, f.value])).toEqual([
      ["name", "text", "world"], ["count", "number", "2"], ["loud", "boolean", "false"], ["mode", "select", "fast"],
      ["options", "json", '{\n  "retries": 1\n}'], ["target", "text", ""], ["plain", "number", "7"],
    ]);
    expect(fields[0].description).toBe("Who to greet");
    expect(fields[3].options).toEqual([{ value: "fast", selected: true }, { value: "slow", selected: false }]);
    expect(fields[5].required).toBe(true);
  });

  it("turns the submitted form into conf with the params' types, the JSON box on top", () => {
    const conf = confFromForm(params, {
      "param.name": "Ada", "param.count": "3", "param.loud": "true", "param.mode": "slow", "param.options": '{"retries": 4}', "param.target": "",
      "param.plain": "8", conf: '{"extra": [1, 2], "name": "Grace"}',
    });
    expect(conf).toEqual({ name: "Grace", count: 3, loud: true, mode: "slow", options: { retries: 4 }, plain: 8, extra: [1, 2] });
    expect(confFromForm(params, {}).loud).toBe(false);
  });

  it("says which field is wrong", () => {
    expect(() => confFromForm(params, { "param.count": "many" })).toThrow("count must be a number.");
    expect(() => confFromForm(params, { "param.options": "{oops" })).toThrow("options must be valid JSON.");
    expect(() => confFromForm(params, { conf: "[1]" })).toThrow("Configuration JSON must be an object");
  });
});
