/**
 * The analysis result as JSON (`analyze --json`), with recipe.md §6 and §8 keys: the oracle
 * (scripts/oracle/sweep_oracle.py) prints the same shape, and parity tests compare key by key.
 * Non-finite numbers are written as null.
 */
import type { ParamKind } from '../design/types.js';

// The statistics' JSON shapes live with the statistics (src/stats/json.ts); re-exported here.
export type { Num, OlsJson, OlsStandardizedJson } from '../stats/json.js';
export { num } from '../stats/json.js';
import type { Num, OlsJson, OlsStandardizedJson } from '../stats/json.js';

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
