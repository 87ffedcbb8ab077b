/**
 * The engine's JSON against the oracle's (pandas, statsmodels, scikit-learn), key by key, with
 * recipe.md §7's tolerances: the nine shared datasets and the hand-made edge cases.
 * Fixtures: __tests__/fixtures/oracle/*.json, made by scripts/make-fixtures.sh.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../src/analysis/run-analysis.js';
import { compareToOracle } from './helpers/parity.js';

const ORACLE = join(__dirname, 'fixtures', 'oracle');

interface Fixture {
  engine: {
    trees: number;
    seed: number;
    reference: string;
    input: { file: string; sha256: string; target: string; params: string[] };
  };
  [key: string]: unknown;
}

const fixtures = readdirSync(ORACLE)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({
    name: f.replace(/\.json$/, ''),
    doc: JSON.parse(readFileSync(join(ORACLE, f), 'utf8')) as Fixture,
  }));

describe('parity with the reference libraries', () => {
  it('covers the nine datasets and the edge cases', () => {
    const datasets = fixtures.filter((f) => !f.name.startsWith('case-'));
    expect(datasets.map((f) => f.name)).toHaveLength(9);
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  for (const { name, doc } of fixtures) {
    it(`${name}: every key of the oracle's result`, async () => {
      const input = doc.engine.input;
      const file = join(__dirname, '..', input.file);
      // the fixture was made from exactly this file
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(input.sha256);
      expect(doc.engine.reference).toMatch(/scikit-learn/);
      const analysis = await runAnalysis({
        runsFile: file,
        target: input.target,
        params: input.params,
        trees: doc.engine.trees,
        seed: doc.engine.seed,
        rules: [],
        insights: true,
      });
      const actual = JSON.parse(JSON.stringify(analysis.result)) as Record<string, unknown>;
      const mismatches = compareToOracle(actual, doc);
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  }
});
