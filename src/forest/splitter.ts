/**
 * scikit-learn's `RandomSplitter.node_split` (1.2, `sklearn/tree/_splitter.pyx`; algorithms.md §1.6)
 * for dense float32 features, unit weights, min_samples_leaf = 1 and max_features = all features.
 *
 * The state that persists across the nodes of one tree — the sample order, the `features`
 * permutation, `constant_features` and the xorshift state — is what makes the trees equal to
 * sklearn's node for node, so it lives here and is never reset between nodes.
 */
import { MseCriterion } from './criterion.js';
import { RAND_R_MAX } from './random.js';

/** sklearn's FEATURE_THRESHOLD, as the float32 it is in the Cython source. */
const FEATURE_THRESHOLD = Math.fround(1e-7);
/** Up to this many samples, sklearn's own partition loop is cheaper than the branch-free one. */
const SMALL_NODE = 12;
/** Up to this many samples, features are read from the row-major copy. */
const ROW_MAJOR_NODE = 64;

/**
 * What the trees of a fit grow on: float32 features, column-major (data[f * n + i]) and the same
 * row-major (rows[i * k + f], `rowMajor`), n rows by k columns, and the targets.
 */
export interface GrowData {
  readonly data: Float32Array;
  readonly rows: Float32Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly k: number;
}

export class RandomSplitter {
  /** Column-major float32 features: data[f * n + i]. */
  private readonly data: Float32Array;
  /** The same features row-major (rows[i * k + f]), for small nodes. */
  private readonly rows: Float32Array;
  /** Rows of `data` (the column stride). */
  private readonly n: number;
  private readonly k: number;
  private readonly fitRows: Int32Array | null;
  readonly samples: Int32Array;
  readonly criterion: MseCriterion;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  /** Scratch: the current feature's values at the node's positions. */
  private readonly xf: Float64Array;
  /** Scratch for the partition. */
  private readonly rights: Int32Array;
  /** xorshift state, kept as an int32 (the same 32 bits as the uint32 state) so it stays a small integer. */
  private randState: number;

  // The best split of the last nodeSplit (sklearn's SplitRecord).
  bestPos = 0;
  bestFeature = 0;
  bestThreshold = 0;
  bestImprovement = 0;
  bestImpurityLeft = 0;
  bestImpurityRight = 0;
  /** Features known constant for the children (n_constant_features after the split). */
  nConstantOut = 0;
  /** After a split: the children's node sums (sum_total, sq_sum_total of their `init`). */
  sumLeftChild = 0;
  sqSumLeftChild = 0;
  sumRightChild = 0;
  sqSumRightChild = 0;
  /** gatherColumn's maximum. */
  private readonly minMax = new Float64Array(1);

  /**
   * Scratch for trees on the features and targets of `set`, fitted on the rows `fitRows` of them
   * (all by default; as sklearn fits X[fitRows], y[fitRows]: the sample ids only name the rows, the
   * trees are the same); reused tree after tree (`reset` before each), so growing a forest allocates
   * no per-tree buffers.
   */
  constructor({ data, rows, y, n, k }: GrowData, fitRows: Int32Array | null) {
    this.data = data;
    this.rows = rows;
    this.n = n;
    this.k = k;
    this.fitRows = fitRows;
    const m = fitRows ? fitRows.length : n;
    this.samples = new Int32Array(m);
    this.features = new Int32Array(k);
    this.constantFeatures = new Int32Array(k);
    this.xf = new Float64Array(m);
    this.rights = new Int32Array(m);
    this.randState = 0;
    this.criterion = new MseCriterion(y, this.samples, m);
  }

  /**
   * The state of a new tree's splitter: samples (the fit's rows, in their order: sklearn's 0 … m − 1
   * of X[rows]) and features in order, the tree's xorshift state.
   */
  reset(randState: number): void {
    if (this.fitRows) this.samples.set(this.fitRows);
    else for (let i = 0; i < this.n; i++) this.samples[i] = i;
    for (let f = 0; f < this.k; f++) this.features[f] = f;
    this.constantFeatures.fill(0);
    this.randState = randState | 0;
  }

  /**
   * Finds the split of samples[start:end) (criterion already initialised on it). Leaves the samples
   * partitioned by the best split and sets the best* fields; bestPos === end means no split.
   * One split step for every node size; only how a candidate's values are read (the row-major copy
   * up to ROW_MAJOR_NODE samples, the column above) and how the samples are partitioned (sklearn's
   * loop up to SMALL_NODE, branch-free above) depend on it. The small-node variants are written
   * inline and the criterion's reset/update/proxy for each candidate too (same operations, same
   * order): this loop runs k times per node, mostly on small nodes, where call overhead dominates.
   */
  nodeSplit(start: number, end: number, impurity: number, nConstant: number): void {
    const { data, rows, n, k, samples, xf, features, constantFeatures, criterion, rights, minMax } = this;
    const y = criterion.y;
    const sumTotal = criterion.sumTotal;
    const weightNode = end - start;
    const maxFeatures = this.k;
    let rs = this.randState | 0;

    let bestPos = end;
    let bestFeature = 0;
    let bestThreshold = 0;
    let bestProxy = -Infinity;

    let fI = this.k;
    let nFound = 0;
    let nDrawn = 0;
    const nKnown = nConstant;
    let nTotal = nKnown;
    let nVisited = 0;
    let current = -1;

    while (fI > nTotal && (nVisited < maxFeatures || nVisited <= nFound + nDrawn)) {
      nVisited++;
      // f_j = rand_int(n_drawn, f_i − n_found), our_rand_r inlined
      if (rs === 0) rs = 1;
      rs ^= rs << 13;
      rs ^= rs >>> 17;
      rs ^= rs << 5;
      // (rs stays an int32: the xorshift steps are the same bits either way)
      let fJ = nDrawn + (((rs & RAND_R_MAX) >>> 0) % ((fI - nFound - nDrawn) >>> 0));
      if (fJ < nKnown) {
        const t = features[nDrawn];
        features[nDrawn] = features[fJ];
        features[fJ] = t;
        nDrawn++;
        continue;
      }
      fJ += nFound;
      current = features[fJ];

      let mn: number;
      let mx: number;
      if (weightNode <= ROW_MAJOR_NODE) {
        // Small node: its samples' rows are a few cache lines, shared by all k features.
        mn = rows[samples[start] * k + current];
        mx = mn;
        xf[start] = mn;
        for (let p = start + 1; p < end; p++) {
          const v = rows[samples[p] * k + current];
          xf[p] = v;
          if (v < mn) mn = v;
          else if (v > mx) mx = v;
        }
      } else {
        mn = gatherColumn(data, (current * n) | 0, samples, xf, start, end, minMax);
        mx = minMax[0];
      }
      if (mx <= Math.fround(mn + FEATURE_THRESHOLD)) {
        features[fJ] = features[nTotal];
        features[nTotal] = current;
        nFound++;
        nTotal++;
        continue;
      }

      fI--;
      const t = features[fI];
      features[fI] = features[fJ];
      features[fJ] = t;

      // rand_uniform(min, max), computed in double from the float32 endpoints; max maps to min.
      if (rs === 0) rs = 1;
      rs ^= rs << 13;
      rs ^= rs >>> 17;
      rs ^= rs << 5;
      let thr = ((mx - mn) * (rs & RAND_R_MAX)) / RAND_R_MAX + mn;
      if (thr === mx) thr = mn;

      // sklearn's partition, and sum_left after the criterion's `reset(); update(pos)`, bit for bit.
      let pos: number;
      let sumLeft: number;
      if (weightNode <= SMALL_NODE) {
        // sklearn's loop as written, summing the targets as they are placed: left samples are final
        // in increasing position order, right ones in decreasing order — the orders of the forward
        // and backward sums of `update`, so either sum comes out bit for bit.
        let p = start;
        let e = end;
        let sl = 0;
        let sr = sumTotal;
        while (p < e) {
          if (xf[p] <= thr) {
            sl += y[samples[p]];
            p++;
          } else {
            e--;
            xf[p] = xf[e];
            const t = samples[p];
            samples[p] = samples[e];
            samples[e] = t;
            sr -= y[t];
          }
        }
        pos = e;
        sumLeft = pos - start <= end - pos ? sl : sr;
      } else {
        pos = partition(xf, samples, start, end, thr, rights);
        sumLeft = sumLeftAt(y, samples, start, end, pos, sumTotal);
      }
      // min_samples_leaf = 1: both sides always hold the min and the max sample, so pos is valid.
      if (pos - start < 1 || end - pos < 1) continue;

      // proxy_impurity_improvement()
      const sumRight = sumTotal - sumLeft;
      const weightLeft = pos - start;
      const weightRight = weightNode - weightLeft;
      const proxy = (sumLeft * sumLeft) / weightLeft + (sumRight * sumRight) / weightRight;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestPos = pos;
        bestFeature = current;
        bestThreshold = thr;
      }
    }
    this.randState = rs;
    this.bestPos = bestPos;
    this.bestFeature = bestFeature;
    this.bestThreshold = bestThreshold;
    this.nConstantOut = nTotal;

    let improvement = -Infinity;
    let impL = Infinity;
    let impR = Infinity;
    if (bestPos < end) {
      // sklearn re-partitions by the best feature's values (the same swaps as a candidate's).
      if (current !== bestFeature) {
        if (weightNode <= ROW_MAJOR_NODE) {
          for (let p = start; p < end; p++) xf[p] = rows[samples[p] * k + bestFeature];
        } else {
          gatherColumn(data, (bestFeature * n) | 0, samples, xf, start, end, minMax);
        }
        if (weightNode <= SMALL_NODE) partitionSmall(xf, samples, start, end, bestThreshold);
        else partition(xf, samples, start, end, bestThreshold, rights);
      }
      // One pass for criterion.reset(); update(bestPos); children_impurity() and for the children's
      // `init` sums (each forward over its own range, which nothing reorders before the child is
      // grown): the same additions in the same order as those separate passes.
      let s1L = 0;
      let s2L = 0;
      for (let p = start; p < bestPos; p++) {
        const yi = y[samples[p]];
        s1L += yi;
        s2L += yi * yi;
      }
      let s1R = 0;
      let s2R = 0;
      for (let p = bestPos; p < end; p++) {
        const yi = y[samples[p]];
        s1R += yi;
        s2R += yi * yi;
      }
      let sumLeft = s1L;
      if (bestPos - start > end - bestPos) {
        sumLeft = sumTotal;
        for (let p = end - 1; p >= bestPos; p--) sumLeft -= y[samples[p]];
      }
      const sumRight = sumTotal - sumLeft;
      const wl = bestPos - start;
      const wr = weightNode - wl;
      const sqRight = criterion.sqSumTotal - s2L;
      const ml = sumLeft / wl;
      const mr = sumRight / wr;
      impL = s2L / wl - ml * ml;
      impR = sqRight / wr - mr * mr;
      improvement =
        (weightNode / criterion.nTotal) * (impurity - (wr / weightNode) * impR - (wl / weightNode) * impL);
      this.sumLeftChild = s1L;
      this.sqSumLeftChild = s2L;
      this.sumRightChild = s1R;
      this.sqSumRightChild = s2R;
    }

    // Restore the invariant: known constants first, then the newly found ones.
    for (let i = 0; i < nKnown; i++) features[i] = constantFeatures[i];
    for (let i = nKnown; i < nTotal; i++) constantFeatures[i] = features[i];

    this.bestImprovement = improvement;
    this.bestImpurityLeft = impL;
    this.bestImpurityRight = impR;
  }
}

/**
 * The values of one column (data[col + i]) at the node's positions into xf (sklearn's `Xf`), in one
 * pass with their minimum (returned) and maximum (into minMax[0]), compared as sklearn does:
 * `if v < mn … elif v > mx`.
 */
function gatherColumn(
  data: Float32Array,
  col: number,
  samples: Int32Array,
  xf: Float64Array,
  start: number,
  end: number,
  minMax: Float64Array,
): number {
  // Int32 offsets (`| 0`: no overflow checks in the gather); n·k < 2^31, the features are < 8 GiB.
  let mn = data[(col + samples[start]) | 0];
  let mx = mn;
  xf[start] = mn;
  let p = start + 1;
  for (; p + 3 < end; p += 4) {
    const v = data[(col + samples[p]) | 0];
    const w = data[(col + samples[p + 1]) | 0];
    const v2 = data[(col + samples[p + 2]) | 0];
    const w2 = data[(col + samples[p + 3]) | 0];
    xf[p] = v;
    xf[p + 1] = w;
    xf[p + 2] = v2;
    xf[p + 3] = w2;
    if (v < mn) mn = v;
    else if (v > mx) mx = v;
    if (w < mn) mn = w;
    else if (w > mx) mx = w;
    if (v2 < mn) mn = v2;
    else if (v2 > mx) mx = v2;
    if (w2 < mn) mn = w2;
    else if (w2 > mx) mx = w2;
  }
  for (; p < end; p++) {
    const v = data[(col + samples[p]) | 0];
    xf[p] = v;
    if (v < mn) mn = v;
    else if (v > mx) mx = v;
  }
  minMax[0] = mx;
  return mn;
}

/**
 * sklearn's in-place partition of samples[start:end) by xf ≤ thr, with the same final order but
 * without data-dependent branches (for a random threshold the outcome is close to a coin flip, and
 * sklearn's loop mispredicts about once per sample).
 *
 * sklearn scans forward; a sample going right is swapped with the last unfinished position, and the
 * sample brought from there is examined next. Worked through, with pos = start + (number going left):
 * the left-going samples of [start, pos) stay; the k-th right-going sample i_k of [start, pos) is
 * paired with the k-th left-going sample j_k of [pos, end) counted from the end; the sample at j_k
 * moves to i_k; in the right region the right-going samples move down by one position, and the
 * sample from i_k lands just below j_(k−1) (end for k = 1); the right region's lowest segment
 * [pos, j_s), when not empty, ends with its own first sample (rotated down by one).
 * So one ascending pass over [pos, end) writes position q − 1 at every q. `rights` is scratch of
 * length ≥ n. xf is not reordered: nothing reads it after the partition. Returns pos.
 */
export function partition(
  xf: Float64Array,
  samples: Int32Array,
  start: number,
  end: number,
  thr: number,
  rights: Int32Array,
): number {
  // Right-going positions, ascending (branch-free compaction: always store, advance on right).
  let nr = 0;
  let p = start;
  for (; p + 1 < end; p += 2) {
    rights[nr] = p;
    nr += +(xf[p] > thr);
    rights[nr] = p + 1;
    nr += +(xf[p + 1] > thr);
  }
  if (p < end) {
    rights[nr] = p;
    nr += +(xf[p] > thr);
  }
  const pos = end - nr;
  if (nr === 0) return pos;
  // s = how many of them lie in the left region [start, pos): the first index with rights[·] ≥ pos.
  let lo = 0;
  let hi = nr;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rights[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  let s = lo;
  // The sample waiting to be placed at the top of the current segment of the right region.
  let pending: number;
  const first = samples[pos];
  if (xf[pos] <= thr) {
    const i = rights[--s];
    pending = samples[i];
    samples[i] = first;
  } else {
    pending = first;
  }
  for (let q = pos + 1; q < end; q++) {
    const v = samples[q];
    const isLeft = +(xf[q] <= thr);
    // All ones when left-going: selects by bit masks, int32 operations with no overflow checks.
    const mask = (isLeft << 31) >> 31;
    // Left-going: the pending sample closes the segment below q, and v trades places with the
    // next right-going sample of the left region, which becomes pending. Right-going: v moves down.
    samples[q - 1] = v ^ ((pending ^ v) & mask);
    s -= isLeft;
    const i = rights[s];
    const atI = samples[i];
    samples[i] = atI ^ ((v ^ atI) & mask);
    pending ^= (atI ^ pending) & mask;
  }
  samples[end - 1] = pending;
  return pos;
}

/** sklearn's partition loop as written (same result as `partition`): cheaper for small nodes. */
export function partitionSmall(
  xf: Float64Array,
  samples: Int32Array,
  start: number,
  end: number,
  thr: number,
): number {
  let p = start;
  let e = end;
  while (p < e) {
    if (xf[p] <= thr) {
      p++;
    } else {
      e--;
      xf[p] = xf[e];
      const t = samples[p];
      samples[p] = samples[e];
      samples[e] = t;
    }
  }
  return e;
}

/**
 * sum_left after MSE `reset(); update(pos)`: summed forward from start when that is the shorter walk,
 * else the node total minus the samples from end − 1 down to pos — the same additions, in the same
 * order, as sklearn's `update`.
 */
export function sumLeftAt(
  y: Float64Array,
  samples: Int32Array,
  start: number,
  end: number,
  pos: number,
  sumTotal: number,
): number {
  let s: number;
  if (pos - start <= end - pos) {
    s = 0;
    for (let p = start; p < pos; p++) s += y[samples[p]];
  } else {
    s = sumTotal;
    for (let p = end - 1; p >= pos; p--) s -= y[samples[p]];
  }
  return s;
}

/**
 * Row-major copy (rows[i * k + f]) of column-major features: small nodes read a few rows for all k.
 * `shared`: in a SharedArrayBuffer (worker threads read it where it is).
 */
export function rowMajor(data: Float32Array, n: number, k: number, shared = false): Float32Array {
  const rows = shared ? new Float32Array(new SharedArrayBuffer(n * k * 4)) : new Float32Array(n * k);
  for (let f = 0; f < k; f++) {
    const col = f * n;
    for (let i = 0; i < n; i++) rows[i * k + f] = data[col + i];
  }
  return rows;
}
