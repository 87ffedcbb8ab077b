/**
 * scikit-learn's `MSE` criterion (`sklearn/tree/_criterion.pyx`) for unit sample weights, single
 * output. The formulas are kept in sklearn's form on purpose — `S2/W − (S1/W)²` cancels badly for
 * targets with a large mean, and the forward/backward accumulation in `update` decides the last bits
 * of `sum_left` — because the split choices, and so the trees, depend on those bits.
 */
export class MseCriterion {
  /** Target per sample id. */
  readonly y: Float64Array;
  /** The splitter's sample ids; the node is samples[start:end). */
  readonly samples: Int32Array;
  /** Samples in the whole tree (weighted_n_samples). */
  readonly nTotal: number;

  start = 0;
  end = 0;
  pos = 0;
  /** W, S1, S2 of the node. */
  weightNode = 0;
  sumTotal = 0;
  sqSumTotal = 0;
  sumLeft = 0;
  sumRight = 0;
  weightLeft = 0;
  weightRight = 0;
  /** Set by `childrenImpurity`. */
  impurityLeft = 0;
  impurityRight = 0;

  constructor(y: Float64Array, samples: Int32Array, nTotal: number) {
    this.y = y;
    this.samples = samples;
    this.nTotal = nTotal;
  }

  /** `init`: the node's sums over samples[start:end), in sample order; then `reset`. */
  init(start: number, end: number): void {
    const { y, samples } = this;
    let s1 = 0;
    let s2 = 0;
    for (let p = start; p < end; p++) {
      const yi = y[samples[p]];
      s1 += yi;
      s2 += yi * yi;
    }
    this.start = start;
    this.end = end;
    this.sumTotal = s1;
    this.sqSumTotal = s2;
    this.weightNode = end - start;
    this.reset();
  }

  /** `init` with the node's sums already known (summed in `init`'s order by the parent's split). */
  initWithSums(start: number, end: number, sumTotal: number, sqSumTotal: number): void {
    this.start = start;
    this.end = end;
    this.sumTotal = sumTotal;
    this.sqSumTotal = sqSumTotal;
    this.weightNode = end - start;
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.sumLeft = 0;
    this.sumRight = this.sumTotal;
    this.weightLeft = 0;
    this.weightRight = this.weightNode;
  }

  /**
   * Moves the split to `newPos`: adds samples forward from `pos` when that is the shorter walk,
   * otherwise starts from the full sum and subtracts backward from `end` (sklearn's `update`).
   */
  update(newPos: number): void {
    const { y, samples, pos, end } = this;
    let sumLeft = this.sumLeft;
    if (newPos - pos <= end - newPos) {
      for (let p = pos; p < newPos; p++) sumLeft += y[samples[p]];
    } else {
      sumLeft = this.sumTotal;
      for (let p = end - 1; p >= newPos; p--) sumLeft -= y[samples[p]];
    }
    this.setPosition(newPos, sumLeft);
  }

  /** Sets the split position with an already accumulated `sum_left` (as `update` would leave it). */
  setPosition(newPos: number, sumLeft: number): void {
    this.pos = newPos;
    this.sumLeft = sumLeft;
    this.weightLeft = newPos - this.start;
    this.weightRight = this.weightNode - this.weightLeft;
    this.sumRight = this.sumTotal - sumLeft;
  }

  nodeImpurity(): number {
    const w = this.weightNode;
    const mean = this.sumTotal / w;
    return this.sqSumTotal / w - mean * mean;
  }

  /** `proxy_impurity_improvement`: S_L²/W_L + S_R²/W_R, compared between candidate splits of a node. */
  proxyImpurityImprovement(): number {
    return (
      (this.sumLeft * this.sumLeft) / this.weightLeft + (this.sumRight * this.sumRight) / this.weightRight
    );
  }

  /** `children_impurity`: sets impurityLeft/impurityRight (sq_right = S2 − sq_left, as sklearn). */
  childrenImpurity(): void {
    const { y, samples, start, pos } = this;
    let sqLeft = 0;
    for (let p = start; p < pos; p++) {
      const yi = y[samples[p]];
      sqLeft += yi * yi;
    }
    const sqRight = this.sqSumTotal - sqLeft;
    const wl = this.weightLeft;
    const wr = this.weightRight;
    const ml = this.sumLeft / wl;
    const mr = this.sumRight / wr;
    this.impurityLeft = sqLeft / wl - ml * ml;
    this.impurityRight = sqRight / wr - mr * mr;
  }

  /** `impurity_improvement` (Criterion base class), in its exact operation order. */
  impurityImprovement(parent: number, impLeft: number, impRight: number): number {
    const w = this.weightNode;
    return (w / this.nTotal) * (parent - (this.weightRight / w) * impRight - (this.weightLeft / w) * impLeft);
  }

  nodeValue(): number {
    return this.sumTotal / this.weightNode;
  }
}
