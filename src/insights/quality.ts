/**
 * Model quality first: how much of the target the hyperparameters predict on held-out runs. At or
 * below the threshold the importances are not effects, however they look (MDI always sums to 1).
 */
import { summarizePermutation } from './permutation.js';
import type { ModelQuality, PermutationImportance } from './types.js';

export const DEFAULT_QUALITY_THRESHOLD = 0.05;

export function assessQuality(args: {
  cvR2: number | null;
  cvR2WithoutOutliers: number | null;
  cvR2Folds?: number[] | null;
  threshold: number;
  /** A constant target: there is nothing to explain, whatever the R² arithmetic gives. */
  constantTarget: boolean;
}): ModelQuality {
  const { cvR2, cvR2WithoutOutliers, threshold, constantTarget } = args;
  const effectiveR2 = cvR2WithoutOutliers ?? cvR2;
  const explainsNothing = constantTarget || (effectiveR2 !== null && !(effectiveR2 > threshold));
  return {
    cvR2,
    cvR2WithoutOutliers,
    effectiveR2,
    threshold,
    explainsNothing,
    cvR2Folds: args.cvR2Folds ?? null,
  };
}

/** The quality as the results JSON writes it (snake_case keys), for the insights and the fidelity reading. */
export function qualityJson(q: ModelQuality): {
  cv_r2: number | null;
  cv_r2_folds: number[] | null;
  cv_r2_without_outliers: number | null;
  effective_r2: number | null;
  threshold: number;
  explains_nothing: boolean;
} {
  return {
    cv_r2: q.cvR2,
    cv_r2_folds: q.cvR2Folds ? [...q.cvR2Folds] : null,
    cv_r2_without_outliers: q.cvR2WithoutOutliers,
    effective_r2: q.effectiveR2,
    threshold: q.threshold,
    explains_nothing: q.explainsNothing,
  };
}

/** The smallest mean drop of held-out R² (half a percent of the variance) that can make a parameter matter. */
export const MIN_EFFECT = 0.005;

/**
 * A parameter's held-out importance from its permutation drops: `matters` when the 95% interval lies
 * above 0, the model predicts something (`reliable`) and the mean drop reaches MIN_EFFECT (the
 * intervals measure the folds' noise only, so a tiny drop is no effect, however narrow).
 */
export function heldOutImportance(
  name: string,
  drops: Float64Array,
  reliable: boolean,
): PermutationImportance {
  const s = summarizePermutation(name, drops, reliable);
  return s.matters && s.mean < MIN_EFFECT ? { ...s, matters: false } : s;
}
