/**
 * Diverged runs: targets more than 5 robust standard deviations from the median, the robust standard
 * deviation being 1.4826 · MAD (the MAD of a normal sample times 1.4826 estimates its σ).
 */
import type { OutlierRun } from './types.js';

export const OUTLIER_LIMIT = 5;
const MAD_TO_SD = 1.4826;
/** E|X − μ| = σ·√(2/π) for a normal X: the mean absolute deviation's factor to σ. */
const MEAN_AD_TO_SD = Math.sqrt(Math.PI / 2);

export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length;
  if (m === 0) return Number.NaN;
  return m % 2 === 1 ? s[(m - 1) >> 1] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

/**
 * Median and robust standard deviation of y. When more than half of the runs share the median
 * (MAD = 0, e.g. accuracies on a coarse grid) the MAD says nothing; the mean absolute deviation
 * takes its place, so that only genuinely far runs are flagged, not every run off the median.
 */
export function robustScale(y: Float64Array): { median: number; scale: number } {
  const med = median(y);
  const dev = y.map((v) => Math.abs(v - med));
  const mad = median(dev);
  if (mad > 0) return { median: med, scale: MAD_TO_SD * mad };
  let sum = 0;
  for (const d of dev) sum += d;
  return { median: med, scale: y.length > 0 ? (MEAN_AD_TO_SD * sum) / y.length : 0 };
}

/**
 * The runs whose |target − median| exceeds `limit` robust standard deviations, in design order.
 * A constant target has no outliers.
 */
export function findOutliers(y: Float64Array, rows: Int32Array, limit: number = OUTLIER_LIMIT): OutlierRun[] {
  const { median: med, scale } = robustScale(y);
  if (!(scale > 0)) return [];
  const out: OutlierRun[] = [];
  for (let i = 0; i < y.length; i++) {
    const z = (y[i] - med) / scale;
    if (Math.abs(z) > limit) out.push({ index: i, row: rows[i], value: y[i], robustZ: z });
  }
  return out;
}
