import { describe, expect, it } from "vitest";
import { parseConnectionUri, parseConnectionValue } from "../core/connection-uri.ts";

// Airflow's connection URIs, split as Python's urlsplit does (Connection._parse_from_uri).
describe("connection URIs", () => {
  it("decodes every part, lower-cases the host and maps the type", () => {
    expect(parseConnectionUri("wh", "postgresql://us%40er:p%3Ass@db.Example.com:5433/warehouse?sslmode=require")).toEqual({
      connId: "wh", connType: "postgres", host: "db.example.com", login: "us@er", password: "p:ss", schema: "warehouse", port: 5433,
      extra: { sslmode: "require" },
    });
    expect(parseConnectionUri("g", "google-cloud-platform://?__extra__=%7B%22project%22%3A%22p%22%7D")).toMatchObject({ connType: "google_cloud_platform", host: null, extra: { project: "p" } });
  });

  it("accepts credentials with no host (Airflow's documented AWS form), with or without the slash", () => {
    for (const uri of ["aws://KEY:SECRET@/?region_name=eu-central-1", "aws://KEY:SECRET@?region_name=eu-central-1"]) {
      expect(parseConnectionUri("aws", uri)).toEqual({
        connId: "aws", connType: "aws", host: null, login: "KEY", password: "SECRET", schema: null, port: null, extra: { region_name: "eu-central-1" },
      });
    }
  });

  it("keeps a host's own protocol, IPv6 hosts, a password without login", () => {
    expect(parseConnectionUri("h", "http://https://api.example.com/v1")).toMatchObject({ host: "https://api.example.com", schema: "v1" });
    expect(parseConnectionUri("m", "mysql://[::1]:3306/db")).toMatchObject({ host: "::1", port: 3306, schema: "db" });
    expect(parseConnectionUri("r", "redis://:pw@localhost:6379/0")).toMatchObject({ login: null, password: "pw", host: "localhost", port: 6379, schema: "0" });
  });

  it("refuses what is not a connection URI, saying what the form is", () => {
    expect(() => parseConnectionUri("x", "not a uri")).toThrow(/expected "<type>:\/\//);
    expect(() => parseConnectionUri("x", "postgres://host:99999/db")).toThrow(/invalid port "99999"/);
    expect(parseConnectionValue("j", '{"conn_type": "http", "host": "h", "extra": "{\\"a\\": 1}"}')).toMatchObject({ connType: "http", host: "h", extra: { a: 1 } });
  });
});
