import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../core/store/database.ts";
import { setConnectionForTest } from "./helpers/secrets-fixtures.ts";
import { setVariable } from "../core/store/queries/variables.ts";
import { AwsSecretsManagerBackend } from "../secrets/aws-secrets-manager.ts";
import { createBackend, secretsConfigFrom } from "../secrets/config.ts";
import { LocalFilesystemBackend } from "../secrets/local-filesystem.ts";
import { SecretsLookup } from "../secrets/lookup.ts";
import { VaultBackend } from "../secrets/vault.ts";
import { BACKENDS, describePostgres } from "./helpers/databases.ts";
import { describeMoto, startMoto, type MotoServer } from "./helpers/moto-server.ts";
import { startVaultKvServer, type VaultKvServer } from "./helpers/vault-kv-server.ts";

describe("Vault KV v2 backend (against a local server speaking Vault's API)", () => {
  let vault: VaultKvServer;
  beforeAll(async () => {
    vault = await startVaultKvServer();
    vault.put("connections/warehouse", { conn_type: "postgres", host: "db.internal", login: "etl", password: "vault-pw-1", port: 5432, schema: "dw", extra: { sslmode: "require" } });
    vault.put("connections/api", { conn_uri: "http://svc:uri-pw-2@api.internal:8080/v1?timeout=5" });
    vault.put("variables/region", { value: "eu-west-1" });
    vault.put("team-a/variables/quota", { value: "42" });
  });
  afterAll(() => vault.close());

  it("reads connections (fields or conn_uri) and variables with a token, as Airflow's VaultBackend lays them out", async () => {
    const backend = new VaultBackend({ url: vault.url, token: vault.rootToken });
    expect(await backend.getConnection("warehouse")).toMatchObject({ connType: "postgres", host: "db.internal", login: "etl", password: "vault-pw-1", port: 5432, schema: "dw", extra: { sslmode: "require" } });
    expect(await backend.getConnection("api")).toMatchObject({ connType: "http", host: "api.internal", port: 8080, password: "uri-pw-2", extra: { timeout: "5" } });
    expect(await backend.getVariable("region")).toBe("eu-west-1");
    expect(await backend.getVariable("absent")).toBeUndefined();
    expect(await backend.getConnection("absent")).toBeUndefined();
  });

  it("honours variables_path and turns a kind off when its path is null", async () => {
    const backend = new VaultBackend({ url: vault.url, token: vault.rootToken, variables_path: "team-a/variables", connections_path: null });
    expect(await backend.getVariable("quota")).toBe("42");
    expect(await backend.getConnection("warehouse")).toBeUndefined();
  });

  it("logs in with AppRole, and logs in again once when its token is refused", async () => {
    const { roleId, secretId } = vault.addAppRole();
    const backend = new VaultBackend({ url: vault.url, auth_type: "approle", role_id: roleId, secret_id: secretId });
    const before = vault.requests.filter((r) => r.endsWith("/login")).length;
    expect(await backend.getVariable("region")).toBe("eu-west-1");
    // Revoke every token but root: the backend's token now fails as an expired one does.
    const token = (backend as unknown as { token: string }).token;
    vault.revoke(token);
    expect(await backend.getVariable("region")).toBe("eu-west-1");
    expect(vault.requests.filter((r) => r.endsWith("/login")).length - before).toBe(2);
  });

  it("reports a wrong token or AppRole instead of treating the secret as absent", async () => {
    await expect(new VaultBackend({ url: vault.url, token: "hvs.wrong" }).getVariable("region")).rejects.toThrow(/Vault refused .*403.*permission denied/);
    await expect(new VaultBackend({ url: vault.url, auth_type: "approle", role_id: "x", secret_id: "y" }).getVariable("region")).rejects.toThrow(/AppRole login .* failed: 400/);
    expect(() => new VaultBackend({ url: vault.url, auth_type: "approle" })).toThrow(/role_id/);
  });

  it("is configured like Airflow: backend class path + kwargs JSON", async () => {
    const config = secretsConfigFrom({
      AIRFLOW__SECRETS__BACKEND: "airflow.providers.hashicorp.secrets.vault.VaultBackend",
      AIRFLOW__SECRETS__BACKEND_KWARGS: JSON.stringify({ url: vault.url, token: vault.rootToken, mount_point: "secret" }),
      UPDRAFT_SECRETS_CACHE_TTL_SECONDS: "5",
    });
    expect(config.cacheTtlMs).toBe(5000);
    expect(await config.backend!.getVariable("region")).toBe("eu-west-1");
    expect(() => createBackend("nope", "{}")).toThrow(/Unknown secrets backend "nope": use vault, aws-secrets-manager, local-filesystem/);
    expect(() => createBackend("vault", "{not json")).toThrow(/not valid JSON/);
  });
});

describe("local filesystem backend (JSON, YAML, .env)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-secrets-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads each format, and sees an edited file at the next lookup", async () => {
    await writeFile(join(dir, "vars.json"), JSON.stringify({ region: "us-east-1", limits: { max: 3 } }));
    await writeFile(join(dir, "conns.yaml"), "warehouse:\n  conn_type: postgres\n  host: db\n  password: yaml-pw-1\napi: http://u:p4ssword@api:80/\n");
    await writeFile(join(dir, "more.env"), "# comment\nsmtp=smtp://mailer:env-pw-3@mail.internal:25\nquoted='a b'\n");
    const backend = new LocalFilesystemBackend({ variables_file_path: join(dir, "vars.json"), connections_file_path: join(dir, "conns.yaml") });
    expect(await backend.getVariable("region")).toBe("us-east-1");
    expect(await backend.getVariable("limits")).toBe('{"max":3}');
    expect(await backend.getConnection("warehouse")).toMatchObject({ connType: "postgres", host: "db", password: "yaml-pw-1" });
    expect(await backend.getConnection("api")).toMatchObject({ connType: "http", login: "u", password: "p4ssword" });
    const env = new LocalFilesystemBackend({ connections_file_path: join(dir, "more.env"), variables_file_path: join(dir, "more.env") });
    expect(await env.getConnection("smtp")).toMatchObject({ connType: "smtp", password: "env-pw-3", port: 25 });
    expect(await env.getVariable("quoted")).toBe("a b");
    await writeFile(join(dir, "vars.json"), JSON.stringify({ region: "ap-south-1" }));
    expect(await backend.getVariable("region")).toBe("ap-south-1");
  });

  it("names the file and line of a malformed entry; a missing file holds nothing", async () => {
    await writeFile(join(dir, "bad.env"), "ok=1\nthis line has no equals\n");
    await expect(new LocalFilesystemBackend({ variables_file_path: join(dir, "bad.env") }).getVariable("ok")).rejects.toThrow(/bad\.env, line 2: expected KEY=value/);
    await writeFile(join(dir, "bad.json"), "{");
    await expect(new LocalFilesystemBackend({ variables_file_path: join(dir, "bad.json") }).getVariable("x")).rejects.toThrow(/bad\.json is not valid JSON/);
    expect(await new LocalFilesystemBackend({ variables_file_path: join(dir, "none.json") }).getVariable("x")).toBeUndefined();
  });
});

describeMoto("AWS Secrets Manager backend (against moto)", () => {
  let moto: MotoServer;
  let client: SecretsManagerClient;
  const kwargs = () => ({ endpoint_url: moto.url, region_name: "us-east-1", aws_access_key_id: "test", aws_secret_access_key: "test" });
  beforeAll(async () => {
    moto = await startMoto();
    client = new SecretsManagerClient({ endpoint: moto.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    await client.send(new CreateSecretCommand({ Name: "airflow/connections/warehouse", SecretString: "postgres://etl:aws-pw-1@db.internal:5432/dw" }));
    await client.send(new CreateSecretCommand({ Name: "airflow/connections/api", SecretString: JSON.stringify({ conn_type: "http", host: "api.internal", password: "aws-pw-2", extra: { api_key: "k-12345" } }) }));
    await client.send(new CreateSecretCommand({ Name: "airflow/variables/region", SecretString: "eu-central-1" }));
    await client.send(new CreateSecretCommand({ Name: "team_b-vars-quota", SecretString: "7" }));
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it("reads connections (URI or JSON) and variables named as Airflow's SecretsManagerBackend names them", async () => {
    const backend = new AwsSecretsManagerBackend(kwargs());
    expect(await backend.getConnection("warehouse")).toMatchObject({ connType: "postgres", login: "etl", password: "aws-pw-1", port: 5432, schema: "dw" });
    expect(await backend.getConnection("api")).toMatchObject({ connType: "http", password: "aws-pw-2", extra: { api_key: "k-12345" } });
    expect(await backend.getVariable("region")).toBe("eu-central-1");
    expect(await backend.getVariable("absent")).toBeUndefined();
    const custom = new AwsSecretsManagerBackend({ ...kwargs(), variables_prefix: "team_b-vars", sep: "-", connections_prefix: null });
    expect(await custom.getVariable("quota")).toBe("7");
    expect(await custom.getConnection("warehouse")).toBeUndefined();
  });

  it("sees a rotated secret once the lookup's TTL has passed, without a restart", async () => {
    let now = 1_000_000;
    const lookup = new SecretsLookup(null, new AwsSecretsManagerBackend(kwargs()), 60_000, () => now);
    expect((await lookup.variable("region"))?.value).toBe("eu-central-1");
    await client.send(new PutSecretValueCommand({ SecretId: "airflow/variables/region", SecretString: "eu-north-1" }));
    now += 30_000;
    expect((await lookup.variable("region"))?.value).toBe("eu-central-1");
    now += 31_000;
    expect(await lookup.variable("region")).toEqual({ value: "eu-north-1", source: "backend" });
  });
});

// The database is incidental here (encryption on both back ends is tested in connections-variables-cli.test.ts).
describePostgres("lookup order: environment → backend → database", () => {
  let db: Database;
  let vault: VaultKvServer;
  const saved = { ...process.env };
  beforeAll(async () => {
    db = await BACKENDS.find((b) => b.name === "postgres")!.open();
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    vault = await startVaultKvServer();
  });
  afterEach(async () => {
    process.env = { ...saved };
    await vault.close();
  });

  it("takes the first source that has the value; the database answers what no other source has", async () => {
    await setVariable(db, { key: "tier", val: "from-db", description: null });
    await setVariable(db, { key: "only_db", val: "db-only", description: null });
    await setConnectionForTest(db, "warehouse", "postgres://etl:db-pw@db:5432/dw");
    vault.put("variables/tier", { value: "from-vault" });
    vault.put("connections/warehouse", { conn_type: "postgres", host: "vault-db", password: "vault-pw" });
    const lookup = new SecretsLookup(db, new VaultBackend({ url: vault.url, token: vault.rootToken }), 60_000);
    expect(await lookup.variable("tier")).toEqual({ value: "from-vault", source: "backend" });
    expect(await lookup.variable("only_db")).toEqual({ value: "db-only", source: "database" });
    expect((await lookup.connection("warehouse"))).toMatchObject({ source: "backend", value: { host: "vault-db", password: "vault-pw" } });
    process.env.UPDRAFT_VAR_TIER = "from-env";
    process.env.AIRFLOW_CONN_WAREHOUSE = "postgres://etl:env-pw@env-db:5432/dw";
    expect(await lookup.variable("tier")).toEqual({ value: "from-env", source: "environment" });
    expect(await lookup.connection("warehouse")).toMatchObject({ source: "environment", value: { host: "env-db", password: "env-pw" } });
    expect(await lookup.variable("nowhere")).toBeUndefined();
  });

  it("caches backend answers for the TTL only, and does not cache misses", async () => {
    let now = 0;
    const lookup = new SecretsLookup(db, new VaultBackend({ url: vault.url, token: vault.rootToken }), 1000, () => now);
    expect(await lookup.variable("rotating")).toBeUndefined();
    vault.put("variables/rotating", { value: "v1" });
    expect((await lookup.variable("rotating"))?.value).toBe("v1");
    vault.put("variables/rotating", { value: "v2" });
    const reads = vault.requests.length;
    expect((await lookup.variable("rotating"))?.value).toBe("v1");
    expect(vault.requests.length).toBe(reads);
    now = 1001;
    expect((await lookup.variable("rotating"))?.value).toBe("v2");
  });
});
