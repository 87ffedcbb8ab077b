/**
 * What to try next, per hyperparameter: where the best runs (top 10% by the goal, at least 5) sit
 * against the range that was searched, which levels never appear among them, which parameters look
 * irrelevant. The next sweep's ranges are derived here (`suggested`, `dropLevels`) and written out by
 * next-sweep.ts.
 */
import type { Design, Goal, ParameterInfo } from '../design/types.js';
import { formatValue } from './interactions.js';
import { findSpec, specRange, type Spec } from './sweep-spec.js';
import type { LevelShare, ParameterAdvice } from './types.js';

export const BEST_SHARE = 0.1;
export const BEST_MIN = 5;
/** The best runs' median in the outer quarter of the searched range (on its scale)… */
const EDGE_MEDIAN = 0.75;
/** …and their extreme within 5% of the edge: the optimum may lie beyond. */
const EDGE_EXTREME = 0.95;
/** A narrowed range keeps this share of the searched span on each side of the best runs. */
const PAD = 0.05;
/** An extension goes beyond the edge by half the best runs' spread, within [10%, 25%] of the span… */
const EXTEND = 0.25;
/** …and at most half a decade on a log scale (learning rates ×3, not ×30). */
const MAX_LOG_EXTEND = 0.5;
/** A level absent from the best runs is named when at least this many were expected there. */
const NEVER_EXPECTED = 2;

/** Top 10% by the goal, at least 5 (never more than all runs). */
export function bestCountFor(n: number): number {
  return Math.min(n, Math.max(BEST_MIN, Math.ceil(n * BEST_SHARE)));
}

/**
 * Indices of the `count` best runs, best first, and every run tied with the last of them: a tie is
 * never cut by row order, so the set can hold more than `count` runs. Ties keep design order.
 */
export function bestRuns(y: Float64Array, goal: Goal, count: number): Int32Array {
  const idx = Array.from({ length: y.length }, (_, i) => i);
  const sign = goal === 'maximize' ? -1 : 1;
  idx.sort((a, b) => sign * (y[a] - y[b]) || a - b);
  let end = Math.min(count, idx.length);
  while (end > 0 && end < idx.length && y[idx[end]] === y[idx[end - 1]]) end++;
  return Int32Array.from(idx.slice(0, end));
}

export interface AdviceContext {
  readonly goal: Goal;
  /** Parameters whose permutation interval lies above 0 (and the model predicts something). */
  readonly matters: ReadonlySet<string>;
  /** null: no permutation importance (under 10 runs); true: the model explains nothing. */
  readonly explainsNothing: boolean | null;
  readonly logScaled: ReadonlySet<string>;
  readonly sweepConfig: Spec | null;
  readonly best: Int32Array;
  /** Parameters whose permutation interval lies below 0: permuting them improves held-out R². */
  readonly overfit: ReadonlySet<string>;
}

export function adviseParameters(design: Design, ctx: AdviceContext): ParameterAdvice[] {
  const out: ParameterAdvice[] = [];
  // ties at the cut make the "best" set bigger; past half of the runs it no longer sets any apart
  // (a small sweep's top BEST_MIN alone can be more than half of it: that is no tie)
  const inseparable = ctx.best.length > bestCountFor(design.n) && ctx.best.length > design.n / 2;
  for (const p of design.parameters) {
    if (p.kind === 'empty') continue;
    if (inseparable) {
      out.push({
        parameter: p.name,
        kind: p.kind === 'categorical' || p.kind === 'boolean' ? p.kind : 'numeric',
        matters: ctx.matters.has(p.name),
        advice: [
          `${ctx.best.length} of ${design.n} runs tie among the best: they cannot be told apart, so there is no advice`,
        ],
      });
      continue;
    }
    out.push(p.kind === 'categorical' || p.kind === 'boolean' ? adviseLevels(p, ctx) : adviseNumeric(p, ctx));
  }
  return out;
}

function irrelevance(ctx: AdviceContext, matters: boolean, bestValue: string | null, name: string): string[] {
  if (matters) return [];
  if (ctx.explainsNothing === null) return ['too few runs to tell whether it matters'];
  if (ctx.explainsNothing) {
    return [
      'no reliable effect (the hyperparameters predict nothing here): keep the searched range',
      ...(ctx.overfit.has(name)
        ? ['permuting it improves the held-out predictions: the forest learned noise from it']
        : []),
    ];
  }
  const fix = bestValue !== null ? ` (the best run used ${bestValue})` : '';
  const noise = ctx.overfit.has(name)
    ? ['permuting it improves the held-out predictions: what the forest learned from it is noise']
    : [];
  return [`looks irrelevant (its permutation interval does not lie above 0): can be fixed${fix}`, ...noise];
}

function adviseNumeric(p: ParameterInfo, ctx: AdviceContext): ParameterAdvice {
  const raw = p.raw!;
  const matters = ctx.matters.has(p.name);
  const present = raw.filter((v) => !Number.isNaN(v));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of present) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const found = findSpec(ctx.sweepConfig, p.name);
  const range = found ? specRange(found.spec) : null;
  if (range) {
    lo = Math.min(lo, range.min);
    hi = Math.max(hi, range.max);
  }
  const logScale = (ctx.logScaled.has(p.name) || range?.log === true) && lo > 0;
  const integer = present.every((v) => Number.isInteger(v));
  const bestValues = Float64Array.from(ctx.best, (i) => raw[i])
    .filter((v) => !Number.isNaN(v))
    .sort();
  const bestRunValue = Number.isNaN(raw[ctx.best[0]]) ? null : formatValue(raw[ctx.best[0]]);
  const base = {
    parameter: p.name,
    kind: 'numeric' as const,
    matters,
    logScale,
    searched: { min: lo, max: hi },
  };
  if (!(hi > lo)) return { ...base, advice: ['never varied: no evidence either way'], edge: null };
  if (bestValues.length < 2) {
    const advice = matters
      ? [
          `${bestValues.length === 0 ? 'not set in any' : `set in only ${bestValues.length}`} of the best ${
            ctx.best.length
          } runs (it applies to some runs only): keep the searched range`,
        ]
      : irrelevance(ctx, matters, bestRunValue, p.name);
    return { ...base, advice, edge: null };
  }
  const bMin = bestValues[0];
  const bMax = bestValues[bestValues.length - 1];
  const bMed = medianSorted(bestValues);
  const best = { min: bMin, max: bMax, median: bMed };

  const t = (v: number): number => (logScale ? Math.log10(v) : v);
  const inv = (v: number): number => (logScale ? 10 ** v : v);
  const sLo = t(lo);
  const sHi = t(hi);
  const span = sHi - sLo;
  const u = (v: number): number => (t(v) - sLo) / span;
  const edge: 'low' | 'high' | null =
    u(bMed) >= EDGE_MEDIAN && u(bMax) >= EDGE_EXTREME
      ? 'high'
      : u(bMed) <= 1 - EDGE_MEDIAN && u(bMin) <= 1 - EDGE_EXTREME
        ? 'low'
        : null;
  if (!matters) return { ...base, best, advice: irrelevance(ctx, matters, bestRunValue, p.name), edge };

  // the next range, on the parameter's scale: around the best runs, or past the edge they crowd
  const bestSpan = t(bMax) - t(bMin);
  let ext = Math.min(EXTEND * span, Math.max(0.5 * bestSpan, PAD * 2 * span));
  if (logScale) ext = Math.min(ext, MAX_LOG_EXTEND);
  const nLo = edge === 'low' ? sLo - ext : Math.max(sLo, t(bMin) - PAD * span);
  const nHi = edge === 'high' ? sHi + ext : Math.min(sHi, t(bMax) + PAD * span);
  let min = inv(nLo);
  let max = inv(nHi);
  // never past what the values can be: rates and probabilities searched in [0, 1] stay there,
  // non-negative parameters stay non-negative, positive integers stay positive
  // a positive parameter stays positive: an extension that would reach 0 halves the bound instead
  if (!logScale && lo > 0 && min <= 0) min = lo / 2;
  if (!logScale && lo >= 0) min = Math.max(0, min);
  if (!logScale && lo >= 0 && hi <= 1) max = Math.min(1, max);
  if (integer) {
    // whole numbers, never cutting a best run
    min = Math.min(Math.round(min), bMin);
    max = Math.max(Math.round(max), bMax);
    if (lo >= 1) min = Math.max(1, min);
  } else {
    min = Math.min(roundDown(min), bMin);
    max = Math.max(roundUp(max), bMax);
  }
  if (logScale && !(min > 0)) min = Math.min(lo, bMin);

  const advice = [
    `the best ${ctx.best.length} runs lie in ${formatValue(bMin)}–${formatValue(bMax)} (median ${formatValue(
      bMed,
    )}) of the searched ${formatValue(lo)}–${formatValue(hi)}`,
  ];
  const gained = (from: number, to: number): boolean => Math.abs(t(to) - t(from)) > 0.01 * span;
  // "keep it" keeps the searched range: the next sweep reads `suggested` and must say the same
  let keep = false;
  const narrowed = (): string => {
    if (t(max) - t(min) < 0.95 * span) return `narrow to ${formatValue(min)}–${formatValue(max)}`;
    keep = true;
    return 'the best runs spread over the searched range: keep it';
  };
  if (edge === 'high' && max > hi && gained(hi, max)) {
    advice.push(`the best runs sit at the upper edge: extend above ${formatValue(hi)}`);
  } else if (edge === 'low' && min < lo && gained(lo, min)) {
    advice.push(`the best runs sit at the lower edge: extend below ${formatValue(lo)}`);
  } else if (edge) {
    // crowding a bound the parameter cannot pass (0, 1, the first whole number): no extension
    const bound = edge === 'high' ? hi : lo;
    if (edge === 'high') max = Math.max(integer ? hi : roundUp(hi), bMax);
    else min = Math.min(integer ? lo : roundDown(lo), bMin);
    advice.push(
      `the best runs sit at the ${edge === 'high' ? 'upper' : 'lower'} edge (${formatValue(
        bound,
      )}), which is as far as it can go: ${narrowed()}`,
    );
  } else {
    advice.push(narrowed());
  }
  return { ...base, best, advice, edge, ...(keep ? {} : { suggested: { min, max } }) };
}

function adviseLevels(p: ParameterInfo, ctx: AdviceContext): ParameterAdvice {
  const matters = ctx.matters.has(p.name);
  const boolean = p.kind === 'boolean';
  const levels = boolean ? ['false', 'true'] : p.levels;
  const codeOf = (i: number): number => {
    if (boolean) {
      const v = p.raw![i];
      return Number.isNaN(v) ? -1 : v === 1 ? 1 : 0;
    }
    return p.codes![i];
  };
  const n = boolean ? p.raw!.length : p.codes!.length;
  const all = new Array<number>(levels.length).fill(0);
  const inBest = new Array<number>(levels.length).fill(0);
  let allPresent = 0;
  let bestPresent = 0;
  for (let i = 0; i < n; i++) {
    const c = codeOf(i);
    if (c < 0) continue;
    all[c]++;
    allPresent++;
  }
  for (const i of ctx.best) {
    const c = codeOf(i);
    if (c < 0) continue;
    inBest[c]++;
    bestPresent++;
  }
  const shares: LevelShare[] = levels.map((level, c) => ({
    level,
    shareBest: bestPresent > 0 ? inBest[c] / bestPresent : 0,
    shareAll: allPresent > 0 ? all[c] / allPresent : 0,
  }));
  const bestCode = codeOf(ctx.best[0]);
  const base = { parameter: p.name, kind: p.kind as 'boolean' | 'categorical', matters, levels: shares };
  const used = shares.filter((s) => s.shareAll > 0);
  if (used.length < 2) return { ...base, advice: ['never varied: no evidence either way'] };
  if (!matters)
    return { ...base, advice: irrelevance(ctx, matters, bestCode >= 0 ? levels[bestCode] : null, p.name) };

  const advice: string[] = [];
  const never = shares.filter((s) => s.shareBest === 0 && s.shareAll * bestPresent >= NEVER_EXPECTED);
  const top = [...shares].sort((a, b) => b.shareBest - b.shareAll - (a.shareBest - a.shareAll))[0];
  if (top && top.shareBest >= 1.5 * top.shareAll && top.shareBest > 0) {
    advice.push(
      `${p.name} = ${top.level} in ${pct(top.shareBest)} of the best runs against ${pct(top.shareAll)} of all runs`,
    );
  }
  if (never.length > 0) {
    advice.push(`never among the best: ${never.map((s) => s.level).join(', ')}`);
  } else if (advice.length === 0) {
    advice.push('every level appears among the best runs: keep them all');
  }
  const keep = shares.filter((s) => s.shareAll > 0 && !never.includes(s));
  return { ...base, advice, dropLevels: keep.length > 0 ? never.map((s) => s.level) : [] };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function medianSorted(s: Float64Array): number {
  const m = s.length;
  return m % 2 === 1 ? s[(m - 1) >> 1] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

/** Rounds outward to 3 significant digits. */
export function roundDown(v: number): number {
  if (v === 0) return 0;
  const e = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 2);
  return Number((Math.floor(v / e) * e).toPrecision(3));
}

export function roundUp(v: number): number {
  if (v === 0) return 0;
  const e = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 2);
  return Number((Math.ceil(v / e) * e).toPrecision(3));
}
