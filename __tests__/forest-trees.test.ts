import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { fitExtraTrees, predictTree, toFeatureMatrix } from '../src/forest/forest.js';

// Trees dumped from scikit-learn 1.2.1 by scripts/oracle/dump_trees.py.
interface Nodes {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  n_node_samples: number[];
  impurity: number[];
  value: number[];
}
interface Case {
  name: string;
  n: number;
  k: number;
  trees: number;
  seed: number;
  X: number[];
  y: number[];
  importances: number[];
  predict: number[];
  node_counts: number[];
  nodes?: Nodes[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/forest/sklearn-trees.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

function fit(c: Case) {
  const X = toFeatureMatrix(Float64Array.from(c.X), c.n, c.k);
  return { X, forest: fitExtraTrees(X, Float64Array.from(c.y), { trees: c.trees, seed: c.seed }) };
}

describe('extra trees vs scikit-learn, node for node', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: same trees, importances and predictions`, () => {
      const { X, forest } = fit(c);
      expect(forest.trees.map((t) => t.nodeCount)).toEqual(c.node_counts);
      if (c.nodes) {
        c.nodes.forEach((want, t) => {
          const tree = forest.trees[t];
          // Structure exactly: features, float64 thresholds, children, sample counts.
          expect(Array.from(tree.feature)).toEqual(want.feature);
          expect(Array.from(tree.threshold)).toEqual(want.threshold);
          expect(Array.from(tree.left)).toEqual(want.left);
          expect(Array.from(tree.right)).toEqual(want.right);
          expect(Array.from(tree.nNodeSamples)).toEqual(want.n_node_samples);
          for (let i = 0; i < tree.nodeCount; i++) {
            expect(Math.abs(tree.impurity[i] - want.impurity[i])).toBeLessThanOrEqual(1e-12);
            expect(Math.abs(tree.value[i] - want.value[i])).toBeLessThanOrEqual(
              1e-12 * Math.abs(want.value[i]) + 1e-15,
            );
          }
        });
      }
      const imp = forest.featureImportances();
      c.importances.forEach((v, f) => expect(Math.abs(imp[f] - v)).toBeLessThanOrEqual(1e-12));
      const pred = forest.predict(X);
      c.predict.forEach((v, i) =>
        expect(Math.abs(pred[i] - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v) + 1e-15),
      );
    });
  }

  it('gives all-zero importances for a constant target and for a target scaled by 1e-9', () => {
    for (const name of ['constant y', 'y * 1e-9 (all single leaves)']) {
      const c = fixture.cases.find((x) => x.name === name)!;
      const { forest } = fit(c);
      expect(forest.trees.every((t) => t.nodeCount === 1)).toBe(true);
      expect(Array.from(forest.featureImportances())).toEqual(new Array(c.k).fill(0));
    }
  });

  it('never splits on a constant column or one whose range is below 1e-7', () => {
    const c = fixture.cases[0];
    const { forest } = fit(c);
    const imp = forest.featureImportances();
    expect(imp[3]).toBe(0);
    expect(imp[5]).toBe(0);
    for (const t of forest.trees) expect(Array.from(t.feature).filter((f) => f === 3 || f === 5)).toEqual([]);
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('fits on a subset of rows exactly as on the extracted rows, and predicts a permuted copy', () => {
    const c = fixture.cases[0];
    const { X } = fit(c);
    const y = Float64Array.from(c.y);
    const rows = Int32Array.from({ length: 50 }, (_, i) => (i * 7) % c.n);
    const a = fitExtraTrees(X, y, { trees: 5, seed: 3 }, rows);
    const subX = new Float64Array(rows.length * c.k);
    for (let j = 0; j < c.k; j++) rows.forEach((r, i) => (subX[j * rows.length + i] = c.X[j * c.n + r]));
    const b = fitExtraTrees(
      toFeatureMatrix(subX, rows.length, c.k),
      Float64Array.from(rows, (r) => y[r]),
      { trees: 5, seed: 3 },
    );
    expect(Array.from(a.featureImportances())).toEqual(Array.from(b.featureImportances()));
    // predict on the rows of the full matrix = predict on the extracted copy
    expect(Array.from(a.predict(X, rows))).toEqual(
      Array.from(b.predict(toFeatureMatrix(subX, rows.length, c.k))),
    );
    // the per-tree helper sums to the forest's prediction
    const sum = new Float64Array(rows.length);
    for (const t of a.trees) predictTree(t, X, rows).forEach((v, i) => (sum[i] += v));
    expect(Array.from(sum, (v) => v / 5)).toEqual(Array.from(a.predict(X, rows)));
  });
});

describe('input checks', () => {
  it('refuses values that are not finite as float32, as scikit-learn does', () => {
    expect(() => toFeatureMatrix(Float64Array.of(1, 2, Number.NaN, 4), 2, 2)).toThrow(InputError);
    expect(() => toFeatureMatrix(Float64Array.of(1, 2, 3, 1e39), 2, 2)).toThrow(/column 2, run 2/);
  });

  it('refuses rows outside the matrix when predicting', () => {
    const X = toFeatureMatrix(Float64Array.of(1, 2, 3, 4), 4, 1);
    const forest = fitExtraTrees(X, Float64Array.of(1, 2, 3, 4), { trees: 2, seed: 0 });
    expect(() => forest.predict(X, Int32Array.of(0, 4))).toThrow(RangeError);
    expect(Array.from(forest.predict(X))).toEqual([1, 2, 3, 4]);
  });
});
