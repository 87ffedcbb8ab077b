/**
 * fitOls against statsmodels 0.13.5 on edge cases of constant detection, degrees of freedom and
 * conditioning (fixture: __tests__/fixtures/stats/make-ols-cases.py), with recipe.md §7 tolerances,
 * plus the cases with no residual degrees of freedom.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitOls } from '../src/stats/ols.js';
import { svd } from '../src/stats/svd.js';
import { compareToOracle } from './helpers/parity.js';

interface OlsCase {
  name: string;
  features: string[];
  n: number;
  k: number;
  X: number[];
  y: number[];
  ols: Record<string, unknown>;
  exact?: Record<string, number | number[]>;
}
const cases = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'stats', 'ols-cases.json'), 'utf8'),
) as OlsCase[];

const fit = (c: OlsCase) => fitOls(Float64Array.from(c.X), c.n, c.k, Float64Array.from(c.y), c.features);

describe('fitOls vs statsmodels', () => {
  for (const c of cases) {
    it(`${c.name}: every key within recipe.md §7`, () => {
      const ols = fit(c);
      const expected = { ...c.ols };
      if (c.name === 'only-constant-df-model-0') {
        // R² of a constant-only model is 0 up to rounding (statsmodels prints -2.2e-16)
        expect(Math.abs(ols.rsquared)).toBeLessThan(1e-12);
        delete expected.rsquared;
        delete expected.rsquared_adj;
      }
      if (c.exact) {
        // cond ~1e13: statsmodels (LAPACK) is ~1e-5 off; hold the engine to a 60-digit reference instead
        const e = c.exact;
        const rel = (a: number, b: number) => Math.abs(a / b - 1);
        (e.params as number[]).forEach((v, j) => expect(rel(ols.params[j], v)).toBeLessThan(1e-8));
        (e.bse as number[]).forEach((v, j) => expect(rel(ols.bse[j], v)).toBeLessThan(1e-8));
        expect(rel(ols.conditionNumber, e.condition_number as number)).toBeLessThan(1e-8);
        expect(rel(ols.omnibus.statistic, e.omnibus as number)).toBeLessThan(1e-8);
        expect(rel(ols.durbinWatson, e.durbin_watson as number)).toBeLessThan(1e-8);
        expect(rel(ols.jarqueBera.statistic, e.jarque_bera as number)).toBeLessThan(1e-8);
        for (const key of [
          'pvalues',
          'conf_int',
          'condition_number',
          'omnibus',
          'omnibus_pvalue',
          'skew',
          'kurtosis',
          'jarque_bera',
          'jarque_bera_pvalue',
          'durbin_watson',
        ])
          delete expected[key];
      }
      const mismatches = compareToOracle({ features: c.features, ols: ols.toJSON() }, { ols: expected });
      expect(mismatches).toEqual([]);
    });
  }

  it('detects the constant as statsmodels does', () => {
    const kc = Object.fromEntries(cases.map((c) => [c.name, fit(c).kConstant]));
    expect(kc).toEqual({
      'no-constant-uncentered': 0,
      'explicit-constant-2': 1,
      'zero-column-then-implicit': 0,
      'two-constant-columns': 1,
      'implicit-constant-dummies': 1,
      'only-constant-df-model-0': 1,
      'few-runs-no-omnibus': 1,
      'ill-conditioned': 1,
    });
  });
});

describe('fitOls without residual degrees of freedom', () => {
  it('n = k: exact fit, NaN standard errors, no F test, as numpy divides 0 by 0', () => {
    const sq = fitOls(Float64Array.from([1, 1, 1, 2]), 2, 2, Float64Array.from([0.5, 0.7]), ['const', 'x']);
    expect(sq.rank).toBe(2);
    expect(sq.dfResid).toBe(0);
    expect(sq.params[0]).toBeCloseTo(0.3, 12);
    expect(sq.params[1]).toBeCloseTo(0.2, 12);
    const j = sq.toJSON();
    expect(j.bse).toEqual({ const: null, x: null });
    expect(j.pvalues).toEqual({ const: null, x: null });
    expect(j.conf_int.x).toEqual([null, null]);
    expect(j.fvalue).toBeNull();
    expect(j.f_pvalue).toBeNull();
    expect(j.omnibus).toBeNull();
    expect(j.df_model).toBe(1);
    expect(j.rsquared).toBeCloseTo(1, 12);
  });

  it('n < k: minimum-norm solution, rank n', () => {
    // 2 runs, 3 columns: const, a, b with b = 2a
    const X = Float64Array.from([1, 1, 1, 2, 2, 4]);
    const ols = fitOls(X, 2, 3, Float64Array.from([1, 3]), ['const', 'a', 'b']);
    expect(ols.rank).toBe(2);
    expect(ols.matrixRank).toBe(2);
    expect(ols.dfResid).toBe(0);
    // min-norm: y = c + a·p1 + 2a·p2 fits exactly with the smallest ‖(c, p1, p2)‖
    const fitted = [0, 1].map((i) => ols.params[0] + X[2 + i] * ols.params[1] + X[4 + i] * ols.params[2]);
    expect(fitted[0]).toBeCloseTo(1, 12);
    expect(fitted[1]).toBeCloseTo(3, 12);
    expect(ols.params[2] / ols.params[1]).toBeCloseTo(2, 10);
  });

  it('refuses a design with inf or NaN, as statsmodels (MissingDataError)', () => {
    expect(() => fitOls(Float64Array.from([1, Number.NaN]), 2, 1, Float64Array.from([1, 2]), ['a'])).toThrow(
      /inf or NaN/,
    );
  });
});

describe('svd', () => {
  it('reconstructs tall and wide matrices and orders singular values', () => {
    for (const [m, n] of [
      [7, 3],
      [3, 7],
      [5, 5],
    ]) {
      const A = Float64Array.from({ length: m * n }, (_, i) => Math.sin(i * 1.7 + 0.3) + (i % 3));
      const d = svd(A, m, n);
      const r = Math.min(m, n);
      for (let i = 1; i < r; i++) expect(d.s[i]).toBeLessThanOrEqual(d.s[i - 1]);
      // A·v_i = s_i·u_i, so ‖A·v_i‖ = s_i and Uᵀ(A·v_i) = s_i·e_i
      const V = d.V!;
      for (let i = 0; i < r; i++) {
        const Av = new Float64Array(m);
        for (let j = 0; j < n; j++)
          for (let row = 0; row < m; row++) Av[row] += A[j * m + row] * V[i * n + j];
        const proj = d.projectT(Av);
        proj.forEach((v, k) => expect(v).toBeCloseTo(k === i ? d.s[i] : 0, 10));
      }
    }
  });
});
