/**
 * The cross-validation's fold forests, fitted once and kept: the cross-validated R² (identical to
 * crossValidatedR2) is read from them, and the permutation importance permutes on the same forests,
 * so the insights cost about one cross-validation, not two.
 */
import {
  fitExtraTrees,
  fitExtraTreesAsync,
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
  const splits = foldSplits(X.n, rows);
  if (!splits) return null;
  return splits.map(({ train, test }, f) => {
    onFold?.(f);
    return score(fitExtraTrees(X, y, opts, train), X, y, train, test);
  });
}

/** As fitFolds, each fold's forest grown with fitExtraTreesAsync (worker threads); the same forests. */
export async function fitFoldsAsync(
  X: FeatureMatrix,
  y: Float64Array,
  opts: ForestOptions,
  rows?: Int32Array,
  onFold?: (fold: number) => void,
): Promise<FoldFit[] | null> {
  const splits = foldSplits(X.n, rows);
  if (!splits) return null;
  const fits: FoldFit[] = [];
  for (let f = 0; f < splits.length; f++) {
    onFold?.(f);
    const { train, test } = splits[f];
    fits.push(score(await fitExtraTreesAsync(X, y, opts, train), X, y, train, test));
  }
  return fits;
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

function score(
  forest: ExtraTreesForest,
  X: FeatureMatrix,
  y: Float64Array,
  train: Int32Array,
  test: Int32Array,
): FoldFit {
  const r2 = r2Score(
    Float64Array.from(test, (i) => y[i]),
    forest.predict(X, test),
  );
  return { train, test, forest, r2 };
}

/** The cross-validated R² of fold fits: per fold and mean (as cross_val_score(...).mean()). */
export function cvFromFolds(folds: readonly FoldFit[]): CvR2 {
  const r2 = folds.map((f) => f.r2);
  return { folds: r2, mean: pairwiseSum(r2) / r2.length };
}
