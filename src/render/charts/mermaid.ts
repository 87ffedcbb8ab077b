/**
 * Charts as mermaid `xychart-beta` blocks: GitHub renders them natively (no image host, private repos
 * included). xychart has bars and lines but no scatter, so the target against a parameter is the mean
 * target per bin of the parameter (log bins for log-scaled parameters, one bar per level for
 * categoricals) with the best value per bin as a line.
 *
 * Mermaid's grammar breaks on a `"` inside a quoted label and numbers must be plain decimals, so labels
 * are sanitised and numbers written without exponents.
 */
import { plainDecimal } from '../../report/format.js';
import type { ImportanceChart, TargetChart } from './data.js';
import { CHART_DIGITS } from './data.js';

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

function range(values: number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  // Padding keeps every bar inside the axis after the bounds are rounded.
  const pad = min === max ? Math.abs(min) * 0.1 || 1 : (max - min) * 0.05;
  return { min: min - pad, max: max + pad };
}

export function importanceMermaid(chart: ImportanceChart): string {
  const imp = chart.bars.map((b) => b.importance);
  const r = chart.bars.map((b) => b.correlation ?? 0);
  const { min, max } = range([0, ...imp, ...r]);
  return [
    'xychart-beta horizontal',
    `  title ${mermaidLabel('Importance (bars) and correlation r (line)', 60)}`,
    `  x-axis [${chart.bars.map((b) => mermaidLabel(b.label)).join(', ')}]`,
    `  y-axis ${mermaidLabel('importance, r')} ${plainDecimal(Math.min(0, min), 6)} --> ${plainDecimal(
      Math.max(1e-3, max),
      6,
    )}`,
    `  bar ${list(imp)}`,
    `  line ${list(r)}`,
  ].join('\n');
}

export function targetMermaid(chart: TargetChart): string {
  const means = chart.bins.map((b) => b.mean);
  const bests = chart.bins.map((b) => b.best);
  const { min, max } = range([...means, ...bests]);
  const axis =
    chart.paramKind === 'categorical'
      ? chart.label
      : `${chart.label}${chart.logScale ? ' (log bins)' : ' (bins)'}`;
  return [
    'xychart-beta',
    `  title ${mermaidLabel(`${chart.title}: mean (bars), ${chart.goal === 'maximize' ? 'highest' : 'lowest'} (line)`, 80)}`,
    `  x-axis ${mermaidLabel(axis, 60)} [${chart.bins.map((b) => mermaidLabel(b.label)).join(', ')}]`,
    `  y-axis ${mermaidLabel(chart.target, 40)} ${plainDecimal(min, 6)} --> ${plainDecimal(max, 6)}`,
    `  bar ${list(means)}`,
    `  line ${list(bests)}`,
  ].join('\n');
}
