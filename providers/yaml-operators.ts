import { SENSOR_ARGUMENTS } from "../dagfactory/builtin-operators.ts";
import { isOperatorRegistered, registerOperator, type OperatorClass, type RegisterOperatorOptions } from "../dagfactory/operator-registry.ts";
import { LocalFilesystemToS3Operator, S3CopyObjectOperator, S3CreateObjectOperator, S3DeleteObjectsOperator, S3KeySensor, S3ListOperator, S3ToLocalFilesystemOperator } from "./amazon/index.ts";
import { SQLColumnCheckOperator, SQLExecuteQueryOperator, SQLTableCheckOperator, SqlSensor } from "./common-sql/index.ts";
import { HttpOperator, HttpSensor, SimpleHttpOperator } from "./http/index.ts";
import { ConsumeFromTopicOperator, ProduceToTopicOperator } from "./kafka/index.ts";
import { PostgresOperator } from "./postgres/index.ts";
import { RedisStreamConsumeOperator, RedisStreamProduceOperator } from "./redis/index.ts";

const SQL = ["conn_id", "database", "sql", "parameters", "autocommit", "split_statements", "return_last", "show_return_value_in_logs", "handler"];
const HTTP = ["http_conn_id", "endpoint", "method", "data", "headers", "response_check", "response_filter", "pagination_function", "extra_options", "log_response", "auth_type", "retry", "rate_limit", "request_timeout"];
const PRODUCE = ["messages", "producer_function"];
const CONSUME = ["apply_function", "group_id", "max_messages", "max_batch_size", "poll_timeout", "max_deliveries", "dead_letter_topic"];
const s3 = (module: string, cls: string) => [`airflow.providers.amazon.aws.${module}.${cls}`];
const commonSql = (cls: string) => [`airflow.providers.common.sql.operators.sql.${cls}`, `airflow.operators.sql.${cls}`];

// Built on call: builtin-operators.ts imports this module, so its SENSOR_ARGUMENTS is not initialised at load time.
const providerOperators = (): Array<[string, OperatorClass, RegisterOperatorOptions]> => [
  ["SQLExecuteQueryOperator", SQLExecuteQueryOperator, { aliases: commonSql("SQLExecuteQueryOperator"), arguments: SQL }],
  ["PostgresOperator", PostgresOperator, { aliases: ["airflow.providers.postgres.operators.postgres.PostgresOperator", "airflow.operators.postgres_operator.PostgresOperator"], arguments: [...SQL, "postgres_conn_id"] }],
  ["SQLColumnCheckOperator", SQLColumnCheckOperator, { aliases: commonSql("SQLColumnCheckOperator"), arguments: ["conn_id", "database", "table", "column_mapping", "partition_clause", "accept_none"] }],
  ["SQLTableCheckOperator", SQLTableCheckOperator, { aliases: commonSql("SQLTableCheckOperator"), arguments: ["conn_id", "database", "table", "checks", "partition_clause"] }],
  ["SqlSensor", SqlSensor, { aliases: ["airflow.providers.common.sql.sensors.sql.SqlSensor", "airflow.sensors.sql.SqlSensor", "airflow.sensors.sql_sensor.SqlSensor"], arguments: [...SENSOR_ARGUMENTS, "conn_id", "database", "sql", "parameters", "success", "failure", "fail_on_empty", "selector"] }],
  ["HttpOperator", HttpOperator, { aliases: ["airflow.providers.http.operators.http.HttpOperator"], arguments: HTTP }],
  ["SimpleHttpOperator", SimpleHttpOperator, { aliases: ["airflow.providers.http.operators.http.SimpleHttpOperator", "airflow.operators.http_operator.SimpleHttpOperator"], arguments: HTTP }],
  ["HttpSensor", HttpSensor, { aliases: ["airflow.providers.http.sensors.http.HttpSensor", "airflow.sensors.http_sensor.HttpSensor"], arguments: [...SENSOR_ARGUMENTS, "http_conn_id", "endpoint", "method", "request_params", "headers", "response_check", "extra_options", "auth_type", "retry"] }],
  ["S3CreateObjectOperator", S3CreateObjectOperator, { aliases: s3("operators.s3", "S3CreateObjectOperator"), arguments: ["aws_conn_id", "s3_bucket", "s3_key", "data", "replace", "encrypt"] }],
  ["LocalFilesystemToS3Operator", LocalFilesystemToS3Operator, { aliases: s3("transfers.local_to_s3", "LocalFilesystemToS3Operator"), arguments: ["aws_conn_id", "filename", "dest_key", "dest_bucket", "replace", "encrypt"] }],
  ["S3ToLocalFilesystemOperator", S3ToLocalFilesystemOperator, { arguments: ["aws_conn_id", "s3_key", "s3_bucket", "local_path", "preserve_file_name"] }],
  ["S3ListOperator", S3ListOperator, { aliases: s3("operators.s3", "S3ListOperator"), arguments: ["aws_conn_id", "bucket", "prefix", "delimiter"] }],
  ["S3CopyObjectOperator", S3CopyObjectOperator, { aliases: s3("operators.s3", "S3CopyObjectOperator"), arguments: ["aws_conn_id", "source_bucket_key", "dest_bucket_key", "source_bucket_name", "dest_bucket_name"] }],
  ["S3DeleteObjectsOperator", S3DeleteObjectsOperator, { aliases: s3("operators.s3", "S3DeleteObjectsOperator"), arguments: ["aws_conn_id", "bucket", "keys", "prefix"] }],
  ["S3KeySensor", S3KeySensor, { aliases: s3("sensors.s3", "S3KeySensor"), arguments: [...SENSOR_ARGUMENTS, "aws_conn_id", "bucket_key", "bucket_name", "wildcard_match", "check_fn"] }],
  ["ProduceToTopicOperator", ProduceToTopicOperator, { aliases: ["airflow.providers.apache.kafka.operators.produce.ProduceToTopicOperator"], arguments: [...PRODUCE, "kafka_config_id", "topic"] }],
  ["ConsumeFromTopicOperator", ConsumeFromTopicOperator, { aliases: ["airflow.providers.apache.kafka.operators.consume.ConsumeFromTopicOperator"], arguments: [...CONSUME, "kafka_config_id", "topic", "from_beginning", "consumer_config"] }],
  ["RedisStreamProduceOperator", RedisStreamProduceOperator, { arguments: [...PRODUCE, "redis_conn_id", "stream", "maxlen", "approximate_maxlen"] }],
  ["RedisStreamConsumeOperator", RedisStreamConsumeOperator, { arguments: [...CONSUME, "redis_conn_id", "stream", "consumer_name", "claim_min_idle", "start_id"] }],
];

/** Makes the provider operators available to YAML DAG files under their Updraft names and Airflow import paths. */
export function registerProviderOperators(): void {
  for (const [name, operator, options] of providerOperators()) {
    if (!isOperatorRegistered(name)) registerOperator(name, operator, { ...options, aliases: options.aliases?.filter((a) => !isOperatorRegistered(a)) });
  }
}
