/**
 * The design matrix and what it was built from (recipe.md §3–§5): the notebook's preprocessing
 * (NaN → column mean, categoricals → one dummy per level), ready for the statistics.
 */
import type { ParamKind } from '../table/typing.js';
import type { Goal } from '../sources/types.js';

// Declared in the lower layers that use them first (cell typing, the sources' objectives); re-exported.
export type { ParamKind, Goal };

export interface ParameterInfo {
  readonly name: string;
  readonly kind: ParamKind;
  /** Indices of this parameter's columns in the design (one for numeric/boolean, one per level). */
  readonly columns: number[];
  /** Categorical: levels sorted by code point (Python string order); others: []. */
  readonly levels: string[];
  /** Runs (of the kept ones) that set this parameter: the rest were mean-filled / all-zero dummies. */
  readonly present: number;
  /** Distinct present values. */
  readonly distinct: number;
  /** Numeric/boolean: value per kept run before imputation, NaN where missing. */
  readonly raw: Float64Array | null;
  /** Categorical: level index per kept run into `levels`, -1 where missing. */
  readonly codes: Int32Array | null;
}

export interface Design {
  readonly target: string;
  /** Kept runs (finite target). */
  readonly n: number;
  /** Design columns. */
  readonly k: number;
  /** Column names (recipe.md §5 order). */
  readonly features: string[];
  /** Column-major float64 design: X[j * n + i] is run i, column j. */
  readonly X: Float64Array;
  /** Target per kept run. */
  readonly y: Float64Array;
  /** Every requested hyperparameter in parameter order, including empty ones. */
  readonly parameters: ParameterInfo[];
  /** Empty parameters, dropped from the design, in parameter order. */
  readonly dropped: string[];
  /** Row index in the runs table of each kept run. */
  readonly rows: Int32Array;
  readonly runs: { readonly total: number; readonly used: number; readonly droppedNoTarget: number };
}
