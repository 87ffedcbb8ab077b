/**
 * Multi-fidelity sweeps (issue 8 point 6): BOHB and Hyperband evaluate configurations at several
 * budgets (epochs, iterations, training time), most of them at the lowest. Read as an ordinary
 * hyperparameter the budget "matters" trivially, and the other effects are read across mixed
 * fidelities. Here the budget column is recognised (by name, by --fidelity, or with a W&B sweep's
 * `early_terminate`), and the sweep is read again at the highest fidelity that has enough runs:
 * its cross-validated quality and the permutation importance of the other hyperparameters, plus how
 * well each budget ranks the configurations the next one also evaluated (Spearman).
 */
import type { Design, ParameterInfo } from '../design/types.js';
import { UsageError } from '../errors.js';
import { toFeatureMatrix } from '../forest/forest.js';
import { cvFromFolds, fitFoldsAsync } from './cv-r2.js';
import { findOutliers } from './outliers.js';
import { FoldPermuter, PERMUTATION_REPEATS, PERMUTATION_TREES } from './permutation.js';
import { assessQuality, DEFAULT_QUALITY_THRESHOLD, heldOutImportance, qualityJson } from './quality.js';
import type { OutlierRule, PermutationImportance } from './types.js';

/** The highest fidelity is read only with at least this many runs at it. */
export const FIDELITY_MIN_RUNS = 20;
/** Spearman's correlation between two budgets needs at least this many configurations at both. */
export const RANK_AGREEMENT_MIN = 3;

/** Names of a budget column (case-insensitive; the whole name or its last dotted segment). */
export const FIDELITY_NAMES = [
  'budget',
  'epochs',
  'epoch',
  'n_epochs',
  'num_epochs',
  'max_epochs',
  'training_iteration',
  'iterations',
  'n_iterations',
  'fidelity',
  'steps',
  'max_steps',
  'num_steps',
] as const;

export type FidelitySource = 'flag' | 'name' | 'early_terminate';

export interface FidelityDetection {
  /** The budget column (a numeric hyperparameter of the design), or null. */
  readonly column: string | null;
  /** How it was recognised; null when it was not. */
  readonly how: FidelitySource | null;
  /** A sentence for the report, e.g. that the sweep stopped runs early but no column says how long. */
  readonly note: string | null;
}

export interface DetectFidelityOptions {
  /** --fidelity / the action's `fidelity` input: a column name, 'none' (detection off), or unset. */
  readonly flag?: string | null;
  /** The W&B sweep's config (its `early_terminate` says runs were stopped at different lengths). */
  readonly sweepConfig?: Record<string, unknown> | null;
}

/**
 * The budget column of a multi-fidelity sweep. `flag` names it (UsageError, exit 2, when it is not a
 * numeric hyperparameter of the design; 'none' turns detection off); else the first numeric
 * hyperparameter with at least 2 distinct values whose name (or last dotted segment) is one of
 * FIDELITY_NAMES, in that list's order. With a W&B `early_terminate` block the column is reported
 * as recognised through it; without such a column, only a note says the runs stopped at different
 * lengths.
 */
export function detectFidelity(design: Design, opts: DetectFidelityOptions = {}): FidelityDetection {
  const flag = opts.flag?.trim() ?? '';
  if (flag.toLowerCase() === 'none') return { column: null, how: null, note: null };
  const numeric = design.parameters.filter((p) => p.kind === 'numeric');
  if (flag !== '') {
    const p = design.parameters.find((q) => q.name === flag);
    if (!p || p.kind !== 'numeric') {
      const why = !p
        ? 'is not one of the hyperparameters analysed'
        : p.kind === 'empty'
          ? 'has no values'
          : `is ${p.kind}, not numeric`;
      const names = numeric.map((q) => q.name);
      throw new UsageError(
        `--fidelity ${flag} ${why}: name a numeric hyperparameter (${names.length > 0 ? names.slice(0, 20).join(', ') : 'there is none'}) or none`,
      );
    }
    return { column: p.name, how: 'flag', note: null };
  }
  const early = earlyTermination(opts.sweepConfig ?? null);
  const rank = (name: string): number => {
    const lower = name.toLowerCase();
    const last = lower.slice(lower.lastIndexOf('.') + 1);
    const i = (FIDELITY_NAMES as readonly string[]).indexOf(lower);
    return i >= 0 ? i : (FIDELITY_NAMES as readonly string[]).indexOf(last);
  };
  let best: ParameterInfo | null = null;
  for (const p of numeric) {
    if (p.distinct < 2 || rank(p.name) < 0) continue;
    if (best === null || rank(p.name) < rank(best.name)) best = p;
  }
  if (best) return { column: best.name, how: early ? 'early_terminate' : 'name', note: null };
  if (early) {
    return {
      column: null,
      how: null,
      note:
        `the sweep stopped runs early (early_terminate: ${early}), so runs were trained for different lengths; ` +
        'no hyperparameter records the budget, so the effects are read across mixed fidelities',
    };
  }
  return { column: null, how: null, note: null };
}

/** The early_terminate type of a W&B sweep config ('hyperband'), or null. */
function earlyTermination(config: Record<string, unknown> | null): string | null {
  const et = config?.early_terminate;
  if (!et || typeof et !== 'object') return null;
  const type = (et as { type?: unknown }).type;
  return typeof type === 'string' && type !== '' ? type : 'on';
}

/**
 * The design restricted to `rows` (indices 0..n-1 into it, ascending), without `dropParameter`. The
 * columns keep the full design's values (a missing value stays filled with the full design's mean);
 * a parameter with no value among the rows becomes empty and is dropped, as buildDesign would.
 */
export function subDesign(design: Design, rows: Int32Array, dropParameter: string | null): Design {
  const n = rows.length;
  const parameters: ParameterInfo[] = [];
  const dropped: string[] = [];
  const features: string[] = [];
  const sourceColumns: number[] = [];
  for (const p of design.parameters) {
    if (p.name === dropParameter) continue;
    const raw = p.raw ? Float64Array.from(rows, (i) => p.raw![i]) : null;
    const codes = p.codes ? Int32Array.from(rows, (i) => p.codes![i]) : null;
    const values = new Set<number>();
    if (raw) for (const v of raw) if (!Number.isNaN(v)) values.add(v);
    if (codes) for (const c of codes) if (c >= 0) values.add(c);
    let present = 0;
    if (raw) for (const v of raw) present += Number.isNaN(v) ? 0 : 1;
    if (codes) for (const c of codes) present += c >= 0 ? 1 : 0;
    if (p.kind === 'empty' || present === 0) {
      parameters.push({ ...p, kind: 'empty', columns: [], present: 0, distinct: 0, raw, codes });
      dropped.push(p.name);
      continue;
    }
    const columns: number[] = [];
    for (const c of p.columns) {
      columns.push(features.length);
      features.push(design.features[c]);
      sourceColumns.push(c);
    }
    parameters.push({ ...p, columns, present, distinct: values.size, raw, codes });
  }
  const k = features.length;
  const X = new Float64Array(n * k);
  sourceColumns.forEach((c, j) => {
    for (let r = 0; r < n; r++) X[j * n + r] = design.X[c * design.n + rows[r]];
  });
  return {
    target: design.target,
    n,
    k,
    features,
    X,
    y: Float64Array.from(rows, (i) => design.y[i]),
    parameters,
    dropped,
    rows: Int32Array.from(rows, (i) => design.rows[i]),
    runs: { total: n, used: n, droppedNoTarget: 0 },
  };
}

export interface FidelityLevel {
  readonly value: number;
  readonly runs: number;
}

/** A parameter's held-out importance at the highest budget. */
export type FidelityImportance = PermutationImportance;

/** The JSON-ready reading of a multi-fidelity sweep (top-level `fidelity` of the results JSON). */
export interface FidelityAnalysis {
  readonly column: string;
  readonly detected_by: FidelitySource | null;
  readonly note: string | null;
  /** Each budget and its runs, ascending (runs without a value for the column are left out). */
  readonly levels: FidelityLevel[];
  /** FIDELITY_MIN_RUNS. */
  readonly min_runs: number;
  /** The highest budget with at least min_runs runs; null when none has that many. */
  readonly highest: FidelityLevel | null;
  /** At the highest budget (null without one, or under 10 runs there). */
  readonly quality: {
    readonly cv_r2: number | null;
    readonly cv_r2_folds: number[] | null;
    readonly cv_r2_without_outliers: number | null;
    /** The R² the verdict is read from (without the outliers when some were flagged). */
    readonly effective_r2: number | null;
    readonly threshold: number;
    readonly explains_nothing: boolean;
    readonly outliers: number;
    readonly outlier_rule: OutlierRule;
  } | null;
  /** Permutation importance at the highest budget, the budget itself excluded; by mean drop, largest first. */
  readonly ranking: FidelityImportance[];
  /**
   * Per pair of adjacent budgets: the configurations (same values of every other hyperparameter)
   * evaluated at both, and Spearman's correlation of their targets (mean over repeats) between the
   * two; null under RANK_AGREEMENT_MIN configurations or when one side is constant.
   */
  readonly rank_agreement: {
    readonly lower: number;
    readonly higher: number;
    readonly configurations: number;
    readonly spearman: number | null;
  }[];
}

export interface AnalyseFidelityOptions {
  /** Read the highest budget (cross-validation, permutation importance); false: levels and ranks only. */
  readonly read?: boolean;
  /** As computeInsightsAsync's: the cross-validation forest's trees, seed and worker threads. */
  readonly trees: number;
  readonly seed: number;
  readonly threads?: number;
  /** The quality threshold (default DEFAULT_QUALITY_THRESHOLD). */
  readonly threshold?: number;
  readonly detectedBy?: FidelitySource | null;
  readonly note?: string | null;
  readonly onProgress?: (message: string) => void;
}

/**
 * Reads the sweep at its highest fidelity with enough runs: cross-validated R² (as the insights:
 * the verdict without the outliers when some are flagged), permutation importance of the other
 * hyperparameters, and the rank agreement between adjacent budgets. `column` must be a numeric
 * hyperparameter of the design (detectFidelity's).
 */
export async function analyseFidelity(
  design: Design,
  column: string,
  opts: AnalyseFidelityOptions,
): Promise<FidelityAnalysis> {
  const p = design.parameters.find((q) => q.name === column);
  if (!p || p.kind !== 'numeric' || !p.raw) {
    throw new UsageError(`--fidelity ${column} is not a numeric hyperparameter of the analysis`);
  }
  const raw = p.raw;
  const byLevel = new Map<number, number[]>();
  for (let i = 0; i < design.n; i++) {
    const v = raw[i];
    if (Number.isNaN(v)) continue;
    const list = byLevel.get(v);
    if (list) list.push(i);
    else byLevel.set(v, [i]);
  }
  const values = [...byLevel.keys()].sort((a, b) => a - b);
  const levels = values.map((value) => ({ value, runs: byLevel.get(value)!.length }));
  let highest: FidelityLevel | null = null;
  for (const l of levels) if (l.runs >= FIDELITY_MIN_RUNS) highest = l;

  let quality: FidelityAnalysis['quality'] = null;
  const ranking: FidelityImportance[] = [];
  if (highest && opts.read !== false) {
    const sub = subDesign(design, Int32Array.from(byLevel.get(highest.value)!), column);
    const read = await readAtFidelity(sub, opts, `${column} = ${highest.value}`);
    quality = read.quality;
    ranking.push(...read.ranking);
  }

  const rank_agreement: FidelityAnalysis['rank_agreement'] = [];
  const others = design.parameters.filter((q) => q.name !== column && q.kind !== 'empty');
  const keyOf = (i: number): string =>
    others.map((q) => (q.raw ? String(q.raw[i]) : String(q.codes![i]))).join('\u0000');
  const meansAt = (value: number): Map<string, number> => {
    const sums = new Map<string, { s: number; c: number }>();
    for (const i of byLevel.get(value)!) {
      const key = keyOf(i);
      const e = sums.get(key) ?? { s: 0, c: 0 };
      e.s += design.y[i];
      e.c++;
      sums.set(key, e);
    }
    return new Map([...sums].map(([key, e]) => [key, e.s / e.c]));
  };
  let lower = values.length > 0 ? meansAt(values[0]) : new Map<string, number>();
  for (let l = 1; l < values.length; l++) {
    const higher = meansAt(values[l]);
    const a: number[] = [];
    const b: number[] = [];
    for (const [key, v] of lower) {
      const w = higher.get(key);
      if (w !== undefined) {
        a.push(v);
        b.push(w);
      }
    }
    rank_agreement.push({
      lower: values[l - 1],
      higher: values[l],
      configurations: a.length,
      spearman: a.length >= RANK_AGREEMENT_MIN ? spearman(a, b) : null,
    });
    lower = higher;
  }

  return {
    column,
    detected_by: opts.detectedBy ?? null,
    note: opts.note ?? null,
    levels,
    min_runs: FIDELITY_MIN_RUNS,
    highest,
    quality,
    ranking,
    rank_agreement,
  };
}

/**
 * detectFidelity then analyseFidelity: null when no budget column was recognised and there is
 * nothing to say; `{ column: null, note }` when the sweep stopped runs early without recording how long.
 */
export async function computeFidelity(
  design: Design,
  opts: AnalyseFidelityOptions & DetectFidelityOptions,
): Promise<FidelityAnalysis | { readonly column: null; readonly note: string } | null> {
  const found = detectFidelity(design, opts);
  if (found.column === null) return found.note ? { column: null, note: found.note } : null;
  return analyseFidelity(design, found.column, { ...opts, detectedBy: found.how, note: found.note });
}

/** The insights' reading (quality with and without outliers, out-of-fold permutation) on one budget. */
async function readAtFidelity(
  design: Design,
  opts: AnalyseFidelityOptions,
  label: string,
): Promise<{ quality: NonNullable<FidelityAnalysis['quality']>; ranking: FidelityImportance[] }> {
  const progress = opts.onProgress ?? (() => {});
  const threads = opts.threads;
  const features = toFeatureMatrix(design.X, design.n, design.k);
  const y = design.y;
  const found = findOutliers(y, design.rows);
  const flagged = new Set(found.runs.map((o) => o.index));
  const keep =
    flagged.size > 0
      ? Int32Array.from({ length: design.n }, (_, i) => i).filter((i) => !flagged.has(i))
      : null;
  progress(`fidelity: cross-validation at ${label} (${design.n} runs)`);
  // the permutations read only the first PERMUTATION_TREES trees of each fold forest
  const keepTrees = PERMUTATION_TREES;
  const full = await fitFoldsAsync(features, y, { trees: opts.trees, seed: opts.seed, threads, keepTrees });
  const clean =
    full && keep
      ? await fitFoldsAsync(
          features,
          y,
          { trees: Math.min(opts.trees, PERMUTATION_TREES), seed: opts.seed, threads, keepTrees },
          keep,
        )
      : null;
  const cv = full ? cvFromFolds(full) : null;
  const q = assessQuality({
    cvR2: cv?.mean ?? null,
    cvR2WithoutOutliers: clean ? cvFromFolds(clean).mean : null,
    cvR2Folds: cv?.folds ?? null,
    threshold: opts.threshold ?? DEFAULT_QUALITY_THRESHOLD,
    constantTarget: y.every((v) => v === y[0]),
  });
  const ranking: FidelityImportance[] = [];
  const verdictFolds = clean ?? full;
  if (verdictFolds) {
    progress(`fidelity: permutation importance at ${label}`);
    const permuter = new FoldPermuter(features, y, verdictFolds, {
      repeats: PERMUTATION_REPEATS,
      trees: PERMUTATION_TREES,
      seed: opts.seed,
    });
    const used = design.parameters.filter((p) => p.kind !== 'empty');
    const samples = await permuter.permuteAll(
      used.map((p) => p.columns),
      threads,
    );
    used.forEach((p, i) => ranking.push(heldOutImportance(p.name, samples[i].drops, !q.explainsNothing)));
    ranking.sort((a, b) => b.mean - a.mean || a.parameter.localeCompare(b.parameter));
  }
  return {
    quality: {
      ...qualityJson(q),
      outliers: found.runs.length,
      outlier_rule: found.rule,
    },
    ranking,
  };
}

/** Average ranks (ties share their mean rank), 1-based. */
function ranks(v: number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  for (let s = 0; s < order.length;) {
    let e = s;
    while (e + 1 < order.length && v[order[e + 1]] === v[order[s]]) e++;
    for (let t = s; t <= e; t++) r[order[t]] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return r;
}

/** Spearman's ρ (Pearson's r of the average ranks, as scipy.stats.spearmanr); null when a side is constant. */
export function spearman(a: number[], b: number[]): number | null {
  const ra = ranks(a);
  const rb = ranks(b);
  const m = ra.length;
  const ma = ra.reduce((s, x) => s + x, 0) / m;
  const mb = rb.reduce((s, x) => s + x, 0) / m;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < m; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}
