/**
 * The statistics' results as JSON (recipe.md §6, §8): the OLS summaries' shapes and JSON-safe numbers.
 * Declared here, below the analysis that assembles them (src/analysis/result.ts re-exports them).
 */

export type Num = number | null;

export interface OlsJson {
  params: Record<string, Num>;
  bse: Record<string, Num>;
  tvalues: Record<string, Num>;
  pvalues: Record<string, Num>;
  conf_int: Record<string, [Num, Num]>;
  nobs: Num;
  rank: number;
  k_constant: number;
  df_model: Num;
  df_resid: Num;
  rsquared: Num;
  rsquared_adj: Num;
  fvalue: Num;
  f_pvalue: Num;
  llf: Num;
  aic: Num;
  bic: Num;
  condition_number: Num;
  smallest_eigenvalue: Num;
  omnibus: Num;
  omnibus_pvalue: Num;
  durbin_watson: Num;
  jarque_bera: Num;
  jarque_bera_pvalue: Num;
  skew: Num;
  kurtosis: Num;
}

export interface OlsStandardizedJson {
  features: string[];
  log_scaled: string[];
  params: Record<string, Num>;
  bse: Record<string, Num>;
  tvalues: Record<string, Num>;
  pvalues: Record<string, Num>;
  conf_int: Record<string, [Num, Num]>;
  nobs: Num;
  k_constant: number;
  df_model: Num;
  df_resid: Num;
  rsquared: Num;
  rsquared_adj: Num;
  fvalue: Num;
  f_pvalue: Num;
  condition_number: Num;
}

/** JSON-safe number: NaN and ±inf become null. */
export function num(x: number): Num {
  return Number.isFinite(x) ? x : null;
}
