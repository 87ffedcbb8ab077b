/**
 * The report as plain data, built from an Analysis: what to say and in which order, with no Markdown,
 * no escaping and no layout. The renderers (src/render/) turn it into Markdown or terminal text; the
 * Markdown renderer shrinks sections by their `priority` (higher = more important, shrunk last) when a
 * size limit applies.
 *
 * Names and values from the data are kept as the data gave them: escaping is the renderers' job.
 */
import type { Analysis } from '../analysis/analysis.js';
import type { OlsJson, OlsStandardizedJson } from '../analysis/result.js';
import type { Goal, ParameterInfo } from '../design/types.js';
import type { Comparator, Metric } from '../gates/types.js';
import type { LevelShare } from '../insights/types.js';
import { renderOlsSummary } from '../render/ols-summary.js';
import { fitOls } from '../stats/ols.js';
import { fmtFixed } from './format.js';
import { truncateName } from './names.js';

export type SectionId =
  | 'gates'
  | 'parameters'
  | 'charts'
  | 'best'
  | 'quality'
  | 'advice'
  | 'interactions'
  | 'runs'
  | 'next-sweep'
  | 'ols-summary';

export interface ReportTitle {
  readonly target: string;
  readonly goal: Goal;
  /** true when the goal was not given but inferred; `goalReason` says from what. */
  readonly goalAssumed: boolean;
  readonly goalReason: string;
  /** Where the runs came from (a file path or "W&B sweep e/p/id"). */
  readonly source: string;
  readonly sweep: {
    readonly label: string;
    readonly name: string | null;
    readonly url: string;
    readonly state: string | null;
    readonly method: string | null;
  } | null;
}

export interface Headline {
  /** Plain-text warnings, most serious first, shown before anything else. */
  readonly warnings: string[];
  /** The most important parameters (at most three), by importance. */
  readonly top: { readonly name: string; readonly importance: number; readonly matters: boolean | null }[];
  readonly best: { readonly value: number; readonly name: string | null } | null;
  readonly gates: { readonly passed: number; readonly failed: number } | null;
  /** One plain sentence on the model's quality, when it was measured. */
  readonly quality: string | null;
}

interface SectionBase {
  readonly id: SectionId;
  readonly heading: string;
  /** Higher = more important: the Markdown renderer shrinks low priorities first. */
  readonly priority: number;
}

export interface PermutationCell {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** The 95% interval lies above 0. */
  readonly matters: boolean;
}

export interface LevelRow {
  readonly level: string;
  /** Pearson r of this level's dummy with the target (null: constant dummy or target). */
  readonly correlation: number | null;
  /** Coefficient vs the reference level (standardized OLS) or the dummy's notebook coefficient. */
  readonly coefficient: number | null;
  readonly pValue: number | null;
  /** The standardized OLS's reference level (no coefficient of its own). */
  readonly isReference: boolean;
  /** Runs with this level. */
  readonly runs: number;
}

export interface ParameterRow {
  readonly name: string;
  readonly kind: 'numeric' | 'boolean' | 'categorical';
  /** 1-based rank by importance. */
  readonly rank: number;
  /** The notebook's extra-trees importance (parameter_importances). */
  readonly importance: number;
  /** Permutation importance with its 95% interval (insights only). */
  readonly permutation: PermutationCell | null;
  /** Numeric/boolean: Pearson r. Categorical: the level with the largest |r| (see `strongestLevel`). */
  readonly correlation: number | null;
  readonly strongestLevel: string | null;
  /** Numeric/boolean coefficient and p-value (see the section's `coefficientSource`). */
  readonly coefficient: number | null;
  readonly pValue: number | null;
  /** Categorical: one row per level, in level order. */
  readonly levels: LevelRow[];
  /** Categorical: the standardized OLS's reference level. */
  readonly reference: string | null;
  /** Runs (of those used) that set the parameter; the rest were mean-filled / all-zero dummies. */
  readonly present: number;
  readonly distinct: number;
  /** Taken as log10 in the standardized OLS. */
  readonly logScaled: boolean;
  readonly constant: boolean;
  readonly idLike: boolean;
}

export interface ParametersSection extends SectionBase {
  readonly kind: 'parameters';
  /** Which OLS the coefficient column comes from. */
  readonly coefficientSource: 'standardized' | 'notebook' | 'none';
  readonly hasPermutation: boolean;
  /** Runs used: `present` is out of this. */
  readonly used: number;
  /** Sorted by importance (ties: parameter order). Empty parameters are not rows. */
  readonly rows: ParameterRow[];
  /** Set in fewer than all runs used (conditional parameters). */
  readonly conditional: string[];
  readonly constant: string[];
  readonly idLike: string[];
  /** Empty parameters (no value in any run used), dropped from the design. */
  readonly dropped: string[];
  /** Plain sentences explaining the columns. */
  readonly notes: string[];
}

export interface ParameterSeries {
  readonly parameter: string;
  /** Booleans are shown as the categories false/true. */
  readonly kind: 'numeric' | 'categorical';
  readonly logScale: boolean;
  /** Categorical: level names; x is the level index. */
  readonly levels: string[];
  /** One entry per run that set the parameter. */
  readonly x: number[];
  readonly y: number[];
  /** The run is among the best `bestCount` runs by the goal. */
  readonly best: boolean[];
}

export interface ChartsSection extends SectionBase {
  readonly kind: 'charts';
  readonly target: string;
  readonly goal: Goal;
  readonly bestCount: number;
  /** The target against each of the (up to three) most important varying parameters. */
  readonly series: ParameterSeries[];
}

export interface GateRow {
  readonly text: string;
  readonly metric: Metric;
  readonly name: string | null;
  readonly op: Comparator;
  readonly threshold: number;
  readonly value: number | null;
  readonly passed: boolean;
  readonly unreliable: boolean;
}

export interface GatesSection extends SectionBase {
  readonly kind: 'gates';
  readonly rows: GateRow[];
}

export interface BestSection extends SectionBase {
  readonly kind: 'best';
  readonly value: number;
  readonly name: string | null;
  readonly url: string | null;
  /** Row in the runs table (0-based). */
  readonly row: number;
  /** The hyperparameters the run set, in parameter order. */
  readonly params: { readonly name: string; readonly value: string | number | boolean }[];
  /** Hyperparameters the run did not set. */
  readonly unset: string[];
}

export interface OutlierRow {
  readonly row: number;
  readonly name: string | null;
  readonly value: number;
  readonly robustZ: number;
}

export interface QualitySection extends SectionBase {
  readonly kind: 'quality';
  readonly cvR2: number | null;
  readonly cvR2Folds: number[] | null;
  readonly cvR2WithoutOutliers: number | null;
  readonly threshold: number | null;
  /** null when the insights were not computed. */
  readonly explainsNothing: boolean | null;
  /** Centered R² of the standardized OLS (linear fit with a constant). */
  readonly olsR2: number | null;
  readonly outliers: OutlierRow[];
  readonly sentences: string[];
}

export interface AdviceRow {
  readonly parameter: string;
  readonly kind: 'numeric' | 'boolean' | 'categorical';
  readonly matters: boolean;
  readonly searched: { readonly min: number; readonly max: number } | null;
  readonly best: { readonly min: number; readonly max: number; readonly median: number } | null;
  readonly logScale: boolean;
  readonly levels: LevelShare[];
  readonly advice: string[];
}

export interface AdviceSection extends SectionBase {
  readonly kind: 'advice';
  readonly bestCount: number;
  /** By importance, parameters that matter first. */
  readonly rows: AdviceRow[];
}

export interface InteractionsSection extends SectionBase {
  readonly kind: 'interactions';
  readonly rows: {
    readonly a: string;
    readonly b: string;
    readonly strength: number;
    readonly sentence: string;
  }[];
}

export interface RunsSection extends SectionBase {
  readonly kind: 'runs';
  /** Runs read from the source, before filters. */
  readonly read: number;
  readonly filters: { readonly text: string[]; readonly removed: number };
  readonly droppedNoTarget: number;
  readonly used: number;
  /** W&B run states over all fetched runs (sorted by state name), null for files. */
  readonly states: { readonly state: string; readonly count: number }[] | null;
  readonly sentences: string[];
}

export interface NextSweepSection extends SectionBase {
  readonly kind: 'next-sweep';
  readonly yaml: string;
}

export interface OlsSummarySection extends SectionBase {
  readonly kind: 'ols-summary';
  readonly text: string;
}

export type Section =
  | GatesSection
  | ParametersSection
  | ChartsSection
  | BestSection
  | QualitySection
  | AdviceSection
  | InteractionsSection
  | RunsSection
  | NextSweepSection
  | OlsSummarySection;

export interface ReportFooter {
  readonly engine: string;
  readonly version: string;
  readonly trees: number;
  readonly seed: number;
}

export interface ReportModel {
  readonly title: ReportTitle;
  readonly headline: Headline;
  /** In order of appearance. */
  readonly sections: Section[];
  readonly footer: ReportFooter;
}

export interface ReportModelOptions {
  /**
   * The notebook OLS's statsmodels-style summary text (collapsed in the report); the function returns
   * null, or the option is null, to leave it out. Default: `notebookOlsSummary`.
   */
  readonly olsSummary?: ((analysis: Analysis) => string | null) | null;
}

/**
 * statsmodels' `summary()` of the notebook's OLS, from the analysis' fit (refitted from the design when
 * an Analysis was built without it). null when there is no OLS (constant target).
 */
export function notebookOlsSummary(analysis: Analysis): string | null {
  if (!analysis.result.ols) return null;
  const { X, n, k, y, features } = analysis.design;
  const fit = analysis.olsFit ?? fitOls(X, n, k, y, features);
  return renderOlsSummary(fit, analysis.request.target);
}

/** Section priorities: higher survives longer when the Markdown must shrink. */
export const PRIORITY: Readonly<Record<SectionId, number>> = {
  gates: 100,
  parameters: 90,
  quality: 80,
  best: 70,
  runs: 60,
  advice: 50,
  interactions: 40,
  charts: 35,
  'next-sweep': 30,
  'ols-summary': 10,
};

export function buildReportModel(analysis: Analysis, options: ReportModelOptions = {}): ReportModel {
  const { request, result } = analysis;
  const parameters = parametersSection(analysis);
  const sections: Section[] = [];
  if (analysis.gates.length > 0) sections.push(gatesSection(analysis));
  sections.push(parameters);
  const charts = chartsSection(analysis, parameters);
  if (charts) sections.push(charts);
  sections.push(bestSection(analysis));
  const quality = qualitySection(analysis);
  if (quality) sections.push(quality);
  const advice = adviceSection(analysis, parameters);
  if (advice) sections.push(advice);
  const interactions = analysis.insights?.interactions ?? [];
  if (interactions.length > 0) {
    sections.push({
      kind: 'interactions',
      id: 'interactions',
      heading: 'Interactions',
      priority: PRIORITY.interactions,
      rows: [...interactions]
        .sort((a, b) => b.strength - a.strength || a.a.localeCompare(b.a) || a.b.localeCompare(b.b))
        .map((i) => ({ a: i.a, b: i.b, strength: i.strength, sentence: i.sentence })),
    });
  }
  sections.push(runsSection(analysis));
  const next = analysis.insights?.nextSweep;
  if (next) {
    sections.push({
      kind: 'next-sweep',
      id: 'next-sweep',
      heading: 'Next sweep (W&B config)',
      priority: PRIORITY['next-sweep'],
      yaml: next.yaml,
    });
  }
  const olsSummary = options.olsSummary === undefined ? notebookOlsSummary : options.olsSummary;
  const summary = olsSummary ? olsSummary(analysis) : null;
  if (summary) {
    sections.push({
      kind: 'ols-summary',
      id: 'ols-summary',
      heading: 'OLS summary (the notebook’s regression)',
      priority: PRIORITY['ols-summary'],
      text: summary,
    });
  }

  const sweep = analysis.sweep;
  return {
    title: {
      target: request.target,
      goal: request.goal,
      goalAssumed: request.goalAssumed,
      goalReason: request.goalReason,
      source: analysis.source,
      sweep: sweep
        ? {
            label: `${sweep.entity}/${sweep.project}/${sweep.id}`,
            name: sweep.name,
            url: sweep.url,
            state: sweep.state,
            method: sweep.method,
          }
        : null,
    },
    headline: headline(analysis, parameters),
    sections,
    footer: {
      engine: result.engine.name,
      version: result.engine.version,
      trees: result.engine.trees,
      seed: result.engine.seed,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// headline

function headline(analysis: Analysis, parameters: ParametersSection): Headline {
  const { result, insights, request } = analysis;
  const target = truncateName(request.target);
  const warnings: string[] = [];
  const quality = insights?.quality ?? null;
  if (quality?.explainsNothing) {
    const r2 = quality.cvR2 === null ? 'not measurable' : fmtFixed(quality.cvR2, 2);
    const without =
      quality.cvR2WithoutOutliers !== null
        ? `, ${fmtFixed(quality.cvR2WithoutOutliers, 2)} without the outliers`
        : '';
    warnings.push(
      `The hyperparameters explain no predictable part of ${target} (cross-validated R² ${r2}${without}, ` +
        `threshold ${fmtFixed(quality.threshold, 2)}): the importances below must not be read as effects.`,
    );
  }
  if (isConstantTarget(analysis)) {
    warnings.push(
      `${target} has the same value in every run used: there is nothing to explain (no correlations, ` +
        `no OLS, importances all 0).`,
    );
  }
  if (result.runs.used < 10) {
    warnings.push(
      `Only ${result.runs.used} runs were used: too few to cross-validate; read every number here as anecdotal.`,
    );
  }
  for (const name of analysis.idLikeParameters) {
    warnings.push(
      `${truncateName(name)} has a different value in most runs: it looks like an id or a path, not a ` +
        `hyperparameter (leave it out with --params).`,
    );
  }
  const failed = analysis.gates.filter((g) => !g.passed).length;
  const varying = parameters.rows.filter((r) => !r.constant);
  return {
    warnings,
    top: varying
      .filter((r) => r.importance > 0)
      .slice(0, 3)
      .map((r) => ({
        name: r.name,
        importance: r.importance,
        matters: r.permutation ? r.permutation.matters : null,
      })),
    best: Number.isFinite(analysis.best.value)
      ? { value: analysis.best.value, name: analysis.best.name }
      : null,
    gates: analysis.gates.length > 0 ? { passed: analysis.gates.length - failed, failed } : null,
    quality: qualitySentence(analysis),
  };
}

function isConstantTarget(analysis: Analysis): boolean {
  const y = analysis.design.y;
  if (y.length < 2) return false;
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

function qualitySentence(analysis: Analysis): string | null {
  const q = analysis.insights?.quality;
  const target = truncateName(analysis.request.target);
  const cv = q ? q.cvR2 : (analysis.result.cv_r2?.mean ?? null);
  if (cv === null) return null;
  const effective = q ? q.effectiveR2 : cv;
  const threshold = q?.threshold ?? null;
  const without =
    q && q.cvR2WithoutOutliers !== null ? ` (${fmtFixed(q.cvR2WithoutOutliers, 2)} without outliers)` : '';
  if (threshold !== null && effective !== null && effective <= threshold) {
    return `Cross-validated R² ${fmtFixed(cv, 2)}${without}: the hyperparameters do not predict ${target}.`;
  }
  if (effective !== null && effective > 0) {
    return `Cross-validated R² ${fmtFixed(cv, 2)}${without}: the hyperparameters predict about ${Math.round(
      Math.max(0, Math.min(1, effective)) * 100,
    )}% of the variation of ${target} on held-out runs.`;
  }
  return `Cross-validated R² ${fmtFixed(cv, 2)}${without}: no better than predicting the mean.`;
}

// ---------------------------------------------------------------------------------------------------
// parameters

function parametersSection(analysis: Analysis): ParametersSection {
  const { result, design, insights } = analysis;
  const std = result.ols_standardized;
  const ols = result.ols;
  const coefficientSource: ParametersSection['coefficientSource'] = std
    ? 'standardized'
    : ols
      ? 'notebook'
      : 'none';
  const logScaled = new Set(std?.log_scaled ?? []);
  const constant = new Set(analysis.constantParameters);
  const idLike = new Set(analysis.idLikeParameters);
  const permutation = new Map((insights?.permutation ?? []).map((p) => [p.parameter, p]));

  const kept = design.parameters.filter((p) => p.kind !== 'empty');
  const order = new Map(kept.map((p, i) => [p.name, i]));
  const sorted = [...kept].sort((a, b) => {
    const d =
      importanceOf(result.parameter_importances, b.name) - importanceOf(result.parameter_importances, a.name);
    return d !== 0 ? d : order.get(a.name)! - order.get(b.name)!;
  });

  const rows = sorted.map((p, i): ParameterRow => {
    const perm = permutation.get(p.name);
    const base = {
      name: p.name,
      rank: i + 1,
      importance: importanceOf(result.parameter_importances, p.name),
      permutation: perm ? { mean: perm.mean, low: perm.low, high: perm.high, matters: perm.matters } : null,
      present: p.present,
      distinct: p.distinct,
      logScaled: logScaled.has(p.name),
      constant: constant.has(p.name),
      idLike: idLike.has(p.name),
    };
    if (p.kind === 'categorical') {
      const levels = levelRows(analysis, p, std, ols);
      let strongest: LevelRow | null = null;
      for (const l of levels) {
        if (l.correlation === null) continue;
        if (strongest === null || Math.abs(l.correlation) > Math.abs(strongest.correlation!)) strongest = l;
      }
      return {
        ...base,
        kind: 'categorical',
        correlation: strongest?.correlation ?? null,
        strongestLevel: strongest?.level ?? null,
        coefficient: null,
        pValue: null,
        levels,
        reference: std && p.levels.length > 0 ? p.levels[0] : null,
      };
    }
    const column = design.features[p.columns[0]];
    const coef = coefficientOf(column, std, ols);
    return {
      ...base,
      kind: p.kind === 'boolean' ? 'boolean' : 'numeric',
      correlation: result.correlations[column] ?? null,
      strongestLevel: null,
      coefficient: coef.value,
      pValue: coef.p,
      levels: [],
      reference: null,
    };
  });

  const used = design.n;
  const conditional = kept.filter((p) => p.present < used).map((p) => p.name);
  const notes: string[] = [];
  notes.push(
    'Importance: the notebook’s extra-trees importance (sums to 1 over the parameters; a categorical’s is the ' +
      'sum over its levels).',
  );
  if (insights) {
    notes.push(
      'Permutation: the drop in held-out R² when the parameter is shuffled, with its 95% interval; an interval ' +
        'above 0 means the parameter matters.',
    );
  }
  notes.push(
    'r: Pearson correlation with the target; for a categorical, the level with the largest |r| ' +
      '(every level is listed below the table).',
  );
  if (coefficientSource === 'standardized') {
    notes.push(
      'Coefficient: change in the target per one standard deviation of the parameter (OLS with a constant, ' +
        'z-scored columns, log10 where marked “log”); for a categorical level, the change against its ' +
        'reference level.',
    );
  } else if (coefficientSource === 'notebook') {
    notes.push('Coefficient: the notebook’s OLS coefficient (raw units, no constant).');
  }
  if (conditional.length > 0) {
    notes.push(
      `${conditional.length} parameter${conditional.length === 1 ? ' is' : 's are'} set in only some runs ` +
        '(conditional): as in the notebook, a missing numeric value was filled with the mean of the runs ' +
        'that set it, and a missing categorical became all-zero dummies.',
    );
  }
  return {
    kind: 'parameters',
    id: 'parameters',
    heading: 'Hyperparameters',
    priority: PRIORITY.parameters,
    coefficientSource,
    hasPermutation: insights !== null,
    used,
    rows,
    conditional,
    constant: analysis.constantParameters.filter((n) => order.has(n)),
    idLike: analysis.idLikeParameters,
    dropped: [...result.dropped_parameters],
    notes,
  };
}

function importanceOf(map: Record<string, number>, name: string): number {
  const v = map[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function levelRows(
  analysis: Analysis,
  p: ParameterInfo,
  std: OlsStandardizedJson | null,
  ols: OlsJson | null,
): LevelRow[] {
  const { design, result } = analysis;
  const counts = new Array<number>(p.levels.length).fill(0);
  if (p.codes) for (const c of p.codes) if (c >= 0) counts[c]++;
  return p.levels.map((level, k) => {
    const column = design.features[p.columns[k]];
    const isReference = std !== null && k === 0;
    const coef = isReference ? { value: null, p: null } : coefficientOf(column, std, ols);
    return {
      level,
      correlation: result.correlations[column] ?? null,
      coefficient: coef.value,
      pValue: coef.p,
      isReference,
      runs: counts[k],
    };
  });
}

function coefficientOf(
  column: string,
  std: OlsStandardizedJson | null,
  ols: OlsJson | null,
): { value: number | null; p: number | null } {
  if (std) return { value: std.params[column] ?? null, p: std.pvalues[column] ?? null };
  if (ols) return { value: ols.params[column] ?? null, p: ols.pvalues[column] ?? null };
  return { value: null, p: null };
}

// ---------------------------------------------------------------------------------------------------
// charts data: the target against the top parameters

function chartsSection(analysis: Analysis, parameters: ParametersSection): ChartsSection | null {
  const { design, request } = analysis;
  if (design.n < 2) return null;
  const bestCount = bestCountOf(analysis);
  const best = bestMask(design.y, request.goal, bestCount);
  const byName = new Map(design.parameters.map((p) => [p.name, p]));
  const advice = new Map((analysis.insights?.advice ?? []).map((a) => [a.parameter, a]));
  const series: ParameterSeries[] = [];
  for (const row of parameters.rows) {
    if (series.length === 3) break;
    if (row.constant || row.idLike) continue;
    const p = byName.get(row.name)!;
    const x: number[] = [];
    const y: number[] = [];
    const b: boolean[] = [];
    if (p.kind === 'categorical' && p.codes) {
      for (let i = 0; i < design.n; i++) {
        if (p.codes[i] < 0) continue;
        x.push(p.codes[i]);
        y.push(design.y[i]);
        b.push(best[i] === 1);
      }
      series.push({
        parameter: p.name,
        kind: 'categorical',
        logScale: false,
        levels: [...p.levels],
        x,
        y,
        best: b,
      });
    } else if (p.raw) {
      const boolean = p.kind === 'boolean';
      for (let i = 0; i < design.n; i++) {
        const v = p.raw[i];
        if (!Number.isFinite(v)) continue;
        x.push(v);
        y.push(design.y[i]);
        b.push(best[i] === 1);
      }
      series.push({
        parameter: p.name,
        kind: boolean ? 'categorical' : 'numeric',
        logScale: !boolean && (row.logScaled || advice.get(p.name)?.logScale === true),
        levels: boolean ? ['false', 'true'] : [],
        x,
        y,
        best: b,
      });
    }
  }
  if (series.length === 0) return null;
  return {
    kind: 'charts',
    id: 'charts',
    heading: 'Charts',
    priority: PRIORITY.charts,
    target: request.target,
    goal: request.goal,
    bestCount,
    series,
  };
}

/** The insights' count of "best" runs, or the same rule (top 10%, at least 5) without them. */
function bestCountOf(analysis: Analysis): number {
  const n = analysis.design.n;
  const count = analysis.insights?.bestCount ?? Math.max(5, Math.ceil(n * 0.1));
  return Math.max(1, Math.min(n, count));
}

/** 1 for the `count` best runs by the goal (ties: earlier run first), else 0. */
function bestMask(y: Float64Array, goal: Goal, count: number): Uint8Array {
  const idx = Array.from(y.keys());
  idx.sort((a, b) => (goal === 'maximize' ? y[b] - y[a] : y[a] - y[b]) || a - b);
  const mask = new Uint8Array(y.length);
  for (let k = 0; k < count && k < idx.length; k++) mask[idx[k]] = 1;
  return mask;
}

// ---------------------------------------------------------------------------------------------------
// other sections

function gatesSection(analysis: Analysis): GatesSection {
  return {
    kind: 'gates',
    id: 'gates',
    heading: 'Gates',
    priority: PRIORITY.gates,
    rows: analysis.gates.map((g) => ({
      text: g.rule.text,
      metric: g.rule.metric,
      name: g.rule.name,
      op: g.rule.op,
      threshold: g.rule.threshold,
      value: g.value,
      passed: g.passed,
      unreliable: g.unreliable,
    })),
  };
}

function bestSection(analysis: Analysis): BestSection {
  const best = analysis.best;
  const params: BestSection['params'][number][] = [];
  const unset: string[] = [];
  for (const p of analysis.design.parameters) {
    if (p.kind === 'empty') continue;
    const v = best.params[p.name];
    if (v === null || v === undefined || (typeof v === 'string' && v === '')) unset.push(p.name);
    else params.push({ name: p.name, value: v });
  }
  return {
    kind: 'best',
    id: 'best',
    heading: 'Best run',
    priority: PRIORITY.best,
    value: best.value,
    name: best.name,
    url: best.url,
    row: best.row,
    params,
    unset,
  };
}

function runName(analysis: Analysis, row: number): string | null {
  const meta = analysis.table.runMeta?.[row];
  if (meta?.name) return meta.name;
  if (meta?.id) return meta.id;
  for (const key of ['name', 'run', 'run_id']) {
    const cells = analysis.table.cells.get(key);
    if (cells && cells[row] !== null && cells[row] !== undefined && String(cells[row]) !== '') {
      return String(cells[row]);
    }
  }
  return null;
}

function qualitySection(analysis: Analysis): QualitySection | null {
  const { result, insights } = analysis;
  const q = insights?.quality ?? null;
  if (!q && !result.cv_r2 && !result.ols_standardized) return null;
  const outliers = (insights?.outliers ?? []).map((o) => ({
    row: o.row,
    name: runName(analysis, o.row),
    value: o.value,
    robustZ: o.robustZ,
  }));
  const sentences: string[] = [];
  const s = qualitySentence(analysis);
  if (s) sentences.push(s);
  if (!q && !result.cv_r2) sentences.push('Cross-validation needs at least 10 runs.');
  if (outliers.length > 0) {
    sentences.push(
      `${outliers.length} run${outliers.length === 1 ? ' is an outlier' : 's are outliers'} of the target ` +
        '(robust z beyond the usual range); the verdict is read without them.',
    );
  }
  const r2 = result.ols_standardized?.rsquared ?? null;
  if (r2 !== null) {
    sentences.push(
      `A linear fit (standardized OLS with a constant) explains R² ${fmtFixed(r2, 2)} of the variation, in sample.`,
    );
  }
  return {
    kind: 'quality',
    id: 'quality',
    heading: 'Model quality',
    priority: PRIORITY.quality,
    cvR2: q ? q.cvR2 : (result.cv_r2?.mean ?? null),
    cvR2Folds: result.cv_r2 ? [...result.cv_r2.folds] : q?.cvR2Folds ? [...q.cvR2Folds] : null,
    cvR2WithoutOutliers: q?.cvR2WithoutOutliers ?? null,
    threshold: q?.threshold ?? null,
    explainsNothing: q ? q.explainsNothing : null,
    olsR2: r2,
    outliers,
    sentences,
  };
}

function adviceSection(analysis: Analysis, parameters: ParametersSection): AdviceSection | null {
  const insights = analysis.insights;
  if (!insights || insights.advice.length === 0) return null;
  const rank = new Map(parameters.rows.map((r) => [r.name, r.rank]));
  const rows = [...insights.advice]
    .sort(
      (a, b) =>
        Number(b.matters) - Number(a.matters) ||
        (rank.get(a.parameter) ?? Infinity) - (rank.get(b.parameter) ?? Infinity) ||
        a.parameter.localeCompare(b.parameter),
    )
    .map((a): AdviceRow => ({
      parameter: a.parameter,
      kind: a.kind,
      matters: a.matters,
      searched: a.searched ?? null,
      best: a.best ?? null,
      logScale: a.logScale ?? false,
      levels: a.levels ? [...a.levels] : [],
      advice: [...a.advice],
    }));
  return {
    kind: 'advice',
    id: 'advice',
    heading: 'What to try next',
    priority: PRIORITY.advice,
    bestCount: insights.bestCount,
    rows,
  };
}

function runsSection(analysis: Analysis): RunsSection {
  const { result, filters, sweep } = analysis;
  const read = result.runs.total + filters.removed;
  const sentences: string[] = [`${read} run${read === 1 ? '' : 's'} read from ${analysis.source}.`];
  if (filters.text.length > 0) {
    sentences.push(`${filters.removed} removed by --where ${filters.text.map((t) => `“${t}”`).join(', ')}.`);
  }
  if (result.runs.dropped_no_target > 0) {
    sentences.push(
      `${result.runs.dropped_no_target} skipped: no finite value of ${truncateName(analysis.request.target)}.`,
    );
  }
  sentences.push(`${result.runs.used} used.`);
  const states = sweep
    ? Object.keys(sweep.states)
        .sort()
        .map((state) => ({ state, count: sweep.states[state] }))
    : null;
  return {
    kind: 'runs',
    id: 'runs',
    heading: 'Runs',
    priority: PRIORITY.runs,
    read,
    filters: { text: [...filters.text], removed: filters.removed },
    droppedNoTarget: result.runs.dropped_no_target,
    used: result.runs.used,
    states,
    sentences,
  };
}
