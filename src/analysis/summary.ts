/**
 * The verdict: what a reviewer reads first, decided once from the analysis and shown the same way in
 * the terminal, the Markdown and the JSON (`summary`).
 *
 * - warnings: when the data cannot answer (constant target, too few runs, many runs without a target,
 *   mixed fidelities, id-like parameters), said before anything else;
 * - at most three verdict lines: whether the hyperparameters predict the target (one reading of the
 *   cross-validated R²), which parameters matter (by the held-out permutation importance, only those
 *   whose 95% interval lies above 0; none when nothing predicts), and the main "try next" actions;
 * - one line when the notebook's impurity ranking disagrees with the held-out one.
 */
import type { ParameterAdvice, PermutationImportance } from '../insights/types.js';
import { fmt, fmtFixed } from '../format.js';
import { truncateName } from '../names.js';
import type { Analysis } from './analysis.js';

export type RankedBy = 'permutation' | 'importance' | 'none';

export interface Summary {
  /** Plain-text warnings, most serious first: the data cannot fully answer. */
  readonly warnings: string[];
  /** At most three lines: predictability, what matters, what to try next. */
  readonly verdict: string[];
  /** What `top` is ranked by: held-out permutation, the notebook's importance (no insights), or none. */
  readonly rankedBy: RankedBy;
  /** The parameters that matter, most first (empty when nothing predicts). */
  readonly top: string[];
  /** The notebook's impurity ranking disagrees with the held-out one (one line), else null. */
  readonly disagreement: string | null;
}

/** Share of runs without a target above which the report says so up top. */
export const DROPPED_WARN_SHARE = 0.03;
/** Names listed in a verdict line before "and N more". */
const LISTED = 5;

export function summarize(analysis: Omit<Analysis, 'summary'>): Summary {
  const ranking = rankParameters(analysis);
  return {
    warnings: warnings(analysis),
    verdict: [predictability(analysis), mattering(analysis, ranking), tryNext(analysis, ranking.top)].filter(
      (l): l is string => l !== null,
    ),
    rankedBy: ranking.rankedBy,
    top: ranking.top,
    disagreement: disagreement(analysis, ranking),
  };
}

// ---------------------------------------------------------------------------------------------------
// ranking

interface Ranking {
  readonly rankedBy: RankedBy;
  readonly top: string[];
  /** Every varying parameter in the ranking's order (for the disagreement check). */
  readonly order: string[];
}

function varyingParameters(analysis: Omit<Analysis, 'summary'>): string[] {
  const constant = new Set(analysis.constantParameters);
  return analysis.design.parameters
    .filter((p) => p.kind !== 'empty' && !constant.has(p.name))
    .map((p) => p.name);
}

/** Parameters by the notebook's impurity importance (ties: parameter order). */
function impurityOrder(analysis: Omit<Analysis, 'summary'>, names: string[]): string[] {
  const imp = analysis.result.parameter_importances;
  const at = (n: string): number => (Number.isFinite(imp[n]) ? imp[n] : 0);
  const index = new Map(names.map((n, i) => [n, i]));
  return [...names].sort((a, b) => at(b) - at(a) || index.get(a)! - index.get(b)!);
}

/** Parameters by the held-out permutation importance (ties: parameter order). */
function permutationOrder(permutation: PermutationImportance[], names: string[]): string[] {
  const mean = new Map(permutation.map((p) => [p.parameter, p.mean]));
  const index = new Map(names.map((n, i) => [n, i]));
  const at = (n: string): number => {
    const m = mean.get(n);
    return m !== undefined && Number.isFinite(m) ? m : -Infinity;
  };
  return [...names].sort((a, b) => at(b) - at(a) || index.get(a)! - index.get(b)!);
}

function rankParameters(analysis: Omit<Analysis, 'summary'>): Ranking {
  const names = varyingParameters(analysis);
  const insights = analysis.insights;
  if (!insights) {
    const order = impurityOrder(analysis, names);
    const imp = analysis.result.parameter_importances;
    return { rankedBy: 'importance', top: order.filter((n) => imp[n] > 0).slice(0, 3), order };
  }
  if (insights.quality.explainsNothing || insights.permutation.length === 0) {
    return { rankedBy: 'none', top: [], order: [] };
  }
  const order = permutationOrder(insights.permutation, names);
  const matters = new Set(insights.permutation.filter((p) => p.matters).map((p) => p.parameter));
  return { rankedBy: 'permutation', top: order.filter((n) => matters.has(n)), order };
}

// ---------------------------------------------------------------------------------------------------
// the three lines

function pct(x: number): string {
  return `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function predictability(analysis: Omit<Analysis, 'summary'>): string {
  const target = truncateName(analysis.request.target);
  const n = analysis.design.n;
  if (isConstant(analysis.design.y)) {
    return `${target} has the same value in every run used: there is nothing to predict.`;
  }
  const q = analysis.insights?.quality ?? null;
  if (!analysis.insights) {
    return (
      'Not cross-validated (--no-insights): whether the hyperparameters predict ' +
      `${target} is not measured, and the notebook’s importances below sum to 1 either way.`
    );
  }
  if (!q || q.cvR2 === null) {
    return `Only ${plural(n, 'run')} with a value of ${target}: too few to cross-validate, so nothing can be said to matter.`;
  }
  const cv = q.cvR2;
  const without = q.cvR2WithoutOutliers;
  const outliers = analysis.insights.outliers.length;
  const threshold = fmtFixed(q.threshold, 2);
  if (without === null) {
    return q.explainsNothing
      ? `The hyperparameters do not predict ${target}: cross-validated R² ${fmtFixed(cv, 2)} on held-out runs (above ${threshold} is needed).`
      : `The hyperparameters predict about ${pct(cv)} of the variation of ${target} on held-out runs (cross-validated R² ${fmtFixed(cv, 2)}).`;
  }
  const set = `the ${plural(outliers, 'outlier run')}`;
  const allRuns = cv > q.threshold;
  if (allRuns === !q.explainsNothing) {
    // both readings agree: the runs as given lead, the outlier-free number beside it
    return q.explainsNothing
      ? `The hyperparameters do not predict ${target}: cross-validated R² ${fmtFixed(cv, 2)} on held-out runs ` +
          `(${fmtFixed(without, 2)} without ${set}; above ${threshold} is needed).`
      : `The hyperparameters predict about ${pct(cv)} of the variation of ${target} on held-out runs ` +
          `(cross-validated R² ${fmtFixed(cv, 2)}; ${fmtFixed(without, 2)} without ${set}).`;
  }
  // the outliers change the reading: both numbers, with what each means
  if (q.explainsNothing) {
    return (
      `The hyperparameters do not predict ${target}: cross-validated R² ${fmtFixed(without, 2)} without ` +
      `${set}; the ${fmtFixed(cv, 2)} with them comes from a few extreme runs, not from the hyperparameters.`
    );
  }
  return (
    `Once ${set} ${outliers === 1 ? 'is' : 'are'} set aside, the hyperparameters predict about ${pct(without)} of the ` +
    `variation of ${target} on held-out runs (cross-validated R² ${fmtFixed(without, 2)}); with them it is ` +
    `${fmtFixed(cv, 2)}: the outliers themselves are not predicted.`
  );
}

function nameList(names: string[]): string {
  const shown = names.slice(0, LISTED).map((n) => truncateName(n, 40));
  return shown.join(', ') + (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');
}

function mattering(analysis: Omit<Analysis, 'summary'>, ranking: Ranking): string | null {
  if (isConstant(analysis.design.y)) return null;
  switch (ranking.rankedBy) {
    case 'importance':
      return ranking.top.length > 0
        ? `Largest notebook importances (impurity, not tested on held-out runs): ${nameList(ranking.top)}.`
        : null;
    case 'none':
      return analysis.insights?.quality.cvR2 === null
        ? null
        : 'No hyperparameter can be said to matter: read the importances below as noise, not as effects.';
    case 'permutation':
      return ranking.top.length > 0
        ? `What matters (held-out permutation importance, 95% interval above 0): ${nameList(ranking.top)}.`
        : 'No hyperparameter’s held-out permutation importance lies clearly above 0: none can be said to matter on its own.';
  }
}

/** One action per parameter that matters, from the advice's decisions (never re-decided here). */
function adviceAction(a: ParameterAdvice): string | null {
  const name = truncateName(a.parameter, 40);
  if (a.suggested && a.searched) {
    if (a.edge === 'high' && a.suggested.max > a.searched.max)
      return `extend ${name} above ${fmt(a.searched.max, 3)}`;
    if (a.edge === 'low' && a.suggested.min < a.searched.min)
      return `extend ${name} below ${fmt(a.searched.min, 3)}`;
    return `narrow ${name} to ${fmt(a.suggested.min, 3)}–${fmt(a.suggested.max, 3)}`;
  }
  if (a.dropLevels && a.dropLevels.length > 0) {
    const levels = a.dropLevels.slice(0, 3).map((l) => truncateName(l, 24));
    return `drop ${name} = ${levels.join(', ')}${a.dropLevels.length > 3 ? ` (+${a.dropLevels.length - 3})` : ''}`;
  }
  return null;
}

function tryNext(analysis: Omit<Analysis, 'summary'>, top: string[]): string | null {
  const insights = analysis.insights;
  if (!insights || top.length === 0) return null;
  const byName = new Map(insights.advice.map((a) => [a.parameter, a]));
  const actions = top
    .map((n) => byName.get(n))
    .filter((a): a is ParameterAdvice => a !== undefined)
    .map(adviceAction)
    .filter((x): x is string => x !== null);
  if (actions.length === 0) {
    return 'Try next: the best runs spread over what was searched; keep the ranges and fix what does not matter.';
  }
  const shown = actions.slice(0, 3);
  return `Try next: ${shown.join('; ')}${actions.length > 3 ? `; ${actions.length - 3} more below` : ''}.`;
}

/**
 * One line when the notebook's impurity ranking tells another story than the held-out one: another
 * parameter first, or a parameter among its top three that does not matter held-out.
 */
function disagreement(analysis: Omit<Analysis, 'summary'>, ranking: Ranking): string | null {
  if (ranking.rankedBy !== 'permutation' || ranking.top.length === 0) return null;
  const impurity = impurityOrder(analysis, ranking.order).slice(0, Math.min(3, ranking.order.length));
  const matters = new Set(ranking.top);
  const notMattering = impurity.filter((n) => !matters.has(n));
  if (impurity[0] === ranking.order[0] && notMattering.length === 0) return null;
  const names = impurity.map((n) => truncateName(n, 40)).join(', ');
  const why =
    notMattering.length > 0
      ? `, though ${notMattering.map((n) => truncateName(n, 40)).join(', ')} do${notMattering.length === 1 ? 'es' : ''} not matter held-out`
      : '';
  return (
    `The notebook’s impurity importance ranks ${names} first${why}: it is measured on the runs the trees ` +
    'were grown on and favours parameters with many distinct values, so this report ranks by held-out importance.'
  );
}

// ---------------------------------------------------------------------------------------------------
// warnings: when the data cannot answer, say so first

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return y.length >= 2;
}

function warnings(analysis: Omit<Analysis, 'summary'>): string[] {
  const { result } = analysis;
  const target = truncateName(analysis.request.target);
  const out: string[] = [];
  const dropped = result.runs.dropped_no_target;
  const total = result.runs.total;
  if (dropped > 0 && dropped > DROPPED_WARN_SHARE * total) {
    const states = droppedStates(analysis);
    out.push(
      `${dropped.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} runs (${pct(dropped / total)}) have no ` +
        `finite value of ${target} and were left out${states ? ` (${states})` : ''}: the analysis covers only the runs that finished with one.`,
    );
  }
  const fidelity = fidelityWarning(analysis);
  if (fidelity) out.push(fidelity);
  if (result.runs.used >= 2 && result.runs.used < 10 && !isConstant(analysis.design.y)) {
    out.push(`Only ${result.runs.used} runs were used: read every number here as anecdotal.`);
  }
  for (const name of analysis.idLikeParameters) {
    out.push(
      `${truncateName(name)} has a different value in most runs: it looks like an id or a path, not a ` +
        'hyperparameter (leave it out with --params).',
    );
  }
  return out;
}

/** Mixed fidelities: the budget "matters" trivially, and the other effects are read across budgets. */
function fidelityWarning(analysis: Omit<Analysis, 'summary'>): string | null {
  const f = analysis.fidelity;
  if (!f) return null;
  if (f.column === null) return f.note;
  if (f.levels.length < 2) return null;
  const name = truncateName(f.column, 40);
  const first = f.levels[0].value;
  const last = f.levels[f.levels.length - 1].value;
  const at = f.highest
    ? ` The “Fidelity” section reads the ${f.highest.runs} runs at ${name} = ${fmt(f.highest.value, 6)} alone; ` +
      `the filter ${name}=${fmt(f.highest.value, 6)} (--where, or the action’s where input) analyses that budget by itself.`
    : ` No budget has ${f.min_runs} runs to be read alone; the filter ${name}=VALUE (--where, or the action’s where ` +
      'input) analyses one budget by itself.';
  return (
    `Mixed fidelities: runs were trained at ${f.levels.length} values of ${name} (${fmt(first, 6)} to ` +
    `${fmt(last, 6)}), so ${name} matters trivially and every other effect here is read across budgets.${at}`
  );
}

/** "crashed 500, running 117" for the runs without a target, when the source gives states. */
function droppedStates(analysis: Omit<Analysis, 'summary'>): string | null {
  const { table, design } = analysis;
  const used = new Uint8Array(table.rowCount);
  for (const r of design.rows) used[r] = 1;
  const stateColumn = table.cells.get('state') ?? null;
  const counts = new Map<string, number>();
  for (let r = 0; r < table.rowCount; r++) {
    if (used[r]) continue;
    const state = table.runMeta?.[r]?.state ?? (stateColumn ? stateColumn[r] : null);
    if (state === null || state === undefined || state === '') continue;
    const key = truncateName(String(state).toLowerCase(), 20);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 4)
    .map(([s, c]) => `${s} ${c.toLocaleString('en-US')}`)
    .join(', ');
}
