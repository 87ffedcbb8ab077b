/**
 * Charts as mermaid `xychart-beta` blocks: GitHub renders them natively (no image host, private repos
 * included). xychart has bars and lines but no scatter, so the target against a parameter is the mean
 * target per bin of the parameter (round-number bins, log-spaced for log-scaled parameters; one bar per
 * level for categoricals and for numerics with few values), labelled by the bin's midpoint.
 *
 * Rules: bars start at 0 (xychart draws bars from the axis minimum, so the y-axis always starts at 0,
 * and data below 0 (a mean target, a held-out importance) is not drawn as an xychart at all:
 * `mermaidChart` returns a table of Unicode bars instead); no line series (a line through unrelated parameters or categories means nothing); no title
 * (the Markdown heading above the block carries it); a palette set in an init directive.
 *
 * Mermaid's grammar breaks on a `"` inside a quoted label and numbers must be plain decimals, so labels
 * are sanitised and numbers written without exponents.
 */
import { plainDecimal, unicodeBar } from '../../format.js';
import { truncateName } from '../../names.js';
import type { Chart, ChartTable, ImportanceChart, TargetChart } from './data.js';
import { CHART_DIGITS, distributionCaption, fmtBar, importanceCaption, niceCeil, perBin } from './data.js';

/** Bar colour (Tableau blue, as the QuickChart charts). */
export const MERMAID_PALETTE = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b'];

/**
 * The init directive on the first line of every block: the palette (mermaid's default is pale) and the
 * chart's size (mermaid's default 700×500 is taller than these charts need).
 */
function mermaidInit(width: number, height: number): string {
  return `%%{init: ${JSON.stringify({
    xyChart: { width, height },
    themeVariables: { xyChart: { plotColorPalette: MERMAID_PALETTE.join(', ') } },
  })}}%%`;
}

/** Longest label under a vertical bar (levels, values, bin midpoints). */
const MERMAID_LABEL = 24;
/** Longest label beside a horizontal bar (parameters, levels): the room left of the bars. */
const MERMAID_SIDE_LABEL = 40;
/** Longest title along the vertical axis of a vertical chart (340 px high). */
const MERMAID_VERTICAL_TITLE = 30;

/** A label safe inside mermaid's double quotes and inside a Markdown code fence. */
export function mermaidLabel(text: string, max = 40): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/["`]/g, "'")
    .replace(/[\\]/g, '/')
    .replace(/#/g, '♯')
    .replace(/;/g, ',')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .trim();
  const points = Array.from(clean);
  const shown = points.length > max ? points.slice(0, max - 1).join('') + '…' : clean;
  return `"${shown === '' ? ' ' : shown}"`;
}

function list(values: number[]): string {
  return `[${values.map((v) => plainDecimal(v, CHART_DIGITS)).join(', ')}]`;
}

/** What `mermaidChart` gives for a chart: a block, or a table of Unicode bars where xychart cannot. */
export interface MermaidChart {
  /** The block's text (put it in a ```mermaid fence), or null: use `bars`. */
  readonly code: string | null;
  /** When `code` is null: the chart as a table with Unicode bars (plain-text cells: escape them). */
  readonly bars: ChartTable | null;
  /** What is drawn (plain text: escape it for Markdown). */
  readonly caption: string;
}

export function mermaidChart(chart: Chart): MermaidChart {
  if (chart.kind === 'distribution') {
    // xychart draws two bar series over each other (a taller bar hides a shorter one): a table instead
    const max = Math.max(0, ...chart.bins.flatMap((b) => [b.base, b.head]));
    return {
      code: null,
      bars: {
        header: [chart.target, 'baseline (% of runs)', '', 'this sweep (% of runs)', ''],
        rows: chart.bins.map((b) => [
          b.label,
          fmtBar(b.base),
          unicodeBar(b.base, max, 16),
          fmtBar(b.head),
          unicodeBar(b.head, max, 16),
        ]),
        align: ['l', 'r', 'l', 'r', 'l'],
      },
      caption: `${distributionCaption(chart, ['first bars', 'second bars'])} Drawn as a table: mermaid's chart would draw one series over the other.`,
    };
  }
  if (chart.kind === 'importance') {
    const code = importanceMermaid(chart);
    if (code !== null) return { code, bars: null, caption: importanceCaption(chart) };
    return {
      code: null,
      bars: unicodeBars(
        chart.bars.map((b) => ({ label: b.label, value: b.importance })),
        ['parameter', chart.measure],
      ),
      caption: `${importanceCaption(chart)} Drawn as a table: mermaid's chart cannot draw bars below 0.`,
    };
  }
  const code = targetMermaid(chart);
  const per = perBin(chart);
  const bestWord = chart.goal === 'maximize' ? 'highest' : 'lowest';
  const omitted = chart.omittedLevels > 0 ? ` ${chart.omittedLevels} less frequent levels not drawn.` : '';
  if (code === null) {
    return {
      code: null,
      bars: unicodeBars(
        chart.bins.map((b) => ({ label: b.label, value: b.mean })),
        [chart.label, `mean ${chart.target}`],
      ),
      caption: `Bars: mean ${chart.target} per ${per} of ${chart.label}, from 0 (some values are below 0, which mermaid's chart cannot draw as bars).${omitted}`,
    };
  }
  const labels =
    chart.binning === 'levels' ? '' : ` Bars labelled by the bin's midpoint; the ranges are in the table.`;
  return {
    code,
    bars: null,
    caption: `Bars: mean ${chart.target} per ${per} of ${chart.label}, from 0.${labels} The ${bestWord} value per ${per} is in the table.${omitted}`,
  };
}

/**
 * The report's ranking measure per parameter as horizontal bars from 0; null when a value is below 0
 * (a held-out importance can be: xychart draws bars from the axis minimum, so they would not start at 0).
 */
export function importanceMermaid(chart: ImportanceChart): string | null {
  const imp = chart.bars.map((b) => b.importance);
  if (imp.length === 0 || imp.some((v) => v < 0)) return null;
  return [
    mermaidInit(700, Math.max(200, 60 + 36 * imp.length)),
    'xychart-beta horizontal',
    `  x-axis [${chart.bars.map((b) => mermaidLabel(b.label, MERMAID_SIDE_LABEL)).join(', ')}]`,
    `  y-axis ${mermaidLabel(chart.measure, 60)} 0 --> ${plainDecimal(niceCeil(Math.max(0, ...imp)), 6)}`,
    `  bar ${list(imp)}`,
  ].join('\n');
}

/**
 * The mean target per bin or level as bars from 0, labelled by the level or the bin's midpoint; null
 * when a mean is below 0 (xychart draws bars from the axis minimum, so they would not start at 0).
 */
export function targetMermaid(chart: TargetChart): string | null {
  const means = chart.bins.map((b) => b.mean);
  if (means.length === 0 || means.some((m) => m < 0)) return null;
  // Long level names do not fit under vertical bars: draw them horizontally (names on the left).
  const width = chart.bins.reduce((a, b) => a + Math.min(MERMAID_LABEL, Array.from(b.short).length) + 2, 0);
  const horizontal = chart.binning === 'levels' && (width > 70 || chart.bins.length > 10);
  const labels = chart.bins.map((b) =>
    mermaidLabel(b.short, horizontal ? MERMAID_SIDE_LABEL : MERMAID_LABEL),
  );
  const axis =
    chart.binning === 'levels'
      ? chart.label
      : `${chart.label} (${chart.binning === 'log' ? 'log bins' : 'bins'})`;
  // Horizontal: the category axis runs down the left, where its title would be clipped (the heading
  // above names the parameter), and the value axis along the top. Vertical: the value axis title runs
  // up the side (340 px).
  const categoryTitle = horizontal ? '' : `${mermaidLabel(axis, 60)} `;
  const valueTitle = truncateName(`mean ${chart.target}`, horizontal ? 60 : MERMAID_VERTICAL_TITLE);
  return [
    mermaidInit(700, horizontal ? Math.max(200, 80 + 30 * means.length) : 340),
    horizontal ? 'xychart-beta horizontal' : 'xychart-beta',
    `  x-axis ${categoryTitle}[${labels.join(', ')}]`,
    `  y-axis ${mermaidLabel(valueTitle, 60)} 0 --> ${plainDecimal(niceCeil(Math.max(...means)), 6)}`,
    `  bar ${list(means)}`,
  ].join('\n');
}

/**
 * A bar growing leftwards for a negative value (in a right-aligned cell), the mirror of `unicodeBar`:
 * whole cells and a half cell (▐), the finest a right-aligned bar gets from the block characters; at
 * least a half cell; '' for 0, a positive value or NaN.
 */
function unicodeBarLeft(value: number, scale: number, width: number): string {
  if (!(value < 0) || !(scale > 0)) return '';
  const halves = Math.max(1, Math.round((Math.min(-value, scale) / scale) * width * 2));
  if (Number.isNaN(halves)) return '';
  return (halves % 2 ? '▐' : '') + '█'.repeat(Math.floor(halves / 2));
}

/**
 * A table with one bar per row, from 0: columns label, value, bar; when a value is below 0, a
 * right-aligned column for the negative bars and a left-aligned one for the positive bars, so both grow
 * from the 0 between them (`width` cells each side). The scale, in the bar columns' headers, is the
 * largest |value|. Values are printed as the other chart tables print them.
 */
export function unicodeBars(
  rows: { label: string; value: number | null }[],
  header: [string, string],
  width = 20,
): ChartTable {
  const values = rows.map((r) => r.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const scale = Math.max(0, ...values.map(Math.abs)) || 1;
  const signed = values.some((v) => v < 0);
  if (!signed) {
    return {
      header: [header[0], header[1], `0 … ${fmtBar(scale)}`],
      rows: rows.map((r) => [
        r.label,
        fmtBar(r.value),
        r.value === null ? '' : unicodeBar(r.value, scale, width),
      ]),
      align: ['l', 'r', 'l'],
    };
  }
  return {
    header: [header[0], header[1], `${fmtBar(-scale)} … 0`, `0 … ${fmtBar(scale)}`],
    rows: rows.map((r) => [
      r.label,
      fmtBar(r.value),
      r.value === null ? '' : unicodeBarLeft(r.value, scale, width),
      r.value === null ? '' : unicodeBar(r.value, scale, width),
    ]),
    align: ['l', 'r', 'r', 'l'],
  };
}
