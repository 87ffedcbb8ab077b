/**
 * renderOlsSummary against statsmodels 0.13.5's own `summary()` text, character for character, and the
 * printf helper against Python's `%` operator. Fixtures: __tests__/fixtures/stats/make-ols-summary.py
 * and make-printf.py (run with Debian's python3; no Python at test time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printf, renderOlsSummary } from '../src/render/ols-summary.js';
import { fitOls } from '../src/stats/ols.js';

const FIX = join(__dirname, 'fixtures', 'stats');

interface SummaryCase {
  name: string;
  yname: string;
  when: number;
  names: string[];
  n: number;
  k: number;
  X: number[];
  y: number[];
  summary: string;
}
const cases = JSON.parse(readFileSync(join(FIX, 'ols-summary.json'), 'utf8')) as SummaryCase[];
const printfTable = JSON.parse(readFileSync(join(FIX, 'printf.json'), 'utf8')) as Array<
  [string, number | string | null, string]
>;

describe('renderOlsSummary', () => {
  it('has the cases it is meant to check', () => {
    expect(cases.map((c) => c.name)).toEqual([
      'with-constant',
      'uncentered',
      'implicit-constant-long-names',
      'small-eigenvalue-few-runs',
      'tight-fit',
      'optuna-fashionmnist',
      'hpbandster-mnist-cnn',
    ]);
  });

  for (const c of cases) {
    it(`${c.name}: the statsmodels text exactly`, () => {
      const ols = fitOls(Float64Array.from(c.X), c.n, c.k, Float64Array.from(c.y), c.names);
      const text = renderOlsSummary(ols, c.yname, { when: new Date(c.when * 1000) });
      expect(text.split('\n')).toEqual(c.summary.split('\n'));
    });
  }

  it('leaves out the Date and Time rows without a timestamp, so the text is deterministic', () => {
    const c = cases[0];
    const ols = fitOls(Float64Array.from(c.X), c.n, c.k, Float64Array.from(c.y), c.names);
    const text = renderOlsSummary(ols, c.yname);
    const expected = c.summary.split('\n').filter((l) => !l.startsWith('Date:') && !l.startsWith('Time:'));
    // without the two rows the right column moves up by two lines; compare the content that does not move
    const lines = text.split('\n');
    expect(lines.some((l) => l.startsWith('Date:') || l.startsWith('Time:'))).toBe(false);
    expect(lines.slice(lines.indexOf(lines.find((l) => l.includes('coef'))!))).toEqual(
      expected.slice(expected.indexOf(expected.find((l) => l.includes('coef'))!)),
    );
    expect(lines[2]).toBe('Dep. Variable:                      y   R-squared:                       0.980');
    expect(lines[5]).toBe('No. Observations:                  12   Prob (F-statistic):           3.68e-07');
    expect(lines[8]).toBe('Covariance Type:            nonrobust   BIC:                            -1.618');
    expect(renderOlsSummary(ols, c.yname)).toBe(text);
  });

  it('notes a singular design with its smallest eigenvalue', () => {
    // const + x + a full set of dummies: rank 3 of 4 (the §3.5 situation)
    const n = 12;
    const X = new Float64Array(n * 4);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = Math.sin(i + 1) * 3;
      X[i] = 1;
      X[n + i] = x;
      X[2 * n + i] = i % 2;
      X[3 * n + i] = 1 - (i % 2);
      y[i] = 1 + 0.5 * x + (i % 2) + Math.cos(7 * i) * 0.1;
    }
    const ols = fitOls(X, n, 4, y, ['const', 'x', 'd_a', 'd_b']);
    expect(ols.rank).toBe(3);
    const text = renderOlsSummary(ols, 'y');
    expect(text).toMatch(
      /\n\[2\] The smallest eigenvalue is +\S+\. This might indicate that there are\nstrong multicollinearity problems or that the design matrix is singular\.$/,
    );
    expect(text).toMatch(/Df Model:\s+2\s/);
  });
});

describe('printf (Python % formatting)', () => {
  it(`matches Python on ${printfTable.length} value/format pairs`, () => {
    const bad: string[] = [];
    for (const [spec, v, want] of printfTable) {
      const x = v === null ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
      const got = printf(spec, x);
      if (got !== want) bad.push(`${spec} % ${String(v)}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
    expect(bad).toEqual([]);
  });

  it('rounds exact ties to even, as glibc', () => {
    expect(printf('%.2f', 0.125)).toBe('0.12');
    expect(printf('%.0f', 2.5)).toBe('2');
    expect(printf('%.0f', 3.5)).toBe('4');
    expect(printf('%#8.4g', 0)).toBe('   0.000');
  });

  it('pads strings and integers like Python', () => {
    expect(printf('%-21s', '  R-squared:')).toBe('  R-squared:         ');
    expect(printf('%18s', 'y')).toBe(' '.repeat(17) + 'y');
    expect(printf('%#6d', 12)).toBe('    12');
  });
});
