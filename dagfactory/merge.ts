/** Keys that make a mapping a typed value (`__type__: datetime.timedelta`, `__and__: […]`…): merged whole, never key by key. */
const TYPED_KEYS = ["__type__", "__and__", "__or__", "__join__"];

export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !TYPED_KEYS.some((key) => Object.hasOwn(value, key));
}

/**
 * dag-factory's `merge_configs(config, defaults)`: `config` wins; where both hold a mapping they are merged the same
 * way; anything else (lists, typed values) is taken whole from `config`, or from `defaults` when `config` lacks the key.
 * Returns a new object; neither argument is changed.
 */
export function mergeConfigs(config: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(defaults)) {
    if (!Object.hasOwn(config, key)) merged[key] = value;
    else if (isMapping(config[key]) && isMapping(value)) merged[key] = mergeConfigs(config[key], value);
  }
  return merged;
}

/** Values files and inline values: later ones win, mappings merged key by key, lists replaced. */
export function mergeValues(layers: readonly Record<string, unknown>[]): Record<string, unknown> {
  return layers.reduce<Record<string, unknown>>((merged, layer) => mergeConfigs(layer, merged), {});
}
