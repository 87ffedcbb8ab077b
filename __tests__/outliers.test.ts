import { describe, expect, it } from 'vitest';
import { findOutliers, MAX_OUTLIER_SHARE, outlierRuleText, robustScale } from '../src/insights/outliers.js';

/** A deterministic pseudo-random stream (Park–Miller). */
function stream(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Standard normal draws (Box–Muller). */
function normals(n: number, seed: number): number[] {
  const u = stream(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function rowsOf(y: Float64Array): Int32Array {
  return Int32Array.from(y, (_, i) => i + 10);
}

describe('findOutliers', () => {
  it('flags targets more than 5 robust sds from the median, both sides (rule mad)', () => {
    const y = Float64Array.from([...Array.from({ length: 40 }, (_, i) => i + 1), 300, -250]);
    // by hand: median 20.5; |y − 20.5| is 0.5, 0.5, 1.5, 1.5, …, 19.5, 19.5, 270.5, 279.5, so MAD = 10.5
    const { median, scale } = robustScale(y);
    expect(median).toBe(20.5);
    expect(scale).toBeCloseTo(1.4826 * 10.5, 10);
    const out = findOutliers(y, rowsOf(y));
    expect(out.rule).toBe('mad');
    expect(out.ruleText).toBe('robust z (MAD) beyond 5');
    expect(out.maxFlagged).toBe(2);
    expect(out.runs.map((o) => o.index)).toEqual([40, 41]);
    expect(out.runs[0].row).toBe(50);
    expect(out.runs[0].robustZ).toBeCloseTo(279.5 / (1.4826 * 10.5), 10); // ≈ 17.954
    expect(out.runs[1].robustZ).toBeLessThan(-5);
    expect(out.rejected).toEqual([]);
  });

  it('a normal sample with 3 planted far values: flags exactly those', () => {
    const y = Float64Array.from(normals(200, 7));
    y[13] = 12;
    y[77] = -9;
    y[150] = 20;
    const out = findOutliers(y, rowsOf(y));
    expect(out.rule).toBe('mad');
    expect(out.runs.map((o) => o.index)).toEqual([13, 77, 150]);
  });

  it('MAD = 0 (70% of the runs equal): flags at most 5%, never every run off the shared value', () => {
    const u = stream(3);
    const y = Float64Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 0.5 : 0.3 + 0.6 * u()));
    y[99] = -4; // one far run
    expect(robustScale(y).scale).toBeGreaterThan(0);
    const out = findOutliers(y, rowsOf(y));
    expect(out.rejected[0]).toEqual({ rule: 'mad', flagged: null });
    expect(out.runs.length).toBeLessThanOrEqual(MAX_OUTLIER_SHARE * 100);
    expect(out.runs.map((o) => o.index)).toEqual([99]);
    expect(out.rule).toBe('mean_abs_dev');
  });

  it('falls back to the mean absolute deviation when more than half of the runs share the median', () => {
    const y = Float64Array.from([...new Array(20).fill(0.9), 0.91, 0.2]);
    const out = findOutliers(
      y,
      Int32Array.from(y, (_, i) => i),
    );
    // MAD = 0 and IQR = 0: without the fallback every run off 0.9 would be flagged
    expect(out.runs.map((o) => o.index)).toEqual([21]);
    expect(out.rule).toBe('mean_abs_dev');
    expect(out.rejected).toEqual([
      { rule: 'mad', flagged: null },
      { rule: 'iqr', flagged: null },
    ]);
  });

  it('a heavy-tailed sample where the MAD rule flags more than 5%: falls back', () => {
    // Cauchy: P(|X| > 5 · 1.4826 · MAD) ≈ 8.6%
    const u = stream(11);
    const y = Float64Array.from({ length: 1000 }, () => Math.tan(Math.PI * (u() - 0.5)));
    const out = findOutliers(y, rowsOf(y));
    expect(out.maxFlagged).toBe(50);
    expect(out.rejected[0].rule).toBe('mad');
    expect(out.rejected[0].flagged!).toBeGreaterThan(50);
    expect(out.rule).not.toBe('mad');
    expect(out.runs.length).toBeLessThanOrEqual(50);
  });

  it('a second mode of crashed runs (15%) is not read away: every rule flags too many, none', () => {
    const y = Float64Array.from(
      normals(200, 5).map((v, i) => (i % 20 < 3 ? 0.1 + 0.001 * v : 0.9 + 0.01 * v)),
    );
    const out = findOutliers(y, rowsOf(y));
    expect(out.rejected.map((r) => r.rule)).toEqual(['mad', 'iqr', 'mean_abs_dev']);
    expect(out.rejected.every((r) => r.flagged! > 10)).toBe(true);
    expect(out.rule).toBe('none');
    expect(out.runs).toEqual([]);
    expect(out.ruleText).toBe('none flagged (no rule flags at most 5% of the runs)');
  });

  it('finds none in a constant target', () => {
    const out = findOutliers(Float64Array.from([3, 3, 3, 3]), Int32Array.from([0, 1, 2, 3]));
    expect(out.runs).toEqual([]);
    expect(out.rule).toBe('none');
    expect(out.ruleText).toBe('none flagged (the target does not vary)');
  });

  it('says each rule in plain English', () => {
    expect(outlierRuleText('iqr')).toBe('beyond 3 IQR from the quartiles');
    expect(outlierRuleText('mean_abs_dev')).toMatch(/mean absolute deviation/);
  });
});
