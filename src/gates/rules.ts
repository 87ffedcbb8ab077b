/**
 * Merge gates: `fail-on` rules such as `permutation(learning_rate) > 0.02`, `pvalue(weight_decay) < 0.05`,
 * `best >= 0.9` or `runs >= 50`. Parsed before any work (a typo is a usage error, exit 2, quoting the
 * rule), checked against the design once it exists (unknown names, a categorical where a single column
 * is needed), evaluated on the analysis' numbers.
 */
import type { Design, Goal, ParameterInfo } from '../design/types.js';
import type { AnalysisResult } from '../analysis/result.js';
import type { Insights } from '../insights/types.js';
import { UsageError } from '../errors.js';
import type { Comparator, GateOutcome, Metric, Rule } from './types.js';
import { compareNumbers } from '../table/compare.js';
import { DELTA_METRICS, type Comparison, type DeltaMetric } from '../insights/compare.js';

/**
 * Metrics that take a hyperparameter or design column, and what each reads. `coef`/`pvalue` (and their
 * aliases `effect`/`effect_pvalue`) read the regression with an intercept that the report's table
 * shows (standardized OLS); `notebook_coef`/`notebook_pvalue` read the notebook's OLS without one,
 * where every column soaks up the mean: reachable, never to be gated on.
 */
const WITH_NAME: ReadonlySet<Metric> = new Set([
  'importance',
  'permutation',
  'correlation',
  'coef',
  'pvalue',
  'effect',
  'effect_pvalue',
  'notebook_coef',
  'notebook_pvalue',
  'delta',
  'delta_low',
  'delta_high',
  'importance_shift',
]);
/** Metrics of the comparison with the baseline (--baseline): `delta(best)`, `importance_shift(lr)`. */
const COMPARISON: ReadonlySet<Metric> = new Set(['delta', 'delta_low', 'delta_high', 'importance_shift']);
const DELTA: ReadonlySet<Metric> = new Set(['delta', 'delta_low', 'delta_high']);
const WITHOUT_NAME: ReadonlySet<Metric> = new Set(['best', 'runs']);
/** Metrics read from the forest: meaningless when its cross-validated R² says it explains nothing. */
const FOREST: ReadonlySet<Metric> = new Set(['importance', 'permutation']);
/** Metrics read from the regression with an intercept: meaningless when its F-test finds nothing. */
const REGRESSION: ReadonlySet<Metric> = new Set(['coef', 'pvalue', 'effect', 'effect_pvalue']);
const NOTEBOOK_OLS: ReadonlySet<Metric> = new Set(['notebook_coef', 'notebook_pvalue']);
/** Metrics read from one design column of the correlations or of either OLS. */
const COLUMN_METRICS: ReadonlySet<Metric> = new Set(['correlation', ...REGRESSION, ...NOTEBOOK_OLS]);
/** The regression's F-test p-value at or above which it "explains nothing". */
export const REGRESSION_F_LEVEL = 0.05;
const COMPARATORS: readonly Comparator[] = ['<=', '>=', '==', '!=', '<', '>'];
const METRIC_LIST =
  'importance, permutation, correlation, coef, pvalue, effect, effect_pvalue, notebook_coef, notebook_pvalue, ' +
  'best, runs, delta, delta_low, delta_high or importance_shift';
const EXAMPLES =
  'e.g. permutation(learning_rate) > 0.02, pvalue(weight_decay) < 0.05, best >= 0.9, runs >= 50';
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One rule, e.g. `importance("optimizer:type") >= 0.1`. Throws a UsageError quoting the rule. */
export function parseRule(text: string): Rule {
  const src = text.trim();
  const fail = (why: string): never => {
    throw new UsageError(`invalid rule ${JSON.stringify(src)}: ${why} (${EXAMPLES})`);
  };
  if (src === '') fail('the rule is empty');
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };

  const metricMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src);
  if (!metricMatch) fail(`expected a metric (${METRIC_LIST}) at the start`);
  const word = metricMatch![0];
  const metric = word.toLowerCase() as Metric;
  if (!WITH_NAME.has(metric) && !WITHOUT_NAME.has(metric))
    fail(`unknown metric "${word}": use ${METRIC_LIST}`);
  pos = word.length;
  skipSpace();

  let name: string | null = null;
  if (src[pos] === '(') {
    if (WITHOUT_NAME.has(metric)) fail(`${metric} takes no argument: write "${metric} >= …"`);
    pos++;
    skipSpace();
    if (src[pos] === '"') {
      pos++;
      let value = '';
      for (;;) {
        if (pos >= src.length) fail('the quoted name has no closing "');
        const c = src[pos++];
        if (c === '"') break;
        if (c === '\\' && pos < src.length) value += src[pos++];
        else value += c;
      }
      name = value;
    } else {
      const start = pos;
      while (pos < src.length && !/[\s()"]/.test(src[pos])) pos++;
      name = src.slice(start, pos);
    }
    skipSpace();
    if (src[pos] !== ')') {
      fail(
        name === ''
          ? `${metric}(…) needs a hyperparameter or column name`
          : `expected ")" after ${metric}(${name}: put names with spaces, ":" or parentheses in double quotes`,
      );
    }
    if (name === '') fail(`${metric}(…) needs a hyperparameter or column name`);
    pos++;
    skipSpace();
  } else if (WITH_NAME.has(metric)) {
    fail(`${metric} needs a hyperparameter or column in parentheses: ${metric}(name)`);
  }

  const op = COMPARATORS.find((c) => src.startsWith(c, pos));
  if (!op) {
    const hint = src.startsWith('=>', pos)
      ? ' ("=>" is not one: did you mean ">="?)'
      : src.startsWith('=<', pos)
        ? ' ("=<" is not one: did you mean "<="?)'
        : src[pos] === '='
          ? ' ("=" alone is not one: use "==")'
          : '';
    fail(`expected a comparison (<, <=, >, >=, ==, !=) after "${src.slice(0, pos).trim()}"${hint}`);
  }
  pos += op!.length;
  skipSpace();
  const rest = src.slice(pos).trim();
  if (rest === '') fail(`expected a number after "${op}"`);
  if (!NUMBER.test(rest)) fail(`"${rest}" is not a number: write a threshold such as 0.1, -0.2 or 1e-3`);
  const threshold = Number(rest);
  if (!Number.isFinite(threshold)) fail(`the threshold "${rest}" is not a finite number`);
  return { text: src, metric, name, op: op!, threshold };
}

/** Rules one per line; blank lines and lines starting with `#` are skipped. */
export function parseRules(lines: string[]): Rule[] {
  const rules: Rule[] = [];
  for (const block of lines) {
    for (const line of block.split(/\r?\n/)) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      rules.push(parseRule(t));
    }
  }
  return rules;
}

/**
 * Every name a rule uses must exist in the design: a hyperparameter (importance, permutation) or one
 * design column (correlation, coef, pvalue, effect, effect_pvalue; a numeric parameter is its own
 * column, a categorical's columns are its dummies).
 */
export function checkRuleNames(rules: Rule[], design: Design): void {
  const params = new Map<string, ParameterInfo>(design.parameters.map((p) => [p.name, p]));
  const features = new Set(design.features);
  const dropped = new Set(design.dropped);
  const names = (list: string[]): string => listNames(list);
  for (const rule of rules) {
    if (rule.name === null) continue;
    const name = rule.name;
    const quoted = `rule ${JSON.stringify(rule.text)}`;
    if (DELTA.has(rule.metric)) {
      if ((DELTA_METRICS as readonly string[]).includes(name)) continue;
      throw new UsageError(
        `${quoted}: ${rule.metric}() takes one of ${DELTA_METRICS.join(', ')}, not "${name}"`,
      );
    }
    const info = params.get(name);
    if (dropped.has(name) || (info && info.kind === 'empty')) {
      throw new UsageError(`${quoted}: "${name}" has no value in any run, so it is not in the analysis`);
    }
    if (rule.metric === 'importance') {
      if (info || features.has(name)) continue;
      throw new UsageError(
        `${quoted}: unknown hyperparameter "${name}"${suggest(name, [...params.keys(), ...features])}; ` +
          `hyperparameters: ${names([...params.keys()])}`,
      );
    }
    if (rule.metric === 'permutation' || rule.metric === 'importance_shift') {
      if (info) continue;
      const owner = design.parameters.find((p) => p.columns.some((j) => design.features[j] === name));
      throw new UsageError(
        owner
          ? `${quoted}: permutation importance is per hyperparameter, not per column: use permutation(${quoteName(owner.name)})`
          : `${quoted}: unknown hyperparameter "${name}"${suggest(name, [...params.keys()])}; hyperparameters: ${names([...params.keys()])}`,
      );
    }
    if (COLUMN_METRICS.has(rule.metric)) {
      const standardized = REGRESSION.has(rule.metric);
      if (features.has(name)) {
        if (standardized) {
          const owner = design.parameters.find(
            (p) => p.kind === 'categorical' && p.columns.length > 0 && design.features[p.columns[0]] === name,
          );
          if (owner) {
            throw new UsageError(
              `${quoted}: "${name}" is the reference level of ${owner.name} in the standardized OLS (its first ` +
                `level), so it has no coefficient; use one of: ${names(columnsOf(owner, design).slice(1))}`,
            );
          }
        }
        continue;
      }
      if (info && info.kind === 'categorical') {
        const columns = columnsOf(info, design);
        const usable = standardized ? columns.slice(1) : columns;
        throw new UsageError(
          `${quoted}: ${rule.metric}() needs one column, and "${name}" is categorical; name one of its columns: ` +
            `${names(usable)}`,
        );
      }
      throw new UsageError(
        `${quoted}: unknown column "${name}"${suggest(name, [...features, ...params.keys()])}; columns: ${names(design.features)}`,
      );
    }
  }
}

export interface RuleContext {
  readonly result: AnalysisResult;
  /** The comparison with the baseline (null without --baseline). */
  readonly comparison?: Comparison | null;
  readonly insights: Insights | null;
  /** The best target value, in the goal's direction. */
  readonly best: number;
  readonly goal: Goal;
  /** Runs used (finite target, after filters). */
  readonly used: number;
}

export function evaluateRules(rules: Rule[], ctx: RuleContext): GateOutcome[] {
  return rules.map((rule) => {
    const value = measure(rule, ctx);
    const passed = value !== null && Number.isFinite(value) && compare(value, rule.op, rule.threshold);
    const caveat = caveatOf(rule.metric, ctx);
    return { rule, value, passed, unreliable: caveat !== null, caveat };
  });
}

/** Why a metric's value is not to be trusted here, or null. */
function caveatOf(metric: Metric, ctx: RuleContext): string | null {
  const forestNothing = ctx.insights?.quality.explainsNothing === true;
  if (FOREST.has(metric) && forestNothing) return 'the forest predicts nothing on held-out runs';
  if (NOTEBOOK_OLS.has(metric)) return 'the notebook’s OLS has no intercept: do not gate on it';
  if (REGRESSION.has(metric)) {
    const f = ctx.result.ols_standardized?.f_pvalue;
    if (typeof f === 'number' && !(f < REGRESSION_F_LEVEL)) return 'the regression explains nothing (F-test)';
    if (forestNothing) return 'the hyperparameters predict nothing on held-out runs';
  }
  return null;
}

function measure(rule: Rule, ctx: RuleContext): number | null {
  const { result } = ctx;
  const name = rule.name ?? '';
  const pick = (record: Record<string, number | null> | undefined | null): number | null => {
    if (!record || !Object.prototype.hasOwnProperty.call(record, name)) return null;
    const v = record[name];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  switch (rule.metric) {
    case 'importance':
      // A hyperparameter first (a categorical sums its dummies), else one design column.
      return pick(result.parameter_importances) ?? pick(result.importances);
    case 'permutation': {
      if (!ctx.insights) {
        throw new UsageError(
          `rule ${JSON.stringify(rule.text)} needs the insights (cross-validation and permutation importance), ` +
            'which were not computed: drop --no-insights (they also need at least 2 runs)',
        );
      }
      const p = ctx.insights.permutation.find((x) => x.parameter === name);
      return p && Number.isFinite(p.mean) ? p.mean : null;
    }
    case 'correlation':
      return pick(result.correlations);
    case 'coef':
    case 'effect':
      return pick(result.ols_standardized?.params);
    case 'pvalue':
    case 'effect_pvalue':
      return pick(result.ols_standardized?.pvalues);
    case 'notebook_coef':
      return pick(result.ols?.params);
    case 'notebook_pvalue':
      return pick(result.ols?.pvalues);
    case 'delta':
    case 'delta_low':
    case 'delta_high': {
      const d = needComparison(rule, ctx).deltas[name as DeltaMetric];
      const v = rule.metric === 'delta' ? d.estimate : rule.metric === 'delta_low' ? d.low : d.high;
      return Number.isFinite(v) ? v : null;
    }
    case 'importance_shift': {
      const s = needComparison(rule, ctx).importance.find((x) => x.parameter === name);
      return s && s.shift !== null && Number.isFinite(s.shift) ? s.shift : null;
    }
    case 'best':
      return Number.isFinite(ctx.best) ? ctx.best : null;
    case 'runs':
      return ctx.used;
  }
}

/** Rules on the comparison need a baseline: refused before any work when none is given. */
export function checkBaselineRules(rules: Rule[], hasBaseline: boolean): void {
  const rule = rules.find((r) => COMPARISON.has(r.metric));
  if (rule && !hasBaseline) {
    throw new UsageError(
      `rule ${JSON.stringify(rule.text)} compares with a baseline: give one with --baseline (the action's baseline input)`,
    );
  }
}

function needComparison(rule: Rule, ctx: RuleContext): Comparison {
  if (!ctx.comparison) {
    throw new UsageError(
      `rule ${JSON.stringify(rule.text)} compares with a baseline: give one with --baseline (the action's baseline input)`,
    );
  }
  return ctx.comparison;
}

export function compare(value: number, op: Comparator, threshold: number): boolean {
  return compareNumbers(value, op, threshold);
}

/** One line for a log: `❌ importance(lr) >= 0.1: measured 0.0523`. */
export function describeOutcome(outcome: GateOutcome): string {
  const mark = outcome.passed ? '✅' : '❌';
  const measured = outcome.value === null ? 'not measurable (n/a)' : `measured ${formatValue(outcome.value)}`;
  const caveat = outcome.caveat ? ` (unreliable: ${outcome.caveat})` : '';
  return `${mark} ${outcome.rule.text}: ${measured}, threshold ${outcome.rule.op} ${outcome.rule.threshold}${caveat}`;
}

/** The failed rules as JSON-ready objects (the action's `failed-rules` output). */
export function failedRules(outcomes: GateOutcome[]): {
  rule: string;
  value: number | null;
  op: Comparator;
  threshold: number;
  unreliable: boolean;
}[] {
  return outcomes
    .filter((o) => !o.passed)
    .map((o) => ({
      rule: o.rule.text,
      value: o.value,
      op: o.rule.op,
      threshold: o.rule.threshold,
      unreliable: o.unreliable,
    }));
}

function formatValue(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function columnsOf(info: ParameterInfo, design: Design): string[] {
  return info.columns.map((j) => design.features[j]);
}

function quoteName(name: string): string {
  return /^[^\s()":]+$/.test(name) ? name : JSON.stringify(name);
}

function suggest(name: string, candidates: string[]): string {
  const lower = name.toLowerCase();
  const hit =
    candidates.find((c) => c.toLowerCase() === lower) ??
    (lower.length >= 3 ? candidates.find((c) => c.toLowerCase().includes(lower)) : undefined);
  return hit !== undefined && hit !== name ? ` (did you mean ${quoteName(hit)}?)` : '';
}

function listNames(names: string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
