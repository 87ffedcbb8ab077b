import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { AnalysisResult } from '../src/analysis/result.js';
import { buildDesign } from '../src/design/build-design.js';
import type { Design } from '../src/design/types.js';
import { UsageError } from '../src/errors.js';
import {
  checkRuleNames,
  describeOutcome,
  evaluateRules,
  failedRules,
  parseRule,
  parseRules,
  type RuleContext,
} from '../src/gates/rules.js';
import type { Insights } from '../src/insights/types.js';
import { readRunsFile } from '../src/sources/read-runs.js';

const ROOT = join(import.meta.dirname, '..');
const MNIST_PARAMS = readFileSync(join(ROOT, 'examples/mnist-pytorch/params.txt'), 'utf8').trim().split(',');
/** The oracle's result for the example sweep (scripts/oracle/sweep_oracle.py --extended). */
const ORACLE = JSON.parse(
  readFileSync(join(ROOT, '__tests__/fixtures/oracle/mnist-pytorch.json'), 'utf8'),
) as AnalysisResult;

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseRule', () => {
  test.each([
    ['importance(learning_rate) >= 0.1', 'importance', 'learning_rate', '>=', 0.1],
    ['correlation(batch_size) < 0', 'correlation', 'batch_size', '<', 0],
    ['pvalue(weight_decay)<0.05', 'pvalue', 'weight_decay', '<', 0.05],
    ['coef( optimizer_adam ) > -1.5e-2', 'coef', 'optimizer_adam', '>', -0.015],
    ['permutation(lr) > 0', 'permutation', 'lr', '>', 0],
    ['effect(lr) <= .5', 'effect', 'lr', '<=', 0.5],
    ['effect_pvalue(lr) != 1', 'effect_pvalue', 'lr', '!=', 1],
    ['best >= 0.9', 'best', null, '>=', 0.9],
    ['runs == 50', 'runs', null, '==', 50],
    ['  Importance(lr) > 0.2  ', 'importance', 'lr', '>', 0.2],
    ['importance("classifier:__choice__") >= 0.1', 'importance', 'classifier:__choice__', '>=', 0.1],
    ['importance("layer (1) size") > 0', 'importance', 'layer (1) size', '>', 0],
    ['importance("say \\"hi\\"") > 0', 'importance', 'say "hi"', '>', 0],
    ['importance(a:b) > 0', 'importance', 'a:b', '>', 0],
  ])('%s', (text, metric, name, op, threshold) => {
    expect(parseRule(text)).toEqual({ text: text.trim(), metric, name, op, threshold });
  });

  test.each([
    ['imp(x) > 1', /unknown metric "imp"/],
    ['importance > 1', /needs a hyperparameter or column in parentheses/],
    ['importance(layer size) > 1', /double quotes/],
    ['importance() > 1', /needs a hyperparameter or column name/],
    ['importance("x) > 1', /no closing "/],
    ['best(x) > 1', /takes no argument/],
    ['runs = 5', /use "=="/],
    ['runs => 5', /expected a comparison/],
    ['best >= high', /"high" is not a number/],
    ['best >=', /expected a number/],
    ['best >= 1 2', /is not a number/],
    ['best >= 1e999', /not a finite number/],
    ['', /empty/],
  ])('%s is a usage error quoting the rule', (text, why) => {
    const err = usageError(() => parseRule(text));
    expect(err.message).toMatch(why);
    expect(err.message).toContain(JSON.stringify(text.trim()));
    expect(err.message).not.toContain('\n');
  });

  test('parseRules: one per line, blank and # lines skipped', () => {
    const rules = parseRules(['# gates\nbest >= 0.9\n\n  runs >= 50\r\n', 'importance(lr) > 0']);
    expect(rules.map((r) => r.text)).toEqual(['best >= 0.9', 'runs >= 50', 'importance(lr) > 0']);
    expect(parseRules([''])).toEqual([]);
  });
});

describe('checkRuleNames on the example sweep design', () => {
  let design: Design;
  beforeAll(async () => {
    const table = await readRunsFile(join(ROOT, 'examples/mnist-pytorch/runs.csv'));
    design = buildDesign(table, { target: 'accuracy', params: MNIST_PARAMS });
  });

  test('known names pass: parameters, numeric columns, dummies', () => {
    const ok = parseRules([
      'importance(activation) > 0',
      'importance(activation_relu) > 0',
      'permutation(model) > 0',
      'correlation(learning_rate) < 0',
      'coef(activation_tanh) > 0',
      'pvalue(model_cnn) < 0.05',
      'effect(model_mlp) < 0',
      'effect_pvalue(batch_size) < 0.5',
      'best >= 0.9',
      'runs >= 50',
    ]);
    expect(() => checkRuleNames(ok, design)).not.toThrow();
  });

  test('unknown parameter: usage error quoting the rule, with a suggestion', () => {
    const err = usageError(() => checkRuleNames([parseRule('importance(Learning_Rate) >= 0.1')], design));
    expect(err.message).toContain('"importance(Learning_Rate) >= 0.1"');
    expect(err.message).toContain('did you mean learning_rate');
    expect(err.message).toContain('activation, batch_size');
  });

  test('a categorical given to correlation/coef/pvalue lists its columns', () => {
    for (const m of ['correlation', 'coef', 'pvalue']) {
      const err = usageError(() => checkRuleNames([parseRule(`${m}(activation) > 0`)], design));
      expect(err.message).toContain('categorical');
      expect(err.message).toContain('activation_relu, activation_sigmoid, activation_tanh');
    }
  });

  test('effect(): a categorical lists its non-reference columns; the reference level is refused', () => {
    const err = usageError(() => checkRuleNames([parseRule('effect(activation) > 0')], design));
    expect(err.message).toContain('activation_sigmoid, activation_tanh');
    expect(err.message).not.toContain('activation_relu');
    const ref = usageError(() =>
      checkRuleNames([parseRule('effect_pvalue(activation_relu) < 0.05')], design),
    );
    expect(ref.message).toContain('reference level of activation');
  });

  test('permutation() of a dummy column points to its parameter', () => {
    const err = usageError(() => checkRuleNames([parseRule('permutation(model_cnn) > 0')], design));
    expect(err.message).toContain('use permutation(model)');
  });
});

function insights(explainsNothing: boolean): Insights {
  return {
    quality: {
      cvR2: explainsNothing ? -0.02 : 0.6,
      cvR2WithoutOutliers: null,
      effectiveR2: explainsNothing ? -0.02 : 0.6,
      threshold: 0.05,
      explainsNothing,
    },
    outliers: [],
    permutation: [
      { parameter: 'learning_rate', mean: 0.21, sd: 0.02, low: 0.19, high: 0.23, matters: true },
      { parameter: 'batch_size', mean: -0.001, sd: 0.002, low: -0.003, high: 0.001, matters: false },
    ],
    bestCount: 5,
    advice: [],
    interactions: [],
    nextSweep: null,
  };
}

describe('evaluateRules reads the right numbers', () => {
  const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({
    result: ORACLE,
    insights: insights(false),
    best: 0.9912,
    goal: 'maximize',
    used: ORACLE.runs.used,
    ...over,
  });

  test('each metric reads its key of the result', () => {
    const rules = parseRules([
      'importance(learning_rate) >= 0.1',
      'importance(activation) > 0.5',
      'importance(activation_relu) > 0',
      'correlation(batch_size) < 0',
      'coef(learning_rate) < 0',
      'pvalue(batch_size) < 0.05',
      'effect(model_mlp) < 0',
      'effect_pvalue(learning_rate) < 0.05',
      'permutation(learning_rate) > 0.1',
      'best >= 0.99',
      'runs >= 3000',
    ]);
    const out = evaluateRules(rules, ctx());
    const values = out.map((o) => o.value);
    expect(values).toEqual([
      ORACLE.parameter_importances.learning_rate,
      ORACLE.parameter_importances.activation,
      ORACLE.importances.activation_relu,
      ORACLE.correlations.batch_size,
      ORACLE.ols!.params.learning_rate,
      ORACLE.ols!.pvalues.batch_size,
      ORACLE.ols_standardized!.params.model_mlp,
      ORACLE.ols_standardized!.pvalues.learning_rate,
      0.21,
      0.9912,
      2383,
    ]);
    expect(out.map((o) => o.passed)).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
      true,
      values[7]! < 0.05,
      true,
      true,
      false,
    ]);
    expect(out.every((o) => !o.unreliable)).toBe(true);
  });

  test('comparators at the threshold', () => {
    const at = (op: string, t: number): boolean =>
      evaluateRules([parseRule(`runs ${op} ${t}`)], ctx({ used: 50 }))[0].passed;
    expect([at('<', 50), at('<=', 50), at('>', 50), at('>=', 50), at('==', 50), at('!=', 50)]).toEqual([
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  test('importance-type rules on a model that explains nothing: evaluated, marked unreliable', () => {
    const rules = parseRules([
      'importance(learning_rate) >= 0.1',
      'permutation(learning_rate) > 0',
      'pvalue(batch_size) < 1',
      'best > 0',
    ]);
    const out = evaluateRules(rules, ctx({ insights: insights(true) }));
    expect(out.map((o) => o.unreliable)).toEqual([true, true, false, false]);
    expect(out[0].passed).toBe(true);
    expect(describeOutcome(out[0])).toContain('unreliable');
  });

  test('a value that does not exist (no OLS) fails, shown as n/a', () => {
    const out = evaluateRules(
      [parseRule('pvalue(batch_size) < 0.05')],
      ctx({ result: { ...ORACLE, ols: null } }),
    );
    expect(out[0]).toMatchObject({ value: null, passed: false });
    expect(describeOutcome(out[0])).toContain('n/a');
    expect(failedRules(out)).toEqual([
      { rule: 'pvalue(batch_size) < 0.05', value: null, op: '<', threshold: 0.05, unreliable: false },
    ]);
  });

  test('permutation() without insights is a usage error', () => {
    usageError(() => evaluateRules([parseRule('permutation(learning_rate) > 0')], ctx({ insights: null })));
  });

  test('describeOutcome names the rule, value and threshold', () => {
    const [o] = evaluateRules([parseRule('runs >= 3000')], ctx());
    expect(describeOutcome(o)).toBe('❌ runs >= 3000: measured 2383, threshold >= 3000');
  });
});
