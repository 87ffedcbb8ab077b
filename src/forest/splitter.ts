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
    this.randState = randState >>> 0;
    this.criterion = new MseCriterion(y, this.samples, n);
  }

  /** our_rand_r: the next draw in [0, RAND_R_MAX]. */
  private randR(): number {
    let s = this.randState;
    if (s === 0) s = 1;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.randState = s;
    return s & RAND_R_MAX;
  }

  /**
   * Finds the split of samples[start:end) (criterion already initialised on it). Leaves the samples
   * partitioned by the best split and sets the best* fields; bestPos === end means no split.
   */
  nodeSplit(start: number, end: number, impurity: number, nConstant: number): void {
    const { data, n, samples, xf, features, constantFeatures, criterion } = this;
    const maxFeatures = this.k;

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
      // rand_int(n_drawn, f_i - n_found)
      let fJ = nDrawn + (this.randR() % (fI - nFound - nDrawn));
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
      let thr = ((mx - mn) * this.randR()) / RAND_R_MAX + mn;
      if (thr === mx) thr = mn;

      let p = start;
      let e = end;
      while (p < e) {
        if (xf[p] <= thr) {
          p++;
        } else {
          e--;
          const tv = xf[p];
          xf[p] = xf[e];
          xf[e] = tv;
          const ts = samples[p];
          samples[p] = samples[e];
          samples[e] = ts;
        }
      }
      const pos = e;
      // min_samples_leaf = 1: both sides always hold the min and the max sample, so pos is valid.
      if (pos - start < 1 || end - pos < 1) continue;

      criterion.reset();
      criterion.update(pos);
      const proxy = criterion.proxyImpurityImprovement();
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestPos = pos;
        bestFeature = current;
        bestThreshold = thr;
      }
    }

    let improvement = -Infinity;
    let impL = Infinity;
    let impR = Infinity;
    if (bestPos < end) {
      if (current !== bestFeature) {
        const col = bestFeature * n;
        let p = start;
        let e = end;
        while (p < e) {
          if (data[col + samples[p]] <= bestThreshold) {
            p++;
          } else {
            e--;
            const ts = samples[p];
            samples[p] = samples[e];
            samples[e] = ts;
          }
        }
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
