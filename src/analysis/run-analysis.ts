/**
 * One analysis, end to end, as data: load the runs (file or W&B sweep), filter, build the design,
 * compute the recipe's statistics and the insights, evaluate the gates. No rendering, no writing:
 * the CLI and the action render and publish what this returns.
 */
import { readRunsFile } from '../sources/read-runs.js';
import { applyWhere, parseWhere } from '../sources/where.js';
import { parseSweepRef } from '../sources/wandb/sweep-ref.js';
import { loadSweep } from '../sources/wandb/load-sweep.js';
import { buildDesign, resolveParams } from '../design/build-design.js';
import type { Design, Goal } from '../design/types.js';
import type { RunsTable } from '../table/runs-table.js';
import { UsageError } from '../errors.js';
import type { Rule } from '../gates/types.js';
import { checkBaselineRules, checkRuleNames, evaluateRules } from '../gates/rules.js';
import { computeInsightsAsync } from '../insights/compute-insights.js';
import { toFeatureMatrix } from '../forest/forest.js';
import type { Analysis, AnalysisRequest, FidelityReading, SweepInfo } from './analysis.js';
import { computeFidelity } from '../insights/fidelity.js';
import { decideGoal } from './goal.js';
import { summarize } from './summary.js';
import { compareSnapshots, snapshotOf } from './compare.js';
import { loadBaseline } from './baseline.js';
import { bestCountFor, bestRuns } from '../insights/advice.js';
import { computeResult, withCvR2 } from './compute-result.js';
import { findBestRun, constantParameters, idLikeParameters, varyingConfigKeys } from './run-facts.js';

export interface AnalysisInput {
  /** A runs file (CSV, JSON, JSONL). Exactly one of runsFile and sweep. */
  readonly runsFile?: string;
  /** A W&B sweep: `entity/project/id` or its page URL. */
  readonly sweep?: string;
  readonly wandb?: {
    readonly apiKey?: string;
    readonly baseUrl?: string;
    readonly states?: string[];
    readonly wait?: boolean;
    readonly waitTimeoutMinutes?: number;
  };
  readonly target?: string;
  readonly goal?: Goal;
  readonly params?: string[];
  readonly where?: string[];
  readonly trees: number;
  readonly seed: number;
  /** Worker threads for the forest (1: the main thread only). */
  readonly threads?: number;
  readonly rules: Rule[];
  /** Compute the insights (cross-validation, permutation importance, advice): about 5× the base time. */
  readonly insights: boolean;
  /** Keep an id-like categorical (about one level per run) as a hyperparameter instead of refusing it. */
  readonly allowIdLike?: boolean;
  /** --baseline: a results JSON of an earlier run, or a runs file / W&B sweep analysed the same way. */
  readonly baseline?: string;
  /** --fidelity: the budget column of a multi-fidelity sweep, 'none' (no detection), or unset (by name). */
  readonly fidelity?: string;
  /** Threshold of the cross-validated R² at or below which nothing reliably matters. */
  readonly qualityThreshold?: number;
  readonly onProgress?: (message: string) => void;
}

export async function runAnalysis(input: AnalysisInput): Promise<Analysis> {
  const progress = input.onProgress ?? (() => {});
  if (!input.runsFile === !input.sweep) {
    throw new UsageError('give exactly one source: --runs FILE or --sweep ENTITY/PROJECT/SWEEP_ID');
  }
  if (!Number.isInteger(input.trees) || input.trees < 1) {
    throw new UsageError(`--trees must be a positive integer, got ${input.trees}`);
  }
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 32 - 1) {
    throw new UsageError(`--seed must be an integer in [0, 4294967295], got ${input.seed}`);
  }
  const filters = (input.where ?? []).map(parseWhere);
  checkBaselineRules(input.rules, input.baseline !== undefined);

  // 1. sources → runs table
  let table: RunsTable;
  let sweep: SweepInfo | null = null;
  let source: string;
  if (input.sweep) {
    const ref = parseSweepRef(input.sweep);
    progress(`reading sweep ${ref.entity}/${ref.project}/${ref.id} from W&B`);
    const loaded = await loadSweep(ref, {
      apiKey: input.wandb?.apiKey,
      baseUrl: input.wandb?.baseUrl,
      states: input.wandb?.states,
      wait: input.wandb?.wait,
      waitTimeoutMinutes: input.wandb?.waitTimeoutMinutes,
      onProgress: progress,
    });
    table = loaded.table;
    sweep = loaded.sweep;
    source = `W&B sweep ${ref.entity}/${ref.project}/${ref.id}`;
  } else {
    progress(`reading ${input.runsFile}`);
    table = await readRunsFile(input.runsFile!);
    source = input.runsFile!;
  }
  const filtered = applyWhere(table, filters);
  table = filtered.table;
  if (filters.length > 0 && table.rowCount === 0) {
    throw new UsageError(
      `--where ${(input.where ?? []).join(' --where ')} left none of the ${filtered.removed} runs of ${source}`,
    );
  }

  // 2. which columns: target, goal, hyperparameters
  const target = input.target ?? sweep?.metric?.name;
  if (!target) {
    const metrics = table.metricKeys.length > 0 ? table.metricKeys : table.columns;
    const why = sweep ? "the sweep's config has no metric" : 'no --target given';
    throw new UsageError(`${why}: pass --target with one of: ${listNames(metrics)}`);
  }
  const goal = decideGoal(target, input.goal, sweep?.metric ?? null);
  const params = chooseParams(table, input.params, sweep, target);

  const request: AnalysisRequest = {
    target,
    goal: goal.goal,
    goalAssumed: goal.assumed,
    goalReason: goal.reason,
    params,
    trees: input.trees,
    seed: input.seed,
  };

  // 3. runs table → design matrix
  const design: Design = buildDesign(table, { target, params, allowIdLike: input.allowIdLike });
  checkRuleNames(input.rules, design);

  // 4. statistics: the notebook's (parity) and the insights beside them
  progress(`fitting ${input.trees} extra trees on ${design.n} runs × ${design.k} columns`);
  const features = toFeatureMatrix(design.X, design.n, design.k);
  const forest = { trees: input.trees, seed: input.seed, threads: input.threads };
  const { result: base, olsFit } = await computeResult(design, forest, features);
  let insights = null;
  let cv;
  if (input.insights) {
    progress('cross-validating the forest and permuting each hyperparameter (insights)');
    insights = await computeInsightsAsync(design, {
      goal: goal.goal,
      trees: input.trees,
      seed: input.seed,
      threads: input.threads,
      threshold: input.qualityThreshold,
      sweepConfig: sweep?.config ?? null,
      logScaled: base.ols_standardized?.log_scaled,
      onProgress: progress,
    });
    const folds = insights.quality.cvR2Folds;
    // A constant target has nothing to predict: the oracle writes null (recipe.md §3).
    cv =
      folds && insights.quality.cvR2 !== null && base.ols !== null
        ? { folds: [...folds], mean: insights.quality.cvR2 }
        : null;
  } else {
    cv = null; // --no-insights: no cross-validation either (it is most of the insights' cost)
  }
  const result = withCvR2(base, cv);
  // a multi-fidelity sweep: found even without the insights (the warning), read at its top budget with them
  const fidelity: FidelityReading = await computeFidelity(design, {
    flag: input.fidelity,
    sweepConfig: sweep?.config ?? null,
    read: input.insights,
    trees: input.trees,
    seed: input.seed,
    threads: input.threads,
    threshold: input.qualityThreshold,
    onProgress: progress,
  });

  // 5. the baseline (the base branch's sweep): read back or analysed the same way, then compared
  const head = snapshotOf({ request, source, design, result, insights });
  const comparison = input.baseline
    ? compareSnapshots(
        await loadBaseline(input.baseline, { target, goal: goal.goal }, async (ref) =>
          snapshotOf(
            await runAnalysis({
              ...input,
              ...ref,
              runsFile: ref.runsFile,
              sweep: ref.sweep,
              params: request.params,
              target,
              goal: goal.goal,
              rules: [],
              baseline: undefined,
              onProgress: (m) => progress(`baseline: ${m}`),
            }),
          ),
        ),
        head,
        input.seed,
      )
    : null;

  const best = findBestRun(table, design, goal.goal);
  const gates = evaluateRules(input.rules, {
    result,
    insights,
    best: best.value,
    goal: goal.goal,
    used: design.n,
    comparison,
  });
  const facts = {
    request,
    source,
    table,
    filters: { text: [...(input.where ?? [])], removed: filtered.removed },
    design,
    result,
    olsFit,
    best,
    constantParameters: constantParameters(design),
    idLikeParameters: idLikeParameters(design),
    insights,
    fidelity,
    comparison,
    bestRuns: bestRuns(design.y, goal.goal, bestCountFor(design.n)),
    gates,
    sweep,
  };
  return { ...facts, summary: summarize(facts) };
}

/** recipe.md §1: --params wins; a sweep's `parameters` block; W&B-shaped records' config keys; else ask. */
function chooseParams(
  table: RunsTable,
  given: string[] | undefined,
  sweep: SweepInfo | null,
  target: string,
): string[] {
  if (given && given.length > 0) return resolveParams(table, given);
  if (sweep) {
    const fromConfig = sweep.parameters.filter((p) => table.columns.includes(p) && p !== target);
    if (fromConfig.length > 0) return fromConfig;
    const varying = varyingConfigKeys(table).filter((p) => p !== target);
    if (varying.length > 0) return varying;
    throw new UsageError(
      `the sweep's runs have no config key that varies; pass --params with some of: ${listNames(table.configKeys)}`,
    );
  }
  return resolveParams(table, undefined).filter((p) => p !== target);
}

export function listNames(names: string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
