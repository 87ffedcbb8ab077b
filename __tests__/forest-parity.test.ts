import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitExtraTrees, toFeatureMatrix } from '../src/forest/forest.js';
import { crossValidatedR2 } from '../src/insights/cv-r2.js';

// Design matrices of the nine example datasets, rebuilt as the oracle builds them
// (scripts/dump-designs.py), against the oracle's importances and cv_r2 (recipe.md §7: 1e-9 absolute).
const DATASETS = [
  'autosklearn-wide',
  'cave-sklearn-mlp',
  'digits-sklearn',
  'eeg-tcn-bohb',
  'hiplot-ml1',
  'hpbandster-mnist-cnn',
  'mnist-pytorch',
  'optuna-fashionmnist',
  'random-control',
];
const TOL = 1e-9;

interface DesignFixture {
  features: string[];
  n: number;
  k: number;
  X: number[];
  y: number[];
}
interface OracleFixture {
  features: string[];
  importances: Record<string, number>;
  cv_r2: { folds: number[]; mean: number } | null;
  engine: { trees: number; seed: number };
}

const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;

describe.each(DATASETS)('%s: forest parity with scikit-learn', (ds) => {
  const d = read<DesignFixture>(`./fixtures/forest/${ds}.json`);
  const o = read<OracleFixture>(`./fixtures/oracle/${ds}.json`);
  const X = toFeatureMatrix(Float64Array.from(d.X), d.n, d.k);
  const y = Float64Array.from(d.y);
  const opts = { trees: o.engine.trees, seed: o.engine.seed };

  it('has the oracle design columns', () => {
    expect(d.features).toEqual(o.features);
  });

  it('gives the same importances for every feature', () => {
    const imp = fitExtraTrees(X, y, opts).featureImportances();
    d.features.forEach((f, j) => expect(Math.abs(imp[j] - o.importances[f]), f).toBeLessThanOrEqual(TOL));
  });

  it('gives the same cross-validated R²', () => {
    const cv = crossValidatedR2(X, y, opts);
    expect(cv === null).toBe(o.cv_r2 === null);
    if (cv && o.cv_r2) {
      expect(cv.folds.length).toBe(o.cv_r2.folds.length);
      cv.folds.forEach((v, i) => expect(Math.abs(v - o.cv_r2!.folds[i])).toBeLessThanOrEqual(TOL));
      expect(Math.abs(cv.mean - o.cv_r2.mean)).toBeLessThanOrEqual(TOL);
    }
  });
});
