/**
 * The analysis result as JSON (`analyze --json`), with recipe.md §6 and §8 keys: the oracle
 * (scripts/oracle/sweep_oracle.py) prints the same shape, and parity tests compare key by key.
 * Non-finite numbers are written as null.
 */
import type { ParamKind } from '../design/types.js';

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

export interface CvR2Json {
  folds: number[];
  mean: number;
}

export interface AnalysisResult {
  target: string;
  runs: { total: number; used: number; dropped_no_target: number };
  parameters: Record<string, ParamKind>;
  dropped_parameters: string[];
  features: string[];
  correlations: Record<string, Num>;
  ols: OlsJson | null;
  importances: Record<string, number>;
  parameter_importances: Record<string, number>;
  /** recipe.md §8 */
  spearman: Record<string, Num>;
  ols_standardized: OlsStandardizedJson | null;
  cv_r2: CvR2Json | null;
  engine: { name: string; version: string; trees: number; seed: number };
}

/** JSON-safe number: NaN and ±inf become null. */
export function num(x: number): Num {
  return Number.isFinite(x) ? x : null;
}
