/**
 * phase9_03_cloud_integration — the S3 provider on any S3-compatible store (AWS, MinIO, moto).
 *
 * Shows: `S3Hook` creating the bucket, `S3CreateObjectOperator` and `LocalFilesystemToS3Operator` uploading the
 * day's files, `S3KeySensor` waiting for both with wildcard keys and a size check, `S3ListOperator`,
 * `S3CopyObjectOperator` archiving, `S3ToLocalFilesystemOperator` downloading, `S3DeleteObjectsOperator` clearing
 * the landing prefix. The connection's extra gives the endpoint (path-style addressing for a local server).
 *
 * Needs an S3-compatible server. Run it with moto:
 *   /opt/updraft-moto-venv/bin/moto_server -p 5000 &        # pip install 'moto[server]'
 *   export AIRFLOW_CONN_DATA_LAKE='{"conn_type": "aws", "login": "testing", "password": "testing", "extra": {"endpoint_url": "http://127.0.0.1:5000", "region_name": "us-east-1"}}'
 *   updraft dags test phase9_03_cloud_integration 2024-01-03
 * Without the server the first task fails within seconds: "nothing answers at 127.0.0.1. Start the S3 service …".
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, getCurrentContext, task } from "updraft";
import {
  LocalFilesystemToS3Operator, S3CopyObjectOperator, S3CreateObjectOperator, S3DeleteObjectsOperator, S3Hook, S3KeySensor, S3ListOperator,
  S3ToLocalFilesystemOperator,
} from "updraft/providers/amazon";

const BUCKET = "phase9-lake";
const WORK_DIR = join(tmpdir(), "updraft-phase9-03");

const ensureBucket = task(async function ensureBucket() {
  const hook = new S3Hook({ awsConnId: "data_lake", connection: await getCurrentContext().connections.get("data_lake") });
  if (!(await hook.checkForBucket(BUCKET))) await hook.createBucket(BUCKET);
  return BUCKET;
});

const writeLocalFile = task(async function writeLocalFile() {
  const ds = getCurrentContext().logicalDate.toISOString().slice(0, 10);
  await mkdir(WORK_DIR, { recursive: true });
  const path = join(WORK_DIR, `customers_${ds}.csv`);
  await writeFile(path, "id,name\n1,Ada\n2,Grace\n");
  return path;
});

export default dag(
  {
    dagId: "phase9_03_cloud_integration",
    description: "Lands the day's files in S3, waits for them, archives and cleans up",
    schedule: "@daily",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["phase9", "providers", "s3"],
  },
  () => {
    const bucket = ensureBucket();
    const orders = new S3CreateObjectOperator({ taskId: "upload_orders", awsConnId: "data_lake", s3Key: `s3://${BUCKET}/landing/{{ ds }}/orders.json`, data: '{"day": "{{ ds }}", "orders": 4}', replace: true });
    const customers = new LocalFilesystemToS3Operator({ taskId: "upload_customers", awsConnId: "data_lake", filename: join(WORK_DIR, "customers_{{ ds }}.csv"), destBucket: BUCKET, destKey: "landing/{{ ds }}/customers.csv", replace: true });
    const landed = new S3KeySensor({
      taskId: "wait_for_files",
      awsConnId: "data_lake",
      bucketName: BUCKET,
      bucketKey: ["landing/{{ ds }}/*.json", "landing/{{ ds }}/*.csv"],
      wildcardMatch: true,
      checkFn: (files) => files.every((file) => file.size > 0),
      pokeInterval: 1,
      timeout: 30,
    });
    const listed = new S3ListOperator({ taskId: "list_landing", awsConnId: "data_lake", bucket: BUCKET, prefix: "landing/{{ ds }}/" });
    const archive = new S3CopyObjectOperator({ taskId: "archive_orders", awsConnId: "data_lake", sourceBucketKey: `s3://${BUCKET}/landing/{{ ds }}/orders.json`, destBucketKey: `s3://${BUCKET}/archive/{{ ds }}/orders.json` });
    const download = new S3ToLocalFilesystemOperator({ taskId: "download_archive", awsConnId: "data_lake", s3Bucket: BUCKET, s3Key: "archive/{{ ds }}/orders.json", localPath: join(WORK_DIR, "downloads") });
    const cleanup = new S3DeleteObjectsOperator({ taskId: "clear_landing", awsConnId: "data_lake", bucket: BUCKET, prefix: "landing/{{ ds }}/" });
    bucket.then([orders, writeLocalFile().then(customers)]);
    landed.after([orders, customers]);
    landed.then(listed).then(archive).then(download).then(cleanup);
  },
);
