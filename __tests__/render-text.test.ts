import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../src/report/model.js';
import { renderText } from '../src/render/text.js';
import { attackAnalysis, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';

describe('terminal report', () => {
  it('shows the verdict, the ranked table and the gates, aligned, without Markdown', () => {
    const text = renderText(buildReportModel(smallAnalysis()));
    expect(text).toMatch(/^Sweep insights: accuracy \(maximize\)\n/);
    const flat = text.replace(/\n {2}(?=\S)/g, ' ');
    expect(text).toMatch(/\nVerdict\n {2}\S/);
    expect(flat).toContain(
      'What matters (held-out permutation importance, 95% interval above 0): optimizer, learning_rate, dropout.',
    );
    expect(text).toContain('Best accuracy: 0.916985 at row 26 (run-25)');
    expect(text).toContain('Gates: 2 failed, 0 passed');
    // one line per gate: verdict, the rule as written, what was measured
    expect(text).toMatch(/^ {2}FAIL\s+runs >= 100: measured 60$/m);
    expect(text).toMatch(/^ {2}FAIL\s+importance\(learning_rate\) > 0\.1: measured \S+$/m);
    expect(text).not.toMatch(/\*\*|<details>|^\|/m);
    // columns line up: the held-out importance starts, and r ends, in the same column on every row
    const lines = text.split('\n');
    const header = lines.findIndex((l) => /^\s+#\s+parameter\s+held-out importance\s+r\s+matters$/.test(l));
    expect(header).toBeGreaterThan(0);
    const start = lines[header].indexOf('held-out importance');
    const rEnd = lines[header].indexOf(' r ') + 2;
    const rows = lines.slice(header + 1, header + 6);
    expect(rows.map((l) => l.trim().split(/\s+/)[1])).toEqual([
      'optimizer',
      'learning_rate',
      'dropout',
      'batch_norm',
      'momentum',
    ]);
    for (const l of rows) {
      expect(l.slice(start)).toMatch(/^\d\.\d{3} ± \d\.\d{3}/);
      expect(l.slice(rEnd - 1, rEnd + 1)).toMatch(/^\S( |$)/);
    }
    expect(rows.slice(0, 3).every((l) => l.endsWith('✓'))).toBe(true);
    expect(rows.slice(3).some((l) => l.endsWith('✓'))).toBe(false);
    // constants apart, not ranked
    expect(text).toContain('Constant (not ranked): layers = 2');
    // interactions: bullet lines
    expect(text).toMatch(
      /^ {2}- learning_rate × dropout \(0\.31\): learning_rate matters mostly when dropout/m,
    );
    expect(text).toMatch(/^ {2}- optimizer \(matters\): prefer adam/m);
  });

  it('fits 80 columns by default; --full lists everything, without it long sections are cut with a count', () => {
    const model = buildReportModel(smallAnalysis());
    const short = renderText(model);
    expect(short).toBe(renderText(model, { width: 80 }));
    for (const l of short.split('\n')) expect(Array.from(l).length, l).toBeLessThanOrEqual(80);
    expect(short).not.toContain('All statistics:');
    expect(short).not.toContain('OLS Regression Results');
    expect(short).toContain('--full');
    const full = renderText(model, { full: true });
    expect(full).toContain('All statistics:');
    expect(full).toMatch(/OLS Regression Results[\s\S]*Dep\. Variable:\s+accuracy/);
    expect(full).toContain('Notebook importance: the reference notebook’s extra-trees');
    expect(full).not.toContain('(--full lists them)');

    const wide = buildReportModel(wideAnalysis());
    const cut = renderText(wide, { width: 100 });
    expect(cut).toContain('… 153 more parameters (--full lists them)');
    expect(cut).toMatch(/… \d+ more levels \(--full lists them\)/);
    const ranked = (t: string) => t.split('\n').filter((l) => /^\s+\d+\s{2}\S.*\d\.\d{3} ± /.test(l));
    expect(ranked(cut)).toHaveLength(15);
    const all = renderText(wide, { width: 100, full: true });
    expect(ranked(all)).toHaveLength(168);
    for (const l of ranked(all)) expect(Array.from(l).length).toBeLessThanOrEqual(100);
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
    const colored = renderText(model, { color: true });
    expect(colored).toContain('\x1b[1m');
    // nothing is predicted: the verdict is painted as a caution
    // eslint-disable-next-line no-control-regex
    expect(colored).toMatch(/\x1b\[33m {2}The hyperparameters do not predict loss_1_minus_balanced_accuracy/);
    for (const width of [80, 100, 140]) {
      const text = renderText(model, { width });
      expect(text).toContain('The hyperparameters do not predict loss_1_minus_balanced_accuracy');
      // a line may only overflow when it is one word longer than the width (a name quoted in a sentence)
      for (const l of text.split('\n')) {
        if (Array.from(l).length > width) expect(l.trim(), l).not.toContain(' ');
      }
    }
  });

  it("says how each run's target was read when it is not the final value (MLflow --metric-agg)", () => {
    const a = smallAnalysis();
    expect(renderText(buildReportModel(a))).not.toContain('Target:');
    const reading = "each run's lowest value over its logged history (--metric-agg min)";
    const text = renderText(buildReportModel({ ...a, meta: { ...a.meta!, targetReading: reading } }));
    expect(text.replace(/\n(?=\S)/g, ' ')).toContain(`Target: ${reading}.`);
  });

  it('is deterministic', () => {
    expect(renderText(buildReportModel(smallAnalysis()))).toBe(renderText(buildReportModel(smallAnalysis())));
  });
});
