/**
 * The node part of scikit-learn's `MSE` criterion (`sklearn/tree/_criterion.pyx`) for unit sample
 * weights, single output: `init`, `node_impurity`, `node_value`. Its per-split methods (`reset`,
 * `update`, `proxy_impurity_improvement`, `children_impurity`, `impurity_improvement`) are inlined
 * in the splitter (splitter.ts), same operations in the same order. The formulas are kept in
 * sklearn's form on purpose — `S2/W − (S1/W)²` cancels badly for targets with a large mean, and the
 * forward/backward accumulation in `update` decides the last bits of `sum_left` — because the split
 * choices, and so the trees, depend on those bits.
 */
export class MseCriterion {
  /** Target per sample id. */
  readonly y: Float64Array;
  /** The splitter's sample ids; the node is samples[start:end). */
  readonly samples: Int32Array;
  /** Samples in the whole tree (weighted_n_samples). */
  readonly nTotal: number;

  /** W, S1, S2 of the node. */
  weightNode = 0;
  sumTotal = 0;
  sqSumTotal = 0;

  constructor(y: Float64Array, samples: Int32Array, nTotal: number) {
    this.y = y;
    this.samples = samples;
    this.nTotal = nTotal;
  }

  /** `init`: the node's sums over samples[start:end), in sample order. */
  init(start: number, end: number): void {
    const { y, samples } = this;
    let s1 = 0;
    let s2 = 0;
    for (let p = start; p < end; p++) {
      const yi = y[samples[p]];
      s1 += yi;
      s2 += yi * yi;
    }
    this.sumTotal = s1;
    this.sqSumTotal = s2;
    this.weightNode = end - start;
  }

  /** `init` with the node's sums already known (summed in `init`'s order by the parent's split). */
  initWithSums(start: number, end: number, sumTotal: number, sqSumTotal: number): void {
    this.sumTotal = sumTotal;
    this.sqSumTotal = sqSumTotal;
    this.weightNode = end - start;
  }

  /** `node_impurity`: S2/W − (S1/W)². */
  nodeImpurity(): number {
    const w = this.weightNode;
    const mean = this.sumTotal / w;
    return this.sqSumTotal / w - mean * mean;
  }

  /** `node_value`: S1/W. */
  nodeValue(): number {
    return this.sumTotal / this.weightNode;
  }
}
