/**
 * One analysis, end to end, as data: load the runs (a source from the registry: a file, a W&B
 * sweep, an MLflow experiment, an Optuna study), filter, build the design,
 * compute the recipe's statistics and the insights, evaluate the gates. No rendering, no writing:
 * the CLI and the action render and publish what this returns.
 */
import { applyWhere, parseWhere } from '../sources/where.js';
import { loadSource, type SourceRequest } from '../sources/registry.js';
import type { Objective, SourceMeta } from '../sources/types.js';
import { nextStudy, type NextStudy } from '../insights/next-study.js';
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
import { compareSnapshots } from '../insights/compare.js';
import { loadBaseline, snapshotOf } from './baseline.js';
import { bestCountFor, bestRuns } from '../insights/advice.js';
import { computeResult, withCvR2 } from './compute-result.js';
import { findBestRun, constantParameters, idLikeParameters, varyingConfigKeys } from './run-facts.js';

export interface AnalysisInput {
  /** A runs file (CSV, JSON, JSONL). Exactly one of runsFile and sweep. */
  readonly runsFile?: string;
  /** A W&B sweep: `entity/project/id` or its page URL. */
  readonly sweep?: string;
  /**
   * Any source of the registry (src/sources/registry.ts) by kind and options (its flags by name),
   * instead of runsFile/sweep: `{kind: 'mlflow', options: {mlflow: 'my-exp'}}`.
   */
  readonly source?: SourceRequest;
  /** --states: run states to keep (a source's own states; W&B's also from wandb.states). */
  readonly states?: string[];
  /** The environment a source reads credentials and servers from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
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
  const request0 = sourceRequestOf(input);
  if (!Number.isInteger(input.trees) || input.trees < 1) {
    throw new UsageError(`--trees must be a positive integer, got ${input.trees}`);
  }
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 32 - 1) {
    throw new UsageError(`--seed must be an integer in [0, 4294967295], got ${input.seed}`);
  }
  const filters = (input.where ?? []).map(parseWhere);
  checkBaselineRules(input.rules, input.baseline !== undefined);

  // 1. sources → runs table (and the source's neutral metadata: all that is read of it below)
  const env = input.env ?? process.env;
  const loaded = await loadSource(request0, {
    env: input.wandb?.apiKey !== undefined ? { ...env, WANDB_API_KEY: input.wandb.apiKey } : env,
    states: input.states ?? input.wandb?.states,
    target: input.target,
    onProgress: progress,
  });
  const meta: SourceMeta = loaded.meta;
  let table: RunsTable = loaded.table;
  const source = meta.kind === 'file' ? meta.label : `${meta.what} ${meta.label}`;
  // W&B's own record of its sweep, for the report's and the JSON's `sweep` (null for other sources)
  const sweep = meta.kind === 'wandb' ? ((meta.details.sweep as SweepInfo | undefined) ?? null) : null;
  const filtered = applyWhere(table, filters);
  table = filtered.table;
  if (filters.length > 0 && table.rowCount === 0) {
    throw new UsageError(
      `--where ${(input.where ?? []).join(' --where ')} left none of the ${filtered.removed} runs of ${source}`,
    );
  }

  // 2. which columns: target, goal, hyperparameters
  const target = input.target ?? meta.objective?.name;
  if (!target) {
    const metrics = table.metricKeys.length > 0 ? table.metricKeys : table.columns;
    const why = noTargetReason(meta);
    throw new UsageError(`${why}: pass --target with one of: ${listNames(metrics)}`);
  }
  const objective = objectiveFor(meta, target);
  const goal = decideGoal(
    target,
    input.goal,
    objective,
    meta.kind === 'wandb' ? undefined : `the ${meta.what}'s direction for ${target}`,
  );
  const params = chooseParams(table, input.params, meta, target);

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
      sweepConfig: meta.config,
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
  // A source with its own searched space (an Optuna study): the next sweep in its terms, not W&B's
  let nextStudyConfig: NextStudy | null = null;
  if (insights && meta.space) {
    nextStudyConfig = nextStudy(meta.space, insights.advice, params);
    insights = { ...insights, nextSweep: null };
  }
  // a multi-fidelity sweep: found even without the insights (the warning), read at its top budget with them
  const fidelity: FidelityReading = await computeFidelity(design, {
    flag: input.fidelity,
    sweepConfig: meta.config,
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
              runsFile: ref.runsFile,
              sweep: ref.sweep,
              source: undefined,
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
    meta,
    nextStudy: nextStudyConfig,
  };
  return { ...facts, summary: summarize(facts) };
}

/** recipe.md §1: --params wins; a sweep's `parameters` block; W&B-shaped records' config keys; else ask. */
function chooseParams(
  table: RunsTable,
  given: string[] | undefined,
  meta: SourceMeta,
  target: string,
): string[] {
  if (given && given.length > 0) return resolveParams(table, given);
  if (meta.kind !== 'file') {
    const fromConfig = meta.parameters.filter((p) => table.columns.includes(p) && p !== target);
    if (fromConfig.length > 0) return fromConfig;
    const varying = varyingConfigKeys(table).filter((p) => p !== target);
    if (varying.length > 0) return varying;
    const what =
      meta.kind === 'wandb'
        ? "the sweep's runs have no config key that varies"
        : `the runs of ${meta.what} ${meta.label} have no hyperparameter that varies`;
    throw new UsageError(
      `${what}; pass --params with some of: ${listNames(table.configKeys.length > 0 ? table.configKeys : table.columns)}`,
    );
  }
  return resolveParams(table, undefined).filter((p) => p !== target);
}

/** The registry's request for the input: `source` as given, else a runs file or a W&B sweep. */
function sourceRequestOf(input: AnalysisInput): SourceRequest {
  const given = [input.runsFile, input.sweep, input.source].filter((x) => x !== undefined && x !== '');
  if (given.length !== 1) {
    throw new UsageError(
      'give exactly one source: --runs FILE, --sweep ENTITY/PROJECT/SWEEP_ID, --mlflow EXPERIMENT or --optuna STORAGE --study NAME',
    );
  }
  if (input.source) return input.source;
  if (input.runsFile) return { kind: 'file', options: { runs: input.runsFile } };
  const w = input.wandb;
  return {
    kind: 'wandb',
    options: {
      sweep: input.sweep,
      'wandb-base-url': w?.baseUrl,
      wait: w?.wait,
      'wait-timeout': w?.waitTimeoutMinutes === undefined ? undefined : String(w.waitTimeoutMinutes),
    },
  };
}

/** The objective the source declares for `target`: its single objective, or the one of that name. */
function objectiveFor(meta: SourceMeta, target: string): Objective | null {
  return meta.objectives.find((o) => o.name === target) ?? meta.objective;
}

function noTargetReason(meta: SourceMeta): string {
  if (meta.kind === 'wandb') return "the sweep's config has no metric";
  if (meta.objectives.length > 1) {
    return `${meta.what} ${meta.label} has ${meta.objectives.length} objectives (${meta.objectives.map((o) => `${o.name} ${o.goal}`).join(', ')}): name one with --target`;
  }
  return 'no --target given';
}

export function listNames(names: string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
