import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel, type ReportModel } from '../src/report/model.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { buildCharts, chartTable } from '../src/render/charts/data.js';
import {
  MAX_URL_LENGTH,
  importanceImage,
  parseHost,
  samplePoints,
  targetImage,
} from '../src/render/charts/quickchart.js';
import { importanceMermaid, mermaidLabel, targetMermaid } from '../src/render/charts/mermaid.js';
import { UsageError } from '../src/errors.js';
import { attackAnalysis, makeAnalysis, rng, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';
import { mermaidParser } from './fixtures/report/mermaid-parse.js';
import { cellNumber, chartConfig, imageUrls, mermaidBlocks, tables } from './fixtures/report/inspect.js';

/** Many runs, so the scatter must be sampled to fit the URL. */
function bigAnalysis() {
  const n = 4000;
  const r = rng(5);
  const lr = Array.from({ length: n }, () => 10 ** (-6 + 5 * r()));
  const width = Array.from({ length: n }, () => Math.floor(r() * 1000) + 0.123456789);
  const act = Array.from({ length: n }, (_, i) => ['relu', 'tanh', 'gelu "q"', 'elu[1]'][i % 4]);
  const y = lr.map((l, i) => 1 / (1 + Math.abs(Math.log10(l) + 3)) + 0.0001 * width[i] + 0.05 * r());
  return makeAnalysis({
    target: 'val "acc"',
    goal: 'maximize',
    y,
    params: [
      { name: 'learning_rate', kind: 'numeric', values: lr },
      { name: 'width', kind: 'numeric', values: width },
      { name: 'activation', kind: 'categorical', values: act },
    ],
  });
}

const models: Record<string, ReportModel> = {};
beforeAll(() => {
  models.small = buildReportModel(smallAnalysis());
  models.attack = buildReportModel(attackAnalysis());
  models.wide = buildReportModel(wideAnalysis());
  models.big = buildReportModel(bigAnalysis());
  models.constant = buildReportModel(
    makeAnalysis({
      target: 'y',
      goal: 'minimize',
      y: Array.from({ length: 12 }, () => 0.5),
      params: [
        { name: 'a', kind: 'numeric', values: Array.from({ length: 12 }, (_, i) => i) },
        { name: 'c', kind: 'categorical', values: Array.from({ length: 12 }, (_, i) => (i % 3 ? 'p' : 'q')) },
      ],
    }),
  );
});

/** A table cell back to its text (undo escapeCell). */
function unescapeCell(cell: string): string {
  return cell
    .replace(/\\(.)/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/@\u200b/g, '@');
}

/** The table that follows each chart in the Markdown. */
function tableAfter(md: string, needle: string) {
  const line = md.slice(0, md.indexOf(needle)).split('\n').length - 1;
  const t = tables(md).find((x) => x.line > line);
  if (!t) throw new Error('no table after the chart');
  return t.rows.slice(2);
}

type Dataset = { label: string; data: unknown[]; type?: string };

describe('QuickChart charts', () => {
  it('every URL is under 8 KB, decodes to a Chart.js config, and matches the table beside it', () => {
    let checked = 0;
    for (const [name, model] of Object.entries(models)) {
      const md = renderMarkdown(model, { maxChars: 10_000_000, charts: 'quickchart' });
      const urls = imageUrls(md);
      expect(urls.length, name).toBeGreaterThanOrEqual(2);
      for (const url of urls) {
        expect(url.length, name).toBeLessThan(MAX_URL_LENGTH);
        expect(url.length).toBeLessThan(8192);
        expect(url.startsWith('https://quickchart.io/chart?')).toBe(true);
        const config = chartConfig(url) as { type: string; data: { labels?: string[]; datasets: Dataset[] } };
        const rows = tableAfter(md, url);
        const col = (j: number) => rows.map((r) => cellNumber(r[j]));
        if (config.type === 'horizontalBar') {
          // importance chart: labels = parameters; datasets importance and r
          const labels = config.data.labels!;
          for (const d of config.data.datasets) expect(d.data).toHaveLength(labels.length);
          expect(labels).toEqual(rows.map((r) => unescapeCell(r[0])));
          expect(config.data.datasets[0].data).toEqual(col(1));
          expect(config.data.datasets[1].data).toEqual(col(2));
        } else if (config.type === 'bar') {
          // a categorical parameter: mean and best per level
          const labels = config.data.labels!;
          for (const d of config.data.datasets) expect(d.data).toHaveLength(labels.length);
          expect(labels).toEqual(rows.map((r) => unescapeCell(r[0])));
          expect(config.data.datasets[0].data).toEqual(col(2));
          expect(config.data.datasets[1].data).toEqual(col(3));
        } else {
          expect(config.type).toBe('scatter');
          const [runs, best, mean] = config.data.datasets;
          expect(mean.type).toBe('line');
          // the mean line has one point per bin, the table one row per bin
          expect(mean.data.map((p) => (p as { y: number }).y)).toEqual(col(2));
          const total = runs.data.length + best.data.length;
          expect(total).toBeGreaterThan(0);
          expect(col(1).reduce((a, b) => a! + b!, 0)).toBeGreaterThanOrEqual(total);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('samples many runs deterministically and keeps the best ones', () => {
    const charts = buildCharts(models.big);
    const lr = charts.targets.find((t) => t.parameter === 'learning_rate')!;
    expect(lr.logScale).toBe(true);
    const image = targetImage(lr);
    expect(image.url.length).toBeLessThan(MAX_URL_LENGTH);
    expect(image.pointsShown).toBeLessThan(image.pointsTotal);
    expect(image.pointsTotal).toBe(4000);
    expect(targetImage(lr).url).toBe(image.url);
    const config = chartConfig(image.url) as {
      data: { datasets: Dataset[] };
      options: { scales: { xAxes: { type: string }[] } };
    };
    expect(config.options.scales.xAxes[0].type).toBe('logarithmic');
    const best = lr.points
      .filter((p) => p.best)
      .sort((a, b) => b.y - a.y)
      .slice(0, 25);
    expect(config.data.datasets[1].data).toEqual(
      expect.arrayContaining(best.map((p) => ({ x: p.x, y: p.y }))),
    );
  });

  it('samplePoints keeps all best points first, then spreads the rest evenly', () => {
    const pts = Array.from({ length: 100 }, (_, i) => ({ x: i, y: i, best: i >= 95 }));
    const s = samplePoints(pts, 20, true);
    expect(s).toHaveLength(20);
    expect(s.filter((p) => p.best)).toHaveLength(5);
    expect(s.map((p) => p.x)).toEqual([...s.map((p) => p.x)].sort((a, b) => a - b));
    expect(samplePoints(pts, 200, true)).toBe(pts);
  });

  it('uses the configured host, never a short URL', () => {
    const charts = buildCharts(models.small);
    expect(importanceImage(charts.importance!, 'charts.example.com:8080').url).toMatch(
      /^https:\/\/charts\.example\.com:8080\/chart\?c=/,
    );
    expect(targetImage(charts.targets[0], 'http://127.0.0.1:3400/qc/').url).toMatch(
      /^http:\/\/127\.0\.0\.1:3400\/qc\/chart\?c=/,
    );
    expect(parseHost(undefined)).toEqual({ scheme: 'https', host: 'quickchart.io' });
    expect(() => parseHost('ftp://x.org')).toThrow(UsageError);
    expect(() => parseHost('https://user:pw@x.org')).toThrow(UsageError);
    const md = renderMarkdown(models.small, {
      maxChars: 1e6,
      charts: 'quickchart',
      quickchartHost: 'qc.internal',
    });
    expect(imageUrls(md).every((u) => u.startsWith('https://qc.internal/chart?'))).toBe(true);
  });
});

describe('chart data', () => {
  it('bars are the top parameters with their correlation (categoricals: the strongest level)', () => {
    const charts = buildCharts(models.small);
    const imp = charts.importance!;
    const params = models.small.sections.find((s) => s.kind === 'parameters')!;
    if (params.kind !== 'parameters') throw new Error();
    const rows = params.rows.filter((r) => !r.constant);
    expect(imp.bars.map((b) => b.parameter)).toEqual(rows.map((r) => r.name));
    const opt = imp.bars.find((b) => b.parameter === 'optimizer')!;
    expect(opt.level).not.toBeNull();
    const levels = rows.find((r) => r.name === 'optimizer')!.levels;
    const strongest = Math.max(...levels.map((l) => Math.abs(l.correlation ?? 0)));
    expect(Math.abs(opt.correlation!)).toBeCloseTo(strongest, 3);
    expect(imp.note).toMatch(/largest \|r\|/);
  });

  it('target charts: the top three varying parameters, bins that count every run', () => {
    const charts = buildCharts(models.small);
    expect(charts.targets.map((t) => t.parameter)).toEqual(['optimizer', 'learning_rate', 'dropout']);
    for (const t of charts.targets) {
      expect(t.bins.reduce((a, b) => a + b.count, 0)).toBe(t.points.length);
      expect(chartTable(t).rows).toHaveLength(t.bins.length);
    }
    const big = buildCharts(models.big).targets.find((t) => t.parameter === 'learning_rate')!;
    expect(big.bins.length).toBe(8);
    // log bins: equal ratios
    const ratios = big.bins.map((b) => b.high! / b.low!);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 1);
  });
});

describe('many levels', () => {
  it('a categorical with 50 long non-ASCII levels: the 20 most frequent drawn, URL under 8 KB', async () => {
    const n = 500;
    const r = rng(9);
    const names = Array.from({ length: 50 }, (_, k) => `${'語'.repeat(38)}${String(k).padStart(2, '0')}`);
    const level = Array.from({ length: n }, (_, i) => names[(i * i) % 50]);
    const model = buildReportModel(
      makeAnalysis({
        target: 'score',
        goal: 'maximize',
        y: Array.from({ length: n }, () => r()),
        params: [
          { name: 'tokenizer', kind: 'categorical', values: level },
          { name: 'x', kind: 'numeric', values: Array.from({ length: n }, () => r()) },
        ],
      }),
    );
    const chart = buildCharts(model).targets.find((t) => t.parameter === 'tokenizer')!;
    expect(chart.bins).toHaveLength(20);
    expect(chart.omittedLevels).toBe(names.length - 20 - names.filter((l) => !level.includes(l)).length);
    const image = targetImage(chart);
    expect(image.url.length).toBeLessThan(MAX_URL_LENGTH);
    const config = chartConfig(image.url) as { data: { labels: string[]; datasets: Dataset[] } };
    expect(config.data.labels).toHaveLength(20);
    expect(config.data.datasets[0].data).toEqual(chart.bins.map((b) => b.mean));
    const md = renderMarkdown(model, { maxChars: 1e6, charts: 'mermaid' });
    const parse = await mermaidParser();
    for (const block of mermaidBlocks(md)) await expect(parse(block)).resolves.toBeTruthy();
    expect(md).toMatch(/\d+ less frequent levels not drawn/);
  });
});

describe('mermaid charts', () => {
  let parse: (text: string) => Promise<unknown>;
  beforeAll(async () => {
    parse = await mermaidParser();
  });

  it('every block parses with mermaid’s own parser', async () => {
    let count = 0;
    for (const [name, model] of Object.entries(models)) {
      const md = renderMarkdown(model, { maxChars: 10_000_000, charts: 'mermaid' });
      const blocks = mermaidBlocks(md);
      expect(blocks.length, name).toBeGreaterThanOrEqual(2);
      for (const block of blocks) {
        await expect(parse(block), `${name}:\n${block}`).resolves.toBeTruthy();
        // numbers as plain decimals (mermaid's grammar has no exponents)
        for (const line of block.split('\n').filter((l) => /^\s*(bar|line|y-axis)/.test(l))) {
          expect(line.replace(/"[^"]*"/g, '')).not.toMatch(/\d[eE][+-]?\d/);
        }
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(12);
  });

  it('the parser does reject what the sanitiser removes', async () => {
    await expect(parse('xychart-beta\n  x-axis ["a"b"]\n  bar [1]')).rejects.toThrow();
    expect(mermaidLabel('a"b`c\nd')).toBe(`"a'b'c d"`);
  });

  it('bars and lines match the table beside the chart', () => {
    for (const model of Object.values(models)) {
      const charts = buildCharts(model);
      const all = [...(charts.importance ? [charts.importance] : []), ...charts.targets];
      for (const chart of all) {
        const text = chart.kind === 'importance' ? importanceMermaid(chart) : targetMermaid(chart);
        const nums = (key: string) =>
          JSON.parse(
            /^\s*(?:bar|line) (\[.*\])$/m.exec(text.split('\n').find((l) => l.trim().startsWith(key))!)![1],
          );
        const labels = /x-axis (?:"[^"]*" )?\[(.*)\]$/m.exec(text)![1].match(/"[^"]*"/g)!;
        const t = chartTable(chart);
        expect(labels).toHaveLength(t.rows.length);
        const bar = nums('bar ');
        const line = nums('line ');
        expect(bar).toHaveLength(t.rows.length);
        expect(line).toHaveLength(t.rows.length);
        const num = (s: string) => (s === '–' ? 0 : Number(s.replace('−', '-')));
        if (chart.kind === 'importance') {
          expect(bar).toEqual(t.rows.map((r) => num(r[1])));
          expect(line).toEqual(t.rows.map((r) => num(r[2])));
        } else {
          expect(bar).toEqual(t.rows.map((r) => num(r[2])));
          expect(line).toEqual(t.rows.map((r) => num(r[3])));
        }
      }
    }
  });
});
