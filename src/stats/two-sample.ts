/**
 * Two samples compared: the Mann–Whitney U test (normal approximation with the tie correction, as
 * scipy.stats.mannwhitneyu(method='asymptotic', use_continuity=True)), Cliff's delta, and a seeded
 * percentile bootstrap of the difference of a statistic. Deterministic: the same inputs and seed give
 * the same numbers.
 */
import { MT19937 } from '../forest/random.js';
import { averageRanks } from './correlation.js';
import { normSf } from './distributions.js';

export interface RankTest {
  /** U of the first sample. */
  readonly u: number;
  /** Two-sided p-value (1 when either sample is empty or every value ties). */
  readonly p: number;
}

export function mannWhitney(a: ArrayLike<number>, b: ArrayLike<number>): RankTest {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, p: 1 };
  const all = new Float64Array(n1 + n2);
  for (let i = 0; i < n1; i++) all[i] = a[i];
  for (let j = 0; j < n2; j++) all[n1 + j] = b[j];
  const ranks = averageRanks(all);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u = r1 - (n1 * (n1 + 1)) / 2;
  // tie correction: Σ (t³ − t) over groups of equal values
  const sorted = Float64Array.from(all).sort();
  let ties = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { u, p: 1 };
  const mean = (n1 * n2) / 2;
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normSf(Math.max(0, z))) };
}

/** Cliff's delta: P(a > b) − P(a < b), in [−1, 1] (0 for an empty sample). */
export function cliffsDelta(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sb = Float64Array.from(b).sort();
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const below = lowerBound(sb, a[i]);
    const notAbove = upperBound(sb, a[i]);
    sum += below - (sb.length - notAbove);
  }
  return sum / (a.length * b.length);
}

function lowerBound(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * stat(b) − stat(a) with a (1 − alpha) percentile bootstrap interval: each replicate resamples both
 * samples with replacement (MT19937 seeded with `seed`, `replicates` times).
 */
export function bootstrapDifference(
  a: Float64Array,
  b: Float64Array,
  stat: (x: Float64Array) => number,
  seed: number,
  replicates = 2000,
  alpha = 0.05,
): Interval {
  const estimate = stat(b) - stat(a);
  if (a.length === 0 || b.length === 0) return { estimate: NaN, low: NaN, high: NaN };
  const rng = new MT19937(seed);
  const ra = new Float64Array(a.length);
  const rb = new Float64Array(b.length);
  const diffs = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < a.length; i++) ra[i] = a[rng.randint(0, a.length)];
    for (let i = 0; i < b.length; i++) rb[i] = b[rng.randint(0, b.length)];
    diffs[r] = stat(rb) - stat(ra);
  }
  diffs.sort();
  return { estimate, low: quantile(diffs, alpha / 2), high: quantile(diffs, 1 - alpha / 2) };
}

/** numpy's default (linear) percentile of ascending values, q in [0, 1]. */
function quantile(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
