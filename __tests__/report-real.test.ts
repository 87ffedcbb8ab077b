/**
 * The report on the real pipeline (sources → design → statistics → insights), on bundled datasets.
 * Gates are hand-made outcomes here (src/gates/rules.ts is another module's); the rest is real.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../src/analysis/analysis.js';
import { computeResult, withCvR2 } from '../src/analysis/compute-result.js';
import { constantParameters, findBestRun, idLikeParameters } from '../src/analysis/run-facts.js';
import { buildDesign } from '../src/design/build-design.js';
import type { Goal } from '../src/design/types.js';
import { computeInsights } from '../src/insights/compute-insights.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { buildReportModel } from '../src/report/model.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { MAX_URL_LENGTH } from '../src/render/charts/quickchart.js';
import { imageUrls, mermaidBlocks, tables } from './fixtures/report/inspect.js';
import { mermaidParser } from './fixtures/report/mermaid-parse.js';

const ROOT = join(import.meta.dirname, '..');
const MARKER = '<!-- sweep-insights:real -->';

async function realAnalysis(dataset: string, trees: number): Promise<Analysis> {
  const dir = join(ROOT, 'examples', dataset);
  const [target, goal] = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/) as [string, Goal];
  const params = readFileSync(join(dir, 'params.txt'), 'utf8').trim().split(',');
  const source = `examples/${dataset}/runs.csv`;
  const table = await readRunsFile(join(dir, 'runs.csv'));
  const design = buildDesign(table, { target, params });
  const base = await computeResult(design, { trees, seed: 0 });
  const insights = computeInsights(design, {
    goal,
    trees,
    seed: 0,
    logScaled: base.ols_standardized?.log_scaled,
  });
  const q = insights.quality;
  const result = withCvR2(base, q.cvR2 === null ? null : { folds: [...(q.cvR2Folds ?? [])], mean: q.cvR2 });
  const best = findBestRun(table, design, goal);
  return {
    request: { target, goal, goalAssumed: false, goalReason: 'given', params, trees, seed: 0 },
    source,
    table,
    filters: { text: [], removed: 0 },
    design,
    result,
    best,
    constantParameters: constantParameters(design),
    idLikeParameters: idLikeParameters(design),
    insights,
    gates: [
      {
        rule: { text: 'runs >= 50', metric: 'runs', name: null, op: '>=', threshold: 50 },
        value: design.n,
        passed: design.n >= 50,
        unreliable: false,
      },
    ],
    sweep: null,
  };
}

describe('report on the real pipeline', () => {
  for (const [dataset, trees] of [
    ['hpbandster-mnist-cnn', 250],
    ['autosklearn-wide', 20],
  ] as const) {
    it(dataset, { timeout: 120_000 }, async () => {
      const analysis = await realAnalysis(dataset, trees);
      const model = buildReportModel(analysis);
      const parse = await mermaidParser();
      for (const charts of ['quickchart', 'mermaid', 'none'] as const) {
        const md = renderMarkdown(model, { maxChars: 65_536, charts, marker: MARKER });
        expect(md.length).toBeLessThanOrEqual(65_536);
        expect(md.trimEnd().split('\n').at(-1)).toBe(MARKER);
        for (const t of tables(md)) for (const row of t.rows) expect(row.length).toBe(t.rows[0].length);
        for (const url of imageUrls(md)) expect(url.length).toBeLessThan(MAX_URL_LENGTH);
        for (const block of mermaidBlocks(md)) await expect(parse(block)).resolves.toBeTruthy();
        expect(renderMarkdown(model, { maxChars: 65_536, charts, marker: MARKER })).toBe(md);
      }
      const md = renderMarkdown(model, { maxChars: 1_000_000, charts: 'none' });
      expect(md).toContain('### What to try next');
      expect(md).toContain('OLS Regression Results');
      expect(renderText(model)).toContain(analysis.request.target);
    });
  }
});
