/**
 * Everything one analysis computed, before any rendering: the request, the design it was built from,
 * the recipe's results (JSON), the insights and the gates. The report model is built from this.
 */
import type { Design, Goal } from '../design/types.js';
import type { GateOutcome } from '../gates/types.js';
import type { Insights } from '../insights/types.js';
import type { RunsTable } from '../table/runs-table.js';
import type { AnalysisResult } from './result.js';
import type { OlsResult } from '../stats/ols.js';
import type { Summary } from './summary.js';
import type { Comparison } from '../insights/compare.js';
import type { FidelityAnalysis } from '../insights/fidelity.js';
import type { SourceMeta } from '../sources/types.js';
import type { NextStudy } from '../insights/next-study.js';

/**
 * A multi-fidelity sweep's budget column read at its highest budget (insights.fidelity), or only a
 * note (a sweep that stopped runs early without a column saying how long), or null.
 */
export type FidelityReading = FidelityAnalysis | { readonly column: null; readonly note: string } | null;

export interface AnalysisRequest {
  readonly target: string;
  readonly goal: Goal;
  /** true when --goal was not given and the goal was read from the target's name (or the sweep). */
  readonly goalAssumed: boolean;
  readonly goalReason: string;
  readonly params: string[];
  readonly trees: number;
  readonly seed: number;
}

// A W&B sweep's own record: declared by its source (src/sources/wandb/sweep-info.ts), re-exported.
export type { SweepInfo } from '../sources/wandb/sweep-info.js';
import type { SweepInfo } from '../sources/wandb/sweep-info.js';

export interface BestRun {
  /** Index in the design. */
  readonly index: number;
  /** Row in the runs table (0-based; the report says row + 1). */
  readonly row: number;
  readonly value: number;
  /** Runs sharing the best value (1: the best run is alone). */
  readonly ties: number;
  readonly name: string | null;
  /** The run's id when the source has one (and it is not its name). */
  readonly id: string | null;
  /** Runs with the same name (a name may not identify a run); 0 without a name. */
  readonly nameShared: number;
  readonly url: string | null;
  /** Hyperparameter → value as the run set it (null where it did not). */
  readonly params: Record<string, string | number | boolean | null>;
}

export interface Analysis {
  readonly request: AnalysisRequest;
  /** Where the runs came from ("examples/mnist-pytorch/runs.csv", "wandb sweep e/p/id"). */
  readonly source: string;
  readonly table: RunsTable;
  /** `--where` filters applied, as written, and how many runs they removed. */
  readonly filters: { readonly text: string[]; readonly removed: number };
  readonly design: Design;
  readonly result: AnalysisResult;
  /** The notebook's OLS fit behind `result.ols` (absent: refit from the design when needed). */
  readonly olsFit?: OlsResult | null;
  readonly best: BestRun;
  /** Parameters that never vary (kept in the design for parity, named in the report). */
  readonly constantParameters: string[];
  /** Categoricals that look like ids (a distinct value in most runs). */
  readonly idLikeParameters: string[];
  readonly insights: Insights | null;
  /** The budget column of a multi-fidelity sweep and the reading at its highest budget. */
  readonly fidelity: FidelityReading;
  /** The comparison with the baseline (--baseline), or null. */
  readonly comparison: Comparison | null;
  /** Design indices of the best runs (top 10%, at least 5, and every run tied with the last). */
  readonly bestRuns: Int32Array;
  readonly gates: GateOutcome[];
  /** The W&B sweep when the runs came from one (its report lines and the JSON's `sweep`), else null. */
  readonly sweep: SweepInfo | null;
  /** What the source says of itself: label, URL, states, objective, searched space, comment key. */
  readonly meta: SourceMeta;
  /**
   * The next-sweep suggestion in the source's own terms when it has a searched space of its own (an
   * Optuna study: distributions as JSON); `insights.nextSweep` (W&B's YAML) is then null.
   */
  readonly nextStudy?: NextStudy | null;
  /** The verdict, decided once for every output. */
  readonly summary: Summary;
}
