/**
 * Honest insights beyond the notebook (issue 5): model quality, outliers, importances with
 * uncertainty, where the best runs are, what to try next, interactions. Built from a Design.
 */
export interface ModelQuality {
  /** 5-fold cross-validated R² of the forest on all runs (= result.cv_r2.mean), null under 10 runs. */
  readonly cvR2: number | null;
  /** The same without the flagged outlier runs (null when none were flagged or too few runs). */
  readonly cvR2WithoutOutliers: number | null;
  /** The quality the verdict is read from: without outliers when there are some, else cvR2. */
  readonly effectiveR2: number | null;
  readonly threshold: number;
  /** true: the hyperparameters explain no predictable part of the target; importances are not effects. */
  readonly explainsNothing: boolean;
  /** Per-fold R² of the cross-validation on all runs (= result.cv_r2.folds); null under 10 runs. */
  readonly cvR2Folds?: number[] | null;
}

/** How outliers were flagged (src/insights/outliers.ts). */
export type OutlierRule = 'mad' | 'iqr' | 'mean_abs_dev' | 'none';

export interface OutlierRun {
  /** Index of the run in the design (0..n-1). */
  readonly index: number;
  /** Row in the runs table. */
  readonly row: number;
  readonly value: number;
  /**
   * (value − median) / the outlier rule's σ estimate: 1.4826 · MAD ('mad'), IQR / 1.349 ('iqr'),
   * √(π/2) · mean |y − median| ('mean_abs_dev').
   */
  readonly robustZ: number;
}

export interface PermutationImportance {
  readonly parameter: string;
  /** Mean drop in held-out R² over folds × repeats. */
  readonly mean: number;
  readonly sd: number;
  /** 95% interval: mean ± t(0.975, m−1)·sd/√m over the m values. */
  readonly low: number;
  readonly high: number;
  /**
   * The interval lies above 0 and the model predicts something (quality.explainsNothing false): on a
   * model that explains nothing an interval above 0 is no effect, and `matters` stays false.
   */
  readonly matters: boolean;
}

export interface LevelShare {
  readonly level: string;
  readonly shareBest: number;
  readonly shareAll: number;
}

export interface ParameterAdvice {
  readonly parameter: string;
  readonly kind: 'numeric' | 'boolean' | 'categorical';
  readonly matters: boolean;
  /** numeric: searched range and where the best runs sit. */
  readonly searched?: { readonly min: number; readonly max: number };
  readonly best?: { readonly min: number; readonly max: number; readonly median: number };
  readonly logScale?: boolean;
  /** categorical/boolean: share of each level among the best runs vs overall. */
  readonly levels?: LevelShare[];
  /** Plain sentences: "extend above 0.1", "never among the best: sgd", "looks irrelevant: can be fixed". */
  readonly advice: string[];
  /** numeric: the best runs sit at this edge of the searched range. */
  readonly edge?: 'low' | 'high' | null;
  /** numeric, when it matters: the range the next sweep should search (narrowed or extended). */
  readonly suggested?: { readonly min: number; readonly max: number };
  /** categorical/boolean, when it matters: levels the next sweep can drop (never among the best). */
  readonly dropLevels?: string[];
}

export interface Interaction {
  readonly a: string;
  readonly b: string;
  /** Strength on [0, 1] (e.g. Friedman's H²). */
  readonly strength: number;
  /** One line: "learning_rate matters mostly when optimizer = sgd". */
  readonly sentence: string;
}

export interface NextSweep {
  /** W&B sweep config as YAML text. */
  readonly yaml: string;
  /** The same as an object (valid against the sweep-config schema). */
  readonly config: Record<string, unknown>;
}

export interface Insights {
  readonly quality: ModelQuality;
  readonly outliers: OutlierRun[];
  /**
   * The rule that flagged the outliers (src/insights/outliers.ts): the first of 'mad', 'iqr',
   * 'mean_abs_dev' that flags at most 5% of the runs, else 'none'. Always set by computeInsights.
   */
  readonly outlierRule?: OutlierRule;
  /** The rule in plain English: "robust z (MAD) beyond 5", "beyond 3 IQR from the quartiles". */
  readonly outlierRuleText?: string;
  /** Per hyperparameter (not per design column), parameter order. */
  readonly permutation: PermutationImportance[];
  /** How many runs count as "best" (top 10% by the goal, at least 5). */
  readonly bestCount: number;
  readonly advice: ParameterAdvice[];
  readonly interactions: Interaction[];
  readonly nextSweep: NextSweep | null;
}
