/** Long names (nested configs give 100-character keys; users give worse) shortened for display. */

/** Longest name shown in full; longer ones keep their head and tail around an ellipsis. */
export const MAX_NAME_LENGTH = 72;

const ELLIPSIS = '…';

/**
 * Shortens a name to at most `max` code points, keeping the start and the end (names from nested
 * configs share long prefixes: `data_preprocessor:feature_type:…:n_quantiles` stays recognisable).
 */
export function truncateName(name: string, max = MAX_NAME_LENGTH): string {
  const points = Array.from(name);
  if (points.length <= max) return name;
  if (max <= 1) return ELLIPSIS;
  // The tail is the most specific part of a nested key (`…:quantile_transformer:n_quantiles`).
  const head = Math.ceil((max - 1) * 0.4);
  const tail = max - 1 - head;
  return points.slice(0, head).join('') + ELLIPSIS + points.slice(points.length - tail).join('');
}
