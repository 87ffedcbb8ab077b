/**
 * The cross-validation's fold forests, fitted once and kept: the cross-validated R² (identical to
 * crossValidatedR2) is read from them, and the permutation importance permutes on the same forests,
 * so the insights cost about one cross-validation, not two.
 */
import {
  fitExtraTrees,
  type ExtraTreesForest,
  type FeatureMatrix,
  type ForestOptions,
} from '../forest/forest.js';
import { pairwiseSum } from '../stats/sum.js';
import { kFoldSplits, r2Score, type CvR2 } from './cv-r2.js';

export const CV_FOLDS = 5;
const KFOLD_SEED = 0;
/** Under this many runs there is no honest cross-validation (recipe.md §8). */
export const CV_MIN_RUNS = 10;

export interface FoldFit {
  /** Runs (indices into X and y) the fold's forest was fitted on, ascending. */
  readonly train: Int32Array;
  /** Held-out runs (indices into X and y), ascending. */
  readonly test: Int32Array;
  readonly forest: ExtraTreesForest;
  /** R² of the forest on the held-out runs. */
  readonly r2: number;
}

/**
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
  const n = rows ? rows.length : X.n;
  if (n < CV_MIN_RUNS) return null;
  const fits: FoldFit[] = [];
  kFoldSplits(n, CV_FOLDS, KFOLD_SEED).forEach(({ train, test }, f) => {
    onFold?.(f);
    const trainRows = rows ? train.map((i) => rows[i]) : train;
    const testRows = rows ? test.map((i) => rows[i]) : test;
    const forest = fitExtraTrees(X, y, opts, trainRows);
    const r2 = r2Score(
      Float64Array.from(testRows, (i) => y[i]),
      forest.predict(X, testRows),
    );
    fits.push({ train: trainRows, test: testRows, forest, r2 });
  });
  return fits;
}

/** The cross-validated R² of fold fits: per fold and mean (as cross_val_score(...).mean()). */
export function cvFromFolds(folds: readonly FoldFit[]): CvR2 {
  const r2 = folds.map((f) => f.r2);
  return { folds: r2, mean: pairwiseSum(r2) / r2.length };
}
