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

export class RandomSplitter {
  /** Column-major float32 features: data[f * n + i]. */
  private readonly data: Float32Array;
  private readonly n: number;
  private readonly k: number;
  readonly samples: Int32Array;
  readonly criterion: MseCriterion;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  /** Scratch: the current feature's values at the node's positions. */
  private readonly xf: Float32Array;
  /** Scratch for the partition. */
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  /** xorshift state (uint32). */
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

  constructor(data: Float32Array, y: Float64Array, n: number, k: number, randState: number) {
    this.data = data;
    this.n = n;
    this.k = k;
    this.samples = new Int32Array(n);
    for (let i = 0; i < n; i++) this.samples[i] = i;
    this.features = new Int32Array(k);
    for (let f = 0; f < k; f++) this.features[f] = f;
    this.constantFeatures = new Int32Array(k);
    this.xf = new Float32Array(n);
    this.lefts = new Int32Array(n);
    this.rights = new Int32Array(n);
    this.randState = randState >>> 0;
    this.criterion = new MseCriterion(y, this.samples, n);
  }

  /**
   * Finds the split of samples[start:end) (criterion already initialised on it). Leaves the samples
   * partitioned by the best split and sets the best* fields; bestPos === end means no split.
   * The criterion's reset/update/proxy for each candidate are inlined here (same operations, same
   * order): this loop runs k times per node, mostly on small nodes, where call overhead dominates.
   */
  nodeSplit(start: number, end: number, impurity: number, nConstant: number): void {
    const { data, n, samples, xf, features, constantFeatures, criterion, lefts, rights } = this;
    const y = criterion.y;
    const sumTotal = criterion.sumTotal;
    const weightNode = end - start;
    const maxFeatures = this.k;
    let rs = this.randState;

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
      rs >>>= 0;
      let fJ = nDrawn + ((rs & RAND_R_MAX) % (fI - nFound - nDrawn));
      if (fJ < nKnown) {
        const t = features[nDrawn];
        features[nDrawn] = features[fJ];
        features[fJ] = t;
        nDrawn++;
        continue;
      }
      fJ += nFound;
      current = features[fJ];
      const col = current * n;

      let mn = data[col + samples[start]];
      let mx = mn;
      xf[start] = mn;
      for (let p = start + 1; p < end; p++) {
        const v = data[col + samples[p]];
        xf[p] = v;
        if (v < mn) mn = v;
        else if (v > mx) mx = v;
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
      rs >>>= 0;
      let thr = ((mx - mn) * (rs & RAND_R_MAX)) / RAND_R_MAX + mn;
      if (thr === mx) thr = mn;

      const pos = partition(xf, samples, start, end, thr, lefts, rights);
      // min_samples_leaf = 1: both sides always hold the min and the max sample, so pos is valid.
      if (pos - start < 1 || end - pos < 1) continue;

      // criterion.reset(); criterion.update(pos); proxy_impurity_improvement()
      const sumLeft = sumLeftAt(y, samples, start, end, pos, sumTotal);
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

    let improvement = -Infinity;
    let impL = Infinity;
    let impR = Infinity;
    if (bestPos < end) {
      if (current !== bestFeature) {
        // sklearn re-partitions by the best feature's values (the same swaps as above).
        const col = bestFeature * n;
        for (let p = start; p < end; p++) xf[p] = data[col + samples[p]];
        partition(xf, samples, start, end, bestThreshold, lefts, rights);
      }
      criterion.reset();
      criterion.update(bestPos);
      criterion.childrenImpurity();
      impL = criterion.impurityLeft;
      impR = criterion.impurityRight;
      improvement = criterion.impurityImprovement(impurity, impL, impR);
    }

    // Restore the invariant: known constants first, then the newly found ones.
    for (let i = 0; i < nKnown; i++) features[i] = constantFeatures[i];
    for (let i = nKnown; i < nKnown + nFound; i++) constantFeatures[i] = features[i];

    this.bestPos = bestPos;
    this.bestFeature = bestFeature;
    this.bestThreshold = bestThreshold;
    this.bestImprovement = improvement;
    this.bestImpurityLeft = impL;
    this.bestImpurityRight = impR;
    this.nConstantOut = nTotal;
  }
}

/**
 * sklearn's in-place partition of samples[start:end) by xf ≤ thr, with the same final order but
 * without its data-dependent branches (the outcome is close to a coin flip for a random threshold).
 *
 * sklearn scans forward; a sample going right is swapped with the last unfinished position, and the
 * sample brought from there is examined next. Worked through, that pairs the k-th right-going sample
 * i_k of the left region [start, start+nL) with the k-th left-going sample j_k of the right region,
 * counted from the end: the sample at j_k moves to i_k, the right-going samples above j_k (up to the
 * previous pair's j, or end) move down by one, and the sample from i_k lands on top of them. Once the
 * pairs are used up, the rest of the right region [start+nL, j_s) is rotated down by one the same way
 * (its first sample, examined at the front, ends on top). `lefts`/`rights` are scratch of length ≥ n.
 * xf is not reordered: nothing reads it after the partition. Returns the split position start+nL.
 */
export function partition(
  xf: Float32Array,
  samples: Int32Array,
  start: number,
  end: number,
  thr: number,
  lefts: Int32Array,
  rights: Int32Array,
): number {
  // Positions of the left-going and right-going samples, ascending (branch-free compaction).
  let nl = 0;
  let nr = 0;
  for (let p = start; p < end; p++) {
    lefts[nl] = p;
    rights[nr] = p;
    const right = +(xf[p] > thr);
    nr += right;
    nl += 1 - right;
  }
  const pos = start + nl;
  let top = end; // the unfinished right part is [.., top)
  // Pairs: rights[k] < pos (in ascending order) with lefts[nl - 1 - k] ≥ pos (descending).
  for (let k = 0; k < nr && rights[k] < pos; k++) {
    const i = rights[k];
    const j = lefts[nl - 1 - k];
    const x = samples[i];
    samples[i] = samples[j];
    for (let q = j; q < top - 1; q++) samples[q] = samples[q + 1];
    samples[top - 1] = x;
    top = j;
  }
  if (top > pos) {
    const x = samples[pos];
    for (let q = pos; q < top - 1; q++) samples[q] = samples[q + 1];
    samples[top - 1] = x;
  }
  return pos;
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
