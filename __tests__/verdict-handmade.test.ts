/**
 * The verdict on small hand-made runs files (issue 8): ties at the best value kept whole, the best run
 * named when its name does not identify it, runs without a target warned about up top with their
 * states, and mixed fidelities (a budget column) warned about and read apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analysis/analysis.js';
import { resultsJson } from '../src/analysis/results-json.js';
import { runAnalysis, type AnalysisInput } from '../src/analysis/run-analysis.js';
import { buildReportModel } from '../src/report/model.js';
import { renderText } from '../src/render/text.js';

const TREES = 30;
let dir: string;

/** A deterministic stream in [0, 1) (Park–Miller). */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function csv(name: string, header: string[], rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

function analyse(runsFile: string, over: Partial<AnalysisInput> = {}): Promise<Analysis> {
  return runAnalysis({ runsFile, trees: TREES, seed: 0, rules: [], insights: true, ...over });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verdict-handmade-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * `n` runs, `tied` of them at the ceiling 500 (scattered, never the first rows); the others below it
 * and distinct. Even rows are named "run_1" (a name many runs share), odd rows have their own.
 */
function tiesFile(name: string, n: number, tied: number): { path: string; tiedRows: number[] } {
  const u = stream(11 + n);
  const tiedRows = new Set<number>();
  // every other even row from row 4 on, then odd rows: scattered over the file
  for (let r = 4; tiedRows.size < tied && r < n; r += 2) tiedRows.add(r);
  for (let r = n - 1; tiedRows.size < tied; r -= 2) tiedRows.add(r);
  const rows = Array.from({ length: n }, (_, i) => {
    const x = Math.round(u() * 1000) / 1000;
    const opt = ['adam', 'sgd', 'rmsprop'][i % 3];
    const score = tiedRows.has(i) ? 500 : 100 + i * 3 + Math.round(x * 100);
    return [i % 2 === 0 ? 'run_1' : `trial-${i}`, `id${i}`, x, opt, score];
  });
  return {
    path: csv(name, ['name', 'id', 'x', 'opt', 'score'], rows),
    tiedRows: [...tiedRows].sort((a, b) => a - b),
  };
}

describe('ties at the best value', () => {
  let fewTie: Analysis;
  let fewTieRows: number[];
  let mostTie: Analysis;
  beforeAll(async () => {
    const few = tiesFile('ties-60.csv', 60, 23);
    fewTieRows = few.tiedRows;
    fewTie = await analyse(few.path, { target: 'score', goal: 'maximize', params: ['x', 'opt'] });
    const most = tiesFile('ties-40.csv', 40, 23);
    mostTie = await analyse(most.path, { target: 'score', goal: 'maximize', params: ['x', 'opt'] });
  }, 60_000);

  it('23 runs at the ceiling: all counted, all among the best, never cut by row order', () => {
    const a = fewTie;
    expect(a.best.ties).toBe(23);
    expect(a.best.value).toBe(500);
    // the first tied run in row order is the one shown
    expect(a.best.row).toBe(fewTieRows[0]);
    const json = JSON.parse(resultsJson(a));
    expect(json.best_run.ties).toBe(23);
    const model = buildReportModel(a);
    expect(model.headline.best!.ties).toMatch(/^23 runs tie at this value \(the metric’s ceiling\?\)/);
    // every tied run is among the best, though the top 10% of 60 is 6
    expect(a.insights!.bestCount).toBe(a.bestRuns.length);
    expect(a.bestRuns.length).toBe(23);
    expect([...a.bestRuns].map((i) => a.design.rows[i]).sort((x, y) => x - y)).toEqual(fewTieRows);
    expect(json.insights.best_count).toBe(23);
    // 23 of 60 is under half: the advice still reads where the best runs sit
    const advice = a.insights!.advice.flatMap((x) => x.advice).join(' ');
    expect(advice).not.toContain('cannot be told apart');
  });

  it('the best run is named by its row, and its name is said to be shared', () => {
    const a = fewTie;
    const who = buildReportModel(a).headline.best!.who;
    expect(a.best.name).toBe('run_1');
    expect(a.best.nameShared).toBe(30);
    expect(who).toBe(`at row ${fewTieRows[0] + 1} (run_1, a name 30 runs share; id id${fewTieRows[0]})`);
    const json = JSON.parse(resultsJson(a));
    expect(json.best_run).toMatchObject({ row: fewTieRows[0], name: 'run_1', name_shared_by: 30 });
    expect(renderText(buildReportModel(a), { width: 100 })).toContain('a name 30 runs share');
  });

  it('more than half of the runs tie among the best: the advice says they cannot be told apart', () => {
    const a = mostTie;
    expect(a.best.ties).toBe(23);
    expect(a.bestRuns.length).toBe(23);
    expect(a.insights!.bestCount).toBe(23);
    expect(a.insights!.advice.length).toBeGreaterThan(0);
    for (const x of a.insights!.advice) {
      expect(x.advice).toEqual([
        '23 of 40 runs tie among the best: they cannot be told apart, so there is no advice',
      ]);
      expect(x.suggested).toBeUndefined();
    }
  });

  it('a small sweep whose best five are more than half of it is not a tie', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => [i / 10, ['a', 'b'][i % 2], 10 + i]);
    const a = await analyse(csv('eight.csv', ['x', 'opt', 'acc'], rows), {
      target: 'acc',
      goal: 'maximize',
      params: ['x', 'opt'],
    });
    expect(a.best.ties).toBe(1);
    expect(a.bestRuns.length).toBe(5);
    expect(buildReportModel(a).headline.best!.ties).toBeNull();
    const advice = a.insights!.advice.flatMap((x) => x.advice).join(' ');
    expect(advice).not.toMatch(/tie|cannot be told apart/);
  });

  it('a floor when minimizing', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [i, i % 4 === 1 ? 0 : 1 + i]);
    const a = await analyse(csv('floor.csv', ['x', 'loss'], rows), {
      target: 'loss',
      goal: 'minimize',
      params: ['x'],
    });
    expect(a.best.ties).toBe(5);
    expect(buildReportModel(a).headline.best!.ties).toMatch(
      /^5 runs tie at this value \(the metric’s floor\?\)/,
    );
  });
});

describe('runs without a target', () => {
  it('30% without a target: the first warning names the count, the share and the states', async () => {
    const u = stream(5);
    const rows = Array.from({ length: 100 }, (_, i) => {
      const state = i % 10 < 2 ? 'crashed' : i % 10 === 2 ? 'running' : 'finished';
      const lr = Math.round(10 ** (-4 + 3 * u()) * 1e6) / 1e6;
      const acc =
        state === 'finished'
          ? Math.round((0.9 - 0.1 * Math.abs(Math.log10(lr) + 2.5) + 0.02 * u()) * 1e4) / 1e4
          : '';
      return [`r${i}`, state, lr, ['a', 'b'][i % 2], acc];
    });
    const a = await analyse(csv('dropped.csv', ['name', 'state', 'lr', 'opt', 'acc'], rows), {
      target: 'acc',
      goal: 'maximize',
      params: ['lr', 'opt'],
    });
    expect(a.result.runs).toMatchObject({ total: 100, used: 70, dropped_no_target: 30 });
    const first = a.summary.warnings[0];
    expect(first).toMatch(
      /^30 of 100 runs \(30%\) have no finite value of acc and were left out \(crashed 20, running 10\)/,
    );
    const model = buildReportModel(a);
    expect(model.headline.warnings[0]).toBe(first);
    expect(JSON.parse(resultsJson(a)).summary.warnings[0]).toBe(first);
    const text = renderText(model);
    expect(text.indexOf('WARNING: 30 of 100 runs (30%)')).toBeGreaterThan(0);
    expect(text.indexOf('WARNING: 30 of 100 runs (30%)')).toBeLessThan(text.indexOf('Verdict'));
  });

  it('a few runs without a target (3% or fewer) are only counted, not warned about', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [
      i % 7,
      i === 5 ? '' : 0.5 + (i % 7) / 20 + (i % 3) / 100,
    ]);
    const a = await analyse(csv('one-dropped.csv', ['x', 'acc'], rows), {
      target: 'acc',
      goal: 'maximize',
      params: ['x'],
    });
    expect(a.result.runs.dropped_no_target).toBe(1);
    expect(a.summary.warnings.join(' ')).not.toMatch(/no finite value/);
    const runs = buildReportModel(a).sections.find((s) => s.kind === 'runs')!;
    expect(runs).toMatchObject({ sentences: expect.arrayContaining(['1 skipped: no finite value of acc.']) });
  });
});

describe('mixed fidelities', () => {
  /**
   * Successive halving over budgets 1, 3, 9, 27: 80 configurations at 1, the best 40 go on to 3, 25
   * to 9, 20 to 27. The loss falls with the budget; x1 matters at every budget, x2 is noise.
   */
  function bohbFile(): string {
    const u = stream(42);
    const configs = Array.from({ length: 80 }, () => ({ x1: u(), x2: u(), opt: u() < 0.5 ? 'adam' : 'sgd' }));
    const budgets = [1, 3, 9, 27];
    const keep = [80, 40, 25, 20];
    const rows: (string | number)[][] = [];
    let alive = configs;
    budgets.forEach((b, l) => {
      alive = alive.slice(0, keep[l]);
      const scored = alive.map((c) => ({
        c,
        loss: 1 / Math.sqrt(b) + 0.5 * c.x1 + 0.01 * (u() - 0.5),
      }));
      for (const s of scored)
        rows.push([b, s.c.x1.toFixed(5), s.c.x2.toFixed(5), s.c.opt, s.loss.toFixed(6)]);
      alive = [...scored].sort((p, q) => p.loss - q.loss).map((s) => s.c);
    });
    return csv('bohb.csv', ['budget', 'x1', 'x2', 'opt', 'loss'], rows);
  }

  let path: string;
  let detected: Analysis;
  let off: Analysis;
  beforeAll(async () => {
    path = bohbFile();
    const common = { target: 'loss', goal: 'minimize' as const, params: ['budget', 'x1', 'x2', 'opt'] };
    detected = await analyse(path, common);
    off = await analyse(path, { ...common, fidelity: 'none' });
  }, 60_000);

  it('a budget column: a warning up top, the JSON reading, a fidelity section', () => {
    const warning = detected.summary.warnings.find((w) => w.startsWith('Mixed fidelities'));
    expect(warning).toBeDefined();
    expect(warning).toMatch(/^Mixed fidelities: runs were trained at 4 values of budget \(1 to 27\)/);
    expect(warning).toContain('budget = 27');
    const json = JSON.parse(resultsJson(detected));
    expect(json.fidelity.column).toBe('budget');
    expect(json.fidelity.levels).toEqual([
      { value: 1, runs: 80 },
      { value: 3, runs: 40 },
      { value: 9, runs: 25 },
      { value: 27, runs: 20 },
    ]);
    expect(json.fidelity.highest).toEqual({ value: 27, runs: 20 });
    const model = buildReportModel(detected);
    expect(model.headline.warnings).toContain(warning);
    const f = model.sections.find((s) => s.kind === 'fidelity');
    expect(f).toBeDefined();
    if (f?.kind !== 'fidelity') throw new Error('no fidelity section');
    expect(f.heading).toContain('budget');
    expect(f.sentences[0]).toBe('budget: 1 (80 runs), 3 (40 runs), 9 (25 runs), 27 (20 runs).');
    expect(f.sentences[1]).toMatch(/^At budget = 27 \(20 runs, the highest budget with at least 20\): /);
    // read at one budget, the budget itself is not ranked
    expect(f.ranking.rows.map((r) => r[1])).not.toContain('budget');
    expect(f.ranking.rows[0][1]).toBe('x1');
    expect(f.agreement.rows).toHaveLength(3);
    expect(renderText(model)).toContain('WARNING: Mixed fidelities');
  });

  it('--fidelity none: no warning, no section, fidelity null in the JSON', () => {
    expect(off.fidelity).toBeNull();
    expect(off.summary.warnings.join(' ')).not.toContain('Mixed fidelities');
    expect(JSON.parse(resultsJson(off))).toHaveProperty('fidelity', null);
    expect(buildReportModel(off).sections.map((s) => s.kind)).not.toContain('fidelity');
  });
});
