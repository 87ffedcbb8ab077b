/**
 * Cross-validated R² of the forest (recipe.md §8): scikit-learn's
 * `cross_val_score(ExtraTreesRegressor(n_estimators=T, random_state=seed), X, y,
 * cv=KFold(5, shuffle=True, random_state=0), scoring="r2")`, reproduced exactly — the fold
 * permutation is numpy's legacy `RandomState(0).shuffle`, each fold's forest is the same as sklearn's.
 * Under 10 runs there is no honest cross-validation: null.
 */
import {
  fitExtraTrees,
  fitExtraTreesAsync,
  type ExtraTreesForest,
  type FeatureMatrix,
  type ForestOptions,
} from '../forest/forest.js';
import { MT19937 } from '../forest/random.js';
import { pairwiseSum } from '../stats/sum.js';

export interface CvR2 {
  folds: number[];
  mean: number;
}

const FOLDS = 5;
const KFOLD_SEED = 0;
const MIN_RUNS = 10;

/**
 * `KFold(folds, shuffle=True, random_state=seed).split(arange(n))`: the first n % folds folds hold
 * ⌊n/folds⌋ + 1 runs, the rest ⌊n/folds⌋; train and test indices both ascending, as sklearn yields them.
 */
export function kFoldSplits(
  n: number,
  folds: number,
  seed: number,
): { train: Int32Array; test: Int32Array }[] {
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new RangeError(`kFoldSplits: cannot make ${folds} folds of ${n} samples`);
  }
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  new MT19937(seed).shuffle(perm);
  const splits: { train: Int32Array; test: Int32Array }[] = [];
  const inTest = new Uint8Array(n);
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    inTest.fill(0);
    for (let p = start; p < start + size; p++) inTest[perm[p]] = 1;
    const test = new Int32Array(size);
    const train = new Int32Array(n - size);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (inTest[i]) test[a++] = i;
      else train[b++] = i;
    }
    splits.push({ train, test });
    start += size;
  }
  return splits;
}

/** sklearn `r2_score` for one output: 1 − SS_res/SS_tot; SS_tot = 0 → 1 if SS_res = 0 else 0. */
export function r2Score(yTrue: Float64Array, yPred: Float64Array): number {
  const m = yTrue.length;
  const mean = pairwiseSum(yTrue) / m;
  const res = new Float64Array(m);
  const tot = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = yTrue[i] - yPred[i];
    const d = yTrue[i] - mean;
    res[i] = r * r;
    tot[i] = d * d;
  }
  const ssRes = pairwiseSum(res);
  const ssTot = pairwiseSum(tot);
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** One fold of the cross-validation: the rows (indices into X, y) it trains and tests on. */
function foldRows(rows: Int32Array | undefined, n: number): { train: Int32Array; test: Int32Array }[] {
  return kFoldSplits(n, FOLDS, KFOLD_SEED).map(({ train, test }) => ({
    train: rows ? train.map((i) => rows[i]) : train,
    test: rows ? test.map((i) => rows[i]) : test,
  }));
}

function foldScore(forest: ExtraTreesForest, X: FeatureMatrix, y: Float64Array, test: Int32Array): number {
  return r2Score(
    Float64Array.from(test, (i) => y[i]),
    forest.predict(X, test),
  );
}

/**
 * 5-fold cross-validated R² of the forest on `rows` of X, y (indices into them; all rows by default).
 * null under 10 runs.
 */
export function crossValidatedR2(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): CvR2 | null {
  const n = rows ? rows.length : X.n;
  if (n < MIN_RUNS) return null;
  const folds = foldRows(rows, n).map(({ train, test }) =>
    foldScore(fitExtraTrees(X, y, opts, train), X, y, test),
  );
  return { folds, mean: pairwiseSum(folds) / folds.length };
}

/** As crossValidatedR2, each fold's forest grown with fitExtraTreesAsync (worker threads); same result. */
export async function crossValidatedR2Async(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): Promise<CvR2 | null> {
  const n = rows ? rows.length : X.n;
  if (n < MIN_RUNS) return null;
  const folds: number[] = [];
  for (const { train, test } of foldRows(rows, n)) {
    folds.push(foldScore(await fitExtraTreesAsync(X, y, opts, train), X, y, test));
  }
  return { folds, mean: pairwiseSum(folds) / folds.length };
}
