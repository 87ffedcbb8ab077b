import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../src/design/build-design.js';
import type { Design } from '../src/design/types.js';
import { exitCodeOf, UsageError } from '../src/errors.js';
import {
  analyseFidelity,
  computeFidelity,
  detectFidelity,
  FIDELITY_MIN_RUNS,
  spearman,
  subDesign,
} from '../src/insights/fidelity.js';
import { parseCommandLine } from '../src/cli/args.js';
import { readInputs } from '../src/action/inputs.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { designFromColumns, type Value } from './fixtures/insights/design.js';

/** A deterministic pseudo-random stream (Park–Miller). */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

function simple(params: Record<string, Value[]>): Design {
  const n = Object.values(params)[0].length;
  return designFromColumns(
    'y',
    Array.from({ length: n }, (_, i) => i % 7),
    params,
  );
}

describe('detectFidelity', () => {
  const base = {
    lr: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    opt: ['a', 'b', 'a', 'b', 'a', 'b'],
  };

  it('recognises a budget column by name, whole or last dotted segment, numeric with 2+ values', () => {
    expect(detectFidelity(simple({ ...base, Budget: [1, 1, 3, 3, 9, 9] }))).toEqual({
      column: 'Budget',
      how: 'name',
      note: null,
    });
    expect(detectFidelity(simple({ ...base, 'trainer.max_epochs': [1, 1, 3, 3, 9, 9] })).column).toBe(
      'trainer.max_epochs',
    );
    // one value: not a budget that varies; a categorical "epochs": not numeric
    expect(detectFidelity(simple({ ...base, epochs: [5, 5, 5, 5, 5, 5] })).column).toBeNull();
    expect(detectFidelity(simple({ ...base, epochs: ['a', 'b', 'a', 'b', 'a', 'b'] })).column).toBeNull();
    // not a fidelity name
    expect(detectFidelity(simple({ ...base, epochs_per_cycle: [1, 1, 3, 3, 9, 9] })).column).toBeNull();
    // two candidates: the first in FIDELITY_NAMES order
    expect(
      detectFidelity(simple({ ...base, steps: [1, 2, 3, 4, 5, 6], budget: [1, 1, 3, 3, 9, 9] })).column,
    ).toBe('budget');
  });

  it('--fidelity names the column, --fidelity none turns detection off', () => {
    const d = simple({ ...base, budget: [1, 1, 3, 3, 9, 9] });
    expect(detectFidelity(d, { flag: 'lr' })).toEqual({ column: 'lr', how: 'flag', note: null });
    expect(detectFidelity(d, { flag: 'none' })).toEqual({ column: null, how: null, note: null });
    expect(detectFidelity(d, { flag: 'budget' }).how).toBe('flag');
  });

  it('refuses a --fidelity that is not a numeric hyperparameter (exit 2, one line)', () => {
    const d = simple({ ...base, budget: [1, 1, 3, 3, 9, 9] });
    for (const flag of ['nope', 'opt']) {
      let err: unknown;
      try {
        detectFidelity(d, { flag });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect(exitCodeOf(err)).toBe(2);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(new RegExp(`^--fidelity ${flag} `));
      expect(message).toContain('lr, budget');
    }
  });

  it("a W&B sweep's early_terminate: the budget column, or a note when there is none", () => {
    const sweepConfig = { method: 'bayes', early_terminate: { type: 'hyperband', min_iter: 3 } };
    expect(detectFidelity(simple({ ...base, epoch: [1, 1, 3, 3, 9, 9] }), { sweepConfig })).toEqual({
      column: 'epoch',
      how: 'early_terminate',
      note: null,
    });
    const none = detectFidelity(simple(base), { sweepConfig });
    expect(none.column).toBeNull();
    expect(none.note).toMatch(/early_terminate: hyperband.*different lengths/);
    expect(detectFidelity(simple(base), { sweepConfig: { method: 'bayes' } })).toEqual({
      column: null,
      how: null,
      note: null,
    });
  });
});

describe('--fidelity and the fidelity input', () => {
  it('parse into the options', () => {
    const cmd = parseCommandLine(['analyze', '--runs', 'r.csv', '--fidelity', 'budget']);
    expect(cmd.kind === 'analyze' && cmd.options.fidelity).toBe('budget');
    const off = parseCommandLine(['analyze', '--runs', 'r.csv']);
    expect(off.kind === 'analyze' && off.options.fidelity).toBeUndefined();
    expect(() => parseCommandLine(['analyze', '--runs', 'r.csv', '--fidelity', ' '])).toThrow(UsageError);
    const context = {
      eventName: 'push',
      payload: {},
      owner: 'o',
      repo: 'r',
      apiUrl: 'https://api.github.com',
      graphqlUrl: undefined,
      tempDir: undefined,
    };
    const get = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
    const read = (inputs: Record<string, string>) =>
      (readInputs(get(inputs), context, {}).analysis as { fidelity?: string }).fidelity;
    expect(read({ 'runs-file': 'r.csv', fidelity: 'none' })).toBe('none');
    expect(read({ 'runs-file': 'r.csv' })).toBeUndefined();
  });
});

describe('subDesign', () => {
  it('keeps the rows, drops the parameter, re-indexes the columns', () => {
    const d = designFromColumns('y', [1, 2, 3, 4, 5], {
      budget: [1, 3, 1, 3, 3],
      lr: [0.1, 0.2, null, 0.4, 0.5],
      opt: ['a', 'b', 'c', 'a', 'b'],
      only1: [7, null, 8, null, null],
    });
    const s = subDesign(d, Int32Array.from([1, 3, 4]), 'budget');
    expect(s.n).toBe(3);
    expect(Array.from(s.y)).toEqual([2, 4, 5]);
    expect(Array.from(s.rows)).toEqual([1, 3, 4]);
    expect(s.parameters.map((p) => p.name)).toEqual(['lr', 'opt', 'only1']);
    expect(s.dropped).toEqual(['only1']);
    expect(s.features).toEqual(['lr', 'opt_a', 'opt_b', 'opt_c']);
    expect(s.k).toBe(4);
    expect(Array.from(s.X.subarray(0, 3))).toEqual([0.2, 0.4, 0.5]);
    expect(Array.from(s.X.subarray(3 * 3, 4 * 3))).toEqual([0, 0, 0]); // opt_c: no such run left
    const opt = s.parameters.find((p) => p.name === 'opt')!;
    expect(opt.columns).toEqual([1, 2, 3]);
    expect(opt.distinct).toBe(2);
    expect(s.parameters.find((p) => p.name === 'only1')!.kind).toBe('empty');
  });
});

describe('spearman', () => {
  it('is the correlation of average ranks', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).statistic = 0.9486832980505138
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

/**
 * Successive halving: 150 configurations at budget 1, the best 80 go on to 3, 50 to 9, 30 to 27, 5
 * to 81. The target grows with the budget; x2 matters at low budgets, x1 at high ones; x3 is noise.
 */
function bohbLike(): Design {
  const u = stream(42);
  const configs = Array.from({ length: 150 }, () => ({
    x1: u(),
    x2: u(),
    x3: u(),
    opt: u() < 0.5 ? 'adam' : 'sgd',
  }));
  const budgets = [1, 3, 9, 27, 81];
  const keepAt = [150, 80, 50, 30, 5];
  const rows: { budget: number; c: (typeof configs)[number]; y: number }[] = [];
  let alive = configs;
  budgets.forEach((b, l) => {
    alive = alive.slice(0, keepAt[l]);
    const w = Math.log(b) / Math.log(81);
    const scored = alive.map((c) => ({
      budget: b,
      c,
      y: 0.5 * w + w * c.x1 + 0.3 * (1 - w) * c.x2 + 0.01 * (u() - 0.5),
    }));
    rows.push(...scored);
    alive = [...scored].sort((p, q) => q.y - p.y).map((s) => s.c);
  });
  return designFromColumns(
    'accuracy',
    rows.map((r) => r.y),
    {
      budget: rows.map((r) => r.budget),
      x1: rows.map((r) => r.c.x1),
      x2: rows.map((r) => r.c.x2),
      x3: rows.map((r) => r.c.x3),
      opt: rows.map((r) => r.c.opt),
    },
  );
}

describe('analyseFidelity on a BOHB-like sweep', async () => {
  const design = bohbLike();
  const found = detectFidelity(design);
  const fid = await analyseFidelity(design, found.column!, { trees: 100, seed: 0, detectedBy: found.how });

  it('recognises the budget and reads the highest budget with 20+ runs', () => {
    expect(found).toEqual({ column: 'budget', how: 'name', note: null });
    expect(fid.column).toBe('budget');
    expect(fid.detected_by).toBe('name');
    expect(fid.levels).toEqual([
      { value: 1, runs: 150 },
      { value: 3, runs: 80 },
      { value: 9, runs: 50 },
      { value: 27, runs: 30 },
      { value: 81, runs: 5 },
    ]);
    expect(fid.min_runs).toBe(FIDELITY_MIN_RUNS);
    expect(fid.highest).toEqual({ value: 27, runs: 30 });
  });

  it('ranks x1 first at that budget, without the budget', () => {
    expect(fid.quality!.cv_r2_folds!.length).toBe(5);
    expect(fid.quality!.explains_nothing).toBe(false);
    expect(fid.quality!.effective_r2!).toBeGreaterThan(0.3);
    expect(fid.ranking.map((r) => r.parameter)).not.toContain('budget');
    expect(fid.ranking.map((r) => r.parameter).sort()).toEqual(['opt', 'x1', 'x2', 'x3']);
    expect(fid.ranking[0].parameter).toBe('x1');
    expect(fid.ranking[0].matters).toBe(true);
    expect(fid.ranking[0].low).toBeGreaterThan(0);
  });

  it('measures the rank agreement of adjacent budgets', () => {
    expect(fid.rank_agreement.map((r) => [r.lower, r.higher, r.configurations])).toEqual([
      [1, 3, 80],
      [3, 9, 50],
      [9, 27, 30],
      [27, 81, 5],
    ]);
    for (const r of fid.rank_agreement) expect(r.spearman!).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(fid))).toEqual(fid);
  });

  it('the threaded forest gives the same reading', async () => {
    expect(
      await analyseFidelity(design, 'budget', { trees: 100, seed: 0, threads: 2, detectedBy: 'name' }),
    ).toEqual(fid);
  });

  it('no budget with 20 runs: no highest, no quality, no ranking', async () => {
    const budget = design.parameters.find((p) => p.name === 'budget')!.raw!;
    const seen = new Map<number, number>();
    const rows = Int32Array.from({ length: design.n }, (_, i) => i).filter((i) => {
      seen.set(budget[i], (seen.get(budget[i]) ?? 0) + 1);
      return seen.get(budget[i])! < FIDELITY_MIN_RUNS;
    });
    const few = await analyseFidelity(subDesign(design, rows, null), 'budget', {
      trees: 10,
      seed: 0,
    });
    expect(few.levels.every((l) => l.runs < FIDELITY_MIN_RUNS)).toBe(true);
    expect(few.highest).toBeNull();
    expect(few.quality).toBeNull();
    expect(few.ranking).toEqual([]);
  });
});

async function example(name: string): Promise<Design> {
  const dir = new URL(`../examples/${name}/`, import.meta.url);
  const table = await readRunsFile(new URL('runs.csv', dir).pathname);
  const params = readFileSync(new URL('params.txt', dir), 'utf8').trim().split(',');
  const [target] = readFileSync(new URL('target.txt', dir), 'utf8').trim().split(/\s+/);
  return buildDesign(table, { target, params });
}

describe('the bundled BOHB examples', () => {
  it('hpbandster-mnist-cnn: epochs 1, 3, 9; read at 9', async () => {
    const design = await example('hpbandster-mnist-cnn');
    const fid = await computeFidelity(design, { trees: 250, seed: 0 });
    expect(fid).not.toBeNull();
    expect(fid!.column).toBe('epochs');
    const f = fid as Awaited<ReturnType<typeof analyseFidelity>>;
    expect(f.detected_by).toBe('name');
    expect(f.levels).toEqual([
      { value: 1, runs: 54 },
      { value: 3, runs: 33 },
      { value: 9, runs: 26 },
    ]);
    expect(f.highest).toEqual({ value: 9, runs: 26 });
    expect(f.ranking.map((r) => r.parameter)).not.toContain('epochs');
    // the same hyperparameters at both budgets: as hpbandster's config_id pairs them (scipy spearmanr)
    expect(f.rank_agreement.map((r) => r.configurations)).toEqual([18, 11]);
    expect(f.rank_agreement[0].spearman!).toBeCloseTo(0.9028930437711759, 12);
    expect(f.rank_agreement[1].spearman!).toBeCloseTo(0.8454545454545455, 12);
    // 26 runs at 9 epochs are too few to predict held-out ones: the verdict says so
    expect(f.quality!.explains_nothing).toBe(true);
    expect(f.ranking.every((r) => !r.matters)).toBe(true);
  });

  it('eeg-tcn-bohb: budget 1 to 81; read at 81', async () => {
    const design = await example('eeg-tcn-bohb');
    const found = detectFidelity(design);
    expect(found).toEqual({ column: 'budget', how: 'name', note: null });
    const f = await analyseFidelity(design, 'budget', { trees: 250, seed: 0, detectedBy: found.how });
    expect(f.levels.map((l) => l.value)).toEqual([1, 3, 9, 27, 81]);
    expect(f.highest).toEqual({ value: 81, runs: 150 });
    expect(f.ranking.map((r) => r.parameter)).not.toContain('budget');
    // configurations keyed by their hyperparameters, target averaged over repeats (pandas groupby + scipy)
    expect(f.rank_agreement.map((r) => r.configurations)).toEqual([626, 370, 187, 84]);
    [0.8892560404787747, 0.8376165660104914, 0.8483313085638574, 0.8418953123418043].forEach((rho, i) =>
      expect(f.rank_agreement[i].spearman!).toBeCloseTo(rho, 12),
    );
    // at 81 the budget no longer "matters": the architecture does (cv R² 0.41)
    expect(f.quality!.cv_r2!).toBeGreaterThan(0.3);
    expect(f.quality!.explains_nothing).toBe(false);
    expect(f.ranking.slice(0, 2).map((r) => r.parameter)).toEqual(['num_levels', 'kernel_size']);
    expect(f.ranking[0].matters).toBe(true);
  });
});
