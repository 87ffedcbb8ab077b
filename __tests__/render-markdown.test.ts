import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { buildReportModel } from '../src/report/model.js';
import { renderMarkdown, type MarkdownOptions } from '../src/render/markdown.js';
import { UsageError } from '../src/errors.js';
import { attackAnalysis, makeAnalysis, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';
import { linesOutsideCode, tables } from './fixtures/report/inspect.js';

const MODES = ['quickchart', 'mermaid', 'none'] as const;
const SUMMARY = () => 'OLS Regression Results\n' + '='.repeat(78) + '\nDep. Variable: y\n'.repeat(60);

function html(md: string): string {
  return marked.parse(md, { gfm: true, async: false }) as string;
}

function expectWellFormed(md: string, label: string): void {
  for (const t of tables(md)) {
    const width = t.rows[0].length;
    t.rows.forEach((row, i) =>
      expect(row.length, `${label}: table at line ${t.line + 1}, row ${i}`).toBe(width),
    );
  }
  const rendered = html(md);
  expect(rendered, label).not.toMatch(/<(script|iframe|style|object|embed)\b/i);
  expect(rendered, label).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
  for (const m of rendered.matchAll(/<img [^>]*src="([^"]*)"/g))
    expect(m[1]).toMatch(/^https:\/\/quickchart\.io\/chart\?/);
  // the raw HTML we emit ourselves is balanced
  expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
}

describe('Markdown report', () => {
  const cases = { small: smallAnalysis(), attack: attackAnalysis(), wide: wideAnalysis() };

  it('tables keep one cell per column and no HTML gets through, whatever the names', () => {
    for (const [name, analysis] of Object.entries(cases)) {
      const model = buildReportModel(analysis, { olsSummary: SUMMARY });
      for (const charts of MODES) {
        for (const maxChars of [1_000_000, 65_536, 12_000]) {
          const md = renderMarkdown(model, { maxChars, charts });
          expectWellFormed(md, `${name}/${charts}/${maxChars}`);
        }
      }
    }
  });

  it('the attack names show as text', () => {
    const md = renderMarkdown(buildReportModel(cases.attack), { maxChars: 1_000_000, charts: 'mermaid' });
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('a\\|b\\|\\|c');
    expect(md).toContain('@\u200bocto');
    // long names are shortened everywhere but in the next-sweep YAML, which must stay usable
    const outside = linesOutsideCode(md)
      .map((l) => l.text)
      .join('\n');
    expect(outside).not.toContain('x'.repeat(100));
    const rendered = html(md);
    expect(rendered).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('the widest dataset fits 65,536 characters, in every chart mode', () => {
    const model = buildReportModel(cases.wide, { olsSummary: SUMMARY });
    for (const charts of MODES) {
      const full = renderMarkdown(model, { maxChars: 10_000_000, charts });
      expect(full.length).toBeGreaterThan(65_536); // the budget really has to cut
      const md = renderMarkdown(model, { maxChars: 65_536, charts });
      expect(md.length, charts).toBeLessThanOrEqual(65_536);
      expect(md.length, charts).toBeGreaterThan(40_000); // cut to fit, not gutted
      // long tables fold and shorten first; the note says where the rest is, never a flag
      expect(md).toMatch(/Shortened to fit 65,536 characters:\*\* hyperparameters: top \d+ of 168/);
      expect(md).toContain('The full report is in the results JSON.');
      expect(md).not.toMatch(/Shortened[^\n]*--json/);
      expect(md).toContain('### Hyperparameters');
      expect(md).toContain('### Gates');
    }
  });

  it('any budget is kept, down to absurd ones', () => {
    const model = buildReportModel(cases.wide, { olsSummary: SUMMARY });
    for (const maxChars of [30_000, 10_000, 3_000, 1_000, 300, 60]) {
      const md = renderMarkdown(model, { maxChars, charts: 'quickchart' });
      expect(md.length, String(maxChars)).toBeLessThanOrEqual(maxChars);
      if (maxChars >= 300) expect(md).toContain('Shortened to fit');
    }
  });

  it('cuts the long folded tables before any summary, the ranked table last', () => {
    const model = buildReportModel(cases.wide, { olsSummary: SUMMARY });
    const md = renderMarkdown(model, {
      maxChars: 65_536,
      charts: 'mermaid',
      fullReport: 'the job summary of this workflow run',
    });
    const note = /Shortened to fit[^\n]*/.exec(md)![0];
    // the folded statistics and levels shrink first: the OLS summary and the next sweep survive
    expect(note).toMatch(/statistics: first \d+ rows/);
    expect(note).toMatch(/levels: first \d+ of \d+/);
    expect(note).not.toContain('OLS summary left out');
    expect(note).toContain('The full report is in the job summary of this workflow run.');
    expect(md).toContain('OLS Regression Results');
    expect(md).toContain('```yaml');
    // the gates, the headline and the top of the table survive
    expect(md).toContain('best &lt;= 0.2');
    expect(md).toMatch(/^\| 1 \| \S/m);
    // a tighter budget drops the OLS summary before the ranked table's top rows
    const tight = renderMarkdown(model, { maxChars: 20_000, charts: 'mermaid' });
    const tightNote = /Shortened to fit[^\n]*/.exec(tight)![0];
    expect(tightNote).toContain('OLS summary left out');
    expect(tight).toMatch(/^\| 1 \| \S/m);
  });

  it('under budget nothing is cut and no note is shown', () => {
    const model = buildReportModel(cases.small, { olsSummary: SUMMARY });
    const md = renderMarkdown(model, { maxChars: 65_536, charts: 'quickchart' });
    expect(md).not.toContain('Shortened');
    expect(md).toContain('OLS Regression Results');
    expect(md).toContain('```yaml');
  });

  it('is deterministic: same model, same bytes; same analysis, same bytes', () => {
    for (const charts of MODES) {
      const opts: MarkdownOptions = { maxChars: 65_536, charts };
      const a = renderMarkdown(buildReportModel(wideAnalysis()), opts);
      const b = renderMarkdown(buildReportModel(wideAnalysis()), opts);
      expect(b).toBe(a);
      const model = buildReportModel(cases.small);
      expect(renderMarkdown(model, opts)).toBe(renderMarkdown(model, opts));
    }
  });

  it('says first, as a warning, when the hyperparameters predict nothing', () => {
    const md = renderMarkdown(buildReportModel(cases.wide), { maxChars: 1_000_000, charts: 'none' });
    const verdict = md.indexOf('The hyperparameters do not predict loss\\_1\\_minus\\_balanced\\_accuracy');
    expect(verdict).toBeGreaterThan(0);
    expect(verdict).toBeLessThan(md.indexOf('### Hyperparameters'));
    expect(md.slice(verdict - 40, verdict)).toContain('[!WARNING]');
    expect(md).toContain('No hyperparameter can be said to matter');
    // no ranking charts, no ✓ in the table
    expect(md).not.toContain('### Charts');
    expect(md).not.toMatch(/\| ✓ \|/);
  });

  it('shows gates with ✅/❌, the measured value and the rule', () => {
    const md = renderMarkdown(buildReportModel(cases.small), { maxChars: 1_000_000, charts: 'none' });
    expect(md).toMatch(/\| ❌ \| runs &gt;= 100 \| 60 \| &gt;= 100 \|/);
    expect(md).toContain('**Gates:** ❌ 2 failed, 0 passed');
  });

  it('links the sweep and the best run only through safe URLs', () => {
    const md = renderMarkdown(buildReportModel(cases.attack), { maxChars: 1_000_000, charts: 'none' });
    expect(md).toContain('[acme/mnist/abc123](<https://wandb.ai/acme/mnist/sweeps/abc123>)');
    expect(md).toMatch(/\]\(<https:\/\/wandb\.ai\/acme\/mnist\/runs\/r\d+>\)/);
    expect(md).toContain('“lr \\| sweep &lt;b&gt;”');
  });

  it('refuses a size limit that is not a positive whole number', () => {
    const model = buildReportModel(cases.small);
    expect(renderMarkdown(model, { maxChars: 65_536, charts: 'none' }).endsWith('</sub>\n')).toBe(true);
    for (const maxChars of [0, -1, 1.5, NaN]) {
      expect(() => renderMarkdown(model, { maxChars, charts: 'none' })).toThrow(UsageError);
    }
  });

  it('degenerate sweeps render too: two runs, a constant target, only constant or categorical parameters', () => {
    const edge = [
      makeAnalysis({
        target: 'y',
        goal: 'minimize',
        y: [0.5, 0.25],
        params: [{ name: 'a', kind: 'numeric', values: [1, 1] }],
        insights: false,
      }),
      makeAnalysis({
        target: 'y',
        goal: 'maximize',
        y: [1, 1, 1, 1, 1, 1],
        params: [
          { name: 'a', kind: 'numeric', values: [1, 2, 3, 4, 5, 6] },
          { name: 'c', kind: 'categorical', values: ['p', 'q', 'p', 'q', null, 'p'] },
        ],
      }),
      makeAnalysis({
        target: 'loss',
        goal: 'minimize',
        y: [3, 1, 2, 5, 4, 0.5, 0.25, 6, 7, 8, 9, 10],
        params: [{ name: 'opt', kind: 'categorical', values: 'aabbccaabbcc'.split('') }],
      }),
    ];
    for (const a of edge) {
      const model = buildReportModel(a);
      for (const charts of MODES) {
        const md = renderMarkdown(model, { maxChars: 65_536, charts });
        expectWellFormed(md, `${a.request.target}/${charts}`);
      }
    }
    const constant = renderMarkdown(buildReportModel(edge[1]), { maxChars: 65_536, charts: 'none' });
    expect(constant).toContain('y has the same value in every run used');
  });
});
