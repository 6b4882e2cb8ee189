/**
 * How values come back from both back ends alike. PGlite returns a bigint column (int8, `count(*)`, bigserial ids) as
 * a number when it is safe and a BigInt beyond 2^53; `pg` returns a string. Both are given this one parser instead.
 * Parameters need no such care, with one exception: pass `JSON.stringify(value)` for a jsonb parameter, since `pg`
 * would send a JavaScript array as a PostgreSQL array (PGlite serialises by the parameter's type).
 */
export const INT8_OID = 20;

export function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER) ? value : Number(value);
}
