import { BaseOperator, requireArgument, type TaskOptions } from "../../core/base-operator.ts";
import type { TaskContext } from "../../core/context.ts";
import { S3Hook } from "./s3-hook.ts";

interface AwsOptions extends TaskOptions {
  /** Default "aws_default". */
  awsConnId?: string;
}

async function hookFor(operator: { awsConnId: string }, context: TaskContext): Promise<S3Hook> {
  let connection;
  try {
    connection = await context.connections.get(operator.awsConnId);
  } catch (error) {
    if (operator.awsConnId !== "aws_default") throw error;
    connection = undefined; // the SDK's default credentials chain, as Airflow
  }
  return new S3Hook({ awsConnId: operator.awsConnId, connection, log: context.log });
}

export interface S3CreateObjectOptions extends AwsOptions {
  /** A key (with s3Bucket) or an s3:// URL. Templated. */
  s3Key: string;
  s3Bucket?: string;
  /** Templated. */
  data: string | Uint8Array;
  replace?: boolean;
  encrypt?: boolean;
}

/** Airflow's S3CreateObjectOperator: writes `data` to a key. */
export class S3CreateObjectOperator extends BaseOperator<void> {
  static override templateFields: readonly string[] = ["s3Bucket", "s3Key", "data"];
  s3Key: string;
  s3Bucket: string | undefined;
  data: string | Uint8Array;
  replace: boolean;
  encrypt: boolean;
  awsConnId: string;

  constructor(options: S3CreateObjectOptions) {
    super(options);
    requireArgument(typeof options.s3Key === "string" && options.s3Key !== "", `S3CreateObjectOperator "${options.taskId}" needs s3Key.`);
    this.s3Key = options.s3Key;
    this.s3Bucket = options.s3Bucket;
    this.data = options.data;
    this.replace = options.replace ?? false;
    this.encrypt = options.encrypt ?? false;
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<void> {
    const hook = await hookFor(this, context);
    const bytes = typeof this.data === "string" ? Buffer.from(this.data, "utf8") : this.data;
    await hook.loadBytes(bytes, this.s3Key, this.s3Bucket, { replace: this.replace, encrypt: this.encrypt });
  }
}

export interface LocalFilesystemToS3Options extends AwsOptions {
  /** Templated. */
  filename: string;
  /** A key (with destBucket) or an s3:// URL. Templated. */
  destKey: string;
  destBucket?: string;
  replace?: boolean;
  encrypt?: boolean;
}

/** Airflow's LocalFilesystemToS3Operator: uploads a local file. */
export class LocalFilesystemToS3Operator extends BaseOperator<void> {
  static override templateFields: readonly string[] = ["filename", "destKey", "destBucket"];
  filename: string;
  destKey: string;
  destBucket: string | undefined;
  replace: boolean;
  encrypt: boolean;
  awsConnId: string;

  constructor(options: LocalFilesystemToS3Options) {
    super(options);
    requireArgument(Boolean(options.filename) && Boolean(options.destKey), `LocalFilesystemToS3Operator "${options.taskId}" needs filename and destKey.`);
    this.filename = options.filename;
    this.destKey = options.destKey;
    this.destBucket = options.destBucket;
    this.replace = options.replace ?? false;
    this.encrypt = options.encrypt ?? false;
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<void> {
    await (await hookFor(this, context)).loadFile(this.filename, this.destKey, this.destBucket, { replace: this.replace, encrypt: this.encrypt });
  }
}

export interface S3ToLocalFilesystemOptions extends AwsOptions {
  /** Templated. */
  s3Key: string;
  s3Bucket?: string;
  /** Folder to download into. Templated. */
  localPath: string;
  /** Name the file after the key (default), else `airflow_tmp_<random>`. */
  preserveFileName?: boolean;
}

/** Downloads an object to a local folder (S3Hook.download_file as an operator); returns the file's path. */
export class S3ToLocalFilesystemOperator extends BaseOperator<string> {
  static override templateFields: readonly string[] = ["s3Key", "s3Bucket", "localPath"];
  s3Key: string;
  s3Bucket: string | undefined;
  localPath: string;
  preserveFileName: boolean;
  awsConnId: string;

  constructor(options: S3ToLocalFilesystemOptions) {
    super(options);
    requireArgument(Boolean(options.s3Key) && Boolean(options.localPath), `S3ToLocalFilesystemOperator "${options.taskId}" needs s3Key and localPath.`);
    this.s3Key = options.s3Key;
    this.s3Bucket = options.s3Bucket;
    this.localPath = options.localPath;
    this.preserveFileName = options.preserveFileName ?? true;
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<string> {
    return (await hookFor(this, context)).downloadFile(this.s3Key, this.s3Bucket, this.localPath, this.preserveFileName);
  }
}

export interface S3ListOptions extends AwsOptions {
  bucket: string;
  prefix?: string;
  delimiter?: string;
}

/** Airflow's S3ListOperator: the keys under a prefix, as the return XCom. */
export class S3ListOperator extends BaseOperator<string[]> {
  static override templateFields: readonly string[] = ["bucket", "prefix", "delimiter"];
  bucket: string;
  prefix: string;
  delimiter: string;
  awsConnId: string;

  constructor(options: S3ListOptions) {
    super(options);
    requireArgument(Boolean(options.bucket), `S3ListOperator "${options.taskId}" needs a bucket.`);
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    this.delimiter = options.delimiter ?? "";
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<string[]> {
    context.log.info(`Getting the list of files from bucket: ${this.bucket} in prefix: ${this.prefix} (Delimiter ${this.delimiter})`);
    return (await hookFor(this, context)).listKeys(this.bucket, { prefix: this.prefix, delimiter: this.delimiter });
  }
}

export interface S3CopyObjectOptions extends AwsOptions {
  sourceBucketKey: string;
  destBucketKey: string;
  sourceBucketName?: string;
  destBucketName?: string;
}

/** Airflow's S3CopyObjectOperator. */
export class S3CopyObjectOperator extends BaseOperator<void> {
  static override templateFields: readonly string[] = ["sourceBucketKey", "destBucketKey", "sourceBucketName", "destBucketName"];
  sourceBucketKey: string;
  destBucketKey: string;
  sourceBucketName: string | undefined;
  destBucketName: string | undefined;
  awsConnId: string;

  constructor(options: S3CopyObjectOptions) {
    super(options);
    requireArgument(Boolean(options.sourceBucketKey) && Boolean(options.destBucketKey), `S3CopyObjectOperator "${options.taskId}" needs sourceBucketKey and destBucketKey.`);
    this.sourceBucketKey = options.sourceBucketKey;
    this.destBucketKey = options.destBucketKey;
    this.sourceBucketName = options.sourceBucketName;
    this.destBucketName = options.destBucketName;
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<void> {
    await (await hookFor(this, context)).copyObject(this.sourceBucketKey, this.destBucketKey, this.sourceBucketName, this.destBucketName);
  }
}

export interface S3DeleteObjectsOptions extends AwsOptions {
  bucket: string;
  /** Keys to delete; or give `prefix` (exactly one of the two, as Airflow). */
  keys?: string | string[];
  prefix?: string;
}

/** Airflow's S3DeleteObjectsOperator. */
export class S3DeleteObjectsOperator extends BaseOperator<void> {
  static override templateFields: readonly string[] = ["keys", "bucket", "prefix"];
  bucket: string;
  keys: string | string[] | undefined;
  prefix: string | undefined;
  awsConnId: string;

  constructor(options: S3DeleteObjectsOptions) {
    super(options);
    requireArgument((options.keys === undefined) !== (options.prefix === undefined), `S3DeleteObjectsOperator "${options.taskId}": give either keys or prefix, not both or neither.`);
    this.bucket = options.bucket;
    this.keys = options.keys;
    this.prefix = options.prefix;
    this.awsConnId = options.awsConnId ?? "aws_default";
  }

  override async execute(context: TaskContext): Promise<void> {
    const hook = await hookFor(this, context);
    const keys = this.keys ?? (await hook.listKeys(this.bucket, { prefix: this.prefix }));
    if (keys.length) await hook.deleteObjects(this.bucket, keys);
    context.log.info(`Deleted ${typeof keys === "string" ? 1 : keys.length} objects from ${this.bucket}`);
  }
}
