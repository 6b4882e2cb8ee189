import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dag } from "updraft";
import { runDag } from "updraft/testing";
import {
  LocalFilesystemToS3Operator, S3CopyObjectOperator, S3CreateObjectOperator, S3DeleteObjectsOperator, S3Hook, S3KeySensor, S3ListOperator,
  S3ToLocalFilesystemOperator, fnmatch, parseS3Url, s3ClientConfig,
} from "updraft/providers/amazon";
import { parseConnectionValue } from "../core/connection-uri.ts";
import { freePort } from "./helpers/free-port.ts";
import { describeMoto, startMoto, type MotoServer } from "./helpers/moto-server.ts";
import { connectionsFrom } from "./helpers/provider-secrets.ts";

describe("S3 URLs, wildcards and connection settings", () => {
  it("parses s3 URLs and matches keys like Python's fnmatch", () => {
    expect(parseS3Url("s3://bucket/a/b.csv")).toEqual({ bucket: "bucket", key: "a/b.csv" });
    expect(() => parseS3Url("bucket/a")).toThrow(/s3:\/\/<bucket>\/<key>/);
    expect(fnmatch("raw/2024/01/03/orders.csv", "raw/*/orders.csv")).toBe(true);
    expect(fnmatch("raw/a.json", "raw/*.csv")).toBe(false);
    expect(fnmatch("part-7.parquet", "part-[0-9].parquet")).toBe(true);
    expect(fnmatch("part-x.parquet", "part-[!0-9].parquet")).toBe(true);
    expect(fnmatch("a+b(1).txt", "a+b(?).txt")).toBe(true);
  });

  it("reads endpoint_url, region and path-style addressing from the aws connection's extra", () => {
    const config = s3ClientConfig(parseConnectionValue("aws", JSON.stringify({ conn_type: "aws", login: "KEY", password: "SECRET", extra: { region_name: "eu-west-1", endpoint_url: "http://127.0.0.1:9000" } })));
    expect(config).toMatchObject({ region: "eu-west-1", endpoint: "http://127.0.0.1:9000", forcePathStyle: true, credentials: { accessKeyId: "KEY", secretAccessKey: "SECRET" } });
    expect(s3ClientConfig({ connId: "a", connType: "aws", extra: { service_config: { s3: { endpoint_url: "http://x" } }, config_kwargs: { s3: { addressing_style: "virtual" } } } })).toMatchObject({ endpoint: "http://x", forcePathStyle: false });
  });
});

describeMoto("S3 provider against moto", () => {
  let moto: MotoServer;
  let connUri: string;
  const bucket = "updraft-s3-test";

  beforeAll(async () => {
    moto = await startMoto();
    connUri = JSON.stringify({ conn_type: "aws", login: "testing", password: "testing", extra: { region_name: "us-east-1", endpoint_url: moto.url } });
  }, 40_000);
  afterAll(() => moto?.stop());

  const hook = () => new S3Hook({ connection: parseConnectionValue("aws_test", connUri) });

  it("creates buckets, writes, lists past a page, copies, reads, downloads and deletes", async () => {
    const h = hook();
    await h.createBucket(bucket);
    expect(await h.checkForBucket(bucket)).toBe(true);
    expect(await h.checkForBucket("no-such-bucket")).toBe(false);
    await h.loadString("a,b\n1,2\n", "raw/2024-01-03/orders.csv", bucket);
    await expect(h.loadString("again", `s3://${bucket}/raw/2024-01-03/orders.csv`)).rejects.toThrow(/already exists.*replace: true/);
    await h.loadString("new", `s3://${bucket}/raw/2024-01-03/orders.csv`, undefined, { replace: true });
    expect(await h.readKey("raw/2024-01-03/orders.csv", bucket)).toBe("new");
    // Three pages of two keys: every page is followed.
    await Promise.all(Array.from({ length: 5 }, (_, i) => h.loadString(String(i), `many/${i}`, bucket)));
    expect(await h.listKeys(bucket, { prefix: "many/", pageSize: 2 })).toEqual(["many/0", "many/1", "many/2", "many/3", "many/4"]);
    expect(await h.listKeys(bucket, { prefix: "many/", pageSize: 2, maxItems: 3 })).toHaveLength(3);
    expect(await h.listPrefixes(bucket, "", "/")).toEqual(["many/", "raw/"]);
    await h.copyObject(`s3://${bucket}/raw/2024-01-03/orders.csv`, "copies/orders copy.csv", undefined, bucket);
    expect(await h.readKey(`s3://${bucket}/copies/orders copy.csv`)).toBe("new");
    const dir = mkdtempSync(join(tmpdir(), "updraft-s3-"));
    const file = await h.downloadFile("copies/orders copy.csv", bucket, dir, true);
    expect(readFileSync(file, "utf8")).toBe("new");
    await h.deleteObjects(bucket, await h.listKeys(bucket, { prefix: "many/" }));
    expect(await h.listKeys(bucket, { prefix: "many/" })).toEqual([]);
    await expect(h.readKey("missing", bucket)).rejects.toThrow(/not found/);
    expect(await h.testConnection()).toEqual({ ok: true, message: "Connection successfully tested" });
  });

  it("runs upload, list, copy, download, delete operators and key sensors in a DAG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "updraft-s3-dag-"));
    writeFileSync(join(dir, "local.json"), JSON.stringify({ rows: 3 }));
    await hook().createBucket("dag-bucket");
    const built = dag({ dagId: "s3_provider_ops", schedule: null, startDate: "2024-01-01" }, () => {
      const create = new S3CreateObjectOperator({ taskId: "create", awsConnId: "aws_test", s3Key: "s3://dag-bucket/in/{{ ds }}/report.txt", data: "report for {{ ds }}" });
      const upload = new LocalFilesystemToS3Operator({ taskId: "upload", awsConnId: "aws_test", filename: join(dir, "local.json"), destKey: "in/{{ ds }}/local.json", destBucket: "dag-bucket" });
      const wait = new S3KeySensor({ taskId: "wait", awsConnId: "aws_test", bucketName: "dag-bucket", bucketKey: ["in/*/report.txt", "in/*/local.json"], wildcardMatch: true, checkFn: (files) => files.every((f) => f.size > 0), pokeInterval: 0.05, timeout: 5 });
      const list = new S3ListOperator({ taskId: "list", awsConnId: "aws_test", bucket: "dag-bucket", prefix: "in/" });
      const copy = new S3CopyObjectOperator({ taskId: "copy", awsConnId: "aws_test", sourceBucketKey: "s3://dag-bucket/in/{{ ds }}/report.txt", destBucketKey: "s3://dag-bucket/archive/report.txt" });
      const download = new S3ToLocalFilesystemOperator({ taskId: "download", awsConnId: "aws_test", s3Key: "archive/report.txt", s3Bucket: "dag-bucket", localPath: join(dir, "out") });
      const remove = new S3DeleteObjectsOperator({ taskId: "remove", awsConnId: "aws_test", bucket: "dag-bucket", prefix: "in/" });
      const gone = new S3KeySensor({ taskId: "gone_key", awsConnId: "aws_test", bucketKey: "s3://dag-bucket/in/2024-01-03/report.txt", pokeInterval: 0.05, timeout: 0.3 });
      const exists = new S3CreateObjectOperator({ taskId: "exists", awsConnId: "aws_test", s3Key: "s3://dag-bucket/archive/report.txt", data: "x" });
      [create, upload].forEach((t) => t.then(wait));
      wait.then(list).then(copy).then(download).then(remove).then([gone, exists]);
    });
    const run = await runDag(built, { logicalDate: "2024-01-03", secrets: connectionsFrom({ aws_test: connUri }) });
    expect(run.states).toEqual({ create: "success", upload: "success", wait: "success", list: "success", copy: "success", download: "success", remove: "success", gone_key: "failed", exists: "failed" });
    expect(run.returnValue("list")).toEqual(["in/2024-01-03/local.json", "in/2024-01-03/report.txt"]);
    expect(readFileSync(run.returnValue("download") as string, "utf8")).toBe("report for 2024-01-03");
    expect(await hook().listKeys("dag-bucket")).toEqual(["archive/report.txt"]);
    expect(run.logs.join("\n")).toMatch(/did not succeed within its timeout[\s\S]*already exists/);
  });

  it("says what to start when nothing answers at the endpoint", async () => {
    const port = await freePort();
    const down = new S3Hook({ connection: { connId: "down", connType: "aws", login: "k", password: "s", extra: { endpoint_url: `http://127.0.0.1:${port}` } } });
    await expect(down.listKeys("b")).rejects.toThrow(/nothing answers at 127.0.0.1.*Start the S3 service or fix the endpoint_url of connection "down"/);
  });
});
