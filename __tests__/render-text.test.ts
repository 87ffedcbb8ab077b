import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../src/report/model.js';
import { renderText } from '../src/render/text.js';
import { attackAnalysis, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';

describe('terminal report', () => {
  it('shows the headline, the parameter table and the gates, aligned, without Markdown', () => {
    const text = renderText(buildReportModel(smallAnalysis()));
    expect(text).toMatch(/^Sweep insights: accuracy \(maximize\)\n/);
    expect(text).toMatch(/Most important: optimizer \d\.\d{3}, learning_rate/);
    expect(text).toContain('Gates: 2 failed, 0 passed');
    expect(text).toMatch(/FAIL\s+runs >= 100\s+60/);
    expect(text).not.toMatch(/\*\*|<details>|^\|/m);
    // columns line up: "importance" values end in the same column on every row
    const lines = text.split('\n');
    const header = lines.findIndex((l) => /^\s+#\s+parameter\s+kind\s+importance/.test(l));
    expect(header).toBeGreaterThan(0);
    const end = lines[header].indexOf('importance') + 'importance'.length;
    for (let i = header + 1; i <= header + 6; i++)
      expect(lines[i].slice(end - 5, end)).toMatch(/^\d\.\d{3}$/);
    expect(text).toContain('optimizer: adam (');
  });

  it('no control characters from the data reach the terminal', () => {
    const a = attackAnalysis();
    const evil = { ...a, request: { ...a.request, target: 'acc\x1b[2J\x1b[31m\rX' } };
    const text = renderText(buildReportModel(evil));
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    // names are shortened everywhere but in statsmodels' own summary, which prints them in full
    expect(text.slice(0, text.indexOf('OLS summary'))).not.toContain('x'.repeat(100));
  });

  it('colors only when asked; keeps within the width where names allow', () => {
    const model = buildReportModel(wideAnalysis());
    expect(renderText(model)).not.toContain('\x1b[');
    expect(renderText(model, { color: true })).toContain('\x1b[1m');
    const text = renderText(model, { width: 100 });
    const table = text.split('\n').filter((l) => /^\s+\d+\s{2}/.test(l));
    expect(table.length).toBeGreaterThanOrEqual(168);
    const widths = new Set(table.slice(0, 168).map((l) => Array.from(l.trimEnd()).length));
    expect(Math.max(...widths)).toBeLessThanOrEqual(150);
    expect(text).toContain('WARNING: The hyperparameters explain no predictable part');
  });

  it('is deterministic', () => {
    expect(renderText(buildReportModel(smallAnalysis()))).toBe(renderText(buildReportModel(smallAnalysis())));
  });
});
