/**
 * Summation in the orders the reference libraries use, so means and moments agree to the last bits
 * (algorithms.md §5.2): numpy's pairwise summation (`np.sum`, `np.mean`, pandas `mean`) and the
 * plain left-to-right loop (bottleneck's `nanstd`, which pandas uses for `std`).
 */

/** numpy `pairwise_sum` for a contiguous float64 range [start, start + n). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const o = start + i;
      r0 += a[o];
      r1 += a[o + 1];
      r2 += a[o + 2];
      r3 += a[o + 3];
      r4 += a[o + 4];
      r5 += a[o + 5];
      r6 += a[o + 6];
      r7 += a[o + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** numpy `mean` of a float64 vector. */
export function npMean(a: ArrayLike<number>): number {
  return pairwiseSum(a) / a.length;
}

/** pandas `Series.std(ddof)` through bottleneck `nanstd` (no missing values): two plain passes. */
export function bnStd(a: ArrayLike<number>, ddof = 1): number {
  const n = a.length;
  if (n <= ddof) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - ddof));
}
