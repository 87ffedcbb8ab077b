/**
 * Model quality first: how much of the target the hyperparameters predict on held-out runs. At or
 * below the threshold the importances are not effects, however they look (MDI always sums to 1).
 */
import type { ModelQuality } from './types.js';

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
