/** Airflow's `parse_s3_url`: "s3://bucket/key" (or s3a/s3n, or https://bucket.s3.amazonaws.com/key) → bucket and key. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (match) return { bucket: match[1]!, key: match[2]! };
  const https = /^https?:\/\/([^./]+)\.s3[.-][^/]*\/(.*)$/.exec(url);
  if (https) return { bucket: https[1]!, key: https[2]! };
  throw new Error(`"${url}" is not an S3 URL: write it s3://<bucket>/<key>.`);
}

/** A key with its bucket: from an s3:// URL, or the bucket given beside it (Airflow's `get_s3_bucket_key`). */
export function bucketAndKey(key: string, bucket: string | undefined, keyName: string, bucketName: string): { bucket: string; key: string } {
  if (/^s3[an]?:\/\//.test(key)) {
    if (bucket) throw new Error(`If ${keyName} is a full s3:// URL, ${bucketName} must not be given (got "${bucket}").`);
    return parseS3Url(key);
  }
  if (!bucket) throw new Error(`${keyName} "${key}" is a relative key: give ${bucketName} too, or write the key as s3://<bucket>/<key>.`);
  return { bucket, key };
}

/** Python's fnmatch as Airflow's wildcard keys use it: `*` matches "/" too. */
export function fnmatch(name: string, pattern: string): boolean {
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") regex += ".*";
    else if (ch === "?") regex += ".";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) regex += "\\[";
      else {
        let set = pattern.slice(i + 1, close).replace(/\\/g, "\\\\");
        if (set.startsWith("!")) set = `^${set.slice(1)}`;
        regex += `[${set}]`;
        i = close;
      }
    } else regex += ch.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`, "s").test(name);
}

/** The part of a wildcard key before its first wildcard: the prefix to list. */
export function wildcardPrefix(wildcardKey: string): string {
  return wildcardKey.split(/[[*?]/, 1)[0]!;
}
