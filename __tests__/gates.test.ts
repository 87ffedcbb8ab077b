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
    ['notebook_coef(lr) > 0', 'notebook_coef', 'lr', '>', 0],
    ['Notebook_Pvalue(optimizer_adam) < 0.05', 'notebook_pvalue', 'optimizer_adam', '<', 0.05],
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
      'pvalue(model_mlp) < 0.05',
      'effect(model_mlp) < 0',
      'effect_pvalue(batch_size) < 0.5',
      // the notebook's OLS (no intercept) has a coefficient for every dummy, the reference level included
      'notebook_coef(activation_relu) > 0',
      'notebook_pvalue(model_cnn) < 0.05',
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

  test('a categorical given to correlation/notebook_coef/notebook_pvalue lists all its columns', () => {
    for (const m of ['correlation', 'notebook_coef', 'notebook_pvalue']) {
      const err = usageError(() => checkRuleNames([parseRule(`${m}(activation) > 0`)], design));
      expect(err.message).toContain('categorical');
      expect(err.message).toContain('activation_relu, activation_sigmoid, activation_tanh');
    }
  });

  test('coef/pvalue/effect/effect_pvalue (the OLS with an intercept): a categorical lists its non-reference columns; the reference level is refused', () => {
    for (const m of ['coef', 'pvalue', 'effect', 'effect_pvalue']) {
      const err = usageError(() => checkRuleNames([parseRule(`${m}(activation) > 0`)], design));
      expect(err.message).toContain('categorical');
      expect(err.message).toContain('activation_sigmoid, activation_tanh');
      expect(err.message).not.toContain('activation_relu');
      const ref = usageError(() => checkRuleNames([parseRule(`${m}(activation_relu) < 0.05`)], design));
      expect(ref.message).toContain('reference level of activation');
      expect(ref.message).toContain('use one of: activation_sigmoid, activation_tanh');
      const model = usageError(() => checkRuleNames([parseRule(`${m}(model_cnn) < 0.05`)], design));
      expect(model.message).toContain('reference level of model');
    }
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
      'notebook_coef(learning_rate) < 0',
      'notebook_pvalue(batch_size) < 0.05',
    ]);
    const out = evaluateRules(rules, ctx());
    const values = out.map((o) => o.value);
    const std = ORACLE.ols_standardized!;
    expect(values).toEqual([
      ORACLE.parameter_importances.learning_rate,
      ORACLE.parameter_importances.activation,
      ORACLE.importances.activation_relu,
      ORACLE.correlations.batch_size,
      // coef/pvalue read the regression with an intercept (the report's table), like effect/effect_pvalue
      std.params.learning_rate,
      std.pvalues.batch_size,
      std.params.model_mlp,
      std.pvalues.learning_rate,
      0.21,
      0.9912,
      2383,
      // the notebook's OLS without an intercept
      ORACLE.ols!.params.learning_rate,
      ORACLE.ols!.pvalues.batch_size,
    ]);
    // the two regressions tell different stories here: reading the wrong one would not go unnoticed
    expect(std.pvalues.batch_size).not.toBeCloseTo(ORACLE.ols!.pvalues.batch_size!, 3);
    expect(std.params.learning_rate).not.toBeCloseTo(ORACLE.ols!.params.learning_rate!, 3);
    expect(out.map((o) => o.passed)).toEqual([
      true,
      false,
      true,
      true,
      values[4]! < 0,
      values[5]! < 0.05,
      true,
      values[7]! < 0.05,
      true,
      true,
      false,
      values[11]! < 0,
      values[12]! < 0.05,
    ]);
    // the regression's F-test finds something and the forest predicts: only the notebook's OLS is suspect
    expect(std.f_pvalue).toBeLessThan(0.05);
    expect(out.map((o) => o.unreliable)).toEqual([...new Array(11).fill(false), true, true]);
    expect(out.slice(0, 11).every((o) => o.caveat === null)).toBe(true);
    for (const o of out.slice(11)) {
      expect(o.caveat).toMatch(/no intercept: do not gate on it/);
      expect(describeOutcome(o)).toContain('(unreliable: the notebook’s OLS has no intercept');
    }
  });

  test('coef/pvalue are effect/effect_pvalue under another name', () => {
    const out = evaluateRules(
      parseRules([
        'coef(dropout_rate) < 0',
        'effect(dropout_rate) < 0',
        'pvalue(dropout_rate) < 0.05',
        'effect_pvalue(dropout_rate) < 0.05',
      ]),
      ctx(),
    );
    expect(out[0].value).toBe(ORACLE.ols_standardized!.params.dropout_rate);
    expect(out[1].value).toBe(out[0].value);
    expect(out[2].value).toBe(ORACLE.ols_standardized!.pvalues.dropout_rate);
    expect(out[3].value).toBe(out[2].value);
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

  test('when the forest explains nothing, every model metric is evaluated but marked unreliable', () => {
    const rules = parseRules([
      'importance(learning_rate) >= 0.1',
      'permutation(learning_rate) > 0',
      'pvalue(batch_size) < 1',
      'coef(learning_rate) < 0',
      'notebook_pvalue(batch_size) < 1',
      'correlation(batch_size) < 0',
      'best > 0',
      'runs > 0',
    ]);
    const out = evaluateRules(rules, ctx({ insights: insights(true) }));
    expect(out.map((o) => o.unreliable)).toEqual([true, true, true, true, true, false, false, false]);
    expect(out.map((o) => o.caveat)).toEqual([
      'the forest predicts nothing on held-out runs',
      'the forest predicts nothing on held-out runs',
      'the hyperparameters predict nothing on held-out runs',
      'the hyperparameters predict nothing on held-out runs',
      'the notebook’s OLS has no intercept: do not gate on it',
      null,
      null,
      null,
    ]);
    expect(out[0].passed).toBe(true);
    expect(describeOutcome(out[0])).toContain('unreliable');
    expect(describeOutcome(out[6])).not.toContain('unreliable');
  });

  test('when the regression’s F-test finds nothing, coef/pvalue/effect/effect_pvalue are unreliable', () => {
    const result: AnalysisResult = {
      ...ORACLE,
      ols_standardized: { ...ORACLE.ols_standardized!, f_pvalue: 0.05 },
    };
    const rules = parseRules([
      'coef(learning_rate) < 0',
      'pvalue(batch_size) < 1',
      'effect(model_mlp) < 0',
      'effect_pvalue(learning_rate) < 1',
      'importance(learning_rate) > 0',
      'permutation(learning_rate) > 0',
      'correlation(batch_size) < 1',
    ]);
    const out = evaluateRules(rules, ctx({ result }));
    expect(out.map((o) => o.unreliable)).toEqual([true, true, true, true, false, false, false]);
    for (const o of out.slice(0, 4)) expect(o.caveat).toBe('the regression explains nothing (F-test)');
    // just under the level: trusted again
    const fine = evaluateRules(
      rules.slice(0, 1),
      ctx({ result: { ...result, ols_standardized: { ...result.ols_standardized!, f_pvalue: 0.0499 } } }),
    );
    expect(fine[0]).toMatchObject({ unreliable: false, caveat: null });
  });

  test('a value that does not exist (no OLS) fails, shown as n/a', () => {
    const out = evaluateRules(
      [parseRule('pvalue(batch_size) < 0.05')],
      ctx({ result: { ...ORACLE, ols_standardized: null } }),
    );
    expect(out[0]).toMatchObject({ value: null, passed: false });
    expect(describeOutcome(out[0])).toContain('n/a');
    expect(failedRules(out)).toEqual([
      { rule: 'pvalue(batch_size) < 0.05', value: null, op: '<', threshold: 0.05, unreliable: false },
    ]);
    // the notebook's OLS gone: its rules are n/a; the regression with an intercept is still read
    const notebook = evaluateRules(
      parseRules(['notebook_pvalue(batch_size) < 0.05', 'pvalue(batch_size) < 1']),
      ctx({ result: { ...ORACLE, ols: null } }),
    );
    expect(notebook[0]).toMatchObject({ value: null, passed: false, unreliable: true });
    expect(notebook[1]).toMatchObject({ value: ORACLE.ols_standardized!.pvalues.batch_size, passed: true });
    expect(failedRules(notebook)).toEqual([
      { rule: 'notebook_pvalue(batch_size) < 0.05', value: null, op: '<', threshold: 0.05, unreliable: true },
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
