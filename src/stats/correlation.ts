/**
 * Correlations of each design column with the target (recipe.md §6, §8; algorithms.md §4.3):
 * pandas `corrwith` = `np.corrcoef` on the pairs where both values are present (two-pass centred sums,
 * clipped to [−1, 1], NaN for a constant column), and Spearman = Pearson of average ranks
 * (`corrwith(method="spearman")` → scipy `spearmanr`).
 */
import type { Design } from '../design/types.js';
import { num, type Num } from './json.js';
import { pairwiseSum } from './sum.js';

/** Pearson correlation as pandas `Series.corr` / `np.corrcoef(x, y)[0, 1]`; NaN pairs are skipped. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`pearson: lengths ${x.length} and ${y.length} differ`);
  let a: ArrayLike<number> = x;
  let b: ArrayLike<number> = y;
  let missing = false;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) {
      missing = true;
      break;
    }
  }
  if (missing) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
      xs.push(x[i]);
      ys.push(y[i]);
    }
    a = xs;
    b = ys;
  }
  const n = a.length;
  if (n < 1) return Number.NaN;
  const ma = pairwiseSum(a) / n;
  const mb = pairwiseSum(b) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  // np.cov scales by 1/(n − 1) before np.corrcoef divides by the two standard deviations
  const f = 1 / (n - 1);
  const r = (sab * f) / Math.sqrt(saa * f) / Math.sqrt(sbb * f);
  if (Number.isNaN(r)) return r;
  return Math.min(1, Math.max(-1, r));
}

/** Average ranks (1-based; ties share the mean of their ranks), as scipy `rankdata(method="average")`. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j] || i - j);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && x[order[end]] === x[order[start]]) end++;
    // positions start..end−1 hold equal values: ranks start+1..end, average (start + 1 + end) / 2
    const avg = 0.5 * (start + 1 + end);
    for (let p = start; p < end; p++) ranks[order[p]] = avg;
    start = end;
  }
  return ranks;
}

/** Spearman rank correlation (average ranks for ties) = Pearson of the ranks; NaN pairs are skipped. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    xs.push(x[i]);
    ys.push(y[i]);
  }
  return pearson(averageRanks(xs), averageRanks(ys));
}

function perColumn(design: Design, corr: (x: Float64Array, y: Float64Array) => number): Record<string, Num> {
  // fromEntries, not `out[f] = v`: a column named `__proto__` is a key like any other
  return Object.fromEntries(
    design.features.map((f, j) => [
      f,
      num(corr(design.X.subarray(j * design.n, (j + 1) * design.n), design.y)),
    ]),
  );
}

/** `X.corrwith(y)`: Pearson correlation of every design column with the target (null when undefined). */
export function correlations(design: Design): Record<string, Num> {
  return perColumn(design, pearson);
}

/** `X.corrwith(y, method="spearman")` for every design column (null when undefined). */
export function spearmanCorrelations(design: Design): Record<string, Num> {
  return perColumn(design, spearman);
}
