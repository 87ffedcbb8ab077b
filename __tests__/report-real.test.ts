/**
 * The report on the real pipeline: runAnalysis (sources → design → statistics → insights → gates) on
 * bundled datasets, then the report model and every renderer.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Analysis } from '../src/analysis/analysis.js';
import { runAnalysis } from '../src/analysis/run-analysis.js';
import type { Goal } from '../src/design/types.js';
import { parseRules } from '../src/gates/rules.js';
import { buildReportModel } from '../src/report/model.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { MAX_URL_LENGTH } from '../src/render/charts/quickchart.js';
import { imageUrls, mermaidBlocks, tables } from './fixtures/report/inspect.js';
import { mermaidParser } from './fixtures/report/mermaid-parse.js';

const ROOT = join(import.meta.dirname, '..');

async function realAnalysis(dataset: string, trees: number, where: string[] = []): Promise<Analysis> {
  const dir = join(ROOT, 'examples', dataset);
  const [target, goal] = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/) as [string, Goal];
  const params = readFileSync(join(dir, 'params.txt'), 'utf8').trim().split(',');
  return runAnalysis({
    runsFile: join(dir, 'runs.csv'),
    target,
    goal,
    params,
    where,
    trees,
    seed: 0,
    rules: parseRules(['runs >= 50', `importance(${JSON.stringify(params[0])}) >= 0.5`]),
    insights: true,
  });
}

describe('report on the real pipeline', () => {
  for (const [dataset, trees, where] of [
    ['hpbandster-mnist-cnn', 250, []],
    ['autosklearn-wide', 20, []],
    ['mnist-pytorch', 30, ['batch_size >= 32']],
  ] as const) {
    it(dataset, { timeout: 120_000 }, async () => {
      const analysis = await realAnalysis(dataset, trees, [...where]);
      const model = buildReportModel(analysis);
      const parse = await mermaidParser();
      for (const charts of ['quickchart', 'mermaid', 'none'] as const) {
        const md = renderMarkdown(model, { maxChars: 65_536, charts });
        expect(md.length).toBeLessThanOrEqual(65_536);
        for (const t of tables(md)) for (const row of t.rows) expect(row.length).toBe(t.rows[0].length);
        for (const url of imageUrls(md)) expect(url.length).toBeLessThan(MAX_URL_LENGTH);
        for (const block of mermaidBlocks(md)) await expect(parse(block)).resolves.toBeTruthy();
        expect(renderMarkdown(model, { maxChars: 65_536, charts })).toBe(md);
      }
      const md = renderMarkdown(model, { maxChars: 1_000_000, charts: 'none' });
      expect(md).toContain('### What to try next');
      expect(md).toContain('OLS Regression Results');
      expect(md).toMatch(/\| (✅|❌) \| runs &gt;= 50 \|/);
      if (where.length > 0) expect(md).toMatch(/removed by --where “batch\\_size &gt;= 32”/);
      expect(renderText(model)).toContain(analysis.request.target);
    });
  }
});
