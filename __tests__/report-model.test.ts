import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/render/markdown.js';
import { buildReportModel, PRIORITY, type ReportModel, type Section } from '../src/report/model.js';
import type { Analysis } from '../src/analysis/analysis.js';
import { makeAnalysis, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';

function section<K extends Section['kind']>(model: ReportModel, kind: K): Extract<Section, { kind: K }> {
  const s = model.sections.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} section`);
  return s as Extract<Section, { kind: K }>;
}

/** Every "N%" in a verdict line is the cross-validated R² printed after it, as a share (never contradicting it). */
function expectPercentsMatchR2(line: string): void {
  const percents = [...line.matchAll(/(\d+)%/g)];
  for (const m of percents) {
    const after = /R² (−?\d+\.\d+)/.exec(line.slice(m.index));
    expect(after, line).not.toBeNull();
    const r2 = Number(after![1].replace('−', '-'));
    expect(Number(m[1]), line).toBe(Math.round(Math.max(0, Math.min(1, r2)) * 100));
  }
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

  it('one row per varying hyperparameter, ranked by held-out importance; constants listed apart', () => {
    const p = section(model, 'parameters');
    expect(p.measure).toBe('permutation');
    expect(p.rows.map((r) => r.name).sort()).toEqual([
      'batch_norm',
      'dropout',
      'learning_rate',
      'momentum',
      'optimizer',
    ]);
    const perm = new Map(analysis.insights!.permutation.map((x) => [x.parameter, x.mean]));
    for (const r of p.rows) {
      expect(r.measure).toBe(perm.get(r.name));
      expect(r.importance).toBe(analysis.result.parameter_importances[r.name]);
      expect(r.constant).toBe(false);
    }
    const measures = p.rows.map((r) => r.measure);
    expect(measures).toEqual([...measures].sort((a, b) => b - a));
    expect(p.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(p.rows.map((r) => r.name)).toEqual([
      'optimizer',
      'learning_rate',
      'dropout',
      'batch_norm',
      'momentum',
    ]);
    expect(p.dropped).toEqual(['warmup']);
    expect(p.constant).toEqual([{ name: 'layers', value: '2' }]);
    expect(p.notes.join(' ')).toMatch(/Constant parameters .* not ranked/);
  });

  it('tables: the compact ranking, every statistic, the levels (final text cells)', () => {
    const p = section(model, 'parameters');
    // main: one row per `rows`, in order, with the measure ± half its interval and a ✓ where it matters
    expect(p.main.header).toEqual(['#', 'parameter', 'held-out importance', 'r', 'matters']);
    expect(p.main.align).toHaveLength(p.main.header.length);
    expect(p.main.rows.map((r) => r[1])).toEqual(p.rows.map((r) => r.name));
    expect(p.main.rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(p.main.rows[0][2]).toMatch(/^0\.238 ± 0\.030 █+$/);
    expect(p.main.rows[0][3]).toBe('+0.65 (adam)');
    expect(p.main.rows.map((r) => r[4])).toEqual(
      p.rows.map((r) => (analysis.summary.top.includes(r.name) ? '✓' : '')),
    );
    expect(p.main.rows.map((r) => r[4])).toEqual(['✓', '✓', '✓', '', '']);
    for (const row of p.main.rows) for (const cell of row) expect(typeof cell).toBe('string');
    // stats: the notebook's importance beside the regression with an intercept
    expect(p.stats.header).toEqual([
      'parameter',
      'kind',
      'notebook importance',
      'held-out [95%]',
      'coef. per SD',
      'p',
      'set in',
    ]);
    expect(p.stats.rows.map((r) => r[0])).toEqual(p.rows.map((r) => r.name));
    const lr = p.stats.rows[1];
    expect(lr).toEqual([
      'learning_rate',
      'numeric, log',
      '0.199',
      '0.080 [0.050 … 0.110]',
      '−0.0129',
      '0.006',
      '60/60',
    ]);
    expect(p.stats.rows[0].slice(4, 6)).toEqual(['per level (vs adam)', '–']);
    expect(p.stats.rows.at(-1)!.at(-1)).toBe('20/60');
    // levels: every level of every categorical, the reference marked
    expect(p.levels.rows).toEqual([
      ['optimizer', 'adam', '18', '+0.65', 'reference', '–'],
      ['optimizer', 'rmsprop', '22', '−0.36', '−0.0108', '0.014'],
      ['optimizer', 'sgd', '20', '−0.26', '−0.00788', '0.043'],
    ]);
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

  it('headline: warnings, at most three verdict lines, tone, best run, gates', () => {
    const h = model.headline;
    expect(h.warnings).toEqual([]);
    expect(h.verdict).toEqual(analysis.summary.verdict);
    expect(h.verdict.length).toBeLessThanOrEqual(3);
    // one reading of the R², both numbers shown, the percentage the R² it sits beside
    expect(h.verdict[0]).toMatch(
      /^(Once the 1 outlier run is set aside, t|T)he hyperparameters predict about \d+% of the variation of accuracy on held-out runs/,
    );
    expect(h.verdict[0]).toContain('0.40');
    expect(h.verdict[0]).toContain('0.45');
    expect(h.verdict[0]).toContain('1 outlier run');
    expectPercentsMatchR2(h.verdict[0]);
    expect(h.verdict[1]).toBe(
      'What matters (held-out permutation importance, 95% interval above 0): optimizer, learning_rate, dropout.',
    );
    expect(h.verdict[2]).toMatch(/^Try next: /);
    expect(h.tone).toBe('predicts');
    expect(analysis.summary.rankedBy).toBe('permutation');
    expect(analysis.summary.top).toEqual(['optimizer', 'learning_rate', 'dropout']);
    // impurity and held-out rankings agree here
    expect(h.disagreement).toBeNull();
    expect(h.best).toEqual({
      value: analysis.best.value,
      who: `at row ${analysis.best.row + 1} (${analysis.best.name})`,
      ties: null,
    });
    expect(h.best!.who).toBe('at row 26 (run-25)');
    expect(h.gates).toEqual({ passed: 0, failed: 2 });
  });

  it('tone and verdict when nothing is predicted, on a constant target, few runs, id-like params', () => {
    const wideAnalysisNow = wideAnalysis();
    const wide = buildReportModel(wideAnalysisNow);
    expect(wide.headline.tone).toBe('nothing');
    expect(wide.headline.verdict).toHaveLength(2);
    expect(wide.headline.verdict[0]).toMatch(
      /^The hyperparameters do not predict loss_1_minus_balanced_accuracy: cross-validated R² −0\.4[16]/,
    );
    expect(wide.headline.verdict[0]).toContain('−0.41');
    expect(wide.headline.verdict[0]).toContain('−0.46');
    expect(wide.headline.verdict[0]).not.toContain('%');
    expect(wide.headline.verdict[1]).toBe(
      'No hyperparameter can be said to matter: read the importances below as noise, not as effects.',
    );
    expect(wideAnalysisNow.summary.rankedBy).toBe('none');
    expect(wideAnalysisNow.summary.top).toEqual([]);
    expect(wide.headline.disagreement).toBeNull();
    expect(wide.sections.map((s) => s.kind)).not.toContain('charts');
    // nothing matters: no ✓ in the table, though it is still ranked by the held-out measure
    const p = section(wide, 'parameters');
    expect(p.rows.every((r) => r.permutation?.matters === false)).toBe(true);
    expect(p.main.rows.every((r) => r[4] === '')).toBe(true);

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
    expect(constant.headline.verdict).toEqual([
      'y has the same value in every run used: there is nothing to predict.',
    ]);
    expect(constant.headline.tone).toBe('unmeasured');
    const w = constant.headline.warnings.join('\n');
    expect(w).toMatch(/run_id has a different value in most runs/);
    // a constant target says so in the verdict; "only 4 runs" would add nothing
    expect(w).not.toMatch(/Only 4 runs/);
    expect(section(constant, 'parameters').idLike).toEqual(['run_id']);

    const few = buildReportModel(
      makeAnalysis({
        target: 'y',
        goal: 'maximize',
        y: [1, 2, 3, 4],
        params: [{ name: 'a', kind: 'numeric', values: [1, 2, 3, 4] }],
        insights: false,
      }),
    );
    expect(few.headline.warnings).toEqual(['Only 4 runs were used: read every number here as anecdotal.']);
  });

  it('the best run: named by row, name and id; ties and shared names said', () => {
    const y = [0.5, 0.9, 0.7, 0.9, 0.1, 0.9, 0.3, 0.2, 0.4, 0.6, 0.8, 0.05];
    const a = makeAnalysis({
      target: 'acc',
      goal: 'maximize',
      y,
      params: [{ name: 'x', kind: 'numeric', values: y.map((_, i) => i) }],
      runNames: y.map((_, i) => (i % 3 === 1 ? 'run_1' : `other-${i}`)),
      insights: false,
    });
    const m = buildReportModel(a);
    // the first of the three tied runs, in row order: row 2, whose name four rows share
    expect(m.headline.best!.who).toBe('at row 2 (run_1, a name 4 runs share)');
    expect(m.headline.best!.ties).toMatch(/^3 runs tie at this value \(the metric’s ceiling\?\): /);
    expect(section(m, 'best')).toMatchObject({ who: m.headline.best!.who, ties: m.headline.best!.ties });
    const two = makeAnalysis({
      target: 'acc',
      goal: 'maximize',
      y: [1, 3, 2, 3],
      params: [{ name: 'x', kind: 'numeric', values: [1, 2, 3, 4] }],
      insights: false,
    });
    const ties = buildReportModel(two).headline.best!.ties!;
    expect(ties).toMatch(/^2 runs tie at this value: /);
    expect(ties).not.toContain('ceiling');
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
    const m = buildReportModel(a);
    const r = section(m, 'runs');
    expect(r.sentences).toEqual([
      '17 runs read from runs.csv.',
      '3 removed by --where “x > 0”.',
      '2 skipped: no finite value of acc.',
      '12 used.',
      // the W&B states are one sentence, sorted by state
      'W&B run states: crashed 3, finished 12, running 1.',
    ]);
    // 2 of 14 runs without a target is more than 3%: said first
    expect(m.headline.warnings[0]).toMatch(
      /^2 of 14 runs \(14%\) have no finite value of acc and were left out: the analysis covers only/,
    );
    expect(m.title.sweep).toMatchObject({
      label: 'acme/mnist/abc123',
      url: 'https://wandb.ai/acme/mnist/sweeps/abc123',
    });
  });

  it('best run: value, name, link and the hyperparameters it set', () => {
    const b = section(model, 'best');
    expect(b.value).toBe(analysis.best.value);
    expect(b.who).toBe(`at row ${analysis.best.row + 1} (${analysis.best.name})`);
    expect(b.ties).toBeNull();
    expect(b.url).toBeNull();
    expect(b.params.header).toEqual(['parameter', 'value']);
    const setNames = b.params.rows.map((r) => r[0]);
    expect([...setNames, ...b.unset].sort()).toEqual([
      'batch_norm',
      'dropout',
      'layers',
      'learning_rate',
      'momentum',
      'optimizer',
    ]);
    expect(b.unset).toEqual(['momentum']); // the best run is an adam run: no momentum
    for (const [name, cell] of b.params.rows) {
      const v = analysis.best.params[name];
      if (typeof v === 'number') expect(Number(cell)).toBeCloseTo(v, 6);
      else expect(cell).toBe(String(v));
    }
    const withUrl = section(buildReportModel(smallAnalysis({ sweep: true })), 'best');
    expect(withUrl.url).toMatch(/^https:\/\/wandb\.ai\/acme\/mnist\/runs\/r\d+$/);
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
    expect(q.facts).toEqual([
      'Cross-validated R² (5 folds): 0.400 (folds 0.30, 0.45, 0.40, 0.50, 0.35)',
      'Without the 1 outlier runs: 0.450',
      'Verdict: predicts part of the target (held-out R² above 0.05 is needed)',
      'Linear fit (OLS with an intercept) R², in sample: 0.350',
    ]);
    expect(q.sentences.join(' ')).toMatch(
      /^1 run is an outlier of the target .*the verdict is read without them\./,
    );
    const outlier = analysis.insights!.outliers[0];
    expect(q.outliers.header).toEqual(['row', 'run', 'value', 'robust z']);
    expect(q.outliers.rows).toHaveLength(1);
    expect(q.outliers.rows[0][0]).toBe(String(outlier.row + 1));
    expect(q.outliers.rows[0][1]).toBe(`run-${outlier.row}`);
    expect(q.outliers.rows[0][3]).toBe('−4.2');
    const adv = section(model, 'advice');
    expect(adv.bestCount).toBe(analysis.insights!.bestCount);
    expect(adv.rows.filter((r) => r.matters).map((r) => r.parameter)).toEqual(analysis.summary.top);
    expect(adv.rows[0].matters).toBe(true);
    const inter = section(model, 'interactions');
    expect(inter.table.header).toEqual(['parameter', 'with', 'strength', 'reading']);
    expect(inter.table.rows[0]).toEqual([
      'learning_rate',
      'dropout',
      '0.31',
      'learning_rate matters mostly when dropout is high',
    ]);
    expect(inter.table.rows.map((r) => r[2])).toEqual(['0.31', '0.12']);
    expect(section(model, 'next-sweep').text).toBe(analysis.insights!.nextSweep!.yaml);
    expect(section(model, 'next-sweep').format).toBe('yaml');
    expect(section(model, 'next-sweep').heading).toBe('Next sweep (W&B config)');
  });

  it("an Optuna study's next step is its distributions (JSON), in the report as in the --next-sweep file", () => {
    const distributions = {
      lr: { name: 'FloatDistribution', attributes: { low: 0.001, high: 0.01, log: true, step: null } },
    };
    const json = JSON.stringify(distributions, null, 2) + '\n';
    const analysis = { ...smallAnalysis(), nextStudy: { distributions, json } };
    const model = buildReportModel(analysis);
    const next = section(model, 'next-sweep');
    expect(next.heading).toBe('Next study (Optuna distributions)');
    expect(next.format).toBe('json');
    expect(next.text).toBe(json);
    const md = renderMarkdown(model, { maxChars: 65536, charts: 'none' });
    expect(md).toContain('### Next study (Optuna distributions)');
    // the fold's summary is HTML: no Markdown escapes that would show as backslashes
    expect(md).toContain(
      '<summary>Optuna distributions (JSON, for optuna.distributions.json_to_distribution)',
    );
    expect(md).toContain('```json\n' + json);
    expect(md).not.toContain('Next sweep (W&B config)');
  });

  it('without insights: no permutation, advice, interactions or next sweep; quality from cv_r2', () => {
    const m = buildReportModel(smallAnalysis({ insights: false }));
    expect(section(m, 'parameters').hasPermutation).toBe(false);
    const kinds = m.sections.map((s) => s.kind);
    expect(kinds).not.toContain('advice');
    expect(kinds).not.toContain('interactions');
    expect(kinds).not.toContain('next-sweep');
    const q = section(m, 'quality');
    expect(q.facts[0]).toBe('Cross-validated R² (5 folds): 0.400 (folds 0.30, 0.45, 0.40, 0.50, 0.35)');
    expect(q.facts.join(' ')).not.toMatch(/Verdict|outlier/);
    expect(q.outliers.rows).toEqual([]);
    // ranked by the notebook's importance, and the verdict says it was not measured
    const p = section(m, 'parameters');
    expect(p.measure).toBe('importance');
    expect(p.main.header[2]).toBe('notebook importance');
    expect(p.rows.map((r) => r.measure)).toEqual(p.rows.map((r) => r.importance));
    const imp = p.rows.map((r) => r.importance);
    expect(imp).toEqual([...imp].sort((a, b) => b - a));
    expect(m.headline.tone).toBe('unmeasured');
    expect(m.headline.verdict[0]).toMatch(/^Not cross-validated \(--no-insights\)/);
    expect(m.headline.verdict[1]).toBe(
      'Largest notebook importances (impurity, not tested on held-out runs): optimizer, learning_rate, dropout.',
    );
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
