/**
 * Pairwise interactions, Friedman's H² measured through permutations of the fold forests' inputs.
 *
 * With the model's prediction split into main effects and interactions (functional ANOVA), permuting
 * a alone changes the prediction by 2(V_a + V_ab + …) in mean square, b alone by 2(V_b + V_ab + …),
 * a and b together by 2(V_a + V_b + V_ab + …); so change_a + change_b − change_ab estimates 2·V_ab and
 * H²_ab = V_ab / (V_a + V_b + V_ab) = (change_a + change_b − change_ab) / change_ab. It costs one more
 * permutation per pair on the same held-out runs, no grid of partial dependences.
 *
 * Only pairs of parameters that matter are looked at, and a pair is reported only when its interaction
 * term's 95% interval over folds × repeats lies above 0 and H² reaches MIN_STRENGTH.
 */
import type { Design, ParameterInfo } from '../design/types.js';
import type { FoldPermuter, GroupSample } from './permutation.js';
import { tInterval } from './permutation.js';
import type { Interaction } from './types.js';

/** At most this many pairs reported. */
export const MAX_INTERACTIONS = 3;
/** Pairs among the this-many most important parameters that matter. */
const MAX_CANDIDATES = 4;
export const MIN_STRENGTH = 0.1;
/** "matters mostly when": the effect in one condition at least this many times the rest's. */
const MOSTLY = 2;

export function findInteractions(
  design: Design,
  permuter: FoldPermuter,
  singles: ReadonlyMap<string, GroupSample>,
  /** Parameters that matter, most important first. */
  mattering: readonly string[],
): Interaction[] {
  const byName = new Map(design.parameters.map((p) => [p.name, p]));
  const candidates = mattering.slice(0, MAX_CANDIDATES).map((name) => byName.get(name)!);
  const found: Interaction[] = [];
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const a = candidates[i];
      const b = candidates[j];
      const sa = singles.get(a.name)!;
      const sb = singles.get(b.name)!;
      const sab = permuter.permute([...a.columns, ...b.columns]);
      const term = sa.change.map((v, s) => v + sb.change[s] - sab.change[s]);
      const { mean, low } = tInterval(term);
      let joint = 0;
      for (const v of sab.change) joint += v;
      joint /= sab.change.length;
      if (!(low > 0) || !(joint > 0)) continue;
      const strength = Math.min(1, Math.max(0, mean / joint));
      if (strength < MIN_STRENGTH) continue;
      found.push({ a: a.name, b: b.name, strength, sentence: describe(design, a, b, sa, sb) });
    }
  }
  found.sort((x, y) => y.strength - x.strength || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  return found.slice(0, MAX_INTERACTIONS);
}

interface Condition {
  /** "optimizer = sgd", "dropout is above 0.31" */
  readonly text: string;
  /** The effect (mean squared prediction change) inside the condition over the effect outside. */
  readonly ratio: number;
}

/**
 * One line: which parameter's effect depends on which condition of the other. Both directions are
 * tried; the one with the sharpest contrast is told.
 */
function describe(
  design: Design,
  a: ParameterInfo,
  b: ParameterInfo,
  sa: GroupSample,
  sb: GroupSample,
): string {
  const ab = strongestCondition(design, b, sa.perRun);
  const ba = strongestCondition(design, a, sb.perRun);
  const [who, cond] = ab && (!ba || ab.ratio >= ba.ratio) ? [a.name, ab] : ba ? [b.name, ba] : [a.name, null];
  if (!cond) return `${a.name} and ${b.name} interact: the effect of one depends on the other`;
  if (cond.ratio >= MOSTLY) return `${who} matters mostly when ${cond.text}`;
  return `${who} matters more when ${cond.text}`;
}

/** Where (in which level of `by`, or which half of its range) the per-run effect is strongest. */
function strongestCondition(design: Design, by: ParameterInfo, effect: Float64Array): Condition | null {
  const groups: { text: string; member: (i: number) => boolean }[] = [];
  if (by.kind === 'categorical' && by.codes) {
    const codes = by.codes;
    by.levels.forEach((level, c) =>
      groups.push({ text: `${by.name} = ${level}`, member: (i) => codes[i] === c }),
    );
  } else if (by.kind === 'boolean' && by.raw) {
    const raw = by.raw;
    groups.push({ text: `${by.name} = false`, member: (i) => raw[i] === 0 });
    groups.push({ text: `${by.name} = true`, member: (i) => raw[i] === 1 });
  } else if (by.kind === 'numeric' && by.raw) {
    const raw = by.raw;
    const present = raw.filter((v) => !Number.isNaN(v)).sort();
    if (present.length < 4) return null;
    const mid = present[Math.floor(present.length / 2)];
    const shown = formatValue(mid);
    groups.push({ text: `${by.name} is below ${shown}`, member: (i) => raw[i] < mid });
    groups.push({ text: `${by.name} is at or above ${shown}`, member: (i) => raw[i] >= mid });
  }
  let best: Condition | null = null;
  for (const g of groups) {
    let inSum = 0;
    let inN = 0;
    let outSum = 0;
    let outN = 0;
    for (let i = 0; i < design.n; i++) {
      const e = effect[i];
      if (Number.isNaN(e)) continue;
      if (g.member(i)) {
        inSum += e;
        inN++;
      } else {
        outSum += e;
        outN++;
      }
    }
    if (inN < 5 || outN < 5) continue;
    const inside = inSum / inN;
    const outside = outSum / outN;
    const ratio = outside > 0 ? inside / outside : inside > 0 ? Infinity : 1;
    if (!best || ratio > best.ratio) best = { text: g.text, ratio };
  }
  return best;
}

export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}
