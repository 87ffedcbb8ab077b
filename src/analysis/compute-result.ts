/**
 * The recipe's statistics on a design (recipe.md §6, §8): correlations, the notebook's OLS, extra-trees
 * importances, per-parameter importances, Spearman and the standardized OLS. The cross-validated R² is
 * passed in, because the insights compute it from the same fold forests they permute.
 */
import type { Design } from '../design/types.js';
import { fitExtraTreesAsync, toFeatureMatrix, type FeatureMatrix } from '../forest/forest.js';
import { correlations, spearmanCorrelations } from '../stats/correlation.js';
import { fitOls, type OlsResult } from '../stats/ols.js';
import { fitOlsStandardized } from '../stats/ols-standardized.js';
import type { AnalysisResult, CvR2Json } from './result.js';
import { ENGINE_NAME, ENGINE_VERSION } from '../version.js';

export interface ComputeOptions {
  readonly trees: number;
  readonly seed: number;
  readonly threads?: number;
}

export interface ComputedResult {
  readonly result: AnalysisResult;
  /** The notebook's OLS fit itself (its summary text is rendered from it); null for a constant target. */
  readonly olsFit: OlsResult | null;
}

export async function computeResult(
  design: Design,
  opts: ComputeOptions,
  features: FeatureMatrix = toFeatureMatrix(design.X, design.n, design.k),
): Promise<ComputedResult> {
  const constantTarget = isConstant(design.y);
  const forest = await fitExtraTreesAsync(features, design.y, {
    trees: opts.trees,
    seed: opts.seed,
    threads: opts.threads,
    keepTrees: 0, // only the importances are read: the trees themselves need not be kept
  });
  const imp = forest.featureImportances();
  // fromEntries, not `obj[name] = v`: a name like `__proto__` is a key like any other
  const importances: Record<string, number> = Object.fromEntries(design.features.map((f, j) => [f, imp[j]]));
  const parameterImportances: Record<string, number> = Object.fromEntries(
    design.parameters
      .filter((p) => p.kind !== 'empty')
      .map((p) => {
        let sum = 0;
        for (const j of p.columns) sum += imp[j];
        return [p.name, sum];
      }),
  );
  const olsFit = constantTarget ? null : fitOls(design.X, design.n, design.k, design.y, design.features);
  const result: AnalysisResult = {
    target: design.target,
    runs: {
      total: design.runs.total,
      used: design.runs.used,
      dropped_no_target: design.runs.droppedNoTarget,
    },
    parameters: Object.fromEntries(design.parameters.map((p) => [p.name, p.kind])),
    dropped_parameters: [...design.dropped],
    features: [...design.features],
    correlations: correlations(design),
    ols: olsFit ? olsFit.toJSON() : null,
    importances,
    parameter_importances: parameterImportances,
    spearman: spearmanCorrelations(design),
    ols_standardized: constantTarget ? null : fitOlsStandardized(design),
    cv_r2: null,
    engine: { name: ENGINE_NAME, version: ENGINE_VERSION, trees: opts.trees, seed: opts.seed },
  };
  return { result, olsFit };
}

export function withCvR2(result: AnalysisResult, cv: CvR2Json | null): AnalysisResult {
  return { ...result, cv_r2: cv };
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}
