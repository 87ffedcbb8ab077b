/**
 * Cross-validated R² of the forest (recipe.md §8): scikit-learn's
 * `cross_val_score(ExtraTreesRegressor(n_estimators=T, random_state=seed), X, y,
 * cv=KFold(5, shuffle=True, random_state=0), scoring="r2")`, reproduced exactly — the fold
 * permutation is numpy's legacy `RandomState(0).shuffle`, each fold's forest is the same as sklearn's.
 * Under 10 runs there is no honest cross-validation: null.
 */
import {
  fitForests,
  fitForestsAsync,
  type ExtraTreesForest,
  type FeatureMatrix,
  type FitRequest,
  type FitResult,
  type ForestOptions,
} from '../forest/forest.js';
import { MT19937 } from '../forest/random.js';
import { pairwiseSum } from '../stats/sum.js';

export interface CvR2 {
  folds: number[];
  mean: number;
}

export const CV_FOLDS = 5;
const KFOLD_SEED = 0;
/** Under this many runs there is no honest cross-validation (recipe.md §8). */
export const CV_MIN_RUNS = 10;

export interface FoldFit {
  /** Runs (indices into X and y) the fold's forest was fitted on, ascending. */
  readonly train: Int32Array;
  /** Held-out runs (indices into X and y), ascending. */
  readonly test: Int32Array;
  /** The fold's forest: its first `keepTrees` trees kept for prediction (`predictors`). */
  readonly forest: ExtraTreesForest;
  /** R² of the forest (all its trees) on the held-out runs. */
  readonly r2: number;
}

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

/**
 * The fold forests, fitted once and kept: the cross-validated R² is read from them, and the insights'
 * permutation importance permutes on the same forests, so the insights cost one cross-validation, not
 * two. `opts.keepTrees` (default all) bounds the trees each fold forest keeps (the permutations need
 * only the first few); the R² is from all `opts.trees`.
 *
 * `KFold(5, shuffle=True, random_state=0)` over `rows` (all runs by default), one forest per fold
 * fitted on the other folds and scored on its own; null under 10 runs.
 */
export function fitFolds(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
  onFold?: (fold: number) => void,
): FoldFit[] | null {
  const splits = foldSplits(X.n, rows);
  if (!splits) return null;
  return scoreFolds(splits, fitForests(X, y, foldRequests(splits, opts), onFold), y);
}

/**
 * As fitFolds, the trees of all the fold forests spread over worker threads (opts.threads, default
 * one per core); the same forests and scores.
 */
export async function fitFoldsAsync(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
  onFold?: (fold: number) => void,
): Promise<FoldFit[] | null> {
  const splits = foldSplits(X.n, rows);
  if (!splits) return null;
  const fits = await fitForestsAsync(X, y, foldRequests(splits, opts), opts.threads, onFold);
  return scoreFolds(splits, fits, y);
}

function foldRequests(splits: { train: Int32Array; test: Int32Array }[], opts: ForestOptions): FitRequest[] {
  return splits.map(({ train, test }) => ({
    trees: opts.trees,
    seed: opts.seed,
    rows: train,
    test,
    keepTrees: opts.keepTrees,
    packedOnly: true, // the fold forests only predict (the R², the permutations)
  }));
}

/** The folds as indices into X (through `rows` when given); null under CV_MIN_RUNS runs. */
function foldSplits(total: number, rows?: Int32Array): { train: Int32Array; test: Int32Array }[] | null {
  const n = rows ? rows.length : total;
  if (n < CV_MIN_RUNS) return null;
  return kFoldSplits(n, CV_FOLDS, KFOLD_SEED).map(({ train, test }) => ({
    train: rows ? train.map((i) => rows[i]) : train,
    test: rows ? test.map((i) => rows[i]) : test,
  }));
}

/** Each fold's R² from its forest's held-out predictions (sklearn's `r2_score(y[test], predict(X[test]))`). */
function scoreFolds(
  splits: { train: Int32Array; test: Int32Array }[],
  fits: FitResult[],
  y: Float64Array,
): FoldFit[] {
  return splits.map(({ train, test }, f) => ({
    train,
    test,
    forest: fits[f].forest,
    r2: r2Score(
      Float64Array.from(test, (i) => y[i]),
      fits[f].predictions!,
    ),
  }));
}

/** The cross-validated R² of fold fits: per fold and mean (as cross_val_score(...).mean()). */
export function cvFromFolds(folds: readonly FoldFit[]): CvR2 {
  const r2 = folds.map((f) => f.r2);
  return { folds: r2, mean: pairwiseSum(r2) / r2.length };
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
  const folds = fitFolds(X, y, opts, rows);
  return folds && cvFromFolds(folds);
}

/** As crossValidatedR2, the fold forests grown on worker threads (fitFoldsAsync); same result. */
export async function crossValidatedR2Async(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
): Promise<CvR2 | null> {
  const folds = await fitFoldsAsync(X, y, opts, rows);
  return folds && cvFromFolds(folds);
}
