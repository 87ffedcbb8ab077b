/** Reading one hyperparameter's entry in a W&B sweep config (`parameters`, nested blocks by dots). */

export type Spec = Record<string, unknown>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]` when it is the object's own property: a name like `__proto__` or `toString` is data here. */
export function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `obj[key] = value` as an own property, even for `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The spec of `name` and its path of keys: a flat key first (`a.b` as written), else the dotted path
 * through nested `{parameters: {...}}` blocks, as sweepParameters flattens them.
 */
export function findSpec(
  config: Spec | null | undefined,
  name: string,
): { spec: Spec; path: string[] } | null {
  const search = (block: unknown, rest: string, path: string[]): { spec: Spec; path: string[] } | null => {
    if (!isObject(block)) return null;
    const own = ownValue(block, rest);
    if (isObject(own) && !isObject(own.parameters)) return { spec: own, path: [...path, rest] };
    for (const [key, entry] of Object.entries(block)) {
      if (!rest.startsWith(`${key}.`) || !isObject(entry)) continue;
      const found = search(entry.parameters, rest.slice(key.length + 1), [...path, key]);
      if (found) return found;
    }
    return null;
  };
  return search(config?.parameters, name, []);
}

const LOG_DISTRIBUTIONS = new Set([
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
]);

/**
 * The searched interval of a range spec in the parameter's own units: `log_uniform` and
 * `q_log_uniform` hold natural-log bounds (e^min … e^max); the `_values` forms hold the values.
 */
export function specRange(spec: Spec): { min: number; max: number; log: boolean } | null {
  const { min, max } = spec;
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) {
    return null;
  }
  const dist = typeof spec.distribution === 'string' ? spec.distribution : '';
  if (dist === 'log_uniform' || dist === 'q_log_uniform')
    return { min: Math.exp(min), max: Math.exp(max), log: true };
  if (dist === 'inv_log_uniform') return { min: Math.exp(-max), max: Math.exp(-min), log: true };
  if (dist === 'inv_log_uniform_values') return { min: 1 / max, max: 1 / min, log: true };
  return { min, max, log: LOG_DISTRIBUTIONS.has(dist) };
}

export function specValues(spec: Spec): unknown[] | null {
  return Array.isArray(spec.values) ? spec.values : null;
}
