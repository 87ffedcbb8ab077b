/**
 * Did this pull request help? The sweep compared with a baseline (the base branch's sweep): the best
 * value, the mean of the best runs and the mean, each as a difference with a seeded bootstrap interval;
 * the whole distribution (Mann–Whitney U, Cliff's delta); per hyperparameter the change of held-out
 * importance; parameters added, removed or searched over another range; a change of the verdict.
 *
 * Noise must raise no alert: a comparison makes m = 1 + (parameters) checks (the top-mean outcome and
 * one per parameter), so every interval is at the Bonferroni level 1 − 0.05/m, which keeps the chance of
 * any false alert at 5%. A shift is flagged only when the two intervals separate, the parameter matters
 * (its 95% held-out interval lies above 0) in at least one of the sweeps, and it moves by at least
 * MIN_SHIFT of R²: the permutation intervals measure the folds' noise, not a new sample's, so a
 * separation between two parameters that matter in neither sweep means nothing.
 *
 * Every difference is oriented by the goal: positive = better. The baseline is a Snapshot: what a
 * comparison needs, taken from an Analysis or read back from a results JSON (results-json.ts writes
 * it), so both give the same comparison. (snapshotOf, in analysis/baseline.ts, takes one of an Analysis.)
 */
import type { Goal, ParamKind } from '../design/types.js';
import { bestCountFor } from './advice.js';
import { bootstrapDifference, cliffsDelta, mannWhitney, type Interval } from '../stats/two-sample.js';
import { truncateName } from '../names.js';
import { PERMUTATION_REPEATS } from './permutation.js';
import { tPpf } from '../stats/distributions.js';
import { fmt } from '../format.js';

/** The searched space of one parameter: a numeric range or the levels seen. */
export type Searched = { readonly min: number; readonly max: number } | { readonly levels: string[] };

export interface Snapshot {
  readonly target: string;
  readonly goal: Goal;
  readonly source: string;
  /** The target of every run used. */
  readonly values: Float64Array;
  readonly parameters: Record<string, ParamKind>;
  /** Held-out permutation importance per parameter; null without the insights. */
  readonly permutation: { parameter: string; mean: number; low: number; high: number }[] | null;
  readonly searched: Record<string, Searched>;
  /** The hyperparameters predict the target (null: not measured). */
  readonly predicts: boolean | null;
}

export type DeltaMetric = 'best' | 'top_mean' | 'mean';
export const DELTA_METRICS: readonly DeltaMetric[] = ['best', 'top_mean', 'mean'];

export interface ImportanceShift {
  readonly parameter: string;
  /** New − base held-out importance (null when one side has none). */
  readonly shift: number | null;
  readonly base: { readonly mean: number; readonly low: number; readonly high: number } | null;
  readonly head: { readonly mean: number; readonly low: number; readonly high: number } | null;
  /** The two intervals (at the comparison's level) do not overlap, and the change matters (see above). */
  readonly flagged: boolean;
}

export interface Comparison {
  readonly baseline: string;
  /** The level of every interval here: 1 − FAMILY_ALPHA / checks (Bonferroni). */
  readonly level: number;
  /** Runs on each side. */
  readonly runs: { readonly base: number; readonly head: number };
  /** Differences oriented by the goal (positive = better), with bootstrap intervals at `level`. */
  readonly deltas: Record<DeltaMetric, Interval>;
  /** Mann–Whitney U p-value and Cliff's delta (oriented: positive = the head's runs tend to be better). */
  readonly distribution: { readonly p: number; readonly cliffs_delta: number };
  /** 'better' | 'worse' when the top-mean interval excludes 0, else 'no detectable change'. */
  readonly outcome: 'better' | 'worse' | 'no detectable change';
  readonly importance: ImportanceShift[];
  readonly added: string[];
  readonly removed: string[];
  /** Parameters searched over another range or other levels. */
  readonly range_changed: string[];
  readonly verdict: {
    readonly base: boolean | null;
    readonly head: boolean | null;
    readonly changed: boolean;
  };
  /** Three plain lines for the report, right under the verdict. */
  readonly lines: string[];
  /** The baseline's target values (the report's distribution chart; not written to the JSON). */
  readonly baseValues: Float64Array;
}

export const BOOTSTRAP_REPLICATES = 2000;
/** The family-wise error rate of a comparison's alerts. */
export const FAMILY_ALPHA = 0.05;
/** The smallest change of held-out importance (in R²) that is flagged. */
export const MIN_SHIFT = 0.01;
/** Values behind a permutation interval (5 folds × PERMUTATION_REPEATS): its t quantile's df + 1. */
const PERMUTATION_VALUES = 5 * PERMUTATION_REPEATS;

function topMean(goal: Goal): (x: Float64Array) => number {
  return (x) => {
    const k = bestCountFor(x.length);
    const s = Float64Array.from(x).sort();
    let sum = 0;
    for (let i = 0; i < k; i++) sum += goal === 'maximize' ? s[s.length - 1 - i] : s[i];
    return sum / k;
  };
}

function bestOf(goal: Goal): (x: Float64Array) => number {
  return (x) => {
    let b = goal === 'maximize' ? -Infinity : Infinity;
    for (const v of x) b = goal === 'maximize' ? Math.max(b, v) : Math.min(b, v);
    return b;
  };
}

function meanOf(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function oriented(i: Interval, goal: Goal): Interval {
  return goal === 'maximize' ? i : { estimate: -i.estimate, low: -i.high, high: -i.low };
}

/**
 * The same searched space: the same levels, or ranges whose ends differ by at most 5% of the span (on
 * the log scale for a positive range over two decades: ranges seen in the runs move with the sample).
 */
function sameSearch(a: Searched, b: Searched): boolean {
  if ('levels' in a || 'levels' in b) {
    if (!('levels' in a) || !('levels' in b)) return false;
    return a.levels.length === b.levels.length && a.levels.every((l) => b.levels.includes(l));
  }
  const log = a.min > 0 && b.min > 0 && a.max / a.min > 100 && b.max / b.min > 100;
  const t = (v: number): number => (log ? Math.log10(v) : v);
  const span = Math.max(Math.abs(t(a.max) - t(a.min)), Math.abs(t(b.max) - t(b.min)), 1e-12);
  return Math.abs(t(a.min) - t(b.min)) <= 0.05 * span && Math.abs(t(a.max) - t(b.max)) <= 0.05 * span;
}

export function compareSnapshots(base: Snapshot, head: Snapshot, seed: number): Comparison {
  const goal = head.goal;
  const names = [...new Set([...Object.keys(base.parameters), ...Object.keys(head.parameters)])].filter(
    (n) => base.parameters[n] !== 'empty' || head.parameters[n] !== 'empty',
  );
  const withImportance = base.permutation !== null && head.permutation !== null;
  const checks = 1 + (withImportance ? names.length : 0);
  const alpha = FAMILY_ALPHA / checks;
  const boot = (stat: (x: Float64Array) => number, offset: number): Interval =>
    oriented(
      bootstrapDifference(base.values, head.values, stat, seed + offset, BOOTSTRAP_REPLICATES, alpha),
      goal,
    );
  const deltas = { best: boot(bestOf(goal), 0), top_mean: boot(topMean(goal), 1), mean: boot(meanOf, 2) };
  const rank = mannWhitney(head.values, base.values);
  const cliff = cliffsDelta(head.values, base.values) * (goal === 'maximize' ? 1 : -1);

  const inBase = (n: string): boolean => n in base.parameters && base.parameters[n] !== 'empty';
  const inHead = (n: string): boolean => n in head.parameters && head.parameters[n] !== 'empty';
  const added = names.filter((n) => inHead(n) && !inBase(n));
  const removed = names.filter((n) => inBase(n) && !inHead(n));
  const rangeChanged = names.filter(
    (n) => n in base.searched && n in head.searched && !sameSearch(base.searched[n], head.searched[n]),
  );
  const basePerm = new Map((base.permutation ?? []).map((p) => [p.parameter, p]));
  const headPerm = new Map((head.permutation ?? []).map((p) => [p.parameter, p]));
  // a permutation interval (95%, t with PERMUTATION_VALUES − 1 df) widened to the comparison's level
  const widen = tPpf(1 - alpha / 2, PERMUTATION_VALUES - 1) / tPpf(0.975, PERMUTATION_VALUES - 1);
  const at = (p: { mean: number; low: number; high: number }) => {
    const half = ((p.high - p.low) / 2) * widen;
    return { mean: p.mean, low: p.mean - half, high: p.mean + half };
  };
  const importance: ImportanceShift[] = withImportance
    ? names.map((n) => {
        const b = basePerm.get(n) ?? null;
        const h = headPerm.get(n) ?? null;
        const wb = b ? at(b) : null;
        const wh = h ? at(h) : null;
        const shift = b && h ? h.mean - b.mean : null;
        const matters = (b !== null && b.low > 0) || (h !== null && h.low > 0);
        return {
          parameter: n,
          shift,
          base: wb,
          head: wh,
          flagged:
            wb !== null &&
            wh !== null &&
            (wh.low > wb.high || wh.high < wb.low) &&
            matters &&
            Math.abs(shift!) >= MIN_SHIFT,
        };
      })
    : [];
  const outcome =
    deltas.top_mean.low > 0 ? 'better' : deltas.top_mean.high < 0 ? 'worse' : 'no detectable change';
  const verdict = {
    base: base.predicts,
    head: head.predicts,
    changed: base.predicts !== null && head.predicts !== null && base.predicts !== head.predicts,
  };
  const comparison = {
    baseline: base.source,
    level: 1 - alpha,
    runs: { base: base.values.length, head: head.values.length },
    deltas,
    distribution: { p: rank.p, cliffs_delta: cliff },
    outcome: outcome as Comparison['outcome'],
    importance,
    added,
    removed,
    range_changed: rangeChanged,
    verdict,
  };
  return { ...comparison, lines: comparisonLines(comparison, head.target), baseValues: base.values };
}

function interval(i: Interval): string {
  const signed = (x: number): string => (x > 0 ? `+${fmt(x, 3)}` : fmt(x, 3));
  return `${signed(i.estimate)} [${signed(i.low)}, ${signed(i.high)}]`;
}

function comparisonLines(c: Omit<Comparison, 'lines' | 'baseValues'>, target: string): string[] {
  const t = truncateName(target, 40);
  const head =
    c.outcome === 'no detectable change'
      ? `No detectable change of ${t} against the baseline`
      : `${c.outcome === 'better' ? 'Better' : 'Worse'} than the baseline`;
  const lines = [
    `${head}: the best ${bestCountFor(c.runs.head)} runs’ mean ${interval(c.deltas.top_mean)}, the best run ` +
      `${interval(c.deltas.best)}, all runs’ mean ${interval(c.deltas.mean)} (positive = better; ` +
      `${fmt(100 * c.level, 3)}% bootstrap intervals, 95% over all ${fmt(Math.round(FAMILY_ALPHA / (1 - c.level)), 3)} ` +
      `checks; ${c.runs.head} runs against ${c.runs.base}).`,
  ];
  const flagged = c.importance.filter((s) => s.flagged);
  const what: string[] = [];
  if (flagged.length > 0) {
    what.push(
      `what matters changed for ${flagged
        .slice(0, 4)
        .map((s) => `${truncateName(s.parameter, 30)} (${s.shift! > 0 ? '+' : ''}${fmt(s.shift, 2)})`)
        .join(', ')}${flagged.length > 4 ? ` and ${flagged.length - 4} more` : ''}`,
    );
  } else if (c.importance.length > 0) {
    what.push('no parameter’s held-out importance changed beyond its intervals');
  }
  if (c.added.length > 0)
    what.push(
      `added: ${c.added
        .slice(0, 4)
        .map((n) => truncateName(n, 30))
        .join(', ')}`,
    );
  if (c.removed.length > 0)
    what.push(
      `removed: ${c.removed
        .slice(0, 4)
        .map((n) => truncateName(n, 30))
        .join(', ')}`,
    );
  if (c.range_changed.length > 0) {
    what.push(
      `searched differently: ${c.range_changed
        .slice(0, 4)
        .map((n) => truncateName(n, 30))
        .join(', ')}`,
    );
  }
  if (what.length > 0) lines.push(`${what.join('; ')}.`.replace(/^./, (x) => x.toUpperCase()));
  lines.push(
    `Whole distribution: Cliff’s delta ${fmt(c.distribution.cliffs_delta, 2)}, Mann–Whitney p ${fmt(c.distribution.p, 2)}` +
      (c.verdict.changed
        ? `; the verdict changed: the hyperparameters ${c.verdict.head ? 'now predict' : 'no longer predict'} ${t}.`
        : '.'),
  );
  return lines;
}
