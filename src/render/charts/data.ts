/**
 * The charts as data, built from the report model, before any chart syntax: (a) importance per
 * parameter with its correlation beside it; (b) the target against each of the top parameters. Every
 * number is rounded here once (4 significant digits), so the chart and the table beside it carry the
 * same values whichever backend draws them (QuickChart URL, mermaid block).
 */
import type { Goal } from '../../design/types.js';
import { fmt, roundSig } from '../../report/format.js';
import type { ChartsSection, ParameterSeries, ParametersSection, ReportModel } from '../../report/model.js';
import { truncateName } from '../../report/names.js';

/** A name as an axis label: one line, at most `max` characters. */
function axisLabel(name: string, max = LABEL_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  return truncateName(name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' '), max);
}

/** Significant digits of every charted number. */
export const CHART_DIGITS = 4;
/** Longest axis label. */
export const LABEL_LENGTH = 40;

export interface ImportanceBar {
  readonly parameter: string;
  readonly label: string;
  readonly importance: number;
  /** Numeric/boolean: r; categorical: the r of its level with the largest |r| (`level`). */
  readonly correlation: number | null;
  readonly level: string | null;
}

export interface ImportanceChart {
  readonly kind: 'importance';
  readonly title: string;
  readonly bars: ImportanceBar[];
  /** Parameters left out of the chart (the least important ones). */
  readonly omitted: number;
  readonly note: string;
}

export interface TargetPoint {
  readonly x: number;
  readonly y: number;
  readonly best: boolean;
}

export interface TargetBin {
  readonly label: string;
  /** Numeric bins: the bin's range (log bins: still in the parameter's units); categorical: null. */
  readonly low: number | null;
  readonly high: number | null;
  /** Where the bin's mean is drawn on a numeric axis (geometric centre for log bins). */
  readonly center: number | null;
  readonly count: number;
  readonly mean: number;
  /** The best target value in the bin, by the goal. */
  readonly best: number;
}

export interface TargetChart {
  readonly kind: 'target';
  readonly title: string;
  readonly parameter: string;
  readonly label: string;
  readonly target: string;
  readonly goal: Goal;
  readonly paramKind: 'numeric' | 'categorical';
  readonly logScale: boolean;
  /** Every run that set the parameter, in run order (backends sample them). */
  readonly points: TargetPoint[];
  readonly bins: TargetBin[];
  readonly bestCount: number;
  /** Categorical: levels left out of the chart and its table (the least frequent ones). */
  readonly omittedLevels: number;
}

export type Chart = ImportanceChart | TargetChart;

export interface ChartSet {
  readonly importance: ImportanceChart | null;
  readonly targets: TargetChart[];
}

export interface ChartOptions {
  /** Most parameters in the importance chart (default 15). */
  readonly maxBars?: number;
  /** Most bins of a numeric parameter (default 8). */
  readonly maxBins?: number;
}

export function buildCharts(model: ReportModel, options: ChartOptions = {}): ChartSet {
  const params = model.sections.find((s): s is ParametersSection => s.kind === 'parameters') ?? null;
  const charts = model.sections.find((s): s is ChartsSection => s.kind === 'charts') ?? null;
  return {
    importance: params ? importanceChart(params, options.maxBars ?? 15) : null,
    targets: charts ? charts.series.map((s) => targetChart(charts, s, options.maxBins ?? 8)) : [],
  };
}

function importanceChart(section: ParametersSection, maxBars: number): ImportanceChart | null {
  const rows = section.rows.filter((r) => !r.constant);
  if (rows.length === 0) return null;
  const shown = rows.slice(0, maxBars);
  const anyCategorical = shown.some((r) => r.kind === 'categorical');
  return {
    kind: 'importance',
    title: 'Importance and correlation per hyperparameter',
    bars: shown.map((r) => ({
      parameter: r.name,
      label: axisLabel(r.name, LABEL_LENGTH),
      importance: roundSig(r.importance, CHART_DIGITS),
      correlation: r.correlation === null ? null : roundSig(r.correlation, CHART_DIGITS),
      level: r.strongestLevel,
    })),
    omitted: rows.length - shown.length,
    note:
      'Importance: extra-trees importance; r: Pearson correlation with the target' +
      (anyCategorical ? ' (for a categorical, its level with the largest |r|)' : '') +
      '.',
  };
}

function targetChart(section: ChartsSection, s: ParameterSeries, maxBins: number): TargetChart {
  const maximize = section.goal === 'maximize';
  const points: TargetPoint[] = s.x.map((x, i) => ({
    x: s.kind === 'categorical' ? x : roundSig(x, CHART_DIGITS),
    y: roundSig(s.y[i], CHART_DIGITS),
    best: s.best[i],
  }));
  const label = axisLabel(s.parameter, LABEL_LENGTH);
  const logScale = s.logScale && s.x.every((x) => x > 0);
  const { bins, omitted } =
    s.kind === 'categorical'
      ? levelBins(s, maximize)
      : { bins: numericBins(s, maxBins, logScale, maximize), omitted: 0 };
  return {
    kind: 'target',
    title: `${axisLabel(section.target, LABEL_LENGTH)} against ${label}`,
    parameter: s.parameter,
    label,
    target: section.target,
    goal: section.goal,
    paramKind: s.kind,
    logScale,
    points,
    bins,
    bestCount: section.bestCount,
    omittedLevels: omitted,
  };
}

interface Acc {
  count: number;
  sum: number;
  best: number;
}

function accumulate(acc: Acc, y: number, maximize: boolean): void {
  acc.count++;
  acc.sum += y;
  if (acc.count === 1 || (maximize ? y > acc.best : y < acc.best)) acc.best = y;
}

/** Most levels drawn: the most frequent ones (ties: level order), shown in level order. */
export const MAX_LEVELS = 20;

function levelBins(s: ParameterSeries, maximize: boolean): { bins: TargetBin[]; omitted: number } {
  const accs: Acc[] = s.levels.map(() => ({ count: 0, sum: 0, best: NaN }));
  for (let i = 0; i < s.x.length; i++) accumulate(accs[s.x[i]], s.y[i], maximize);
  const used = accs.map((a, k) => k).filter((k) => accs[k].count > 0);
  const kept = new Set([...used].sort((a, b) => accs[b].count - accs[a].count || a - b).slice(0, MAX_LEVELS));
  const bins: TargetBin[] = [];
  accs.forEach((a, k) => {
    if (!kept.has(k)) return;
    bins.push({
      label: axisLabel(s.levels[k], LABEL_LENGTH),
      low: null,
      high: null,
      center: null,
      count: a.count,
      mean: roundSig(a.sum / a.count, CHART_DIGITS),
      best: roundSig(a.best, CHART_DIGITS),
    });
  });
  return { bins, omitted: used.length - kept.size };
}

function numericBins(s: ParameterSeries, maxBins: number, logScale: boolean, maximize: boolean): TargetBin[] {
  const distinct = [...new Set(s.x)].sort((a, b) => a - b);
  if (distinct.length === 0) return [];
  if (distinct.length <= maxBins) {
    // One bin per value: the axis reads as the values themselves.
    const index = new Map(distinct.map((v, k) => [v, k]));
    const accs: Acc[] = distinct.map(() => ({ count: 0, sum: 0, best: NaN }));
    for (let i = 0; i < s.x.length; i++) accumulate(accs[index.get(s.x[i])!], s.y[i], maximize);
    return distinct.map((v, k) => ({
      label: fmt(v, CHART_DIGITS),
      low: roundSig(v, CHART_DIGITS),
      high: roundSig(v, CHART_DIGITS),
      center: roundSig(v, CHART_DIGITS),
      count: accs[k].count,
      mean: roundSig(accs[k].sum / accs[k].count, CHART_DIGITS),
      best: roundSig(accs[k].best, CHART_DIGITS),
    }));
  }
  const t = (v: number) => (logScale ? Math.log10(v) : v);
  const inv = (v: number) => (logScale ? 10 ** v : v);
  const lo = t(distinct[0]);
  const hi = t(distinct[distinct.length - 1]);
  const width = (hi - lo) / maxBins;
  const accs: Acc[] = Array.from({ length: maxBins }, () => ({ count: 0, sum: 0, best: NaN }));
  for (let i = 0; i < s.x.length; i++) {
    const k = Math.min(maxBins - 1, Math.floor((t(s.x[i]) - lo) / width));
    accumulate(accs[k], s.y[i], maximize);
  }
  const bins: TargetBin[] = [];
  for (let k = 0; k < maxBins; k++) {
    const a = accs[k];
    if (a.count === 0) continue;
    const low = roundSig(inv(lo + k * width), 3);
    const high = roundSig(inv(lo + (k + 1) * width), 3);
    bins.push({
      label: `${fmt(low, 3)}–${fmt(high, 3)}`,
      low,
      high,
      center: roundSig(inv(lo + (k + 0.5) * width), CHART_DIGITS),
      count: a.count,
      mean: roundSig(a.sum / a.count, CHART_DIGITS),
      best: roundSig(a.best, CHART_DIGITS),
    });
  }
  return bins;
}

/** The table beside a chart: header and rows of display strings (the chart's numbers, as shown). */
export interface ChartTable {
  readonly header: string[];
  readonly rows: string[][];
  readonly align: ('l' | 'r')[];
}

export function chartTable(chart: Chart): ChartTable {
  if (chart.kind === 'importance') {
    return {
      header: ['parameter', 'importance', 'r', 'level (categorical)'],
      rows: chart.bars.map((b) => [
        b.label,
        fmt(b.importance, CHART_DIGITS),
        fmt(b.correlation, CHART_DIGITS),
        b.level === null ? '' : axisLabel(b.level, LABEL_LENGTH),
      ]),
      align: ['l', 'r', 'r', 'l'],
    };
  }
  const best = chart.goal === 'maximize' ? 'highest' : 'lowest';
  return {
    header: [
      chart.paramKind === 'categorical'
        ? chart.label
        : `${chart.label}${chart.logScale ? ' (log bins)' : ''}`,
      'runs',
      `mean ${axisLabel(chart.target, LABEL_LENGTH)}`,
      best,
    ],
    rows: chart.bins.map((b) => [
      b.label,
      String(b.count),
      fmt(b.mean, CHART_DIGITS),
      fmt(b.best, CHART_DIGITS),
    ]),
    align: ['l', 'r', 'r', 'r'],
  };
}
