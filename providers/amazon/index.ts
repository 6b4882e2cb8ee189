/** Airflow's amazon provider, S3 part: `import { S3Hook, S3KeySensor } from "updraft/providers/amazon"`. */
export { S3Hook, type S3HookOptions, type ListKeysOptions, type S3ObjectInfo } from "./s3-hook.ts";
export {
  S3CreateObjectOperator, LocalFilesystemToS3Operator, S3ToLocalFilesystemOperator, S3ListOperator, S3CopyObjectOperator, S3DeleteObjectsOperator,
  type S3CreateObjectOptions, type LocalFilesystemToS3Options, type S3ToLocalFilesystemOptions, type S3ListOptions, type S3CopyObjectOptions, type S3DeleteObjectsOptions,
} from "./s3-operators.ts";
export { S3KeySensor, type S3KeySensorOptions } from "./s3-key-sensor.ts";
export { parseS3Url, fnmatch } from "./s3-url.ts";
export { s3ClientConfig } from "./client-config.ts";
