import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import type { S3Client, _Object } from "@aws-sdk/client-s3";
import type { TaskLogger } from "../../core/context.ts";
import type { ConnectionInfo } from "../../core/types.ts";
import { getConnection } from "../common/connection.ts";
import { s3ClientConfig } from "./client-config.ts";
import { bucketAndKey, fnmatch, wildcardPrefix } from "./s3-url.ts";

export interface S3HookOptions {
  /** Default "aws_default". A connection that is not defined means the SDK's default credentials chain. */
  awsConnId?: string;
  connection?: ConnectionInfo;
  log?: TaskLogger;
}

export interface ListKeysOptions {
  prefix?: string;
  delimiter?: string;
  startAfterKey?: string;
  /** Keys per ListObjectsV2 request (S3's default and maximum is 1000). */
  pageSize?: number;
  /** Stop after this many keys. */
  maxItems?: number;
  fromDatetime?: Date;
  toDatetime?: Date;
  /** Filters the listed objects (Airflow's `object_filter`). */
  objectFilter?: (objects: _Object[], fromDatetime?: Date, toDatetime?: Date) => _Object[];
}

export interface S3ObjectInfo {
  key: string;
  size: number;
  lastModified: Date | undefined;
  eTag: string | undefined;
}

type S3Sdk = typeof import("@aws-sdk/client-s3");
let sdk: Promise<S3Sdk> | undefined;
// The SDK is large: loaded when the first S3 call runs, so DAG files that import this provider parse fast.
const loadSdk = () => (sdk ??= import("@aws-sdk/client-s3"));

/** Airflow's S3Hook on the AWS SDK v3. Method names and arguments follow Airflow's, camelCased. */
export class S3Hook {
  readonly awsConnId: string;
  private connection: ConnectionInfo | undefined | null;
  private client: S3Client | undefined;
  private readonly log: TaskLogger | undefined;

  constructor(options: S3HookOptions = {}) {
    this.awsConnId = options.awsConnId ?? options.connection?.connId ?? "aws_default";
    this.connection = options.connection;
    this.log = options.log;
  }

  /** The SDK client (Airflow's `get_conn`). */
  async getConn(): Promise<S3Client> {
    if (this.client) return this.client;
    if (this.connection === undefined) {
      try {
        this.connection = await getConnection(this.awsConnId);
      } catch (error) {
        // As Airflow: aws_default missing means "use the environment's credentials"; any other id must exist.
        if (this.awsConnId !== "aws_default") throw error;
        this.connection = null;
      }
    }
    const { S3Client } = await loadSdk();
    this.client = new S3Client(s3ClientConfig(this.connection ?? undefined));
    return this.client;
  }

  private async send<T>(make: (sdk: S3Sdk) => { input: unknown }, what: string): Promise<T> {
    const client = await this.getConn();
    const command = make(await loadSdk());
    try {
      return (await client.send(command as never)) as T;
    } catch (error) {
      throw explain(error, what, this.awsConnId, (await client.config.endpoint?.())?.hostname);
    }
  }

  async checkForBucket(bucketName: string): Promise<boolean> {
    try {
      await this.send((s) => new s.HeadBucketCommand({ Bucket: bucketName }), `check bucket ${bucketName}`);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async createBucket(bucketName: string, regionName?: string): Promise<void> {
    const region = regionName ?? (await (await this.getConn()).config.region());
    await this.send(
      (s) => new s.CreateBucketCommand({ Bucket: bucketName, ...(region && region !== "us-east-1" ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}) }),
      `create bucket ${bucketName}`,
    );
  }

  /** Deletes a bucket; with `forceDelete`, its objects first. */
  async deleteBucket(bucketName: string, forceDelete = false): Promise<void> {
    if (forceDelete) {
      const keys = await this.listKeys(bucketName);
      if (keys.length) await this.deleteObjects(bucketName, keys);
    }
    await this.send((s) => new s.DeleteBucketCommand({ Bucket: bucketName }), `delete bucket ${bucketName}`);
  }

  /** Every key under `prefix`, all pages (Airflow's `list_keys`). */
  async listKeys(bucketName: string, options: ListKeysOptions = {}): Promise<string[]> {
    let objects = (await this.listObjects(bucketName, options)).contents;
    if (options.fromDatetime || options.toDatetime || options.objectFilter) {
      objects = options.objectFilter
        ? options.objectFilter(objects, options.fromDatetime, options.toDatetime)
        : objects.filter((o) => (!options.fromDatetime || (o.LastModified && o.LastModified > options.fromDatetime)) && (!options.toDatetime || (o.LastModified && o.LastModified < options.toDatetime)));
    }
    return objects.map((o) => o.Key!);
  }

  /** The common prefixes under `prefix` up to `delimiter` (Airflow's `list_prefixes`). */
  async listPrefixes(bucketName: string, prefix = "", delimiter = "/"): Promise<string[]> {
    return (await this.listObjects(bucketName, { prefix, delimiter })).prefixes;
  }

  private async listObjects(bucketName: string, options: ListKeysOptions): Promise<{ contents: _Object[]; prefixes: string[] }> {
    const contents: _Object[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<import("@aws-sdk/client-s3").ListObjectsV2CommandOutput>(
        (s) => new s.ListObjectsV2Command({ Bucket: bucketName, Prefix: options.prefix || undefined, Delimiter: options.delimiter || undefined, StartAfter: options.startAfterKey, ContinuationToken: token, MaxKeys: options.pageSize }),
        `list s3://${bucketName}/${options.prefix ?? ""}`,
      );
      contents.push(...(page.Contents ?? []));
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (options.maxItems !== undefined && contents.length >= options.maxItems) {
        contents.length = options.maxItems;
        break;
      }
    } while (token);
    return { contents, prefixes };
  }

  /** The object's metadata, or null when it does not exist (Airflow's `head_object`). */
  async headObject(key: string, bucketName?: string): Promise<S3ObjectInfo | null> {
    const where = bucketAndKey(key, bucketName, "key", "bucketName");
    try {
      const head = await this.send<import("@aws-sdk/client-s3").HeadObjectCommandOutput>((s) => new s.HeadObjectCommand({ Bucket: where.bucket, Key: where.key }), `read s3://${where.bucket}/${where.key}`);
      return { key: where.key, size: head.ContentLength ?? 0, lastModified: head.LastModified, eTag: head.ETag };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async checkForKey(key: string, bucketName?: string): Promise<boolean> {
    return (await this.headObject(key, bucketName)) !== null;
  }

  /** Keys matching a wildcard (fnmatch: `*`, `?`, `[…]`), listing from the part before the first wildcard. */
  async getWildcardKeys(wildcardKey: string, bucketName?: string, delimiter = ""): Promise<S3ObjectInfo[]> {
    const where = bucketAndKey(wildcardKey, bucketName, "wildcardKey", "bucketName");
    const { contents } = await this.listObjects(where.bucket, { prefix: wildcardPrefix(where.key), delimiter });
    return contents
      .filter((o) => fnmatch(o.Key!, where.key))
      .map((o) => ({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified, eTag: o.ETag }));
  }

  async checkForWildcardKey(wildcardKey: string, bucketName?: string, delimiter = ""): Promise<boolean> {
    return (await this.getWildcardKeys(wildcardKey, bucketName, delimiter)).length > 0;
  }

  async readKey(key: string, bucketName?: string): Promise<string> {
    return (await this.readKeyBytes(key, bucketName)).toString("utf8");
  }

  async readKeyBytes(key: string, bucketName?: string): Promise<Buffer> {
    const where = bucketAndKey(key, bucketName, "key", "bucketName");
    const object = await this.send<import("@aws-sdk/client-s3").GetObjectCommandOutput>((s) => new s.GetObjectCommand({ Bucket: where.bucket, Key: where.key }), `read s3://${where.bucket}/${where.key}`);
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async loadString(stringData: string, key: string, bucketName?: string, options: { replace?: boolean; encrypt?: boolean; contentType?: string } = {}): Promise<void> {
    await this.loadBytes(Buffer.from(stringData, "utf8"), key, bucketName, options);
  }

  /** Uploads bytes; with `replace` false (the default, as Airflow) an existing key is an error. */
  async loadBytes(bytesData: Uint8Array, key: string, bucketName?: string, options: { replace?: boolean; encrypt?: boolean; contentType?: string } = {}): Promise<void> {
    const where = bucketAndKey(key, bucketName, "key", "bucketName");
    if (!options.replace && (await this.checkForKey(where.key, where.bucket))) {
      throw new Error(`The key ${where.key} already exists in bucket ${where.bucket}: pass replace: true to overwrite it.`);
    }
    await this.send(
      (s) => new s.PutObjectCommand({ Bucket: where.bucket, Key: where.key, Body: bytesData, ContentType: options.contentType, ...(options.encrypt ? { ServerSideEncryption: "AES256" } : {}) }),
      `write s3://${where.bucket}/${where.key}`,
    );
    this.log?.info(`Uploaded ${bytesData.byteLength} bytes to s3://${where.bucket}/${where.key}`);
  }

  async loadFile(filename: string, key: string, bucketName?: string, options: { replace?: boolean; encrypt?: boolean } = {}): Promise<void> {
    await this.loadBytes(await readFile(filename), key, bucketName, options);
  }

  /**
   * Downloads an object into `localPath` (a folder); the file is named after the key with `preserveFileName`,
   * else `airflow_tmp_<random>` as Airflow names it. Returns the file's path.
   */
  async downloadFile(key: string, bucketName: string | undefined, localPath: string, preserveFileName = false): Promise<string> {
    const where = bucketAndKey(key, bucketName, "key", "bucketName");
    const object = await this.send<import("@aws-sdk/client-s3").GetObjectCommandOutput>((s) => new s.GetObjectCommand({ Bucket: where.bucket, Key: where.key }), `download s3://${where.bucket}/${where.key}`);
    await mkdir(localPath, { recursive: true });
    const file = join(localPath, preserveFileName ? basename(where.key) : `airflow_tmp_${Math.random().toString(36).slice(2, 10)}`);
    await pipeline(object.Body as Readable, createWriteStream(file));
    this.log?.info(`Downloaded s3://${where.bucket}/${where.key} to ${file}`);
    return file;
  }

  async copyObject(sourceBucketKey: string, destBucketKey: string, sourceBucketName?: string, destBucketName?: string): Promise<void> {
    const source = bucketAndKey(sourceBucketKey, sourceBucketName, "sourceBucketKey", "sourceBucketName");
    const dest = bucketAndKey(destBucketKey, destBucketName, "destBucketKey", "destBucketName");
    await this.send(
      (s) => new s.CopyObjectCommand({ Bucket: dest.bucket, Key: dest.key, CopySource: `${source.bucket}/${source.key.split("/").map(encodeURIComponent).join("/")}` }),
      `copy s3://${source.bucket}/${source.key} to s3://${dest.bucket}/${dest.key}`,
    );
  }

  /** Deletes keys in batches of 1000 (the API's limit); fails naming the keys S3 refused. */
  async deleteObjects(bucket: string, keys: string | readonly string[]): Promise<void> {
    const all = typeof keys === "string" ? [keys] : [...keys];
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      const result = await this.send<import("@aws-sdk/client-s3").DeleteObjectsCommandOutput>(
        (s) => new s.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
        `delete ${chunk.length} keys from ${bucket}`,
      );
      if (result.Errors?.length) throw new Error(`Errors when deleting: ${result.Errors.map((e) => `${e.Key} (${e.Code})`).join(", ")}`);
    }
  }

  /** Airflow's `test_connection`. */
  async testConnection(): Promise<{ ok: boolean; message: string }> {
    try {
      await this.send((s) => new s.ListBucketsCommand({}), "list buckets");
      return { ok: true, message: "Connection successfully tested" };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = (error as { cause?: unknown }).cause ?? error;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || ["NotFound", "NoSuchKey", "NoSuchBucket"].includes((e as Error).name);
}

function explain(error: unknown, what: string, connId: string, endpointHost: string | undefined): Error {
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  if (isNotFound(e)) return Object.assign(new Error(`Could not ${what}: not found (${e.name}).`, { cause: e }), { name: e.name });
  if (e.code === "ECONNREFUSED" || (e as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED" || /ECONNREFUSED/.test(String(e.message))) {
    return new Error(`Could not ${what}: nothing answers at ${endpointHost ?? "the S3 endpoint"}. Start the S3 service or fix the endpoint_url of connection "${connId}".`, { cause: e });
  }
  return new Error(`Could not ${what}: ${e.name}: ${e.message}`, { cause: e });
}
