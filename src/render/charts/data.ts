/**
 * The charts as data, built from the report model, before any chart syntax: (a) the report's ranking
 * measure per parameter (held-out importance, else the notebook's importance); (b) the target against
 * each of the top parameters. Every
 * number is rounded here once (4 significant digits), so the chart and the table beside it carry the
 * same values whichever backend draws them (QuickChart URL, mermaid block).
 */
import type { Goal } from '../../design/types.js';
import { fmt, roundSig } from '../../format.js';
import type {
  ChartsSection,
  ComparisonSection,
  ParameterSeries,
  ParametersSection,
  ReportModel,
} from '../../report/model.js';
import { truncateName } from '../../names.js';

/** A name as an axis label: one line, at most `max` characters. */
function axisLabel(name: string, max = LABEL_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  return truncateName(name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' '), max);
}

/** Significant digits of every charted number. */
export const CHART_DIGITS = 4;
/** Longest axis label. */
const LABEL_LENGTH = 40;

export interface ImportanceBar {
  readonly parameter: string;
  readonly label: string;
  /** The report's ranking measure (`ParameterRow.measure`); the held-out importance can be below 0. */
  readonly importance: number;
}

export interface ImportanceChart {
  readonly kind: 'importance';
  readonly title: string;
  readonly bars: ImportanceBar[];
  /** Parameters left out of the chart (the least important ones). */
  readonly omitted: number;
  /** What the bars are: the report's ranking measure, in words ("held-out importance"). */
  readonly measure: string;
}

export interface TargetPoint {
  readonly x: number;
  readonly y: number;
  readonly best: boolean;
}

export interface TargetBin {
  /** The bin in the table: a level, a value, or a range `low–high`. */
  readonly label: string;
  /** The bin on an axis: a level, a value, or the bin's midpoint as a short number (`1.7e-4`, `0.15`). */
  readonly short: string;
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
  /**
   * How the runs are grouped: `levels` for a categorical and for a numeric with at most `maxBins`
   * distinct values (ordered levels, one bin per value, drawn on a category axis); `linear` or `log`
   * bins (edges at round numbers) for the other numerics.
   */
  readonly binning: 'levels' | 'linear' | 'log';
  readonly logScale: boolean;
  /** Every run that set the parameter, in run order (backends sample them). */
  readonly points: TargetPoint[];
  readonly bins: TargetBin[];
  readonly bestCount: number;
  /** Categorical: levels left out of the chart and its table (the least frequent ones). */
  readonly omittedLevels: number;
}

/** The target's distribution in the baseline and in this sweep: the share of runs per bin, both on one axis. */
export interface DistributionChart {
  readonly kind: 'distribution';
  readonly title: string;
  readonly target: string;
  readonly bins: {
    readonly label: string;
    readonly short: string;
    readonly base: number;
    readonly head: number;
  }[];
  readonly baseRuns: number;
  readonly headRuns: number;
}

export type Chart = ImportanceChart | TargetChart | DistributionChart;

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

/**
 * The charts of the report: none when nothing predicts the target (the model has no charts section
 * then); the importance chart draws the table's ranking measure, in its order.
 */
export function buildCharts(model: ReportModel, options: ChartOptions = {}): ChartSet {
  const params = model.sections.find((s): s is ParametersSection => s.kind === 'parameters') ?? null;
  const charts = model.sections.find((s): s is ChartsSection => s.kind === 'charts') ?? null;
  if (!charts) return { importance: null, targets: [] };
  return {
    importance: params ? importanceChart(params, options.maxBars ?? 15) : null,
    targets: charts.series.map((s) => targetChart(charts, s, options.maxBins ?? 8)),
  };
}

function importanceChart(section: ParametersSection, maxBars: number): ImportanceChart | null {
  const rows = section.rows;
  if (rows.length === 0) return null;
  const shown = rows.slice(0, maxBars);
  const measure = section.measure === 'permutation' ? 'held-out importance' : 'notebook importance';
  return {
    kind: 'importance',
    title:
      section.measure === 'permutation'
        ? 'Held-out importance per hyperparameter'
        : 'Notebook importance per hyperparameter',
    bars: shown.map((r) => ({
      parameter: r.name,
      label: axisLabel(r.name, LABEL_LENGTH),
      importance: roundSig(r.measure, CHART_DIGITS),
    })),
    omitted: rows.length - shown.length,
    measure,
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
  const { bins, omitted, binning } =
    s.kind === 'categorical'
      ? { ...levelBins(s, maximize), binning: 'levels' as const }
      : { ...numericBins(s, maxBins, logScale, maximize), omitted: 0 };
  return {
    kind: 'target',
    title: `${axisLabel(section.target, LABEL_LENGTH)} against ${label}`,
    parameter: s.parameter,
    label,
    target: section.target,
    goal: section.goal,
    paramKind: s.kind,
    binning,
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
const MAX_LEVELS = 20;

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
      short: axisLabel(s.levels[k], LABEL_LENGTH),
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

function numericBins(
  s: ParameterSeries,
  maxBins: number,
  logScale: boolean,
  maximize: boolean,
): { bins: TargetBin[]; binning: 'levels' | 'linear' | 'log' } {
  const distinct = [...new Set(s.x)].sort((a, b) => a - b);
  if (distinct.length === 0) return { bins: [], binning: 'levels' };
  if (distinct.length <= maxBins) {
    // One bin per value (ordered levels): the axis reads as the values themselves.
    const index = new Map(distinct.map((v, k) => [v, k]));
    const accs: Acc[] = distinct.map(() => ({ count: 0, sum: 0, best: NaN }));
    for (let i = 0; i < s.x.length; i++) accumulate(accs[index.get(s.x[i])!], s.y[i], maximize);
    const bins = distinct.map((v, k) => ({
      label: fmt(v, CHART_DIGITS),
      short: fmt(v, CHART_DIGITS),
      low: roundSig(v, CHART_DIGITS),
      high: roundSig(v, CHART_DIGITS),
      center: roundSig(v, CHART_DIGITS),
      count: accs[k].count,
      mean: roundSig(accs[k].sum / accs[k].count, CHART_DIGITS),
      best: roundSig(accs[k].best, CHART_DIGITS),
    }));
    return { bins, binning: 'levels' };
  }
  const lo = distinct[0];
  const hi = distinct[distinct.length - 1];
  const logEdges = logScale ? niceLogEdges(lo, hi, maxBins) : null;
  const edges = logEdges ?? niceLinearEdges(lo, hi, maxBins);
  const n = edges.length - 1;
  const accs: Acc[] = Array.from({ length: n }, () => ({ count: 0, sum: 0, best: NaN }));
  for (let i = 0; i < s.x.length; i++) {
    // Bins are [low, high), the last one closed.
    let k = 0;
    while (k < n - 1 && s.x[i] >= edges[k + 1]) k++;
    accumulate(accs[k], s.y[i], maximize);
  }
  const centers = edges
    .slice(0, -1)
    .map((e, k) => (logEdges ? Math.sqrt(e * edges[k + 1]) : (e + edges[k + 1]) / 2));
  const shorts = distinctLabels(centers);
  const bins: TargetBin[] = [];
  for (let k = 0; k < n; k++) {
    const a = accs[k];
    if (a.count === 0) continue;
    bins.push({
      label: `${shortNumber(edges[k], 3)}–${shortNumber(edges[k + 1], 3)}`,
      short: shorts[k],
      low: edges[k],
      high: edges[k + 1],
      center: roundSig(centers[k], CHART_DIGITS),
      count: a.count,
      mean: roundSig(a.sum / a.count, CHART_DIGITS),
      best: roundSig(a.best, CHART_DIGITS),
    });
  }
  return { bins, binning: logEdges ? 'log' : 'linear' };
}

/** Fewest digits (2 to 4) at which the labels of all the numbers differ. */
function distinctLabels(values: number[]): string[] {
  for (let sig = 2; ; sig++) {
    const labels = values.map((v) => shortNumber(v, sig));
    if (sig >= 4 || new Set(labels).size === labels.length) return labels;
  }
}

/**
 * A short axis label: `sig` significant digits, exponent form below 0.01 and from 1e5 up (`1e-3`,
 * `2.5e-4`, `1.2e5`), plain decimal between (`0.01`, `0.15`, `128`); minus as "−".
 */
export function shortNumber(x: number, sig = 2): string {
  if (!Number.isFinite(x)) return fmt(x);
  if (x === 0) return '0';
  const r = roundSig(x, sig);
  const abs = Math.abs(r);
  let s: string;
  if (abs >= 0.01 && abs < 1e5) {
    s = String(r);
  } else {
    const [m, e] = r.toExponential(sig - 1).split('e');
    s = `${m.replace(/\.?0+$/, '')}e${Number(e)}`;
  }
  return s.startsWith('-') ? '−' + s.slice(1) : s;
}

/** A round number: `x` to 12 significant digits (edges computed as k·step carry float noise). */
function clean(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(12));
}

/** Edges k·step with step 1, 2, 2.5 or 5 ×10^e: the finest that covers [lo, hi] in at most maxBins bins. */
function niceLinearEdges(lo: number, hi: number, maxBins: number): number[] {
  if (!(hi > lo)) return [lo, hi];
  const raw = (hi - lo) / maxBins;
  const e = Math.floor(Math.log10(raw));
  for (const exp of [e - 1, e, e + 1]) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** exp;
      const start = Math.floor(clean(lo / step));
      let end = Math.ceil(clean(hi / step));
      if (end === start) end++;
      if (end - start <= maxBins)
        return Array.from({ length: end - start + 1 }, (_, i) => clean((start + i) * step));
    }
  }
  // Unreachable in practice (10·raw always fits); equal-width bins as a fallback.
  return Array.from({ length: maxBins + 1 }, (_, i) => lo + ((hi - lo) * i) / maxBins);
}

/**
 * Log-spaced edges at round numbers: 1-2-5, 1-3 or 1 per decade, or one edge every few decades; the
 * finest that covers [lo, hi] in at most maxBins bins. null when that gives fewer than 3 bins (a
 * range under a few decades reads better in linear bins).
 */
function niceLogEdges(lo: number, hi: number, maxBins: number): number[] | null {
  if (!(lo > 0) || !(hi > lo)) return null;
  const e0 = Math.floor(Math.log10(lo)) - 1;
  const e1 = Math.ceil(Math.log10(hi)) + 1;
  const patterns: { mantissas: number[]; every: number }[] = [
    { mantissas: [1, 2, 5], every: 1 },
    { mantissas: [1, 3], every: 1 },
    { mantissas: [1], every: 1 },
    { mantissas: [1], every: 2 },
    { mantissas: [1], every: 3 },
    { mantissas: [1], every: 5 },
    { mantissas: [1], every: 10 },
  ];
  for (const { mantissas, every } of patterns) {
    const all: number[] = [];
    for (let e = Math.floor(e0 / every) * every; e <= e1 + every; e += every) {
      for (const m of mantissas) all.push(clean(m * 10 ** e));
    }
    let first = 0;
    while (first + 1 < all.length && all[first + 1] <= lo) first++;
    let last = first + 1;
    while (last < all.length - 1 && all[last] <= hi && !(all[last] === hi && last > first)) last++;
    const edges = all.slice(first, last + 1);
    const n = edges.length - 1;
    if (n <= maxBins) return n >= 3 ? edges : null;
  }
  return null;
}

/** Most bins of the distribution chart. */
const DISTRIBUTION_BINS = 10;

/** Both samples in the same round-number bins; each bar is a share of its own sample (in %). */
export function distributionChart(section: ComparisonSection): DistributionChart {
  const all = [...section.base, ...section.head].filter((v) => Number.isFinite(v));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const edges = hi > lo ? niceLinearEdges(lo, hi, DISTRIBUTION_BINS) : [lo, hi];
  const n = Math.max(1, edges.length - 1);
  const count = (values: number[]): number[] => {
    const c = new Array<number>(n).fill(0);
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      let k = 0;
      while (k < n - 1 && v >= edges[k + 1]) k++;
      c[k]++;
    }
    return c.map((x) => (values.length > 0 ? roundSig((100 * x) / values.length, CHART_DIGITS) : 0));
  };
  const base = count(section.base);
  const head = count(section.head);
  const centers = edges.slice(0, -1).map((e, k) => (e + edges[k + 1]) / 2);
  const shorts = hi > lo ? distinctLabels(centers) : [shortNumber(lo, 3)];
  const target = axisLabel(section.target, LABEL_LENGTH);
  return {
    kind: 'distribution',
    title: `${target}: the baseline’s runs and this sweep’s`,
    target,
    bins: Array.from({ length: n }, (_, k) => ({
      label: hi > lo ? `${shortNumber(edges[k], 3)}–${shortNumber(edges[k + 1], 3)}` : shortNumber(lo, 3),
      short: shorts[k],
      base: base[k],
      head: head[k],
    })),
    baseRuns: section.base.length,
    headRuns: section.head.length,
  };
}

/** What the distribution chart draws, in the backend's colours (the baseline's first). */
export function distributionCaption(chart: DistributionChart, colours: readonly [string, string]): string {
  return (
    `Bars: the share of runs (%) whose ${chart.target} falls in each bin, from 0, for the baseline's ` +
    `${chart.baseRuns} runs (${colours[0]}) and this sweep's ${chart.headRuns} (${colours[1]}).`
  );
}

/** The table beside a chart: header and rows of display strings (the chart's numbers, as shown). */
export interface ChartTable {
  readonly header: string[];
  readonly rows: string[][];
  readonly align: ('l' | 'r')[];
}

export function chartTable(chart: Chart): ChartTable {
  if (chart.kind === 'distribution') {
    return {
      header: [chart.target, 'baseline (% of runs)', 'this sweep (% of runs)'],
      rows: chart.bins.map((b) => [b.label, fmt(b.base, CHART_DIGITS), fmt(b.head, CHART_DIGITS)]),
      align: ['l', 'r', 'r'],
    };
  }
  if (chart.kind === 'importance') {
    return {
      header: ['parameter', chart.measure],
      rows: chart.bars.map((b) => [b.label, fmt(b.importance, CHART_DIGITS)]),
      align: ['l', 'r'],
    };
  }
  const best = chart.goal === 'maximize' ? 'highest' : 'lowest';
  return {
    header: [
      chart.binning === 'levels'
        ? chart.label
        : `${chart.label} (${chart.binning === 'log' ? 'log bins' : 'bins'})`,
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

/** What the importance chart draws (both backends). */
export function importanceCaption(chart: ImportanceChart): string {
  return (
    `Bars: the ${chart.measure} of each hyperparameter, from 0, in the table's order.` +
    (chart.bars.some((b) => b.importance < 0)
      ? ' Below 0: the held-out predictions got better when that parameter was shuffled (no sign it helps predict).'
      : '') +
    (chart.omitted > 0 ? ` ${chart.omitted} less important parameters not drawn.` : '')
  );
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 ×10^k at or above x (1 for x ≤ 0). */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const e = Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const v = Number((m * 10 ** e).toPrecision(12));
    if (v >= x) return v;
  }
  return 10 ** (e + 1);
}

/** "per level", "per value", "per bin", "per log-spaced bin" */
export function perBin(chart: TargetChart): string {
  if (chart.binning === 'levels') return chart.paramKind === 'categorical' ? 'level' : 'value';
  return chart.binning === 'log' ? 'log-spaced bin' : 'bin';
}

/** A charted number as the tables print it. */
export function fmtBar(x: number | null): string {
  return fmt(x, CHART_DIGITS);
}
