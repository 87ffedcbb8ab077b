/**
 * The honest insights beside the notebook's numbers (issue 5), in order: outliers, model quality
 * (5-fold cross-validated R², also without the outliers), out-of-fold permutation importance with
 * 95% intervals, interactions, where the best runs are and the next sweep.
 *
 * Cost: the cross-validation's five fold forests (≈ 4 forest fits) are fitted once; when runs are
 * flagged, five more folds without them with PERMUTATION_TREES (25) trees (≈ 0.4 fits; their R² is
 * within 0.01 of a 250-tree forest's on the examples: mnist-pytorch 0.799 vs 0.805, eeg-tcn-bohb
 * 0.762 vs 0.767). Permutations and interactions are predictions of 25-tree forests on held-out runs
 * of the folds the verdict is read from (outlier-free when there are outliers): ≈ 0.3–0.5 fits.
 */
import type { Design, Goal } from '../design/types.js';
import { toFeatureMatrix, type FeatureMatrix, type ForestOptions } from '../forest/forest.js';
import { adviseParameters, bestCountFor, bestRuns } from './advice.js';
import { cvFromFolds, fitFolds, fitFoldsAsync, type CvR2, type FoldFit } from './cv-r2.js';
import { findInteractions } from './interactions.js';
import { isLogScaled } from './log-scale.js';
import { nextSweepConfig } from './next-sweep.js';
import { findOutliers, type OutlierResult } from './outliers.js';
import { FoldPermuter, PERMUTATION_REPEATS, PERMUTATION_TREES, type GroupSample } from './permutation.js';
import { assessQuality, DEFAULT_QUALITY_THRESHOLD, heldOutImportance } from './quality.js';
import type { Insights, OutlierRun, PermutationImportance } from './types.js';

export interface InsightsOptions {
  goal: Goal;
  trees: number;
  seed: number;
  threshold?: number;
  sweepConfig?: Record<string, unknown> | null;
  logScaled?: string[];
  onProgress?: (m: string) => void;
}

export function computeInsights(design: Design, opts: InsightsOptions): Insights {
  const plan = planInsights(design, opts);
  const full = fitFolds(plan.features, design.y, plan.fullForest, undefined, plan.onFullFold);
  const clean =
    full && plan.keep
      ? fitFolds(plan.features, design.y, plan.cleanForest, plan.keep, plan.onCleanFold)
      : null;
  const permuter = verdictPermuter(design, opts, plan, clean ?? full);
  const singles = permuter ? usedParameters(design).map((p) => permuter.permute(p.columns)) : null;
  return finishInsights(design, opts, plan, full, clean, permuter, singles);
}

/** As computeInsights, the fold forests grown on `threads` worker threads (default one per core); the same result. */
export async function computeInsightsAsync(
  design: Design,
  opts: InsightsOptions & { threads?: number },
): Promise<Insights> {
  const plan = planInsights(design, opts);
  const full = await fitFoldsAsync(plan.features, design.y, plan.fullForest, undefined, plan.onFullFold);
  const clean =
    full && plan.keep
      ? await fitFoldsAsync(plan.features, design.y, plan.cleanForest, plan.keep, plan.onCleanFold)
      : null;
  const permuter = verdictPermuter(design, opts, plan, clean ?? full);
  const singles = permuter
    ? await permuter.permuteAll(
        usedParameters(design).map((p) => p.columns),
        opts.threads,
      )
    : null;
  // the interactions' pairs, likely ones computed ahead on the worker threads too (a guess that
  // misses is computed when asked for: the same values)
  if (permuter && singles) await permuter.prefetch(likelyPairs(design, singles), opts.threads);
  return finishInsights(design, opts, plan, full, clean, permuter, singles);
}

/** Pairs of the (at most 4) parameters with the largest held-out drops that matter: findInteractions' pairs. */
function likelyPairs(design: Design, samples: GroupSample[]): number[][] {
  const top = usedParameters(design)
    .map((p, i) => ({ p, s: heldOutImportance(p.name, samples[i].drops, true) }))
    .filter((x) => x.s.matters)
    .sort((a, b) => b.s.mean - a.s.mean || a.p.name.localeCompare(b.p.name))
    .slice(0, 4);
  const pairs: number[][] = [];
  for (let i = 0; i < top.length; i++)
    for (let j = i + 1; j < top.length; j++) pairs.push([...top[i].p.columns, ...top[j].p.columns]);
  return pairs;
}

function usedParameters(design: Design): Design['parameters'] {
  return design.parameters.filter((p) => p.kind !== 'empty');
}

/** The permutations run on the forests the verdict is read from (outlier-free when there are outliers). */
function verdictPermuter(
  design: Design,
  opts: InsightsOptions,
  plan: Plan,
  verdictFolds: FoldFit[] | null,
): FoldPermuter | null {
  if (!verdictFolds) return null;
  const progress = opts.onProgress ?? (() => {});
  progress(
    `permutation importance: ${usedParameters(design).length} parameters × ${PERMUTATION_REPEATS} repeats × 5 folds`,
  );
  return new FoldPermuter(plan.features, design.y, verdictFolds, {
    repeats: PERMUTATION_REPEATS,
    trees: PERMUTATION_TREES,
    seed: opts.seed,
  });
}

interface Plan {
  readonly features: FeatureMatrix;
  readonly outliers: OutlierRun[];
  readonly outlierRule: Pick<OutlierResult, 'rule' | 'ruleText'>;
  /** Runs kept for the outlier-free cross-validation; null when none were flagged. */
  readonly keep: Int32Array | null;
  readonly fullForest: ForestOptions;
  readonly cleanForest: ForestOptions;
  readonly onFullFold: (f: number) => void;
  readonly onCleanFold: (f: number) => void;
}

function planInsights(design: Design, opts: InsightsOptions & { threads?: number }): Plan {
  const progress = opts.onProgress ?? (() => {});
  const { n } = design;
  const found = findOutliers(design.y, design.rows);
  const outliers = found.runs;
  let keep: Int32Array | null = null;
  if (outliers.length > 0) {
    const flagged = new Set(outliers.map((o) => o.index));
    keep = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !flagged.has(i));
  }
  const threads = opts.threads;
  // the permutations read only the first PERMUTATION_TREES trees of each fold forest
  const keepTrees = PERMUTATION_TREES;
  return {
    features: toFeatureMatrix(design.X, n, design.k),
    outliers,
    outlierRule: found,
    keep,
    fullForest: { trees: opts.trees, seed: opts.seed, threads, keepTrees },
    // the outlier-free folds feed the verdict and the permutations: PERMUTATION_TREES trees suffice
    cleanForest: { trees: Math.min(opts.trees, PERMUTATION_TREES), seed: opts.seed, threads, keepTrees },
    onFullFold: (f) => progress(`cross-validation: fold ${f + 1} of 5 (${opts.trees} trees)`),
    onCleanFold: (f) =>
      progress(`cross-validation without ${outliers.length} outlier runs: fold ${f + 1} of 5`),
  };
}

function finishInsights(
  design: Design,
  opts: InsightsOptions,
  plan: Plan,
  full: FoldFit[] | null,
  clean: FoldFit[] | null,
  /** The verdict folds' permuter and its sample per used parameter (null: no cross-validation). */
  permuter: FoldPermuter | null,
  samples: GroupSample[] | null,
): Insights {
  const threshold = opts.threshold ?? DEFAULT_QUALITY_THRESHOLD;
  const { n, y } = design;
  const { outliers } = plan;
  const constantTarget = y.every((v) => v === y[0]);
  const cv: CvR2 | null = full ? cvFromFolds(full) : null;
  const quality = assessQuality({
    cvR2: cv?.mean ?? null,
    cvR2WithoutOutliers: clean ? cvFromFolds(clean).mean : null,
    cvR2Folds: cv?.folds ?? null,
    threshold,
    constantTarget,
  });

  // 2. permutation importance on the forests the verdict is read from
  const verdictFolds = clean ?? full;
  const used = usedParameters(design);
  const permutation: PermutationImportance[] = [];
  const singles = new Map<string, GroupSample>();
  if (permuter && samples) {
    used.forEach((p, i) => {
      singles.set(p.name, samples[i]);
      // an interval above 0 on a model that predicts nothing is not an effect, and neither is a drop
      // of held-out R² too small to matter (the intervals measure the folds' noise only)
      permutation.push(heldOutImportance(p.name, samples[i].drops, !quality.explainsNothing));
    });
  }
  const reliable = verdictFolds !== null && !quality.explainsNothing;
  const mattering = reliable
    ? permutation
        .filter((p) => p.matters)
        .sort((a, b) => b.mean - a.mean || a.parameter.localeCompare(b.parameter))
    : [];

  // 3. interactions among the parameters that matter
  const interactions =
    permuter && mattering.length >= 2
      ? findInteractions(
          design,
          permuter,
          singles,
          mattering.map((p) => p.parameter),
        )
      : [];

  // 4. where the best runs are, and the next sweep
  const best = bestRuns(y, opts.goal, bestCountFor(n));
  const bestCount = best.length;
  const logScaled = new Set(
    opts.logScaled ??
      used.filter((p) => p.kind === 'numeric' && p.raw && isLogScaled(p.raw)).map((p) => p.name),
  );
  const advice = adviseParameters(design, {
    goal: opts.goal,
    matters: new Set(mattering.map((p) => p.parameter)),
    explainsNothing: verdictFolds ? quality.explainsNothing : null,
    logScaled,
    sweepConfig: opts.sweepConfig ?? null,
    best,
    overfit: new Set(permutation.filter((p) => p.high < 0).map((p) => p.parameter)),
  });
  const nextSweep = nextSweepConfig(design, advice, {
    goal: opts.goal,
    sweepConfig: opts.sweepConfig ?? null,
    runs: n,
  });
  const outlierRule = plan.outlierRule.rule;
  const outlierRuleText = plan.outlierRule.ruleText;
  return {
    quality,
    outliers,
    outlierRule,
    outlierRuleText,
    permutation,
    bestCount,
    advice,
    interactions,
    nextSweep,
  };
}
