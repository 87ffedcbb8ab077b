/**
 * The next-sweep suggestion in Optuna's terms, for a study: one distribution per hyperparameter as
 * Optuna serialises it (`distribution_to_json`: `{"name": "FloatDistribution", "attributes": {...}}`),
 * the searched space narrowed or extended where the advice says so (a range that matters: the
 * suggested interval; a categorical: the levels never among the best dropped), else as searched.
 *
 *     import json, optuna
 *     space = {k: optuna.distributions.json_to_distribution(json.dumps(v))
 *              for k, v in json.load(open("next.json")).items()}
 *
 * The sibling of next-sweep.ts (W&B's YAML); it reads the same advice.
 */
import type { SearchDimension } from '../sources/types.js';
import type { ParameterAdvice } from './types.js';

export interface NextStudy {
  /** Parameter → Optuna distribution (name and attributes), in the study's order. */
  readonly distributions: Record<string, { name: string; attributes: Record<string, unknown> }>;
  /** The same as JSON text (2-space indent, a final newline). */
  readonly json: string;
}

export function nextStudy(
  space: Readonly<Record<string, SearchDimension>>,
  advice: readonly ParameterAdvice[],
  params: readonly string[],
): NextStudy | null {
  const byName = new Map(advice.map((a) => [a.parameter, a]));
  const distributions: NextStudy['distributions'] = {};
  for (const name of params) {
    if (!Object.hasOwn(space, name)) continue;
    const d = space[name];
    const a = byName.get(name);
    let dist: { name: string; attributes: Record<string, unknown> };
    if (d.kind === 'categorical') {
      const drop = new Set(a?.dropLevels ?? []);
      const kept = d.choices.filter((c) => !drop.has(levelText(c)));
      dist = {
        name: 'CategoricalDistribution',
        attributes: { choices: kept.length > 0 ? kept : [...d.choices] },
      };
    } else {
      let low = d.low;
      let high = d.high;
      const s = a?.suggested;
      if (s && Number.isFinite(s.min) && Number.isFinite(s.max) && s.min < s.max && !(d.log && s.min <= 0)) {
        low = s.min;
        high = s.max;
      }
      if (d.kind === 'int') {
        const step = d.step ?? 1;
        low = Math.floor(low);
        high = Math.max(low, Math.ceil(high));
        if (d.log) low = Math.max(1, low);
        // Optuna wants high - low to be a multiple of the step
        high = low + Math.floor((high - low) / step) * step;
        dist = { name: 'IntDistribution', attributes: { log: d.log, step, low, high } };
      } else {
        if (d.step !== null) {
          const n = Math.max(0, Math.floor((high - low) / d.step + 1e-9));
          high = round12(low + n * d.step);
        }
        dist = { name: 'FloatDistribution', attributes: { step: d.step, low, high, log: d.log } };
      }
    }
    Object.defineProperty(distributions, name, {
      value: dist,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (Object.keys(distributions).length === 0) return null;
  return { distributions, json: JSON.stringify(distributions, null, 2) + '\n' };
}

/** A level as the design names it (a JSON value's text; booleans as true/false). */
function levelText(c: string | number | boolean | null): string {
  return c === null ? 'null' : String(c);
}

function round12(x: number): number {
  return Number(x.toPrecision(12));
}
