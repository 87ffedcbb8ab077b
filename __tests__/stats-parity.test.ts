/**
 * The statistics against the oracle (scripts/oracle/sweep_oracle.py --extended), key by key with
 * recipe.md §7's tolerances: `correlations`, `spearman`, `ols` and `ols_standardized` for the nine
 * datasets and the hand-made cases, on the designs that readRunsFile + buildDesign make of the inputs
 * each fixture names (`engine.input`). __tests__/parity.test.ts checks the whole pipeline.
 *
 * Keys compared for a rank-deficient fit are the ones recipe.md §7 lists (the minimum-norm params and
 * their standard errors depend on the SVD routine); this applies to `ols_standardized` too, whose
 * design is rank-deficient when a parameter is constant up to the imputed mean's last bit (its
 * z-score is then exactly 0: autosklearn-wide) or two parameters are proportional
 * (case-rank-deficient). With no residual degrees of freedom (two or three runs) the residuals are
 * rounding noise, so the keys computed from them (llf, aic, bic, diagnostics) are not compared.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RANK_DEFICIENT_ONLY, RESIDUAL_NOISE } from './helpers/parity.js';
import { describe, expect, it } from 'vitest';
import type { Design } from '../src/design/types.js';
import { buildDesign } from '../src/design/build-design.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import {
  averageRanks,
  correlations,
  pearson,
  spearman,
  spearmanCorrelations,
} from '../src/stats/correlation.js';
import { fitOls } from '../src/stats/ols.js';
import { buildStandardizedDesign, fitOlsStandardized, logScaledRule } from '../src/stats/ols-standardized.js';
import { compareToOracle } from './helpers/parity.js';

const ORACLE = join(__dirname, 'fixtures', 'oracle');
const EPS = 2.220446049250313e-16;

interface Fixture {
  engine: { input: { file: string; target: string; params: string[] } };
  [key: string]: unknown;
}

async function designOf(doc: Fixture): Promise<Design> {
  const { file, target, params } = doc.engine.input;
  return buildDesign(await readRunsFile(join(__dirname, '..', file)), { target, params });
}

// recipe.md §7's keys for rank-deficient designs (plus the standardized fit's column lists), and the
// residual statistics that are noise without residual degrees of freedom: shared with the full parity test.
const RANK_DEFICIENT_KEYS = new Set([...RANK_DEFICIENT_ONLY, 'features', 'log_scaled']);
const RESIDUAL_KEYS = RESIDUAL_NOISE;

/** The oracle's OLS block restricted to the keys recipe.md §7 compares for this fit. */
function comparable(block: Record<string, unknown> | null, rank: number, k: number) {
  if (!block) return block;
  const noResidualDf = Number(block.df_resid) === 0;
  return Object.fromEntries(
    Object.entries(block).filter(
      ([key]) => (rank === k || RANK_DEFICIENT_KEYS.has(key)) && !(noResidualDf && RESIDUAL_KEYS.has(key)),
    ),
  );
}

const names = readdirSync(ORACLE)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

describe('statistics vs the oracle', () => {
  it('covers the nine datasets and the cases', () => {
    expect(names.filter((n) => !n.startsWith('case-'))).toHaveLength(9);
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of names) {
    it(`${name}: correlations, spearman, ols, ols_standardized`, async () => {
      const doc = JSON.parse(readFileSync(join(ORACLE, `${name}.json`), 'utf8')) as Fixture;
      const d = await designOf(doc);
      expect(d.features).toEqual(doc.features);
      const constantTarget = d.y.every((v) => v === d.y[0]);
      const ols = constantTarget ? null : fitOls(d.X, d.n, d.k, d.y, d.features);
      const std = buildStandardizedDesign(d);
      const stdRank = constantTarget ? std.k : fitOls(std.X, std.n, std.k, d.y, std.features).rank;
      const actual = {
        features: d.features,
        correlations: correlations(d),
        spearman: constantTarget
          ? Object.fromEntries(d.features.map((f) => [f, null]))
          : spearmanCorrelations(d),
        ols: ols ? ols.toJSON() : null,
        ols_standardized: fitOlsStandardized(d),
      };
      const expected = {
        correlations: doc.correlations,
        spearman: doc.spearman,
        ols: comparable(doc.ols as Record<string, unknown> | null, ols?.matrixRank ?? d.k, d.k),
        ols_standardized: comparable(doc.ols_standardized as Record<string, unknown> | null, stdRank, std.k),
      };
      // the rank the oracle reports is the engine's too
      if (ols) expect(ols.matrixRank).toBe((doc.ols as { rank: number }).rank);
      expect(compareToOracle(actual, expected).slice(0, 10)).toEqual([]);
    });
  }

  it('finds the rank-deficient standardized designs by the oracle condition number as well', () => {
    for (const name of ['autosklearn-wide', 'case-rank-deficient']) {
      const doc = JSON.parse(readFileSync(join(ORACLE, `${name}.json`), 'utf8')) as {
        ols_standardized: { condition_number: number; nobs: number; features: string[] };
      };
      const s = doc.ols_standardized;
      expect(s.condition_number * EPS * Math.min(s.nobs, s.features.length)).toBeGreaterThan(1);
    }
  });
});

describe('correlation helpers', () => {
  it('Pearson: pairwise deletion of NaN, clipping, NaN for a constant column or one pair', () => {
    expect(pearson([1, 2, 3, Number.NaN], [2, 4, 6.5, 1])).toBe(0.9979487157886733); // pandas Series.corr;
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(pearson([5, 5, 5], [1, 2, 3])).toBeNaN();
    expect(pearson([1, Number.NaN], [1, 2])).toBeNaN();
  });

  it('average ranks for ties, as scipy rankdata', () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 14);
  });

  it('log10 rule: positive, two decades, more symmetric in log space, at least three values', () => {
    expect(logScaledRule(Float64Array.from([1e-5, 1e-4, 1e-3, 1e-2, 1e-1]))).toBe(true);
    expect(logScaledRule(Float64Array.from([1e-5, 1e-1]))).toBe(false);
    expect(logScaledRule(Float64Array.from([1, 2, 50]))).toBe(false);
    expect(logScaledRule(Float64Array.from([0, 1, 100, 1000]))).toBe(false);
    // spans decades but is already symmetric: stays linear
    expect(logScaledRule(Float64Array.from([1, 500, 1000]))).toBe(false);
  });
});
