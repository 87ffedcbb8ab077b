import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFeatureMatrix } from '../src/forest/forest.js';
import { crossValidatedR2, crossValidatedR2Async, kFoldSplits, r2Score } from '../src/insights/cv-r2.js';

describe('kFoldSplits', () => {
  it('splits like KFold(5, shuffle=True, random_state=0)', () => {
    // sklearn 1.2.1: [list(t) for _, t in KFold(5, shuffle=True, random_state=0).split(range(12))]
    const splits = kFoldSplits(12, 5, 0);
    expect(splits.map((s) => Array.from(s.test))).toEqual([
      [4, 6, 11],
      [2, 8, 10],
      [1, 7],
      [3, 9],
      [0, 5],
    ]);
    for (const s of splits) {
      const all = [...s.train, ...s.test].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(Array.from(s.train)).toEqual([...s.train].sort((a, b) => a - b));
    }
    expect(splits.map((s) => s.test.length)).toEqual([3, 3, 2, 2, 2]);
  });

  it('refuses more folds than samples', () => {
    expect(() => kFoldSplits(3, 5, 0)).toThrow(RangeError);
  });
});

describe('r2Score', () => {
  it('follows sklearn, including a constant truth', () => {
    expect(r2Score(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3))).toBe(1);
    expect(r2Score(Float64Array.of(1, 2, 3), Float64Array.of(2, 2, 2))).toBe(0);
    expect(r2Score(Float64Array.of(1, 2, 3), Float64Array.of(3, 2, 1))).toBe(-3);
    expect(r2Score(Float64Array.of(5, 5), Float64Array.of(5, 5))).toBe(1);
    expect(r2Score(Float64Array.of(5, 5), Float64Array.of(5, 6))).toBe(0);
  });
});

describe('crossValidatedR2', () => {
  it('is null under 10 runs', () => {
    const X = toFeatureMatrix(
      Float64Array.from({ length: 9 }, (_, i) => i),
      9,
      1,
    );
    expect(
      crossValidatedR2(
        X,
        Float64Array.from({ length: 9 }, (_, i) => i * i),
        { trees: 5, seed: 0 },
      ),
    ).toBeNull();
  });
});

describe('crossValidatedR2 vs sklearn cross_val_score', () => {
  // scripts/oracle/dump_trees.py: cross_val_score(ExtraTreesRegressor(10, random_state=4), ...)
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/forest/sklearn-trees.json', import.meta.url), 'utf8'),
  ) as {
    cases: {
      n: number;
      k: number;
      X: number[];
      y: number[];
      cv_r2: number[];
      cv_r2_rows: number[];
      cv_r2_subset: number[];
    }[];
  };
  const c = fixture.cases[0];
  const X = toFeatureMatrix(Float64Array.from(c.X), c.n, c.k);
  const y = Float64Array.from(c.y);

  it('matches on all rows', () => {
    const cv = crossValidatedR2(X, y, { trees: 10, seed: 4 })!;
    cv.folds.forEach((v, i) => expect(Math.abs(v - c.cv_r2[i])).toBeLessThanOrEqual(1e-12));
    expect(Math.abs(cv.mean - c.cv_r2.reduce((a, b) => a + b) / 5)).toBeLessThanOrEqual(1e-12);
  });

  it('matches on a subset of rows (CV over X[rows], y[rows])', () => {
    const cv = crossValidatedR2(X, y, { trees: 10, seed: 4 }, Int32Array.from(c.cv_r2_rows))!;
    cv.folds.forEach((v, i) => expect(Math.abs(v - c.cv_r2_subset[i])).toBeLessThanOrEqual(1e-12));
  });
});

describe('crossValidatedR2Async', () => {
  it('equals the synchronous result', async () => {
    const n = 40;
    const X = toFeatureMatrix(
      Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(i)),
      n,
      2,
    );
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3 + (i % 3));
    const a = await crossValidatedR2Async(X, y, { trees: 6, seed: 2, threads: 2 });
    expect(a).toEqual(crossValidatedR2(X, y, { trees: 6, seed: 2 }));
  });
});
