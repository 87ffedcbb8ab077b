/**
 * The next sweep as a W&B sweep config: every hyperparameter of the analysis (and the original
 * sweep's other parameters, unchanged), narrowed or extended
 * where it matters (advice.ts), unchanged where it does not (nothing is narrowed on the account of a
 * parameter without a reliable effect). Log-scaled parameters are written as `log_uniform_values`
 * (raw bounds; `log_uniform` would take natural-log bounds). `method` and `metric` come from the
 * original sweep; for a runs file: bayes, the target and goal, ranges from the data.
 *
 * Integers stay integers: an integer parameter searched in powers of two (8, 16, …, 2048) gets a
 * list of powers of two, another log-scaled integer `q_log_uniform_values` with `q: 1` and whole
 * bounds, a linear one `int_uniform`. Names and levels come from the data: the YAML is written by
 * sweep-yaml.ts (every string quoted, every comment one line), so no name can add a key of its own.
 */
import type { Design, Goal, ParameterInfo } from '../design/types.js';
import { roundDown, roundUp } from './advice.js';
import { findSpec, isObject, ownValue, setOwn, specValues, type Spec } from './sweep-spec.js';
import { commentLines, commentList, commentText, stringifySweepConfig } from './sweep-yaml.js';
import type { NextSweep, ParameterAdvice } from './types.js';

/** Parameter names W&B's sweep-config schema accepts. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const METHODS = new Set(['bayes', 'random', 'grid', 'custom']);
/** Top-level keys of the original config carried over, so the suggestion runs as it is. */
const CARRIED = ['program', 'command', 'entity', 'project', 'early_terminate', 'run_cap'];
/** Values per range when the original sweep is a grid (grid needs value lists). */
const GRID_POINTS = 5;

export interface NextSweepOptions {
  readonly goal: Goal;
  readonly sweepConfig: Spec | null;
  readonly runs: number;
}

export function nextSweepConfig(
  design: Design,
  advice: readonly ParameterAdvice[],
  opts: NextSweepOptions,
): NextSweep | null {
  const original = opts.sweepConfig;
  const method =
    typeof original?.method === 'string' && METHODS.has(original.method) ? original.method : 'bayes';
  const metric: Spec =
    isObject(original?.metric) && typeof original.metric.name === 'string'
      ? { ...original.metric }
      : { name: design.target, goal: opts.goal };
  // the original's parameters outside the analysis stay as they were, so the suggestion still runs
  const parameters: Spec = isObject(original?.parameters) ? structuredClone(original.parameters) : {};
  const byName = new Map(advice.map((a) => [a.parameter, a]));
  const skipped: string[] = [];
  const changed: string[] = [];
  for (const p of design.parameters) {
    const found = findSpec(original, p.name);
    const path = found?.path ?? [p.name];
    if (!path.every((key) => NAME.test(key))) {
      skipped.push(p.name);
      continue;
    }
    const a = byName.get(p.name);
    let spec: Spec | null;
    if (p.kind === 'empty' || !a) spec = found ? { ...found.spec } : null;
    else if (p.kind === 'numeric') spec = numericSpec(p, a, found?.spec ?? null);
    else spec = levelSpec(p, a, found?.spec ?? null);
    if (!spec) continue;
    if (method === 'grid') spec = asGrid(spec);
    if (a && isChanged(a)) changed.push(p.name);
    setPath(parameters, path, spec);
  }
  if (Object.keys(parameters).length === 0) return null;

  const config: Record<string, unknown> = {};
  for (const key of CARRIED) {
    const v = original ? ownValue(original, key) : undefined;
    if (v !== undefined) config[key] = v;
  }
  config.method = method;
  config.metric = metric;
  config.parameters = parameters;

  // every piece of data in a comment is one line, and short: a name cannot start a line of its own
  const header = [
    ...commentLines(
      `Next sweep suggested by sweep-insights from ${opts.runs} runs of ${commentText(design.target)} (${opts.goal}).`,
    ),
    ...commentLines(
      changed.length > 0
        ? `Changed where the best runs point: ${commentList(changed)}; every other parameter as searched.`
        : 'No parameter reliably matters: every range is kept as searched.',
    ),
  ];
  if (skipped.length > 0)
    header.push(...commentLines(`Left out (not valid W&B parameter names): ${commentList(skipped)}`));
  return { yaml: `${header.join('\n')}\n${stringifySweepConfig(config)}`, config };
}

function numericSpec(p: ParameterInfo, a: ParameterAdvice, original: Spec | null): Spec | null {
  const searched = a.searched;
  if (!searched) return original ? { ...original } : null;
  const integer = isIntegerParam(p, original);
  // a runs file's integer parameter searched in powers of two stays in powers of two
  const powers = !original && integer && isPowersOfTwo(p.raw!);
  if (!isChanged(a)) {
    if (original) return { ...original };
    if (searched.min === searched.max) return { value: searched.min };
    if (powers) return { values: powersOfTwo(searched.min, searched.max) };
    // the data's extremes, rounded outward: a runs file does not say the bounds that were searched
    const min = integer ? searched.min : roundDown(searched.min);
    const max = integer ? searched.max : roundUp(searched.max);
    return rangeSpec(
      min > 0 || !(searched.min > 0) ? min : searched.min,
      max,
      a.logScale === true,
      integer,
      null,
    );
  }
  const { min, max } = a.suggested!;
  if (powers) {
    // past a searched bound: to the next power beyond; within: the powers inside the suggestion
    const lo = min < searched.min ? floorPower(min) : ceilPower(min);
    const hi = max > searched.max ? ceilPower(max) : floorPower(max);
    return { values: powersOfTwo(Math.max(1, lo), hi) };
  }
  const values = original ? specValues(original) : null;
  if (values) {
    const kept = values.filter((v) => typeof v !== 'number' || (v >= min && v <= max));
    return { values: extendList(kept.length > 0 ? kept : values, a.edge ?? null) };
  }
  if (original && typeof original.distribution === 'string') {
    const d = original.distribution;
    // a whole-number step keeps whole-number bounds
    const whole =
      original.q === undefined || (typeof original.q === 'number' && Number.isInteger(original.q));
    const lo = whole ? Math.floor(min) : min;
    const hi = whole ? Math.ceil(max) : max;
    if (d === 'q_log_uniform_values' || d === 'q_log_uniform') {
      return {
        distribution: 'q_log_uniform_values',
        min: lo > 0 ? lo : min,
        max: hi,
        ...(original.q !== undefined ? { q: original.q } : {}),
      };
    }
    if (d === 'q_uniform') return { ...original, min: lo, max: hi };
    if (
      ![
        'uniform',
        'int_uniform',
        'log_uniform',
        'log_uniform_values',
        'inv_log_uniform',
        'inv_log_uniform_values',
      ].includes(d)
    ) {
      return { ...original }; // normal, beta, …: no bounds to move
    }
  }
  return rangeSpec(min, max, a.logScale === true, integer, original);
}

/**
 * Does the advice move this parameter's range or levels? The advice decides (advice.ts): it gives a
 * `suggested` range only when it says to narrow or extend, and `dropLevels` only when it says to drop;
 * "keep" comes without them. Nothing is re-decided here, so the YAML says what the advice says.
 */
export function isChanged(a: ParameterAdvice): boolean {
  if (!a.matters) return false;
  if (a.dropLevels && a.dropLevels.length > 0) return true;
  return a.suggested !== undefined && a.searched !== undefined;
}

/** Every present value a whole power of two (1, 2, 4, …), at least three distinct ones. */
function isPowersOfTwo(raw: Float64Array): boolean {
  const seen = new Set<number>();
  for (const v of raw) {
    if (Number.isNaN(v)) continue;
    if (!(v >= 1) || !Number.isInteger(Math.log2(v))) return false;
    seen.add(v);
  }
  return seen.size >= 3;
}

function floorPower(v: number): number {
  return 2 ** Math.floor(Math.log2(v));
}

function ceilPower(v: number): number {
  return 2 ** Math.ceil(Math.log2(v));
}

/** The powers of two in [min, max] (at least one: the nearest to min). */
function powersOfTwo(min: number, max: number): number[] {
  const out: number[] = [];
  for (let v = ceilPower(Math.max(1, min)); v <= max; v *= 2) out.push(v);
  return out.length > 0 ? out : [ceilPower(Math.max(1, min))];
}

/**
 * A value list whose best runs crowd an edge gets the next value past it, when the list is a
 * progression: geometric (16, 32, 64 → 128) or arithmetic (1, 2, 3 → 4).
 */
export function extendList(values: unknown[], edge: 'low' | 'high' | null): unknown[] {
  if (!edge || values.length < 3 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return values;
  }
  const v = [...(values as number[])].sort((x, y) => x - y);
  const integer = v.every((x) => Number.isInteger(x));
  const close = (x: number, y: number): boolean =>
    Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1);
  const ratio = v[1] / v[0];
  const step = v[1] - v[0];
  let next: number | null = null;
  if (v[0] > 0 && ratio > 1 && v.every((x, i) => i === 0 || close(x / v[i - 1], ratio))) {
    next = edge === 'high' ? v[v.length - 1] * ratio : v[0] / ratio;
  } else if (step > 0 && v.every((x, i) => i === 0 || close(x - v[i - 1], step))) {
    next = edge === 'high' ? v[v.length - 1] + step : v[0] - step;
  }
  if (next === null || (integer && !Number.isInteger(next)) || (v[0] > 0 && next <= 0)) return values;
  next = integer ? next : Number(next.toPrecision(6));
  return edge === 'high' ? [...values, next] : [next, ...values];
}

function rangeSpec(min: number, max: number, log: boolean, integer: boolean, original: Spec | null): Spec {
  if (log && min > 0) {
    // log_uniform_values draws fractions: an integer is drawn on the log scale and rounded to whole numbers
    if (integer) {
      return {
        distribution: 'q_log_uniform_values',
        min: Math.max(1, Math.floor(min)),
        max: Math.ceil(max),
        q: 1,
      };
    }
    return { distribution: 'log_uniform_values', min, max };
  }
  if (integer) return { distribution: 'int_uniform', min: Math.floor(min), max: Math.ceil(max) };
  const d = original?.distribution;
  return { distribution: typeof d === 'string' && d === 'uniform' ? d : 'uniform', min, max };
}

function isIntegerParam(p: ParameterInfo, original: Spec | null): boolean {
  if (original?.distribution === 'int_uniform') return true;
  if (original && typeof original.distribution === 'string') return false;
  const raw = p.raw!;
  for (const v of raw) if (!Number.isNaN(v) && !Number.isInteger(v)) return false;
  return true;
}

function levelSpec(p: ParameterInfo, a: ParameterAdvice, original: Spec | null): Spec {
  const drop = new Set(a.matters ? (a.dropLevels ?? []) : []);
  const originalValues = original ? specValues(original) : null;
  if (originalValues) {
    const keptIdx = originalValues.map((v, i) => (drop.has(levelText(v)) ? -1 : i)).filter((i) => i >= 0);
    if (keptIdx.length === 0 || drop.size === 0) return { ...original };
    const values = keptIdx.map((i) => originalValues[i]);
    const probs = Array.isArray(original!.probabilities) ? (original!.probabilities as unknown[]) : null;
    if (probs && probs.length === originalValues.length) {
      const kept = keptIdx.map((i) => Number(probs[i]));
      const total = kept.reduce((s, v) => s + v, 0);
      if (total > 0) {
        return {
          distribution: 'categorical_w_probabilities',
          values,
          probabilities: kept.map((v) => v / total),
        };
      }
    }
    return { values };
  }
  const levels = p.kind === 'boolean' ? ['false', 'true'] : p.levels;
  const seen = (a.levels ?? []).filter((l) => l.shareAll > 0).map((l) => l.level);
  const kept = seen.filter((l) => !drop.has(l));
  const chosen = kept.length > 0 ? kept : seen.length > 0 ? seen : levels;
  return { values: p.kind === 'boolean' ? chosen.map((l) => l === 'true') : chosen };
}

/** How a sweep-config value reads as a level of the design (booleans and numbers as text). */
function levelText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A grid needs value lists: a range becomes GRID_POINTS values across it (log-spaced when log). */
function asGrid(spec: Spec): Spec {
  if (specValues(spec) || Object.hasOwn(spec, 'value')) return spec;
  const { min, max, distribution } = spec;
  if (typeof min !== 'number' || typeof max !== 'number') return spec;
  const log = typeof distribution === 'string' && distribution.includes('log') && min > 0;
  const integer =
    distribution === 'int_uniform' ||
    (typeof distribution === 'string' &&
      distribution.startsWith('q_') &&
      (spec.q === undefined || (typeof spec.q === 'number' && Number.isInteger(spec.q))));
  const values: number[] = [];
  for (let i = 0; i < GRID_POINTS; i++) {
    const f = i / (GRID_POINTS - 1);
    let v = log ? 10 ** (Math.log10(min) + f * (Math.log10(max) - Math.log10(min))) : min + f * (max - min);
    v = integer ? Math.round(v) : Number(v.toPrecision(3));
    if (!values.includes(v)) values.push(v);
  }
  return { values };
}

/** Sets `spec` at `path` through nested `{parameters: …}` blocks; own properties only (`__proto__` is a name). */
function setPath(root: Spec, path: string[], spec: Spec): void {
  let block = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const found = ownValue(block, key);
    const entry: Spec = isObject(found) ? found : {};
    if (entry !== found) setOwn(block, key, entry);
    const params = ownValue(entry, 'parameters');
    const inner: Spec = isObject(params) ? params : {};
    if (inner !== params) setOwn(entry, 'parameters', inner);
    block = inner;
  }
  setOwn(block, path[path.length - 1], spec);
}
