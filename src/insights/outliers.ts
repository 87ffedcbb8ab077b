/**
 * Diverged runs, flagged so that the verdict can be read without them — but never without more than
 * a few percent of the runs (issue 8 point 5). The rules, in order; the first that flags at most
 * MAX_OUTLIER_SHARE of the runs (at least one run allowed) is used:
 *   1. 'mad': more than 5 robust standard deviations from the median, the robust standard deviation
 *      being 1.4826 · MAD (the MAD of a normal sample times 1.4826 estimates its σ);
 *   2. 'iqr': Tukey's far-out fences, below Q1 − 3·IQR or above Q3 + 3·IQR (quartiles as numpy's
 *      default linear percentile);
 *   3. 'mean_abs_dev': more than 5 standard deviations from the median, σ estimated as
 *      √(π/2) · mean |y − median|;
 *   4. 'none': every rule would flag too many, or the target is constant; nothing is flagged.
 * A rule whose scale is 0 (MAD = 0 when more than half of the runs share the median, IQR = 0 when
 * the middle half do) says nothing about the other runs and is skipped. When most runs share one
 * value (several tasks where every configuration scores the same) the MAD rule would flag every run
 * off it — a third of the sweep; the fallbacks flag only the far ones, or none.
 */
import type { OutlierRule, OutlierRun } from './types.js';

export type { OutlierRule };

export const OUTLIER_LIMIT = 5;
/** Tukey's far-out fences: k · IQR beyond the quartiles. */
export const IQR_FENCE = 3;
/** A rule that would flag more than this share of the runs (and more than one run) is not used. */
export const MAX_OUTLIER_SHARE = 0.05;
const MAD_TO_SD = 1.4826;
/** IQR of a normal sample / σ = 2 · Φ⁻¹(0.75). */
const IQR_TO_SD = 1.3489795003921634;
/** E|X − μ| = σ·√(2/π) for a normal X: the mean absolute deviation's factor to σ. */
const MEAN_AD_TO_SD = Math.sqrt(Math.PI / 2);

export interface OutlierResult {
  /** The flagged runs, in design order; [] under rule 'none'. */
  readonly runs: OutlierRun[];
  /** The rule that flagged them. */
  readonly rule: OutlierRule;
  /** The rule in plain English, for the report: "robust z (MAD) beyond 5". */
  readonly ruleText: string;
  /** The most runs a rule may flag: max(1, ⌊MAX_OUTLIER_SHARE · n⌋). */
  readonly maxFlagged: number;
  /** The rules tried before the one used, and how many runs each would have flagged (null: scale 0). */
  readonly rejected: { readonly rule: Exclude<OutlierRule, 'none'>; readonly flagged: number | null }[];
}

export function outlierRuleText(rule: OutlierRule): string {
  switch (rule) {
    case 'mad':
      return `robust z (MAD) beyond ${OUTLIER_LIMIT}`;
    case 'iqr':
      return `beyond ${IQR_FENCE} IQR from the quartiles`;
    case 'mean_abs_dev':
      return `beyond ${OUTLIER_LIMIT} sd from the median (sd from the mean absolute deviation)`;
    case 'none':
      return `none flagged (no rule flags at most ${Math.round(MAX_OUTLIER_SHARE * 100)}% of the runs)`;
  }
}

export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length;
  if (m === 0) return Number.NaN;
  return m % 2 === 1 ? s[(m - 1) >> 1] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

/** numpy's default percentile (linear interpolation) of ascending values, q in [0, 1]. */
function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/**
 * Median and robust standard deviation of y: 1.4826 · MAD, or when more than half of the runs share
 * the median (MAD = 0) √(π/2) · the mean absolute deviation.
 */
export function robustScale(y: Float64Array): { median: number; scale: number } {
  const med = median(y);
  const dev = y.map((v) => Math.abs(v - med));
  const mad = median(dev);
  if (mad > 0) return { median: med, scale: MAD_TO_SD * mad };
  return { median: med, scale: meanAbsScale(dev) };
}

function meanAbsScale(dev: Float64Array): number {
  let sum = 0;
  for (const d of dev) sum += d;
  return dev.length > 0 ? (MEAN_AD_TO_SD * sum) / dev.length : 0;
}

/**
 * The runs far from the rest, by the first rule that flags at most max(1, ⌊5% · n⌋) of them (see the
 * file comment). `robustZ` of a flagged run is (value − median) / the rule's σ estimate:
 * 1.4826 · MAD, IQR / 1.349 or √(π/2) · mean |y − median|. A constant target has no outliers.
 */
export function findOutliers(
  y: Float64Array,
  rows: Int32Array,
  limit: number = OUTLIER_LIMIT,
): OutlierResult {
  const n = y.length;
  const maxFlagged = Math.max(1, Math.floor(MAX_OUTLIER_SHARE * n));
  const med = median(y);
  const dev = y.map((v) => Math.abs(v - med));
  const sorted = Float64Array.from(y).sort();
  const q1 = n > 0 ? quantileSorted(sorted, 0.25) : Number.NaN;
  const q3 = n > 0 ? quantileSorted(sorted, 0.75) : Number.NaN;
  const iqr = q3 - q1;
  const mad = median(dev);
  const meanAd = meanAbsScale(dev);
  const rules: { rule: Exclude<OutlierRule, 'none'>; scale: number; far: (v: number) => boolean }[] = [
    { rule: 'mad', scale: MAD_TO_SD * mad, far: (v) => Math.abs(v - med) > limit * MAD_TO_SD * mad },
    {
      rule: 'iqr',
      scale: iqr / IQR_TO_SD,
      far: (v) => v < q1 - IQR_FENCE * iqr || v > q3 + IQR_FENCE * iqr,
    },
    { rule: 'mean_abs_dev', scale: meanAd, far: (v) => Math.abs(v - med) > limit * meanAd },
  ];
  const rejected: OutlierResult['rejected'][number][] = [];
  for (const { rule, scale, far } of rules) {
    if (!(scale > 0)) {
      rejected.push({ rule, flagged: null });
      continue;
    }
    const runs: OutlierRun[] = [];
    for (let i = 0; i < n; i++) {
      if (far(y[i])) runs.push({ index: i, row: rows[i], value: y[i], robustZ: (y[i] - med) / scale });
    }
    if (runs.length <= maxFlagged) {
      return { runs, rule, ruleText: outlierRuleText(rule), maxFlagged, rejected };
    }
    rejected.push({ rule, flagged: runs.length });
  }
  const ruleText = rejected.every((r) => r.flagged === null)
    ? 'none flagged (the target does not vary)'
    : outlierRuleText('none');
  return { runs: [], rule: 'none', ruleText, maxFlagged, rejected };
}
