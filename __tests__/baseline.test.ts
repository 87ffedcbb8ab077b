/**
 * Issue 14: a sweep compared with a baseline. Planted effects are found with intervals that hold
 * them; noise (the same generator, another seed) raises no alert in at least 95% of 40 repetitions; a
 * results JSON read back gives the same comparison as the baseline's runs analysed again; a baseline
 * that cannot be compared is refused with one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis, type AnalysisInput } from '../src/analysis/run-analysis.js';
import { resultsJson } from '../src/analysis/results-json.js';
import { parseRules } from '../src/gates/rules.js';
import { buildReportModel } from '../src/report/model.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { UsageError } from '../src/errors.js';
import { rng } from './fixtures/report/factory.js';
import { failure } from './helpers/failure.js';

const dir = mkdtempSync(join(tmpdir(), 'baseline-'));

interface Gen {
  seed: number;
  n?: number;
  /** Added to every run's target. */
  shift?: number;
  /** Which parameter drives the target. */
  driver?: 'x1' | 'x2';
}

/** A sweep: x1, x2, x3 uniform, opt categorical; the target driven by one parameter plus noise. */
function sweepCsv(name: string, g: Gen): string {
  const r = rng(g.seed);
  const n = g.n ?? 120;
  const lines = ['x1,x2,x3,opt,score'];
  for (let i = 0; i < n; i++) {
    const x1 = r();
    const x2 = r();
    const x3 = r();
    const opt = r() < 0.5 ? 'adam' : 'sgd';
    const driver = (g.driver ?? 'x1') === 'x1' ? x1 : x2;
    const y = 0.5 + 0.3 * driver + 0.05 * (r() - 0.5) + (g.shift ?? 0);
    lines.push(`${x1},${x2},${x3},${opt},${y}`);
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function input(runsFile: string, extra: Partial<AnalysisInput> = {}): AnalysisInput {
  return {
    runsFile,
    target: 'score',
    goal: 'maximize',
    params: ['x1', 'x2', 'x3', 'opt'],
    trees: 20,
    seed: 0,
    rules: [],
    insights: true,
    fidelity: 'none',
    ...extra,
  };
}

describe('comparison with a baseline', () => {
  it('finds a planted improvement with an interval that holds the shift', async () => {
    const base = sweepCsv('base-a', { seed: 1 });
    const head = sweepCsv('head-a', { seed: 2, shift: 0.1 });
    const a = await runAnalysis(input(head, { baseline: base }));
    const c = a.comparison!;
    expect(c.outcome).toBe('better');
    for (const m of ['top_mean', 'mean'] as const) {
      expect(c.deltas[m].low, m).toBeLessThanOrEqual(0.1);
      expect(c.deltas[m].high, m).toBeGreaterThanOrEqual(0.1);
      expect(c.deltas[m].low, m).toBeGreaterThan(0);
    }
    expect(c.distribution.cliffs_delta).toBeGreaterThan(0.5);
    expect(c.distribution.p).toBeLessThan(0.001);
    // minimizing the same numbers: the head is worse, and the deltas say so with the sign of the goal
    const min = await runAnalysis(input(head, { baseline: base, goal: 'minimize' }));
    expect(min.comparison!.outcome).toBe('worse');
    expect(min.comparison!.deltas.mean.estimate).toBeCloseTo(-c.deltas.mean.estimate, 12);
  });

  it('the same sweep against itself: no detectable change, no flagged shift', async () => {
    const path = sweepCsv('same', { seed: 3 });
    const a = await runAnalysis(input(path, { baseline: path }));
    const c = a.comparison!;
    expect(c.outcome).toBe('no detectable change');
    expect(c.deltas.mean.estimate).toBe(0);
    expect(c.importance.filter((s) => s.flagged)).toEqual([]);
    expect(c.verdict.changed).toBe(false);
    expect(a.summary.verdict.length).toBeLessThanOrEqual(3);
  });

  it('two samples of one generator raise no alert in at least 95% of 40 seeded repetitions', async () => {
    let quiet = 0;
    for (let rep = 0; rep < 40; rep++) {
      const base = sweepCsv(`noise-base-${rep}`, { seed: 100 + rep });
      const head = sweepCsv(`noise-head-${rep}`, { seed: 200 + rep });
      const c = (await runAnalysis(input(head, { baseline: base, trees: 10 }))).comparison!;
      if (c.outcome === 'no detectable change' && c.importance.every((s) => !s.flagged)) quiet++;
    }
    expect(quiet).toBeGreaterThanOrEqual(38);
  }, 300_000);

  it('flags exactly the parameters whose importance changed: x1 stops mattering, x2 starts', async () => {
    const base = sweepCsv('what-base', { seed: 5, driver: 'x1' });
    const head = sweepCsv('what-head', { seed: 6, driver: 'x2' });
    const c = (await runAnalysis(input(head, { baseline: base }))).comparison!;
    const flagged = c.importance.filter((s) => s.flagged).map((s) => s.parameter);
    expect(flagged.sort()).toEqual(['x1', 'x2']);
    expect(c.importance.find((s) => s.parameter === 'x1')!.shift!).toBeLessThan(0);
    expect(c.importance.find((s) => s.parameter === 'x2')!.shift!).toBeGreaterThan(0);
  });

  it('a results JSON read back gives the same comparison as the baseline re-analysed', async () => {
    const base = sweepCsv('json-base', { seed: 7 });
    const head = sweepCsv('json-head', { seed: 8, shift: 0.02 });
    const json = join(dir, 'base-results.json');
    writeFileSync(json, resultsJson(await runAnalysis(input(base))));
    const fromJson = (await runAnalysis(input(head, { baseline: json }))).comparison!;
    const fromRuns = (await runAnalysis(input(head, { baseline: base }))).comparison!;
    const strip = (c: typeof fromJson) => ({ ...c, baseline: '', lines: [] });
    expect(strip(fromJson)).toEqual(strip(fromRuns));
  });

  it('gates read the comparison, oriented by the goal; without a baseline they are refused up front', async () => {
    const base = sweepCsv('gate-base', { seed: 9 });
    const head = sweepCsv('gate-head', { seed: 10, shift: 0.1 });
    const rules = parseRules([
      'delta_low(top_mean) >= 0',
      'delta(best) >= -0.005',
      'delta_high(mean) > 0',
      'importance_shift(x1) <= 0.5',
    ]);
    const a = await runAnalysis(input(head, { baseline: base, rules }));
    expect(a.gates.map((g) => g.passed)).toEqual([true, true, true, true]);
    await expect(runAnalysis(input(head, { rules }))).rejects.toThrow(/--baseline/);
    await expect(
      runAnalysis(input(head, { baseline: base, rules: parseRules(['delta(median) > 0']) })),
    ).rejects.toThrow(/best, top_mean, mean/);
  });

  it('the report shows a vs-base block under the verdict and the distributions in both chart modes', async () => {
    const base = sweepCsv('report-base', { seed: 11, driver: 'x1' });
    const head = sweepCsv('report-head', { seed: 12, driver: 'x2', shift: 0.05 });
    const a = await runAnalysis(input(head, { baseline: base }));
    const model = buildReportModel(a);
    expect(model.headline.vsBase).toHaveLength(3);
    for (const charts of ['quickchart', 'mermaid'] as const) {
      const md = renderMarkdown(model, { maxChars: 65_536, charts });
      const vs = md.indexOf('**vs base:**');
      expect(md.indexOf('[!NOTE]')).toBeGreaterThanOrEqual(0);
      expect(vs).toBeGreaterThan(md.indexOf('[!NOTE]'));
      expect(vs).toBeLessThan(md.indexOf('### Hyperparameters'));
      expect(md).toContain('### Against the baseline');
      expect(md).toContain(charts === 'mermaid' ? '```mermaid' : 'quickchart.io/chart');
    }
    const json = JSON.parse(resultsJson(a));
    expect(json.comparison.outcome).toBe(a.comparison!.outcome);
    expect(json.comparison.lines).toBeUndefined();
    expect(json.target_values).toHaveLength(120);
  });

  it('refuses a baseline of another target, goal or version with one line naming what differs', async () => {
    const base = sweepCsv('bad-base', { seed: 13 });
    const head = sweepCsv('bad-head', { seed: 14 });
    const doc = JSON.parse(resultsJson(await runAnalysis(input(base))));
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['target', { ...doc, target: 'loss' }, /its target is "loss", this analysis' is "score"/],
      ['goal', { ...doc, goal: { ...doc.goal, direction: 'minimize' } }, /its goal is "minimize"/],
      ['version', { ...doc, results_version: 99 }, /results_version 99 cannot be compared/],
      ['foreign', { ...doc, engine: { name: 'other-tool' } }, /not a results JSON of sweep-insights/],
      ['old', { ...doc, target_values: undefined }, /no target_values/],
    ];
    for (const [name, bad, message] of cases) {
      const path = join(dir, `bad-${name}.json`);
      writeFileSync(path, JSON.stringify(bad));
      const err = await failure(runAnalysis(input(head, { baseline: path })));
      expect(err, name).toBeInstanceOf(UsageError);
      expect(err.message, name).toMatch(message);
      expect(err.message, name).not.toContain('\n');
    }
  });
});
