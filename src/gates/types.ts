/** Merge gates (`fail-on` rules) and their outcome. */
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Metric =
  | 'importance'
  | 'correlation'
  | 'coef'
  | 'pvalue'
  | 'permutation'
  | 'effect'
  | 'effect_pvalue'
  | 'notebook_coef'
  | 'notebook_pvalue'
  | 'delta'
  | 'delta_low'
  | 'delta_high'
  | 'importance_shift'
  | 'best'
  | 'runs';

export interface Rule {
  /** The rule as the user wrote it. */
  readonly text: string;
  readonly metric: Metric;
  /** The parameter or design column, for metrics that take one. */
  readonly name: string | null;
  readonly op: Comparator;
  readonly threshold: number;
}

export interface GateOutcome {
  readonly rule: Rule;
  /** The measured value (null when it does not exist, e.g. an OLS that could not be fit). */
  readonly value: number | null;
  readonly passed: boolean;
  /**
   * The model the metric is read from explains nothing (the forest's cross-validated R², or the
   * regression's F-test), or the metric is the notebook's no-intercept OLS: evaluated, not to be trusted.
   */
  readonly unreliable: boolean;
  /** Why it is unreliable, one short phrase (null when it is not). */
  readonly caveat: string | null;
}
