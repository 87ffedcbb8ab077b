import { describe, expect, it } from 'vitest';
import { buildReportModel, PRIORITY, type ReportModel, type Section } from '../src/report/model.js';
import type { Analysis } from '../src/analysis/analysis.js';
import { makeAnalysis, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';

function section<K extends Section['kind']>(model: ReportModel, kind: K): Extract<Section, { kind: K }> {
  const s = model.sections.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} section`);
  return s as Extract<Section, { kind: K }>;
}

describe('report model', () => {
  const analysis = smallAnalysis();
  const model = buildReportModel(analysis);

  it('is plain data (survives JSON) and deterministic', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    expect(buildReportModel(smallAnalysis())).toEqual(model);
  });

  it('title: target, goal and why it was assumed, source', () => {
    expect(model.title).toMatchObject({
      target: 'accuracy',
      goal: 'maximize',
      goalAssumed: true,
      source: 'runs.csv',
      sweep: null,
    });
    expect(model.title.goalReason).toMatch(/score/);
  });

  it('one row per non-empty hyperparameter, sorted by importance', () => {
    const p = section(model, 'parameters');
    expect(p.rows.map((r) => r.name).sort()).toEqual([
      'batch_norm',
      'dropout',
      'layers',
      'learning_rate',
      'momentum',
      'optimizer',
    ]);
    const imp = p.rows.map((r) => r.importance);
    expect(imp).toEqual([...imp].sort((a, b) => b - a));
    expect(p.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of p.rows) expect(r.importance).toBe(analysis.result.parameter_importances[r.name]);
    expect(p.dropped).toEqual(['warmup']);
    expect(p.constant).toEqual(['layers']);
    expect(p.rows.find((r) => r.name === 'layers')!.constant).toBe(true);
  });

  it('correlation, standardized coefficient and p-value per parameter; categoricals per level vs a reference', () => {
    const p = section(model, 'parameters');
    const std = analysis.result.ols_standardized!;
    expect(p.coefficientSource).toBe('standardized');
    const lr = p.rows.find((r) => r.name === 'learning_rate')!;
    expect(lr.correlation).toBe(analysis.result.correlations.learning_rate);
    expect(lr.coefficient).toBe(std.params.learning_rate);
    expect(lr.pValue).toBe(std.pvalues.learning_rate);
    expect(lr.logScaled).toBe(true);
    const opt = p.rows.find((r) => r.name === 'optimizer')!;
    expect(opt.kind).toBe('categorical');
    expect(opt.reference).toBe('adam');
    expect(opt.levels.map((l) => l.level)).toEqual(['adam', 'rmsprop', 'sgd']);
    expect(opt.levels[0]).toMatchObject({ isReference: true, coefficient: null, pValue: null });
    expect(opt.levels[2].coefficient).toBe(std.params.optimizer_sgd);
    expect(opt.levels[2].correlation).toBe(analysis.result.correlations.optimizer_sgd);
    expect(opt.levels.reduce((a, l) => a + l.runs, 0)).toBe(60);
    const strongest = opt.levels.reduce((a, l) =>
      Math.abs(l.correlation!) > Math.abs(a.correlation!) ? l : a,
    );
    expect(opt.strongestLevel).toBe(strongest.level);
    expect(opt.correlation).toBe(strongest.correlation);
    const bn = p.rows.find((r) => r.name === 'batch_norm')!;
    expect(bn.kind).toBe('boolean');
  });

  it('falls back to the notebook OLS, or no coefficient at all', () => {
    const a = smallAnalysis();
    const notebook: Analysis = { ...a, result: { ...a.result, ols_standardized: null } };
    const p = section(buildReportModel(notebook), 'parameters');
    expect(p.coefficientSource).toBe('notebook');
    const opt = p.rows.find((r) => r.name === 'optimizer')!;
    expect(opt.reference).toBeNull();
    expect(opt.levels[0].coefficient).toBe(a.result.ols!.params.optimizer_adam);
    const none: Analysis = { ...notebook, result: { ...notebook.result, ols: null } };
    expect(section(buildReportModel(none), 'parameters').coefficientSource).toBe('none');
  });

  it('says which parameters are conditional and how they were filled', () => {
    const p = section(model, 'parameters');
    const momentum = p.rows.find((r) => r.name === 'momentum')!;
    expect(momentum.present).toBeLessThan(60);
    expect(momentum.present).toBeGreaterThan(0);
    expect(p.used).toBe(60);
    expect(p.conditional).toEqual(['momentum']);
    expect(p.notes.join(' ')).toMatch(/filled with the mean.*all-zero dummies/);
  });

  it('permutation importance with its interval when insights exist', () => {
    const p = section(model, 'parameters');
    expect(p.hasPermutation).toBe(true);
    const lr = p.rows.find((r) => r.name === 'learning_rate')!;
    const perm = analysis.insights!.permutation.find((x) => x.parameter === 'learning_rate')!;
    expect(lr.permutation).toEqual({
      mean: perm.mean,
      low: perm.low,
      high: perm.high,
      matters: perm.matters,
    });
  });

  it('headline: top three parameters, best run, gates, quality', () => {
    const p = section(model, 'parameters');
    expect(model.headline.top.map((t) => t.name)).toEqual(p.rows.slice(0, 3).map((r) => r.name));
    expect(model.headline.best).toEqual({ value: analysis.best.value, name: analysis.best.name });
    expect(model.headline.gates).toEqual({ passed: 0, failed: 2 });
    expect(model.headline.quality).toMatch(/^Cross-validated R² 0\.40/);
    expect(model.headline.warnings).toEqual([]);
  });

  it('warns first when the model explains nothing, on a constant target, few runs, id-like params', () => {
    const wide = buildReportModel(wideAnalysis());
    expect(wide.headline.warnings[0]).toMatch(
      /^The hyperparameters explain no predictable part of loss_1_minus_balanced_accuracy \(cross-validated R² −0\.46, −0\.41 without the outliers.*must not be read as effects/,
    );
    const constant = buildReportModel(
      makeAnalysis({
        target: 'y',
        goal: 'maximize',
        y: [1, 1, 1, 1],
        params: [
          { name: 'a', kind: 'numeric', values: [1, 2, 3, 4] },
          { name: 'run_id', kind: 'categorical', values: ['r1', 'r2', 'r3', 'r4'] },
        ],
        insights: false,
      }),
    );
    const w = constant.headline.warnings.join('\n');
    expect(w).toMatch(/y has the same value in every run used/);
    expect(w).toMatch(/Only 4 runs/);
    expect(w).toMatch(/run_id has a different value in most runs/);
    expect(section(constant, 'parameters').idLike).toEqual(['run_id']);
  });

  it('runs: read, filtered, skipped, used; W&B states', () => {
    const a = makeAnalysis({
      target: 'acc',
      goal: 'maximize',
      y: Array.from({ length: 12 }, (_, i) => i / 12),
      params: [{ name: 'x', kind: 'numeric', values: Array.from({ length: 12 }, (_, i) => i % 5) }],
      filters: { text: ['x > 0'], removed: 3 },
      droppedNoTarget: 2,
      sweep: true,
    });
    const r = section(buildReportModel(a), 'runs');
    expect(r).toMatchObject({
      read: 17,
      droppedNoTarget: 2,
      used: 12,
      filters: { text: ['x > 0'], removed: 3 },
    });
    expect(r.sentences.join(' ')).toBe(
      '17 runs read from runs.csv. 3 removed by --where “x > 0”. 2 skipped: no finite value of acc. 12 used.',
    );
    expect(r.states).toEqual([
      { state: 'crashed', count: 3 },
      { state: 'finished', count: 12 },
      { state: 'running', count: 1 },
    ]);
    const m = buildReportModel(a);
    expect(m.title.sweep).toMatchObject({
      label: 'acme/mnist/abc123',
      url: 'https://wandb.ai/acme/mnist/sweeps/abc123',
    });
  });

  it('best run: value, name, link and the hyperparameters it set', () => {
    const b = section(model, 'best');
    expect(b.value).toBe(analysis.best.value);
    expect(b.name).toBe(analysis.best.name);
    const setNames = b.params.map((p) => p.name);
    expect([...setNames, ...b.unset].sort()).toEqual([
      'batch_norm',
      'dropout',
      'layers',
      'learning_rate',
      'momentum',
      'optimizer',
    ]);
    for (const p of b.params) expect(p.value).toBe(analysis.best.params[p.name]);
  });

  it('gates as they were evaluated', () => {
    const g = section(model, 'gates');
    expect(g.rows).toHaveLength(2);
    expect(g.rows[1]).toMatchObject({
      text: 'runs >= 100',
      op: '>=',
      threshold: 100,
      value: 60,
      passed: false,
    });
  });

  it('insight sections: quality with outliers, advice by importance, interactions, next sweep', () => {
    const q = section(model, 'quality');
    expect(q.cvR2).toBe(analysis.insights!.quality.cvR2);
    expect(q.cvR2WithoutOutliers).toBe(analysis.insights!.quality.cvR2WithoutOutliers);
    expect(q.outliers).toHaveLength(1);
    expect(q.outliers[0].name).toMatch(/^run-\d+$/);
    const adv = section(model, 'advice');
    expect(adv.rows[0].matters).toBe(true);
    expect(section(model, 'interactions').rows[0].strength).toBe(0.31);
    expect(section(model, 'next-sweep').yaml).toBe(analysis.insights!.nextSweep!.yaml);
  });

  it('without insights: no permutation, advice, interactions or next sweep; quality from cv_r2', () => {
    const m = buildReportModel(smallAnalysis({ insights: false }));
    expect(section(m, 'parameters').hasPermutation).toBe(false);
    const kinds = m.sections.map((s) => s.kind);
    expect(kinds).not.toContain('advice');
    expect(kinds).not.toContain('interactions');
    expect(kinds).not.toContain('next-sweep');
    expect(section(m, 'quality')).toMatchObject({ cvR2: 0.4, explainsNothing: null });
  });

  it('chart series: the top three varying parameters, the best runs marked', () => {
    const c = section(model, 'charts');
    expect(c.series.map((s) => s.parameter)).toEqual(['optimizer', 'learning_rate', 'dropout']);
    expect(c.bestCount).toBe(analysis.insights!.bestCount);
    for (const s of c.series) {
      expect(s.x).toHaveLength(s.y.length);
      expect(s.best.filter(Boolean)).toHaveLength(c.bestCount);
    }
    const bestY = Math.min(...c.series[0].y.filter((_, i) => c.series[0].best[i]));
    const restY = Math.max(...c.series[0].y.filter((_, i) => !c.series[0].best[i]));
    expect(bestY).toBeGreaterThanOrEqual(restY);
    expect(c.series[1].logScale).toBe(true);
  });

  it('sections carry priorities; the OLS summary comes from the given function, last', () => {
    for (const s of model.sections) expect(s.priority).toBe(PRIORITY[s.id]);
    // by default: statsmodels' summary of the notebook OLS, refitted from the design
    expect(model.sections.at(-1)).toMatchObject({ kind: 'ols-summary' });
    expect((model.sections.at(-1) as { text: string }).text).toMatch(
      /OLS Regression Results[\s\S]*Dep\. Variable:\s+accuracy/,
    );
    const none = buildReportModel(analysis, { olsSummary: null });
    expect(none.sections.map((s) => s.kind)).not.toContain('ols-summary');
    const m = buildReportModel(analysis, { olsSummary: (a) => `summary of ${a.request.target}` });
    expect(m.sections.at(-1)).toMatchObject({ kind: 'ols-summary', text: 'summary of accuracy' });
    expect(m.footer).toEqual({ engine: 'sweep-insights', version: '0.1.0', trees: 250, seed: 0 });
  });
});
