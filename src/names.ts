/**
 * Names in messages, shared by every layer (sources, design, the CLI): a list of names on one
 * readable line, and the near miss of a mistyped name.
 */
import { shorten } from './errors.js';

/** At most this many names in a message; the rest are counted. */
const LIST_MAX = 25;

/** Longest name compared for a near miss (the edit distance is quadratic in the length). */
const NEAREST_MAX = 256;

/** `a, b, c, … (12 more)`: long column lists stay one readable line (each name at most 80 characters). */
export function listColumns(names: readonly string[], max = LIST_MAX): string {
  if (names.length === 0) return '(none)';
  const shown = names
    .slice(0, max)
    .map((n) => oneLineName(n))
    .join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}

/** A name in a list of a message: short, and on one line. */
function oneLineName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return shorten(name, 80).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/** A near miss among `names`: the same name in another case, or within two edits. */
export function nearest(name: string, names: readonly string[]): string | null {
  const lower = name.toLowerCase();
  const sameCase = names.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  if (name.length > NEAREST_MAX) return null;
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of names) {
    if (Math.abs(c.length - name.length) >= bestDistance) continue;
    const d = editDistance(lower, c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return name.length > 3 ? best : null;
}

/** Levenshtein distance, stopping early at `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length];
}

// Long names (nested configs give 100-character keys; users give worse) shortened for display.
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
