/**
 * The verdict on the bundled examples (issue 8): what is ranked and by what, the one reading of the
 * cross-validated R² with outliers, the gates on a sweep where nothing matters, the results JSON's
 * summary and snake_case keys, and the terminal text that fits its width with the verdict up top.
 * One in-process analysis per dataset (fewer trees than the parity runs: no number here is the
 * notebook's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/analysis.js';
import { resultsJson, RESULTS_VERSION } from '../src/analysis/results-json.js';
import { runAnalysis } from '../src/analysis/run-analysis.js';
import { DEMO } from '../src/cli/examples.js';
import type { Goal } from '../src/design/types.js';
import { parseRules } from '../src/gates/rules.js';
import { renderText } from '../src/render/text.js';
import { fmtFixed } from '../src/format.js';
import { buildReportModel, type ReportModel, type Section } from '../src/report/model.js';

const ROOT = join(import.meta.dirname, '..');
const TREES = 50;

async function example(
  dataset: string,
  opts: { insights?: boolean; rules?: string[]; goal?: boolean } = {},
): Promise<Analysis> {
  const dir = join(ROOT, 'examples', dataset);
  const [target, goal] = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/) as [string, Goal];
  const params = readFileSync(join(dir, 'params.txt'), 'utf8').trim().split(',');
  return runAnalysis({
    runsFile: join(dir, 'runs.csv'),
    target,
    goal: opts.goal === false ? undefined : goal,
    params,
    trees: TREES,
    seed: 0,
    rules: parseRules(opts.rules ?? []),
    insights: opts.insights ?? true,
  });
}

function section<K extends Section['kind']>(
  model: ReportModel,
  kind: K,
): Extract<Section, { kind: K }> | undefined {
  return model.sections.find((x) => x.kind === kind) as Extract<Section, { kind: K }> | undefined;
}

/**
 * Every share of the variation ("predict about N% of …") is the cross-validated R² printed after it:
 * never a percentage that contradicts the number beside it.
 */
function expectPercentsMatchR2(line: string): void {
  for (const m of line.matchAll(/about (\d+)% of/g)) {
    const after = /R² (−?\d+\.\d+)/.exec(line.slice(m.index));
    expect(after, line).not.toBeNull();
    const r2 = Number(after![1].replace('−', '-'));
    expect(Number(m[1]), line).toBe(Math.round(Math.max(0, Math.min(1, r2)) * 100));
  }
}

/**
 * Keys (with their path) that look camelCase, outside the objects whose keys come from the data
 * (`parameters`, `params`, `config`); elsewhere a key that is one of the data's own names (a column or
 * design feature such as `lr_scheduler_CosineWithRestarts`, keyed by the recipe) is the data's too.
 */
const DATA_KEYED = new Set(['parameters', 'params', 'config']);
function camelKeys(value: unknown, dataNames: ReadonlySet<string> = new Set(), path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => camelKeys(v, dataNames, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (/[a-z0-9][A-Z]/.test(k) && !dataNames.has(k)) out.push(`${path}.${k}`);
    if (!DATA_KEYED.has(k)) out.push(...camelKeys(v, dataNames, `${path}.${k}`));
  }
  return out;
}

function dataNames(a: Analysis): Set<string> {
  return new Set([...a.design.features, ...a.table.columns]);
}

describe('the verdict on the bundled examples', () => {
  let random: Analysis;
  let mnist: Analysis;
  let mnistNoInsights: Analysis;
  let hiplot: Analysis;
  let eeg: Analysis;
  beforeAll(async () => {
    random = await example('random-control', {
      rules: ['pvalue(alpha) < 0.05', 'notebook_pvalue(alpha) < 0.05', 'importance(alpha) > 0.2'],
    });
    // the demo: mnist-pytorch, its target and parameters, the goal left to be inferred
    mnist = await runAnalysis({
      runsFile: join(ROOT, 'examples', DEMO.dataset, 'runs.csv'),
      target: DEMO.target,
      params: [...DEMO.params],
      trees: TREES,
      seed: 0,
      rules: [],
      insights: true,
    });
    mnistNoInsights = await example('mnist-pytorch', { insights: false });
    hiplot = await example('hiplot-ml1');
    eeg = await example('eeg-tcn-bohb');
  }, 120_000);

  it('random-control: nothing predicts, nothing is ranked, no chart', () => {
    const model = buildReportModel(random);
    expect(random.summary.rankedBy).toBe('none');
    expect(random.summary.top).toEqual([]);
    expect(random.summary.disagreement).toBeNull();
    expect(model.headline.tone).toBe('nothing');
    expect(model.headline.verdict[0]).toMatch(
      /^The hyperparameters do not predict accuracy: cross-validated R² −/,
    );
    expect(model.headline.verdict[0]).not.toContain('%');
    expect(model.headline.verdict).toContain(
      'No hyperparameter can be said to matter: read the importances below as noise, not as effects.',
    );
    expect(model.headline.verdict.join(' ')).not.toMatch(/Try next/);
    expect(section(model, 'charts')).toBeUndefined();
    // the table still lists every parameter, none marked as mattering
    const p = section(model, 'parameters')!;
    expect(p.rows.map((r) => r.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(p.main.rows.every((r) => r.at(-1) === '')).toBe(true);
    const json = JSON.parse(resultsJson(random));
    expect(json.summary.ranked_by).toBe('none');
    expect(json.summary.top).toEqual([]);
  });

  it('mnist-pytorch: ranked by held-out permutation, only the parameters whose interval lies above 0', () => {
    const { summary, insights } = mnist;
    expect(summary.rankedBy).toBe('permutation');
    expect(insights!.quality.explainsNothing).toBe(false);
    const above = insights!.permutation.filter((p) => p.low > 0);
    expect(new Set(summary.top)).toEqual(new Set(above.map((p) => p.parameter)));
    expect(summary.top.length).toBeGreaterThan(0);
    const mean = new Map(insights!.permutation.map((p) => [p.parameter, p.mean]));
    const means = summary.top.map((n) => mean.get(n)!);
    expect(means).toEqual([...means].sort((a, b) => b - a));
    // the table's order is the same ranking, and its ✓ marks exactly `top`
    const model = buildReportModel(mnist);
    const p = section(model, 'parameters')!;
    expect(p.measure).toBe('permutation');
    expect(p.rows.slice(0, summary.top.length).map((r) => r.name)).toEqual(summary.top);
    expect(p.rows.filter((r) => r.permutation?.matters).map((r) => r.name)).toEqual(summary.top);
    expect(model.headline.tone).toBe('predicts');
    expect(model.headline.verdict.length).toBeLessThanOrEqual(3);
    expect(model.headline.verdict[1]).toMatch(
      new RegExp(
        `^What matters \\(held-out permutation importance, 95% interval above 0\\): ${summary.top[0]}, `,
      ),
    );
    expect(section(model, 'charts')).toBeDefined();
  });

  it('hiplot-ml1: impurity and held-out importance agree on the first parameter (lr); the rest swap', () => {
    // The held-out ranking is lr, embedding_size, dropout; the notebook's impurity ranks lr, dropout,
    // embedding_size. All three matter and lr leads both: by summary.ts's rule (another parameter
    // first, or one that does not matter among the impurity's top three) there is no disagreement.
    const imp = hiplot.result.parameter_importances;
    const impurity = Object.keys(imp).sort((a, b) => imp[b] - imp[a]);
    expect(impurity).toEqual(['lr', 'dropout', 'embedding_size']);
    expect(hiplot.summary.top).toEqual(['lr', 'embedding_size', 'dropout']);
    expect(hiplot.summary.disagreement).toBeNull();
  });

  it('eeg-tcn-bohb: the impurity ranking puts another parameter first, and the verdict says so once', () => {
    const imp = eeg.result.parameter_importances;
    const impurityFirst = Object.keys(imp).sort((a, b) => imp[b] - imp[a])[0];
    expect(eeg.summary.rankedBy).toBe('permutation');
    expect(impurityFirst).not.toBe(eeg.summary.top[0]);
    const d = eeg.summary.disagreement;
    expect(d).not.toBeNull();
    expect(d).toMatch(new RegExp(`^The notebook’s impurity importance ranks ${impurityFirst}, `));
    expect(d).toContain('so this report ranks by held-out importance');
    const model = buildReportModel(eeg);
    expect(model.headline.disagreement).toBe(d);
    expect(JSON.parse(resultsJson(eeg)).summary.disagreement).toBe(d);
  });

  it('--no-insights: ranked by the notebook importance, not measured', () => {
    const { summary } = mnistNoInsights;
    expect(mnistNoInsights.insights).toBeNull();
    expect(summary.rankedBy).toBe('importance');
    const imp = mnistNoInsights.result.parameter_importances;
    const byImportance = Object.keys(imp)
      .filter((n) => imp[n] > 0)
      .sort((a, b) => imp[b] - imp[a]);
    expect(summary.top).toEqual(byImportance.slice(0, 3));
    expect(summary.disagreement).toBeNull();
    const model = buildReportModel(mnistNoInsights);
    expect(model.headline.tone).toBe('unmeasured');
    expect(model.headline.verdict[0]).toMatch(/^Not cross-validated \(--no-insights\)/);
    expect(section(model, 'parameters')!.measure).toBe('importance');
    const json = JSON.parse(resultsJson(mnistNoInsights));
    expect(json.summary.ranked_by).toBe('importance');
    expect(json.insights).toBeNull();
  });

  it('the results JSON: summary, version, fidelity, ties; snake_case keys everywhere but the data’s', () => {
    const json = JSON.parse(resultsJson(mnist));
    expect(json.results_version).toBe(RESULTS_VERSION);
    expect(Object.keys(json.summary).sort()).toEqual([
      'disagreement',
      'ranked_by',
      'top',
      'verdict',
      'warnings',
    ]);
    expect(json.summary.verdict).toBe(mnist.summary.verdict.join('\n'));
    expect(json.summary.ranked_by).toBe('permutation');
    expect(json.summary.top).toEqual(mnist.summary.top);
    expect(json.summary.warnings).toEqual(mnist.summary.warnings);
    expect(json.summary.disagreement).toBeNull();
    expect(json).toHaveProperty('fidelity', null);
    expect(json.best_run.ties).toBe(mnist.best.ties);
    expect(json.best_run.ties).toBeGreaterThanOrEqual(1);
    expect(json.best_run.name_shared_by).toBe(mnist.best.nameShared);
    const q = mnist.insights!.quality;
    expect(json.insights.quality.cv_r2).toBe(q.cvR2);
    expect(json.insights.quality.cv_r2_without_outliers).toBe(q.cvR2WithoutOutliers);
    expect(json.insights.quality.explains_nothing).toBe(false);
    expect(json.insights.best_count).toBe(mnist.insights!.bestCount);
    expect(json.insights.best_count).toBe(mnist.bestRuns.length);
    expect(json.insights.outliers.length).toBeGreaterThan(0);
    expect(json.insights.outliers[0].robust_z).toBe(mnist.insights!.outliers[0].robustZ);
    expect(Array.isArray(json.insights.advice[0].drop_levels)).toBe(true);
    const model = json.insights.advice.find((a: { parameter: string }) => a.parameter === 'model');
    expect(model.drop_levels).toEqual(['mlp']);
    expect(
      json.insights.advice.find((a: { parameter: string }) => a.parameter === 'learning_rate').log_scale,
    ).toBe(true);
    expect(camelKeys(json, dataNames(mnist))).toEqual([]);
    // the fidelity reading and the gates, on two other sweeps
    const eegJson = JSON.parse(resultsJson(eeg));
    expect(eegJson.fidelity.column).toBe('budget');
    expect(camelKeys(eegJson, dataNames(eeg))).toEqual([]);
    expect(camelKeys(JSON.parse(resultsJson(random)), dataNames(random))).toEqual([]);
    // the walk finds what it looks for
    expect(
      camelKeys(
        { a: [{ cvR2: 1 }], params: { learningRate: 1 }, b: { optCosine: 1 } },
        new Set(['optCosine']),
      ),
    ).toEqual(['$.a[0].cvR2']);
    expect(dataNames(eeg).has('lr_scheduler_CosineWithRestarts')).toBe(true);
  });

  it('one reading of the cross-validated R² with outliers (eeg-tcn-bohb)', () => {
    const q = eeg.insights!.quality;
    const outliers = eeg.insights!.outliers.length;
    expect(outliers).toBe(4);
    const line = eeg.summary.verdict[0];
    const without = fmtFixed(q.cvR2WithoutOutliers, 2);
    const withThem = fmtFixed(q.cvR2, 2);
    expect([without, withThem]).toEqual(['0.76', '−3.04']);
    expect(line).toMatch(
      /^Once the 4 outlier runs are set aside, the hyperparameters predict about 76% of the variation of loss/,
    );
    expect(line).toContain(without);
    expect(line).toContain(withThem);
    expect(line).toContain('the outliers themselves are not predicted');
    // never a percentage beside a number it contradicts, in any verdict or fidelity sentence
    for (const a of [random, mnist, mnistNoInsights, hiplot, eeg]) {
      for (const l of a.summary.verdict) expectPercentsMatchR2(l);
      for (const l of a.summary.warnings) expectPercentsMatchR2(l);
      const fidelity = section(buildReportModel(a), 'fidelity');
      for (const l of fidelity?.sentences ?? []) expectPercentsMatchR2(l);
    }
    // the quality section gives the same two numbers
    const facts = section(buildReportModel(eeg), 'quality')!.facts.join('\n');
    expect(facts).toContain(`Cross-validated R² (5 folds): ${fmtFixed(q.cvR2, 3)}`);
    expect(facts).toContain(`Without the 4 outlier runs: ${fmtFixed(q.cvR2WithoutOutliers, 3)}`);
  });

  it('random-control gates: pvalue reads the regression with an intercept; notebook_pvalue passes but is flagged', () => {
    const [pvalue, notebook, importance] = random.gates;
    expect(pvalue.rule.text).toBe('pvalue(alpha) < 0.05');
    expect(pvalue.value).toBe(random.result.ols_standardized!.pvalues.alpha);
    expect(pvalue.value!).toBeGreaterThan(0.4);
    expect(pvalue.value!).toBeLessThan(0.6);
    expect(pvalue.passed).toBe(false);
    expect(pvalue.unreliable).toBe(true);
    expect(random.result.ols_standardized!.f_pvalue).toBeGreaterThanOrEqual(0.05);
    expect(pvalue.caveat).toMatch(/explains nothing|predict nothing/);

    expect(notebook.value).toBe(random.result.ols!.pvalues.alpha);
    expect(notebook.value!).toBeLessThan(0.05);
    expect(notebook.passed).toBe(true);
    expect(notebook.unreliable).toBe(true);
    expect(notebook.caveat).toBe('the notebook’s OLS has no intercept: do not gate on it');

    // the forest explains nothing either: its importance is flagged too
    expect(importance.unreliable).toBe(true);
    expect(importance.caveat).toBe('the forest predicts nothing on held-out runs');

    const json = JSON.parse(resultsJson(random));
    expect(json.gates.map((g: { passed: boolean; unreliable: boolean }) => [g.passed, g.unreliable])).toEqual(
      [
        [false, true],
        [true, true],
        [importance.passed, true],
      ],
    );
    expect(json.gates[1].caveat).toMatch(/no intercept/);
    const text = renderText(buildReportModel(random), { width: 100 });
    expect(text).toMatch(/^ {2}FAIL\s+pvalue\(alpha\) < 0\.05: measured 0\.5\d* \(unreliable: /m);
    expect(text.replace(/\n {8}/g, ' ')).toMatch(
      /^ {2}pass\s+notebook_pvalue\(alpha\) < 0\.05: measured \S+ \(unreliable: the notebook’s OLS has no intercept: do not gate on it\)$/m,
    );
  });

  it('the demo in a terminal: fits 100 and 80 columns, the verdict within the first 24 lines', () => {
    const model = buildReportModel(mnist);
    expect(model.title.goalAssumed).toBe(true);
    for (const width of [100, 80]) {
      const text = renderText(model, { width });
      const lines = text.split('\n');
      for (const l of lines) expect(Array.from(l).length, `${width}: ${l}`).toBeLessThanOrEqual(width);
      const at = lines.indexOf('Verdict');
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(23);
      // the verdict's first line, wrapped, starts right below its heading, and the whole verdict is in view
      const head = lines
        .slice(0, 24)
        .join('\n')
        .replace(/\n {2}(?=\S)/g, ' ');
      expect(head).toContain(`Verdict ${mnist.summary.verdict[0]}`);
      expect(head).toContain(mnist.summary.verdict[1]);
      // the warnings come before it
      const warning = lines.findIndex((l) => l.startsWith('WARNING: '));
      expect(warning).toBeGreaterThanOrEqual(0);
      expect(warning).toBeLessThan(at);
    }
  });
});
