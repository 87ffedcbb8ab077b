/**
 * The design of every bundled dataset and every case CSV against the oracle (sweep_oracle.py):
 * kinds, dropped parameters, features, run counts; the design matrix bit for bit against
 * scripts/dump-designs.py's dumps (pandas typing, fillna(mean), get_dummies); a few imputed means
 * against values computed with pandas 1.5.3 (`Series.mean()` on the typed column of the kept runs).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readRunsFile } from '../src/sources/read-runs.js';
import { buildDesign, resolveParams, targetCandidates } from '../src/design/build-design.js';
import type { Design } from '../src/design/types.js';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(import.meta.dirname, 'fixtures');
const DATASETS = readdirSync(join(ROOT, 'examples'))
  .filter((d) => !d.startsWith('.'))
  .sort();
const CASES = readdirSync(join(FIX, 'cases'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.slice(0, -4))
  .sort();

interface Oracle {
  target: string;
  runs: { total: number; used: number; dropped_no_target: number };
  parameters: Record<string, string>;
  dropped_parameters: string[];
  features: string[];
}

function oracle(name: string): Oracle {
  return JSON.parse(readFileSync(join(FIX, 'oracle', `${name}.json`), 'utf8')) as Oracle;
}

function expectOracle(design: Design, o: Oracle): void {
  expect(design.target).toBe(o.target);
  expect(design.parameters.map((p) => [p.name, p.kind])).toEqual(Object.entries(o.parameters));
  expect(design.dropped).toEqual(o.dropped_parameters);
  expect(design.features).toEqual(o.features);
  expect(design.runs).toEqual({
    total: o.runs.total,
    used: o.runs.used,
    droppedNoTarget: o.runs.dropped_no_target,
  });
  expect(design.n).toBe(o.runs.used);
  expect(design.k).toBe(o.features.length);
  expect(design.X.length).toBe(design.n * design.k);
  expect(design.y.length).toBe(design.n);
  expect(design.rows.length).toBe(design.n);
}

/** Every ParameterInfo field is consistent with the design it describes. */
function expectConsistent(design: Design): void {
  const n = design.n;
  const covered = new Set<number>();
  for (const p of design.parameters) {
    for (const c of p.columns) covered.add(c);
    if (p.kind === 'empty') {
      expect(p.columns).toEqual([]);
      expect(p.present).toBe(0);
      expect(design.dropped).toContain(p.name);
      continue;
    }
    if (p.kind === 'categorical') {
      expect(p.columns.length).toBe(p.levels.length);
      expect(p.distinct).toBe(p.levels.length);
      p.levels.forEach((level, l) => expect(design.features[p.columns[l]]).toBe(`${p.name}_${level}`));
      const codes = p.codes!;
      let present = 0;
      for (let i = 0; i < n; i++) {
        if (codes[i] >= 0) present++;
        for (let l = 0; l < p.levels.length; l++) {
          expect(design.X[p.columns[l] * n + i]).toBe(codes[i] === l ? 1 : 0);
        }
      }
      expect(p.present).toBe(present);
    } else {
      expect(p.columns.length).toBe(1);
      expect(design.features[p.columns[0]]).toBe(p.name);
      const raw = p.raw!;
      const values = new Set<number>();
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(raw[i])) continue;
        values.add(raw[i]);
        expect(design.X[p.columns[0] * n + i]).toBe(raw[i]);
      }
      expect(p.distinct).toBe(values.size);
      expect(p.present).toBe([...raw].filter((v) => !Number.isNaN(v)).length);
    }
  }
  expect(covered.size).toBe(design.k);
  for (let i = 1; i < n; i++) expect(design.rows[i]).toBeGreaterThan(design.rows[i - 1]);
}

/** The imputed mean of a column: the value in X where raw is missing. */
function imputed(design: Design, name: string): number {
  const p = design.parameters.find((q) => q.name === name)!;
  const i = p.raw!.findIndex((v) => Number.isNaN(v));
  return design.X[p.columns[0] * design.n + i];
}

describe('the nine datasets against the oracle', () => {
  test.each(DATASETS)('%s', async (dataset) => {
    const dir = join(ROOT, 'examples', dataset);
    const target = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/)[0];
    const params = readFileSync(join(dir, 'params.txt'), 'utf8').trim().split(',');
    const table = await readRunsFile(join(dir, 'runs.csv'));
    const design = buildDesign(table, { target, params: resolveParams(table, params) });
    expectOracle(design, oracle(dataset));
    expectConsistent(design);
    expect(targetCandidates(table)).toContain(target);
    // the design matrix and target exactly as pandas builds them
    const dump = JSON.parse(readFileSync(join(FIX, 'forest', `${dataset}.json`), 'utf8')) as {
      features: string[];
      X: number[];
      y: number[];
    };
    expect(design.features).toEqual(dump.features);
    expect(Array.from(design.y)).toEqual(dump.y);
    let differ = 0;
    for (let i = 0; i < dump.X.length; i++) if (!Object.is(design.X[i], dump.X[i])) differ++;
    expect(differ).toBe(0);
  });
});

describe('the case CSVs against the oracle', () => {
  test.each(CASES)('%s', async (name) => {
    const [target, params] = readFileSync(join(FIX, 'cases', `${name}.args`), 'utf8').split('\n');
    const table = await readRunsFile(join(FIX, 'cases', `${name}.csv`));
    const design = buildDesign(table, { target, params: params.split(',') });
    expectOracle(design, oracle(`case-${name}`));
    expectConsistent(design);
  });
});

// pandas 1.5.3: Series.mean() of the typed column over the kept runs (NaN skipped), repr'd.
const PANDAS_MEANS: [string, string, number, number][] = [
  ['examples/autosklearn-wide', 'classifier:adaboost:learning_rate', 0.2898108932058861, 12],
  ['examples/autosklearn-wide', 'classifier:adaboost:n_estimators', 296.9166666666667, 12],
  ['examples/cave-sklearn-mlp', 'beta_1', 0.415445818108887, 202],
  ['examples/cave-sklearn-mlp', 'beta_2', 0.8774380360479567, 202],
  ['examples/eeg-tcn-bohb', 'lr_scheduler_tmult', 2.835657370517928, 2008],
  ['examples/hpbandster-mnist-cnn', 'sgd_momentum', 0.5967991803456387, 54],
  ['examples/hpbandster-mnist-cnn', 'num_filters_3', 22.04, 25],
  ['examples/mnist-pytorch', 'num_neurons_layer1', 53.539579967689825, 1238],
  ['examples/mnist-pytorch', 'num_neurons_layer2', 52.47415185783522, 1238],
  ['cases/inf-and-na', 'x', 5.651538461538461, 13],
  ['cases/mixed-kinds', 'flag', 0.7, 20],
];

describe('imputed means equal pandas', () => {
  test.each(PANDAS_MEANS)('%s %s', async (where, column, mean, present) => {
    let file: string;
    let target: string;
    let params: string[];
    if (where.startsWith('examples/')) {
      file = join(ROOT, where, 'runs.csv');
      target = readFileSync(join(ROOT, where, 'target.txt'), 'utf8')
        .trim()
        .split(/\s+/)[0];
      params = readFileSync(join(ROOT, where, 'params.txt'), 'utf8')
        .trim()
        .split(',');
    } else {
      file = join(FIX, `${where}.csv`);
      const args = readFileSync(join(FIX, `${where}.args`), 'utf8').split('\n');
      target = args[0];
      params = args[1].split(',');
    }
    const design = buildDesign(await readRunsFile(file), { target, params });
    expect(design.parameters.find((p) => p.name === column)!.present).toBe(present);
    expect(imputed(design, column)).toBe(mean);
  });
});

describe('loading speed', () => {
  test.each(['mnist-pytorch', 'eeg-tcn-bohb'])(
    '%s loads and designs the same design every time (timings: npm run bench)',
    async (dataset) => {
      const dir = join(ROOT, 'examples', dataset);
      const target = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/)[0];
      const params = readFileSync(join(dir, 'params.txt'), 'utf8').trim().split(',');
      await readRunsFile(join(dir, 'runs.csv')); // warm up the JIT
      const first = buildDesign(await readRunsFile(join(dir, 'runs.csv')), { target, params });
      const again = buildDesign(await readRunsFile(join(dir, 'runs.csv')), { target, params });
      expect(first.n).toBeGreaterThan(0);
      expect(Buffer.from(again.X.buffer).equals(Buffer.from(first.X.buffer))).toBe(true);
    },
  );
});
