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
import { runName } from '../analysis/run-facts.js';
import type { Goal, ParameterInfo } from '../design/types.js';
import type { Comparator, Metric } from '../gates/types.js';
import type { LevelShare } from '../insights/types.js';
import { renderOlsSummary } from '../render/ols-summary.js';
import { fitOls } from '../stats/ols.js';
import { DASH, fmt, fmtFixed, fmtP, fmtSigned, unicodeBar } from '../format.js';
import { truncateName } from '../names.js';
import { nextSuggestion } from '../analysis/next-suggestion.js';

export type SectionId =
  | 'gates'
  | 'comparison'
  | 'parameters'
  | 'fidelity'
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
  /** The source when it is more than a file (a W&B sweep, an MLflow experiment, an Optuna study). */
  readonly sweep: {
    /** What it is: "W&B sweep", "MLflow experiment", "Optuna study" (absent: a W&B sweep). */
    readonly what?: string;
    readonly label: string;
    readonly name: string | null;
    readonly url: string;
    readonly state: string | null;
    readonly method: string | null;
  } | null;
  /** How each run's target was read when not its final value (SourceMeta.targetReading), or null. */
  readonly targetReading: string | null;
}

export interface Headline {
  /** Plain-text warnings, most serious first: when the data cannot fully answer, said first. */
  readonly warnings: string[];
  /** At most three lines: whether anything is predicted, what matters, what to try next. */
  readonly verdict: string[];
  /** How the verdict reads: the hyperparameters predict the target, do not, or it was not measured. */
  readonly tone: 'predicts' | 'nothing' | 'unmeasured';
  /** One line when the notebook's impurity ranking disagrees with the held-out one. */
  readonly disagreement: string | null;
  /** The comparison with the baseline in three lines (better/worse/no change, what matters, distribution). */
  readonly vsBase: string[] | null;
  /** The best value and who reached it ("at row 53 (run_1)"), with a word on ties. */
  readonly best: { readonly value: number; readonly who: string; readonly ties: string | null } | null;
  readonly gates: { readonly passed: number; readonly failed: number } | null;
}

interface SectionBase {
  readonly id: SectionId;
  readonly heading: string;
  /** Higher = more important: the Markdown renderer shrinks low priorities first. */
  readonly priority: number;
}

/**
 * A table decided once, for every medium: its cells are final plain text (numbers rounded, names
 * shortened to `CELL_NAME_LENGTH`); the renderers only escape and lay them out.
 */
export interface TableModel {
  readonly header: string[];
  readonly align: ('l' | 'r' | 'c')[];
  readonly rows: string[][];
}

/** Longest name in a table cell. */
export const CELL_NAME_LENGTH = 40;

export interface PermutationCell {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** The 95% interval lies above 0 (and the model predicts something). */
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
  /** 1-based rank by the section's `measure`. */
  readonly rank: number;
  /** The ranking measure: the held-out permutation importance, else the notebook's importance. */
  readonly measure: number;
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
  /** Always false: constant parameters are listed apart (`ParametersSection.constant`), not ranked. */
  readonly constant: boolean;
  readonly idLike: boolean;
}

export interface ParametersSection extends SectionBase {
  readonly kind: 'parameters';
  /** What the rows are ranked by. */
  readonly measure: 'permutation' | 'importance';
  /** Which OLS the coefficient column comes from. */
  readonly coefficientSource: 'standardized' | 'notebook' | 'none';
  readonly hasPermutation: boolean;
  /** Runs used: `present` is out of this. */
  readonly used: number;
  /** The varying parameters, by `measure` (ties: parameter order). */
  readonly rows: ParameterRow[];
  /** The compact table (rank, name, measure with a bar, interval, r, mark), one row per `rows`. */
  readonly main: TableModel;
  /** Rows of `main` shown unfolded; the rest are folded. */
  readonly unfolded: number;
  /** Every statistic per parameter (the notebook's importance, r, coefficient, p, set in). */
  readonly stats: TableModel;
  /** The categorical parameters' levels. */
  readonly levels: TableModel;
  /** Set in fewer than all runs used (conditional parameters). */
  readonly conditional: string[];
  /** One value in every run used: nothing to learn (kept in the design for parity). */
  readonly constant: { readonly name: string; readonly value: string }[];
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
  /** Why it is unreliable (null when it is not). */
  readonly caveat: string | null;
}

export interface GatesSection extends SectionBase {
  readonly kind: 'gates';
  readonly rows: GateRow[];
}

export interface BestSection extends SectionBase {
  readonly kind: 'best';
  readonly value: number;
  /** "at row 53 (run_1, a name 1,000 runs share; id abc)". */
  readonly who: string;
  /** "23 runs tie at this value …", or null. */
  readonly ties: string | null;
  readonly url: string | null;
  /** The hyperparameters the run set (parameter, value), in parameter order. */
  readonly params: TableModel;
  /** Hyperparameters the run did not set. */
  readonly unset: string[];
}

export interface QualitySection extends SectionBase {
  readonly kind: 'quality';
  /** "name: value" facts, one line each, already formatted. */
  readonly facts: string[];
  readonly sentences: string[];
  /** The outlier runs, most extreme first. */
  readonly outliers: TableModel;
}

export interface AdviceRow {
  readonly parameter: string;
  readonly matters: boolean;
  /** The advice's sentences, then the level shares or ranges when they add something. */
  readonly text: string;
}

export interface AdviceSection extends SectionBase {
  readonly kind: 'advice';
  readonly bestCount: number;
  /** Parameters that matter first (by the ranking), then the rest (by the ranking). */
  readonly rows: AdviceRow[];
}

export interface InteractionsSection extends SectionBase {
  readonly kind: 'interactions';
  readonly table: TableModel;
}

export interface RunsSection extends SectionBase {
  readonly kind: 'runs';
  readonly sentences: string[];
}

export interface ComparisonSection extends SectionBase {
  readonly kind: 'comparison';
  readonly target: string;
  readonly goal: Goal;
  /** The change of held-out importance per parameter: flagged rows first (unfolded), then the rest. */
  readonly shifts: TableModel;
  readonly flagged: number;
  /** The target values of both sweeps, for the distribution chart. */
  readonly base: number[];
  readonly head: number[];
}

export interface FidelitySection extends SectionBase {
  readonly kind: 'fidelity';
  /** The budgets, where the sweep is read, and how well it predicts there. */
  readonly sentences: string[];
  /** Held-out importance at the highest budget with enough runs (the budget itself excluded). */
  readonly ranking: TableModel;
  /** Spearman's ρ of the same configurations' targets at adjacent budgets. */
  readonly agreement: TableModel;
}

export interface NextSweepSection extends SectionBase {
  readonly kind: 'next-sweep';
  readonly format: 'yaml' | 'json';
  /** What the text is (analysis/next-suggestion.ts). */
  readonly what: string;
  readonly text: string;
}

export interface OlsSummarySection extends SectionBase {
  readonly kind: 'ols-summary';
  readonly text: string;
}

export type Section =
  | GatesSection
  | ComparisonSection
  | ParametersSection
  | FidelitySection
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
  // names cut to 28 characters keep the summary within a PR comment's column (about 100 characters)
  return renderOlsSummary(fit, analysis.request.target, { nameMax: 28 });
}

/** Section priorities: higher survives longer when the Markdown must shrink. */
export const PRIORITY: Readonly<Record<SectionId, number>> = {
  gates: 100,
  comparison: 95,
  parameters: 90,
  fidelity: 85,
  quality: 80,
  best: 70,
  runs: 60,
  advice: 50,
  interactions: 40,
  charts: 35,
  'next-sweep': 30,
  'ols-summary': 10,
};

/** Rows of the hyperparameter table shown before the fold. */
export const UNFOLDED_PARAMETERS = 15;
/** Width of an inline bar, in character cells. */
const BAR_CELLS = 8;

export function buildReportModel(analysis: Analysis, options: ReportModelOptions = {}): ReportModel {
  const { request, result } = analysis;
  const parameters = parametersSection(analysis);
  const sections: Section[] = [];
  if (analysis.gates.length > 0) sections.push(gatesSection(analysis));
  const comparison = comparisonSection(analysis);
  if (comparison) sections.push(comparison);
  sections.push(parameters);
  const fidelity = fidelitySection(analysis);
  if (fidelity) sections.push(fidelity);
  const charts = chartsSection(analysis, parameters);
  if (charts) sections.push(charts);
  sections.push(bestSection(analysis));
  const quality = qualitySection(analysis);
  if (quality) sections.push(quality);
  const advice = adviceSection(analysis, parameters);
  if (advice) sections.push(advice);
  const interactions = analysis.insights?.interactions ?? [];
  if (interactions.length > 0) {
    const rows = [...interactions].sort(
      (a, b) => b.strength - a.strength || a.a.localeCompare(b.a) || a.b.localeCompare(b.b),
    );
    sections.push({
      kind: 'interactions',
      id: 'interactions',
      heading: 'Interactions',
      priority: PRIORITY.interactions,
      table: {
        header: ['parameter', 'with', 'strength', 'reading'],
        align: ['l', 'l', 'r', 'l'],
        rows: rows.map((i) => [cellName(i.a), cellName(i.b), fmtFixed(i.strength, 2), i.sentence]),
      },
    });
  }
  sections.push(runsSection(analysis));
  const next = nextSuggestion(analysis);
  if (next) {
    sections.push({
      kind: 'next-sweep',
      id: 'next-sweep',
      heading: next.heading,
      priority: PRIORITY['next-sweep'],
      format: next.format,
      what: next.what,
      text: next.text,
    });
  }
  const olsSummary = options.olsSummary === undefined ? notebookOlsSummary : options.olsSummary;
  const summary = olsSummary ? olsSummary(analysis) : null;
  if (summary) {
    sections.push({
      kind: 'ols-summary',
      id: 'ols-summary',
      heading: 'OLS summary (the notebook’s regression, no intercept)',
      priority: PRIORITY['ols-summary'],
      text: summary,
    });
  }

  // the source's neutral metadata (src/sources/types.ts), whatever the source
  const meta = analysis.meta;
  return {
    title: {
      target: request.target,
      goal: request.goal,
      goalAssumed: request.goalAssumed,
      goalReason: request.goalReason,
      source: analysis.source,
      sweep:
        meta && meta.kind !== 'file'
          ? {
              what: meta.what,
              label: meta.label,
              name: meta.name !== null && !meta.label.startsWith(meta.name) ? meta.name : null,
              url: meta.url ?? '',
              state: meta.state,
              method: meta.method,
            }
          : null,
      targetReading: meta?.targetReading ?? null,
    },
    headline: headline(analysis),
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

function headline(analysis: Analysis): Headline {
  const { summary, insights } = analysis;
  const failed = analysis.gates.filter((g) => !g.passed).length;
  const q = insights?.quality ?? null;
  const tone: Headline['tone'] =
    !q || (q.cvR2 === null && !q.explainsNothing) ? 'unmeasured' : q.explainsNothing ? 'nothing' : 'predicts';
  return {
    warnings: summary.warnings,
    verdict: summary.verdict,
    tone,
    disagreement: summary.disagreement,
    vsBase: analysis.comparison ? analysis.comparison.lines : null,
    best: Number.isFinite(analysis.best.value)
      ? { value: analysis.best.value, who: bestWho(analysis), ties: tiesSentence(analysis) }
      : null,
    gates: analysis.gates.length > 0 ? { passed: analysis.gates.length - failed, failed } : null,
  };
}

/** "at row 53 (run_1, a name 1,000 runs share; id abc)". */
function bestWho(analysis: Analysis): string {
  const b = analysis.best;
  const parts: string[] = [];
  if (b.name !== null) {
    parts.push(
      b.nameShared > 1
        ? `${truncateName(b.name, CELL_NAME_LENGTH)}, a name ${b.nameShared.toLocaleString('en-US')} runs share`
        : truncateName(b.name, CELL_NAME_LENGTH),
    );
  }
  if (b.id !== null) parts.push(`id ${truncateName(b.id, CELL_NAME_LENGTH)}`);
  return `at row ${(b.row + 1).toLocaleString('en-US')}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

function tiesSentence(analysis: Analysis): string | null {
  const ties = analysis.best.ties;
  if (ties < 2) return null;
  const bound = analysis.request.goal === 'maximize' ? 'ceiling' : 'floor';
  const ceiling = ties >= 3 ? ` (the metric’s ${bound}?)` : '';
  return (
    `${ties.toLocaleString('en-US')} runs tie at this value${ceiling}: the first in row order is shown, ` +
    'and the advice counts every tied run among the best.'
  );
}

// ---------------------------------------------------------------------------------------------------
// parameters

function cellName(name: string): string {
  return truncateName(name, CELL_NAME_LENGTH);
}

/** A bar of `BAR_CELLS` cells for x in [0, max], in eighths; '' for x ≤ 0. */
function bar(x: number, max: number): string {
  return unicodeBar(x, max, BAR_CELLS);
}

function parametersSection(analysis: Analysis): ParametersSection {
  const { result, design, insights, summary } = analysis;
  const std = result.ols_standardized;
  const ols = result.ols;
  const coefficientSource: ParametersSection['coefficientSource'] = std
    ? 'standardized'
    : ols
      ? 'notebook'
      : 'none';
  const logScaled = new Set(std?.log_scaled ?? []);
  const constantNames = new Set(analysis.constantParameters);
  const idLike = new Set(analysis.idLikeParameters);
  const permutation = new Map((insights?.permutation ?? []).map((p) => [p.parameter, p]));
  const measure: ParametersSection['measure'] =
    insights && permutation.size > 0 ? 'permutation' : 'importance';

  const kept = design.parameters.filter((p) => p.kind !== 'empty');
  const varying = kept.filter((p) => !constantNames.has(p.name));
  const order = new Map(kept.map((p, i) => [p.name, i]));
  const measureOf = (name: string): number => {
    const v = measure === 'permutation' ? permutation.get(name)?.mean : result.parameter_importances[name];
    return typeof v === 'number' && Number.isFinite(v) ? v : measure === 'permutation' ? -Infinity : 0;
  };
  const sorted = [...varying].sort(
    (a, b) => measureOf(b.name) - measureOf(a.name) || order.get(a.name)! - order.get(b.name)!,
  );
  const matters = new Set(summary.rankedBy === 'permutation' ? summary.top : []);

  const rows = sorted.map((p, i): ParameterRow => {
    const perm = permutation.get(p.name);
    const base = {
      name: p.name,
      rank: i + 1,
      measure: Number.isFinite(measureOf(p.name)) ? measureOf(p.name) : 0,
      importance: importanceOf(result.parameter_importances, p.name),
      permutation: perm
        ? { mean: perm.mean, low: perm.low, high: perm.high, matters: matters.has(p.name) }
        : null,
      present: p.present,
      distinct: p.distinct,
      logScaled: logScaled.has(p.name),
      constant: false,
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
  const constant = kept
    .filter((p) => constantNames.has(p.name))
    .map((p) => ({ name: p.name, value: constantValue(analysis, p) }));
  return {
    kind: 'parameters',
    id: 'parameters',
    heading: 'Hyperparameters',
    priority: PRIORITY.parameters,
    measure,
    coefficientSource,
    hasPermutation: insights !== null && permutation.size > 0,
    used,
    rows,
    main: mainTable(rows, measure),
    unfolded: UNFOLDED_PARAMETERS,
    stats: statsTable(rows, coefficientSource, measure, used),
    levels: levelsTable(rows, coefficientSource),
    conditional,
    constant,
    idLike: analysis.idLikeParameters,
    dropped: [...result.dropped_parameters],
    notes: parameterNotes(analysis, measure, coefficientSource, conditional.length),
  };
}

function rCell(r: ParameterRow): string {
  return r.kind === 'categorical' && r.strongestLevel !== null
    ? `${fmtSigned(r.correlation, 2)} (${truncateName(r.strongestLevel, 12)})`
    : fmtSigned(r.correlation, 2);
}

function intervalCell(p: PermutationCell | null): string {
  return p ? `${fmtFixed(p.low, 3)} … ${fmtFixed(p.high, 3)}` : DASH;
}

/** "0.743 ± 0.029": the permutation interval is symmetric (mean ± t·sd/√m). */
function plusMinus(p: PermutationCell): string {
  return `${fmtFixed(p.mean, 3)} ± ${fmtFixed((p.high - p.low) / 2, 3)}`;
}

/** The compact table: rank, name, the ranking measure (± its interval) with a bar, r, a mark. */
function mainTable(rows: ParameterRow[], measure: ParametersSection['measure']): TableModel {
  const max = Math.max(0, ...rows.map((r) => r.measure));
  if (measure === 'permutation') {
    return {
      header: ['#', 'parameter', 'held-out importance', 'r', 'matters'],
      align: ['r', 'l', 'l', 'r', 'c'],
      rows: rows.map((r) => [
        String(r.rank),
        cellName(r.name),
        r.permutation ? `${plusMinus(r.permutation)} ${bar(r.measure, max)}`.trimEnd() : DASH,
        rCell(r),
        r.permutation?.matters ? '✓' : '',
      ]),
    };
  }
  return {
    header: ['#', 'parameter', 'notebook importance', 'r', 'kind'],
    align: ['r', 'l', 'l', 'r', 'l'],
    rows: rows.map((r) => [
      String(r.rank),
      cellName(r.name),
      `${fmtFixed(r.measure, 3)} ${bar(r.measure, max)}`.trimEnd(),
      rCell(r),
      kindCell(r),
    ]),
  };
}

function kindCell(r: ParameterRow): string {
  const parts: string[] = [r.kind === 'categorical' ? `categorical (${r.levels.length})` : r.kind];
  if (r.logScaled) parts.push('log');
  if (r.idLike) parts.push('id-like');
  return parts.join(', ');
}

/** Every statistic per parameter, in the main table's order. */
function statsTable(
  rows: ParameterRow[],
  coefficientSource: ParametersSection['coefficientSource'],
  measure: ParametersSection['measure'],
  used: number,
): TableModel {
  const header = ['parameter', 'kind', 'notebook importance'];
  const align: TableModel['align'] = ['l', 'l', 'r'];
  if (measure === 'permutation') {
    header.push('held-out [95%]');
    align.push('r');
  }
  if (coefficientSource !== 'none') {
    header.push(coefficientSource === 'standardized' ? 'coef. per SD' : 'coef. (notebook)', 'p');
    align.push('r', 'r');
  }
  header.push('set in');
  align.push('r');
  return {
    header,
    align,
    rows: rows.map((r) => {
      const cells = [cellName(r.name), kindCell(r), fmtFixed(r.importance, 3)];
      if (measure === 'permutation') {
        cells.push(
          r.permutation ? `${fmtFixed(r.permutation.mean, 3)} [${intervalCell(r.permutation)}]` : DASH,
        );
      }
      if (coefficientSource !== 'none') {
        if (r.kind === 'categorical') {
          cells.push(
            r.reference !== null ? `per level (vs ${truncateName(r.reference, 16)})` : 'per level',
            DASH,
          );
        } else {
          cells.push(fmtSigned(r.coefficient, 3), fmtP(r.pValue));
        }
      }
      cells.push(`${r.present}/${used}`);
      return cells;
    }),
  };
}

function levelsTable(
  rows: ParameterRow[],
  coefficientSource: ParametersSection['coefficientSource'],
): TableModel {
  const header = ['parameter', 'level', 'runs', 'r'];
  const align: TableModel['align'] = ['l', 'l', 'r', 'r'];
  if (coefficientSource !== 'none') {
    header.push(coefficientSource === 'standardized' ? 'coef. vs reference' : 'coef. (notebook)', 'p');
    align.push('r', 'r');
  }
  const out: string[][] = [];
  for (const r of rows) {
    for (const l of r.levels) {
      const cells = [cellName(r.name), cellName(l.level), String(l.runs), fmtSigned(l.correlation, 2)];
      if (coefficientSource !== 'none') {
        cells.push(
          l.isReference ? 'reference' : fmtSigned(l.coefficient, 3),
          l.isReference ? DASH : fmtP(l.pValue),
        );
      }
      out.push(cells);
    }
  }
  return { header, align, rows: out };
}

function parameterNotes(
  analysis: Analysis,
  measure: ParametersSection['measure'],
  coefficientSource: ParametersSection['coefficientSource'],
  conditional: number,
): string[] {
  const notes: string[] = [];
  if (measure === 'permutation') {
    notes.push(
      'Held-out importance: how much the cross-validated R² drops when the parameter is shuffled in the ' +
        'held-out runs, ± half its 95% interval; ✓ when the interval lies above 0 and the hyperparameters ' +
        'predict the target at all. The table is ranked by it.',
    );
  }
  notes.push(
    'Notebook importance: the reference notebook’s extra-trees (impurity) importance, measured on the runs ' +
      'the trees were grown on; it sums to 1 whether or not anything predicts the target.',
  );
  notes.push(
    'r: Pearson correlation with the target; for a categorical, its level with the largest |r| (every level ' +
      'is listed under “Levels”).',
  );
  if (coefficientSource === 'standardized') {
    notes.push(
      'Coefficient: change in the target per standard deviation of the parameter (OLS with an intercept, ' +
        'z-scored columns, log10 where marked “log”), with its p-value; for a categorical, per level against ' +
        'its reference level. The `pvalue(x)` and `coef(x)` gates read these.',
    );
  } else if (coefficientSource === 'notebook') {
    notes.push('Coefficient: the notebook’s OLS coefficient (raw units, no intercept).');
  }
  if (conditional > 0) {
    notes.push(
      `${conditional} parameter${conditional === 1 ? ' is' : 's are'} set in only some runs (conditional): ` +
        'as in the notebook, a missing numeric value was filled with the mean of the runs that set it, and a ' +
        'missing categorical became all-zero dummies.',
    );
  }
  if (analysis.constantParameters.length > 0) {
    notes.push(
      'Constant parameters have one value in every run: nothing can be learned about them, so they are not ranked.',
    );
  }
  return notes;
}

function constantValue(analysis: Analysis, p: ParameterInfo): string {
  const cells = analysis.table.cells.get(p.name);
  if (cells) {
    for (const r of analysis.design.rows) {
      const c = cells[r];
      if (c !== null && c !== undefined && c !== '') return truncateName(String(c), 24);
    }
  }
  return DASH;
}

function importanceOf(map: Record<string, number>, name: string): number {
  if (!Object.prototype.hasOwnProperty.call(map, name)) return 0;
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
  const own = (r: Record<string, number | null>): boolean => Object.prototype.hasOwnProperty.call(r, column);
  if (std)
    return {
      value: own(std.params) ? std.params[column] : null,
      p: own(std.pvalues) ? std.pvalues[column] : null,
    };
  if (ols)
    return {
      value: own(ols.params) ? ols.params[column] : null,
      p: own(ols.pvalues) ? ols.pvalues[column] : null,
    };
  return { value: null, p: null };
}

// ---------------------------------------------------------------------------------------------------
// charts data: the target against the top parameters (only when something predicts it)

/** Target charts drawn unfolded. */
export const TARGET_CHARTS = 3;

function chartsSection(analysis: Analysis, parameters: ParametersSection): ChartsSection | null {
  const { design, request, summary } = analysis;
  if (design.n < 2 || summary.rankedBy === 'none') return null;
  const best = new Uint8Array(design.n);
  for (const i of analysis.bestRuns) best[i] = 1;
  const byName = new Map(design.parameters.map((p) => [p.name, p]));
  const advice = new Map((analysis.insights?.advice ?? []).map((a) => [a.parameter, a]));
  // the parameters that matter (held-out), else the notebook's top ones when nothing was tested
  const chosen =
    summary.rankedBy === 'permutation'
      ? parameters.rows.filter((r) => r.permutation?.matters)
      : parameters.rows.filter((r) => r.measure > 0);
  const series: ParameterSeries[] = [];
  for (const row of chosen) {
    if (series.length === TARGET_CHARTS) break;
    if (row.idLike) continue;
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
  if (parameters.rows.length === 0) return null;
  return {
    kind: 'charts',
    id: 'charts',
    heading: 'Charts',
    priority: PRIORITY.charts,
    target: request.target,
    goal: request.goal,
    bestCount: analysis.bestRuns.length,
    series,
  };
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
      caveat: g.caveat,
    })),
  };
}

function bestSection(analysis: Analysis): BestSection {
  const best = analysis.best;
  const rows: string[][] = [];
  const unset: string[] = [];
  for (const p of analysis.design.parameters) {
    if (p.kind === 'empty') continue;
    const v = Object.prototype.hasOwnProperty.call(best.params, p.name) ? best.params[p.name] : null;
    if (v === null || v === undefined || (typeof v === 'string' && v === '')) {
      unset.push(p.name);
      continue;
    }
    // numbers as the design read them (a CSV cell is text), rounded like every other number here
    const raw = p.kind === 'numeric' && p.raw ? p.raw[best.index] : NaN;
    rows.push([cellName(p.name), Number.isFinite(raw) ? fmt(raw, 6) : truncateName(String(v), 60)]);
  }
  return {
    kind: 'best',
    id: 'best',
    heading: 'Best run',
    priority: PRIORITY.best,
    value: best.value,
    who: bestWho(analysis),
    ties: tiesSentence(analysis),
    url: best.url,
    params: { header: ['parameter', 'value'], align: ['l', 'l'], rows },
    unset,
  };
}

function qualitySection(analysis: Analysis): QualitySection | null {
  const { result, insights } = analysis;
  const q = insights?.quality ?? null;
  if (!q && !result.cv_r2 && !result.ols_standardized) return null;
  const facts: string[] = [];
  const cv = q ? q.cvR2 : (result.cv_r2?.mean ?? null);
  const folds = result.cv_r2?.folds ?? q?.cvR2Folds ?? null;
  if (cv !== null) {
    facts.push(
      `Cross-validated R² (5 folds): ${fmtFixed(cv, 3)}` +
        (folds ? ` (folds ${folds.map((f) => fmtFixed(f, 2)).join(', ')})` : ''),
    );
  }
  if (q && q.cvR2WithoutOutliers !== null) {
    facts.push(
      `Without the ${insights!.outliers.length} outlier runs: ${fmtFixed(q.cvR2WithoutOutliers, 3)}`,
    );
  }
  if (q && cv !== null) {
    facts.push(
      `Verdict: ${q.explainsNothing ? 'predicts nothing' : 'predicts part of the target'} (held-out R² above ${fmtFixed(q.threshold, 2)} is needed)`,
    );
  }
  const r2 = result.ols_standardized?.rsquared ?? null;
  if (r2 !== null) facts.push(`Linear fit (OLS with an intercept) R², in sample: ${fmtFixed(r2, 3)}`);
  const sentences: string[] = [];
  if (!q && !result.cv_r2) sentences.push('Cross-validation needs at least 10 runs (and the insights).');
  const outliers = [...(insights?.outliers ?? [])].sort(
    (a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ) || a.row - b.row,
  );
  if (outliers.length > 0) {
    sentences.push(
      `${outliers.length} run${outliers.length === 1 ? ' is an outlier' : 's are outliers'} of the target ` +
        `(${insights?.outlierRuleText ?? 'robust z beyond 5'}); the verdict is read without them.`,
    );
  } else if (insights?.outlierRule === 'none' && insights.outlierRuleText) {
    sentences.push(`Outliers: ${insights.outlierRuleText}.`);
  }
  return {
    kind: 'quality',
    id: 'quality',
    heading: 'Model quality',
    priority: PRIORITY.quality,
    facts,
    sentences,
    outliers: {
      header: ['row', 'run', 'value', 'robust z'],
      align: ['r', 'l', 'r', 'r'],
      rows: outliers.map((o) => {
        const name = runName(analysis.table, o.row, 'name') ?? runName(analysis.table, o.row, 'id');
        return [String(o.row + 1), name ? cellName(name) : DASH, fmt(o.value, 6), fmtSigned(o.robustZ, 3)];
      }),
    },
  };
}

function levelShares(levels: LevelShare[]): string {
  const shown = [...levels]
    .sort((x, y) => y.shareBest - x.shareBest || (x.level < y.level ? -1 : 1))
    .slice(0, 6)
    .map(
      (l) =>
        `${truncateName(l.level, 24)} ${Math.round(l.shareBest * 100)}% vs ${Math.round(l.shareAll * 100)}%`,
    );
  return `share among the best vs all runs: ${shown.join(', ')}${levels.length > 6 ? ', …' : ''}`;
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
    .map((a): AdviceRow => {
      const parts = [...a.advice];
      if (a.advice.length === 0 && a.searched) {
        parts.push(
          `searched ${fmt(a.searched.min, 3)}–${fmt(a.searched.max, 3)}${a.logScale ? ' (log)' : ''}`,
        );
      }
      // the shares, unless the advice already quotes them
      if (a.levels && a.levels.length > 0 && a.matters && !a.advice.some((x) => x.includes('%'))) {
        parts.push(levelShares(a.levels));
      }
      return { parameter: a.parameter, matters: a.matters, text: parts.join('; ') || 'no advice' };
    });
  return {
    kind: 'advice',
    id: 'advice',
    heading: 'What to try next',
    priority: PRIORITY.advice,
    bestCount: insights.bestCount,
    rows,
  };
}

function comparisonSection(analysis: Analysis): ComparisonSection | null {
  const c = analysis.comparison;
  if (!c) return null;
  const interval = (p: { mean: number; low: number; high: number } | null): string =>
    p ? `${fmtFixed(p.mean, 3)} ± ${fmtFixed((p.high - p.low) / 2, 3)}` : DASH;
  const rows = [...c.importance].sort(
    (a, b) =>
      Number(b.flagged) - Number(a.flagged) ||
      Math.abs(b.shift ?? 0) - Math.abs(a.shift ?? 0) ||
      a.parameter.localeCompare(b.parameter),
  );
  return {
    kind: 'comparison',
    id: 'comparison',
    heading: 'Against the baseline',
    priority: PRIORITY.comparison,
    target: analysis.request.target,
    goal: analysis.request.goal,
    shifts: {
      header: ['parameter', 'baseline', 'this sweep', 'shift', 'changed'],
      align: ['l', 'l', 'l', 'r', 'c'],
      rows: rows.map((r) => [
        cellName(r.parameter),
        interval(r.base),
        interval(r.head),
        r.shift === null ? DASH : fmtSigned(r.shift, 2),
        r.flagged ? '⚠️' : '',
      ]),
    },
    flagged: rows.filter((r) => r.flagged).length,
    base: Array.from(c.baseValues),
    head: Array.from(analysis.design.y),
  };
}

function fidelitySection(analysis: Analysis): FidelitySection | null {
  const f = analysis.fidelity;
  if (!f || f.column === null || f.levels.length < 2) return null;
  const name = truncateName(f.column, CELL_NAME_LENGTH);
  const sentences = [
    `${name}: ${f.levels.map((l) => `${fmt(l.value, 6)} (${l.runs.toLocaleString('en-US')} runs)`).join(', ')}.`,
  ];
  if (!f.highest) {
    sentences.push(
      `No value of ${name} has ${f.min_runs} runs: the sweep cannot be read at one budget alone.`,
    );
  } else if (!f.quality) {
    sentences.push(
      `At ${name} = ${fmt(f.highest.value, 6)} (${f.highest.runs} runs): not read (the insights were not computed).`,
    );
  } else {
    const q = f.quality;
    const r2 = q.effective_r2;
    const outliers = q.outliers > 0 ? ` without ${q.outliers} outlier run${q.outliers === 1 ? '' : 's'}` : '';
    sentences.push(
      `At ${name} = ${fmt(f.highest.value, 6)} (${f.highest.runs} runs, the highest budget with at least ` +
        `${f.min_runs}): ` +
        (q.explains_nothing
          ? `the other hyperparameters do not predict the target (cross-validated R² ${fmtFixed(r2, 2)}${outliers}).`
          : `the other hyperparameters predict about ${Math.round(Math.max(0, Math.min(1, r2 ?? 0)) * 100)}% of ` +
            `its variation on held-out runs (cross-validated R² ${fmtFixed(r2, 2)}${outliers}).`),
    );
  }
  const max = Math.max(0, ...f.ranking.map((r) => r.mean));
  const predicts = f.quality !== null && !f.quality.explains_nothing;
  return {
    kind: 'fidelity',
    id: 'fidelity',
    heading: `Fidelity: the sweep at its highest ${name}`,
    priority: PRIORITY.fidelity,
    sentences,
    ranking: {
      header: ['#', 'parameter', 'held-out importance', 'matters'],
      align: ['r', 'l', 'l', 'c'],
      rows: f.ranking.map((r, i) => [
        String(i + 1),
        cellName(r.parameter),
        `${fmtFixed(r.mean, 3)} ± ${fmtFixed((r.high - r.low) / 2, 3)} ${bar(r.mean, max)}`.trimEnd(),
        predicts && r.matters ? '✓' : '',
      ]),
    },
    agreement: {
      header: [`${name} from → to`, 'configurations at both', 'rank agreement (Spearman ρ)'],
      align: ['l', 'r', 'r'],
      rows: f.rank_agreement.map((a) => [
        `${fmt(a.lower, 6)} → ${fmt(a.higher, 6)}`,
        a.configurations.toLocaleString('en-US'),
        a.spearman === null ? DASH : fmtSigned(a.spearman, 2),
      ]),
    },
  };
}

function runsSection(analysis: Analysis): RunsSection {
  const { result, filters, meta } = analysis;
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
  if (meta && meta.kind !== 'file') {
    const states = Object.keys(meta.states)
      .sort()
      .map((state) => `${state} ${meta.states[state]}`);
    const label =
      meta.kind === 'wandb' ? 'W&B run states' : meta.kind === 'optuna' ? 'Trial states' : 'Run states';
    if (states.length > 0) sentences.push(`${label}: ${states.join(', ')}.`);
  }
  return { kind: 'runs', id: 'runs', heading: 'Runs', priority: PRIORITY.runs, sentences };
}
