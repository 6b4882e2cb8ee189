import { describe, expect, it } from "vitest";
import { SecretsMasker } from "../core/masking/secrets-masker.ts";
import { maskingRuntime } from "../core/masking/masking-runtime.ts";
import type { TaskRuntime } from "../core/runtime.ts";

describe("secrets masker (Airflow's secrets_masker rules)", () => {
  it("masks a learned secret in every form it is written: as is, URL-encoded, JSON-escaped; longest first", () => {
    const masker = new SecretsMasker();
    masker.add("p@ss/w\"rd");
    masker.add("p@ss/w\"rd-longer");
    expect(masker.redact('a p@ss/w"rd b p%40ss%2Fw%22rd c "p@ss/w\\"rd" d p@ss/w"rd-longer')).toBe('a *** b *** c "***" d ***');
  });

  it("masks a named value only when its name is sensitive, and under sensitive keys at any depth", () => {
    const masker = new SecretsMasker();
    masker.add("eu-west-1-region", "region");
    masker.add("tok-abcdef", "partner_API_KEY");
    masker.add({ auth: { access_token: "at-123456", scopes: ["read"] }, host: "example.com", passwords: ["first-pw-1", "second-pw-2"] });
    expect(masker.redact("eu-west-1-region tok-abcdef at-123456 read example.com first-pw-1 second-pw-2")).toBe("eu-west-1-region *** *** read example.com *** ***");
  });

  it("does not mask values shorter than 5 characters (they would hide ordinary text)", () => {
    const masker = new SecretsMasker();
    masker.add("1234");
    expect(masker.redact("port 1234")).toBe("port 1234");
  });

  it("redacts JSON: sensitive keys become ***, known secrets inside strings too, class instances are kept whole", () => {
    const masker = new SecretsMasker();
    masker.add("inline-secret");
    const date = new Date(0);
    expect(masker.redactJson({ password: "x", nested: { Token: 42, note: "has inline-secret in it" }, list: ["inline-secret"], at: date })).toEqual({
      password: "***", nested: { Token: "***", note: "has *** in it" }, list: ["***"], at: date,
    });
  });

  it("a task's runtime teaches the masker what it reads: connection password, sensitive extra, sensitive variables and JSON fields", async () => {
    const runtime: TaskRuntime = {
      xcomPush: async () => {}, xcomPull: async () => undefined, skipTasks: async () => {},
      getVariable: async (key) => (key === "db_password" ? "var-pw-12345" : key === "json_cfg" ? '{"api_key": "json-key-12345", "n": 1}' : "plain-value"),
      getConnection: async (connId) => ({ connId, connType: "http", password: "conn-pw-12345", extra: { token: "extra-tok-12345", timeout: 10 } }),
    };
    const { secretsMasker } = await import("../core/masking/secrets-masker.ts");
    const masked = maskingRuntime(runtime);
    await masked.getVariable("db_password");
    await masked.getVariable("json_cfg");
    await masked.getVariable("region");
    await masked.getConnection("c");
    expect(secretsMasker.redact("var-pw-12345 json-key-12345 plain-value conn-pw-12345 extra-tok-12345")).toBe("*** *** plain-value *** ***");
  });
});
