/**
 * recipe.md §8's log rule, in one place for the insights: a numeric parameter is read on a log10 scale
 * when its present values are all > 0, span max/min ≥ 100 and are more symmetric in log space.
 */
import { logScaledRule } from '../stats/ols-standardized.js';

/** The rule on a parameter's values; NaN (missing) and non-finite values are left out first. */
export function isLogScaled(values: Float64Array): boolean {
  return logScaledRule(values.filter((v) => Number.isFinite(v)));
}
