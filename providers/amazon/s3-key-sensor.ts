import type { TaskContext } from "../../core/context.ts";
import { BaseSensorOperator, type SensorOptions } from "../../core/sensor.ts";
import { S3Hook, type S3ObjectInfo } from "./s3-hook.ts";
import { bucketAndKey } from "./s3-url.ts";

export interface S3KeySensorOptions extends SensorOptions {
  /** One key or several (all must exist); s3:// URLs or keys of `bucketName`. Templated. */
  bucketKey: string | string[];
  bucketName?: string;
  /** Treat the keys as fnmatch patterns (`*`, `?`, `[…]`). */
  wildcardMatch?: boolean;
  /** Done only when it returns true for the matched objects' metadata (e.g. sizes). */
  checkFn?: (files: S3ObjectInfo[], context: TaskContext) => boolean | Promise<boolean>;
  awsConnId?: string;
}

/** Airflow's S3KeySensor: waits until every key (or wildcard pattern) exists in S3. */
export class S3KeySensor extends BaseSensorOperator {
  static override templateFields: readonly string[] = ["bucketKey", "bucketName"];
  bucketKey: string | string[];
  bucketName: string | undefined;
  wildcardMatch: boolean;
  checkFn: S3KeySensorOptions["checkFn"];
  awsConnId: string;

  constructor(options: S3KeySensorOptions) {
    super(options);
    this.bucketKey = options.bucketKey;
    this.bucketName = options.bucketName;
    this.wildcardMatch = options.wildcardMatch ?? false;
    this.checkFn = options.checkFn;
    this.awsConnId = options.awsConnId ?? "aws_default";
    const keys = typeof this.bucketKey === "string" ? [this.bucketKey] : this.bucketKey;
    if (!Array.isArray(keys) || keys.length === 0) throw new TypeError(`S3KeySensor "${options.taskId}" needs bucketKey: a key or a list of keys.`);
  }

  override async poke(context: TaskContext): Promise<boolean> {
    let connection;
    try {
      connection = await context.connections.get(this.awsConnId);
    } catch (error) {
      if (this.awsConnId !== "aws_default") throw error;
    }
    const hook = new S3Hook({ awsConnId: this.awsConnId, connection });
    const keys = typeof this.bucketKey === "string" ? [this.bucketKey] : this.bucketKey;
    const found: S3ObjectInfo[] = [];
    for (const key of keys) {
      const where = bucketAndKey(key, this.bucketName, "bucketKey", "bucketName");
      context.log.info(`Poking for key : s3://${where.bucket}/${where.key}`);
      if (this.wildcardMatch) {
        const matches = await hook.getWildcardKeys(where.key, where.bucket);
        if (matches.length === 0) return false;
        found.push(...matches);
      } else {
        const info = await hook.headObject(where.key, where.bucket);
        if (!info) return false;
        found.push(info);
      }
    }
    return this.checkFn ? Boolean(await this.checkFn(found, context)) : true;
  }
}
