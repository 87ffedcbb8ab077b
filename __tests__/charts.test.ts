import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel, type ReportModel } from '../src/report/model.js';
import { roundSig, unicodeBar } from '../src/format.js';
import { renderMarkdown } from '../src/render/markdown.js';
import {
  buildCharts,
  chartTable,
  niceCeil,
  shortNumber,
  type Chart,
  type ImportanceChart,
  type TargetChart,
} from '../src/render/charts/data.js';
import {
  MAX_URL_LENGTH,
  importanceImage,
  importanceRange,
  parseHost,
  samplePoints,
  targetImage,
  type QuickChartImage,
} from '../src/render/charts/quickchart.js';
import {
  MERMAID_PALETTE,
  importanceMermaid,
  mermaidChart,
  mermaidLabel,
  targetMermaid,
  unicodeBars,
} from '../src/render/charts/mermaid.js';
import { UsageError } from '../src/errors.js';
import { attackAnalysis, makeAnalysis, rng, smallAnalysis, wideAnalysis } from './fixtures/report/factory.js';
import { mermaidParser } from './fixtures/report/mermaid-parse.js';
import { cellNumber, chartConfig, imageUrls } from './fixtures/report/inspect.js';

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

/** A negative-valued target (a negated loss), a 3-valued numeric parameter and a wide numeric one. */
function negativeAnalysis() {
  const n = 300;
  const r = rng(11);
  const depth = Array.from({ length: n }, (_, i) => [1, 2, 3][i % 3]);
  const wd = Array.from({ length: n }, () => r() * 0.9);
  const opt = Array.from({ length: n }, (_, i) => ['adam', 'sgd'][(i * 7) % 2]);
  const y = depth.map((d, i) => -2 + 0.3 * d - wd[i] + (opt[i] === 'adam' ? 0.2 : 0) + 0.1 * r());
  return makeAnalysis({
    target: 'neg_loss',
    goal: 'maximize',
    y,
    params: [
      { name: 'depth', kind: 'numeric', values: depth },
      { name: 'weight_decay', kind: 'numeric', values: wd },
      { name: 'optimizer', kind: 'categorical', values: opt },
    ],
  });
}

/** The model with its parameters' ranking measures replaced (a held-out importance can be below 0). */
function withMeasures(model: ReportModel, measures: (index: number) => number): ReportModel {
  return {
    ...model,
    sections: model.sections.map((s) =>
      s.kind === 'parameters' ? { ...s, rows: s.rows.map((r, i) => ({ ...r, measure: measures(i) })) } : s,
    ),
  };
}

const models: Record<string, ReportModel> = {};
beforeAll(() => {
  models.small = buildReportModel(smallAnalysis());
  models.attack = buildReportModel(attackAnalysis());
  models.wide = buildReportModel(wideAnalysis());
  models.big = buildReportModel(bigAnalysis());
  models.negative = buildReportModel(negativeAnalysis());
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

type Point = { x: number | string; y: number | null };
type Dataset = {
  label: string;
  data: (number | null | Point)[];
  backgroundColor?: string | string[];
  type?: string;
  showLine?: boolean;
  lineTension?: number;
};
type Axis = { type?: string; ticks?: { beginAtZero?: boolean; min?: number; max?: number } };
type Config = {
  type: string;
  data: { labels?: string[]; datasets: Dataset[] };
  options: {
    title?: { display: boolean };
    elements?: { line?: { tension?: number } };
    scales: { xAxes: Axis[]; yAxes?: Axis[] };
  };
};

function allCharts(model: ReportModel): (ImportanceChart | TargetChart)[] {
  const charts = buildCharts(model);
  return [...(charts.importance ? [charts.importance] : []), ...charts.targets];
}

/** Every QuickChart image of a model, with the chart it draws. */
function images(
  model: ReportModel,
): { chart: Chart; panel: string; image: QuickChartImage; config: Config }[] {
  return allCharts(model).map((chart) => {
    const image = chart.kind === 'importance' ? importanceImage(chart) : targetImage(chart);
    return { chart, panel: chart.kind, image, config: chartConfig(image.url) as Config };
  });
}

const column = (chart: Chart, j: number) => chartTable(chart).rows.map((r) => cellNumber(r[j]));

describe('QuickChart charts', () => {
  it('every URL is under 8 KB, decodes to a Chart.js config, and matches the table beside it', () => {
    let checked = 0;
    for (const [name, model] of Object.entries(models)) {
      for (const { chart, panel, image, config } of images(model)) {
        expect(image.url.length, name).toBeLessThan(MAX_URL_LENGTH);
        expect(image.url.startsWith('https://quickchart.io/chart?')).toBe(true);
        const t = chartTable(chart);
        if (panel === 'importance') {
          expect(config.type).toBe('horizontalBar');
          expect(config.data.labels).toEqual(t.rows.map((r) => r[0]));
          expect(config.data.datasets).toHaveLength(1);
          expect(config.data.datasets[0].data).toEqual(column(chart, 1));
        } else if (config.type === 'bar') {
          // levels: mean bars and best markers, one per row of the table
          const labels = config.data.labels!;
          expect(labels).toHaveLength(t.rows.length);
          expect(config.data.datasets[0].data).toEqual(column(chart, 2));
          expect(config.data.datasets[1].data).toEqual(column(chart, 3));
        } else {
          expect(config.type).toBe('scatter');
          const [, , mean] = config.data.datasets;
          expect(mean.type).toBe('line');
          // the mean steps: two points (bin start, bin end) per row of the table, at the row's mean
          const ys = (mean.data as Point[]).filter((p) => p.y !== null).map((p) => p.y);
          expect(ys).toEqual(column(chart, 2).flatMap((m) => [m, m]));
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(18);
  });

  it('bars start at zero: importance from 0 to a round maximum, level means from 0', () => {
    for (const model of Object.values(models)) {
      for (const { panel, config } of images(model)) {
        if (panel === 'importance') {
          const ticks = config.options.scales.xAxes[0].ticks!;
          expect(ticks.min).toBe(0);
          expect(ticks.beginAtZero).toBe(true);
          const max = Math.max(...(config.data.datasets[0].data as number[]));
          expect(ticks.max).toBeGreaterThanOrEqual(max);
          expect(ticks.max).toBeLessThanOrEqual(Math.max(1, 1.5 * max));
        } else if (config.type === 'bar') {
          expect(config.options.scales.yAxes![0].ticks!.beginAtZero).toBe(true);
        } else {
          // a scatter draws no bars
          expect(config.data.datasets.every((d) => d.type !== 'bar')).toBe(true);
        }
      }
    }
  });

  it('the importance chart draws the ranking measure alone (no r), named on its axis', () => {
    const charts = buildCharts(models.small);
    const imp = chartConfig(importanceImage(charts.importance!).url) as Config;
    expect(imp.data.datasets.map((d) => d.label)).toEqual(['held-out importance']);
    expect(imp.options.scales.xAxes[0].ticks!.max).toBe(
      niceCeil(Math.max(...charts.importance!.bars.map((b) => b.importance))),
    );
    expect(JSON.stringify(imp)).not.toMatch(/correlation/);
  });

  it('a held-out importance below 0: the axis reaches a round negative minimum, bars still from 0', () => {
    const model = withMeasures(models.small, (i) => [0.21, 0.08, 0.004, -0.013, -0.0004][i] ?? -0.002);
    const chart = buildCharts(model).importance!;
    const image = importanceImage(chart);
    const config = chartConfig(image.url) as Config;
    const values = config.data.datasets[0].data as number[];
    expect(values).toEqual(chart.bars.map((b) => b.importance));
    expect(Math.min(...values)).toBe(-0.013);
    const ticks = config.options.scales.xAxes[0].ticks!;
    expect(ticks).toEqual({ beginAtZero: true, min: -0.015, max: 0.25 });
    // below 0 in red, the others blue
    expect(config.data.datasets[0].backgroundColor).toEqual(
      values.map((v) => (v < 0 ? '#e15759' : '#4e79a7')),
    );
    expect(image.caption).toMatch(/from 0/);
    expect(image.caption).toMatch(/Below 0: the held-out predictions got better/);
    expect(importanceImage(buildCharts(models.small).importance!).caption).not.toMatch(/Below 0/);
  });

  it('importanceRange: 0 always on the axis, round ends', () => {
    expect(importanceRange([0.3, 0.1, 0])).toEqual({ min: 0, max: 0.3 });
    expect(importanceRange([0.31, -0.02])).toEqual({ min: -0.02, max: 0.4 });
    expect(importanceRange([0.2, -0.021])).toEqual({ min: -0.025, max: 0.2 });
    // every value below 0: the axis ends at 0
    expect(importanceRange([-0.004, -0.07])).toEqual({ min: -0.08, max: 0 });
    // nothing above 0 and nothing below: a unit axis (no zero-width scale)
    expect(importanceRange([0, 0])).toEqual({ min: 0, max: 1 });
  });

  it('no title inside the images (the heading above carries it), straight lines, no line across categories', () => {
    for (const model of Object.values(models)) {
      for (const { config } of images(model)) {
        expect(config.options.title?.display).toBe(false);
        expect(config.options.elements?.line?.tension).toBe(0);
        for (const d of config.data.datasets) {
          if (d.type !== 'line') continue;
          expect(d.lineTension).toBe(0);
          if (config.type === 'bar') expect(d.showLine).toBe(false);
        }
      }
    }
  });

  it('a numeric parameter with 3 values is drawn as ordered levels on a category axis', () => {
    const depth = buildCharts(models.negative).targets.find((t) => t.parameter === 'depth')!;
    expect(depth.binning).toBe('levels');
    const config = chartConfig(targetImage(depth).url) as Config;
    expect(config.type).toBe('bar');
    expect(config.data.labels).toEqual(['1', '2', '3']);
    expect(config.options.scales.xAxes[0].type ?? 'category').toBe('category');
    // negative means: bars still from 0 (they go down)
    expect((config.data.datasets[0].data as number[]).every((v) => v < 0)).toBe(true);
    expect(config.options.scales.yAxes![0].ticks!.beginAtZero).toBe(true);
  });

  it('captions and legends count what is drawn', () => {
    let scatters = 0;
    for (const model of Object.values(models)) {
      for (const { chart, image, config } of images(model)) {
        if (config.type !== 'scatter' || chart.kind !== 'target') continue;
        const [runs, best] = config.data.datasets;
        const drawn = runs.data.length + best.data.length;
        const bestTotal = chart.points.filter((p) => p.best).length;
        expect(runs.label).toBe(`runs (${runs.data.length})`);
        expect(best.label).toBe(`best runs (${best.data.length})`);
        expect(image.pointsShown).toBe(drawn);
        expect(image.pointsTotal).toBe(chart.points.length);
        const some = /Points: (\d+) of (\d+) runs/.exec(image.caption);
        const all = /Points: all (\d+) runs/.exec(image.caption);
        if (some) expect([Number(some[1]), Number(some[2])]).toEqual([drawn, chart.points.length]);
        else expect(Number(all![1])).toBe(drawn);
        if (all) expect(drawn).toBe(chart.points.length);
        const redSome = /red: (\d+) of the (\d+) best runs/.exec(image.caption);
        const redAll = /red: the (\d+) best runs/.exec(image.caption);
        if (redSome) expect([Number(redSome[1]), Number(redSome[2])]).toEqual([best.data.length, bestTotal]);
        else if (redAll) expect([Number(redAll[1]), best.data.length]).toEqual([bestTotal, bestTotal]);
        else expect(bestTotal).toBe(0);
        // no promise of something not drawn
        expect(image.caption).not.toMatch(/highest|lowest/);
        scatters++;
      }
    }
    expect(scatters).toBeGreaterThanOrEqual(4);
  });

  it('samples many runs deterministically, the best in proportion (not over-represented)', () => {
    const lr = buildCharts(models.big).targets.find((t) => t.parameter === 'learning_rate')!;
    expect(lr.logScale).toBe(true);
    const image = targetImage(lr);
    expect(image.pointsShown).toBeLessThan(image.pointsTotal);
    expect(image.pointsTotal).toBe(4000);
    expect(targetImage(lr).url).toBe(image.url);
    const config = chartConfig(image.url) as Config;
    expect(config.options.scales.xAxes[0].type).toBe('logarithmic');
    const share = lr.points.filter((p) => p.best).length / lr.points.length;
    const bestDrawn = config.data.datasets[1].data.length;
    expect(Math.abs(bestDrawn - share * image.pointsShown)).toBeLessThanOrEqual(1);
    expect(image.caption).toMatch(new RegExp(`Points: ${image.pointsShown} of 4000 runs`));
  });

  it('samplePoints: stratified, evenly spread, run order kept', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i, best: i % 10 === 0 }));
    const s = samplePoints(pts, 100);
    expect(s).toHaveLength(100);
    expect(s.filter((p) => p.best)).toHaveLength(10);
    expect(s.map((p) => p.x)).toEqual([...s.map((p) => p.x)].sort((a, b) => a - b));
    // evenly spread: the other runs drawn cover the whole run order
    const others = s.filter((p) => !p.best).map((p) => p.x);
    expect(others[0]).toBeLessThan(20);
    expect(others.at(-1)).toBeGreaterThan(980);
    expect(samplePoints(pts, 2000)).toBe(pts);
    // one best run in a thousand still gets drawn
    const rare = pts.map((p) => ({ ...p, best: p.x === 500 }));
    expect(samplePoints(rare, 100).filter((p) => p.best)).toHaveLength(1);
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
  it("bars are the report's ranking measure, in the table's order, captioned by it", () => {
    for (const [analysis, measure] of [
      [smallAnalysis(), 'held-out importance'],
      [smallAnalysis({ insights: false }), 'notebook importance'],
    ] as const) {
      const model = buildReportModel(analysis);
      const params = model.sections.find((s) => s.kind === 'parameters')!;
      if (params.kind !== 'parameters') throw new Error();
      expect(params.measure).toBe(measure === 'held-out importance' ? 'permutation' : 'importance');
      const imp = buildCharts(model).importance!;
      expect(imp.measure).toBe(measure);
      expect(imp.bars.map((b) => b.parameter)).toEqual(params.rows.map((r) => r.name));
      expect(imp.bars.map((b) => b.importance)).toEqual(params.rows.map((r) => roundSig(r.measure, 4)));
      expect(imp.omitted).toBe(0);
      expect(chartTable(imp).header).toEqual(['parameter', measure]);
      expect(importanceImage(imp).caption).toMatch(
        new RegExp(`^Bars: the ${measure} of each hyperparameter, from 0`),
      );
      expect(mermaidChart(imp).caption).toBe(importanceImage(imp).caption);
    }
  });

  it('no charts when nothing predicts the target (the model has no charts section)', () => {
    const model = buildReportModel(smallAnalysis({ cvR2: -0.2 }));
    expect(model.sections.some((s) => s.kind === 'charts')).toBe(false);
    expect(model.sections.some((s) => s.kind === 'parameters')).toBe(true);
    expect(buildCharts(model)).toEqual({ importance: null, targets: [] });
  });

  it('target charts: the top three varying parameters, bins that count every run', () => {
    const charts = buildCharts(models.small);
    expect(charts.targets.map((t) => t.parameter)).toEqual(['optimizer', 'learning_rate', 'dropout']);
    for (const model of Object.values(models)) {
      for (const t of buildCharts(model).targets) {
        expect(t.bins.reduce((a, b) => a + b.count, 0)).toBe(t.points.length);
        expect(chartTable(t).rows).toHaveLength(t.bins.length);
      }
    }
  });

  it('numeric bins: edges at round numbers, at most 8, labelled by short midpoints', () => {
    const big = buildCharts(models.big).targets.find((t) => t.parameter === 'learning_rate')!;
    expect(big.binning).toBe('log');
    expect(big.bins.length).toBeLessThanOrEqual(8);
    expect(big.bins.length).toBeGreaterThanOrEqual(4);
    for (const b of big.bins) {
      // log bins: each edge a power of ten, or 3 or 2 or 5 times one
      for (const e of [b.low!, b.high!])
        expect(e / 10 ** Math.floor(Math.log10(e) + 1e-9)).toSatisfy((m: number) =>
          [1, 2, 3, 5].some((k) => Math.abs(m - k) < 1e-9),
        );
      expect(b.short.length).toBeLessThanOrEqual(6);
      expect(b.center!).toBeGreaterThan(b.low!);
      expect(b.center!).toBeLessThan(b.high!);
    }
    const wd = buildCharts(models.negative).targets.find((t) => t.parameter === 'weight_decay')!;
    expect(wd.binning).toBe('linear');
    // 0 … 0.9 in at most 8 bins: steps of 0.2
    expect(wd.bins.map((b) => b.label)).toEqual(['0–0.2', '0.2–0.4', '0.4–0.6', '0.6–0.8', '0.8–1']);
    expect(wd.bins.map((b) => b.short)).toEqual(['0.1', '0.3', '0.5', '0.7', '0.9']);
  });

  it('shortNumber: short axis labels', () => {
    expect([0.001, 0.01, 128, 0.00017, 2.5e-4, 123456, -0.5, 0].map((x) => shortNumber(x))).toEqual([
      '1e-3',
      '0.01',
      '130',
      '1.7e-4',
      '2.5e-4',
      '1.2e5',
      '−0.5',
      '0',
    ]);
    expect(shortNumber(128, 4)).toBe('128');
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
    const config = chartConfig(image.url) as Config;
    expect(config.data.labels).toHaveLength(20);
    expect(config.data.datasets[0].data).toEqual(chart.bins.map((b) => b.mean));
    expect(image.caption).toMatch(/\d+ less frequent levels not drawn/);
    const parse = await mermaidParser();
    const m = mermaidChart(chart);
    expect(m.code).toMatch(/^xychart-beta horizontal$/m);
    await expect(parse(m.code!)).resolves.toBeTruthy();
    expect(m.caption).toMatch(/\d+ less frequent levels not drawn/);
  });
});

describe('mermaid charts', () => {
  let parse: (text: string) => Promise<unknown>;
  beforeAll(async () => {
    parse = await mermaidParser();
  });

  it('every block parses with mermaid’s own parser, starts with the palette, has no title and no line', async () => {
    let count = 0;
    for (const [name, model] of Object.entries(models)) {
      for (const chart of allCharts(model)) {
        const m = mermaidChart(chart);
        if (m.code === null) continue;
        const block = m.code;
        await expect(parse(block), `${name}:\n${block}`).resolves.toBeTruthy();
        const init = /^%%\{init: (.*)\}%%$/.exec(block.split('\n')[0]);
        expect(init, block).not.toBeNull();
        const palette = JSON.parse(init![1]).themeVariables.xyChart.plotColorPalette as string;
        expect(palette.split(',').map((c) => c.trim())).toEqual(MERMAID_PALETTE);
        expect(block).not.toMatch(/^\s*title\b/m);
        expect(block).not.toMatch(/^\s*line\b/m);
        // numbers as plain decimals (mermaid's grammar has no exponents)
        for (const line of block.split('\n').filter((l) => /^\s*(bar|y-axis)/.test(l))) {
          expect(line.replace(/"[^"]*"/g, '')).not.toMatch(/\d[eE][+-]?\d/);
        }
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(15);
  });

  it('the y-axis starts at 0 and reaches every bar', () => {
    for (const model of Object.values(models)) {
      for (const chart of allCharts(model)) {
        const text = chart.kind === 'importance' ? importanceMermaid(chart) : targetMermaid(chart);
        if (text === null) continue;
        const axis = /^\s*y-axis (?:"[^"]*" )?(\S+) --> (\S+)$/m.exec(text)!;
        expect(Number(axis[1])).toBe(0);
        const bars = JSON.parse(/^\s*bar (\[.*\])$/m.exec(text)![1]) as number[];
        expect(Math.max(...bars)).toBeLessThanOrEqual(Number(axis[2]));
        expect(Math.min(...bars)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('the parser does reject what the sanitiser removes', async () => {
    await expect(parse('xychart-beta\n  x-axis ["a"b"]\n  bar [1]')).rejects.toThrow();
    expect(mermaidLabel('a"b`c\nd')).toBe(`"a'b'c d"`);
  });

  it('bars match the table beside the chart; labels are short', () => {
    for (const model of Object.values(models)) {
      for (const chart of allCharts(model)) {
        const text = chart.kind === 'importance' ? importanceMermaid(chart) : targetMermaid(chart);
        if (text === null) continue;
        const labels = /x-axis (?:"[^"]*" )?\[(.*)\]$/m.exec(text)![1].match(/"[^"]*"/g)!;
        const t = chartTable(chart);
        expect(labels).toHaveLength(t.rows.length);
        // under vertical bars: short (bin midpoints: a short number); beside horizontal bars: ≤ 40
        const max = /^xychart-beta horizontal$/m.test(text)
          ? 40
          : chart.kind === 'target' && chart.binning !== 'levels'
            ? 7
            : 24;
        for (const l of labels) expect(Array.from(l).length - 2, l).toBeLessThanOrEqual(max);
        const bar = JSON.parse(/^\s*bar (\[.*\])$/m.exec(text)![1]) as number[];
        expect(bar).toEqual(column(chart, chart.kind === 'importance' ? 1 : 2));
      }
    }
  });

  it('below-zero means: no xychart (its bars start at the axis minimum), Unicode bars instead', () => {
    const charts = buildCharts(models.negative);
    for (const chart of charts.targets) {
      const m = mermaidChart(chart);
      expect(m.code).toBeNull();
      expect(targetMermaid(chart)).toBeNull();
      const t = m.bars!;
      expect(t.rows).toHaveLength(chart.bins.length);
      expect(t.header).toHaveLength(4);
      // negative means: a bar in the left (negative) column only
      for (const [k, row] of t.rows.entries()) {
        expect(cellNumber(row[1])).toBe(chart.bins[k].mean);
        expect(row[2]).toMatch(/^▐?█*$/);
        expect(row[2].length).toBeGreaterThan(0);
        expect(row[3]).toBe('');
      }
    }
  });

  it('a held-out importance below 0: no xychart, Unicode bars either side of 0 instead', () => {
    const model = withMeasures(models.small, (i) => [0.2, 0.05, -0.006][i] ?? 0);
    const chart = buildCharts(model).importance!;
    expect(importanceMermaid(chart)).toBeNull();
    const m = mermaidChart(chart);
    expect(m.code).toBeNull();
    const t = m.bars!;
    expect(t.header).toEqual(['parameter', 'held-out importance', '−0.2 … 0', '0 … 0.2']);
    expect(t.align).toEqual(['l', 'r', 'r', 'l']);
    expect(t.rows.map((row) => row[0])).toEqual(chart.bars.map((b) => b.label));
    expect(t.rows.map((row) => cellNumber(row[1]))).toEqual(chart.bars.map((b) => b.importance));
    expect(t.rows.slice(0, 3).map((row) => row.slice(2))).toEqual([
      ['', '████████████████████'],
      ['', '█████'],
      ['▐', ''],
    ]);
    // a 0 draws nothing either side
    for (const row of t.rows.slice(3)) expect(row.slice(2)).toEqual(['', '']);
    expect(m.caption).toMatch(/from 0/);
    expect(m.caption).toMatch(/cannot draw bars below 0/);
    // all at or above 0: the xychart, its axis titled by the measure
    const plain = mermaidChart(buildCharts(models.small).importance!);
    expect(plain.code).toMatch(/^\s*y-axis "held-out importance" 0 --> /m);
    expect(plain.bars).toBeNull();
  });
});

describe('unicode bars', () => {
  it('lengths in eighths of a cell, from 0; at least an eighth; nothing for 0 or below', () => {
    expect(unicodeBar(1, 1, 4)).toBe('████');
    expect(unicodeBar(0.5, 1, 4)).toBe('██');
    expect(unicodeBar(0.125 / 4, 1, 4)).toBe('▏');
    expect(unicodeBar(0.3, 1, 4)).toBe('█▎');
    expect(unicodeBar(2, 1, 4)).toBe('████');
    expect(unicodeBar(1e-9, 1, 4)).toBe('▏');
    for (const [v, s] of [
      [0, 1],
      [-0.5, 1],
      [NaN, 1],
      [0.5, 0],
      [Infinity, Infinity],
    ])
      expect(unicodeBar(v, s, 4)).toBe('');
  });

  it("the report table's 8-cell bars: every eighth from ▏ to ████████", () => {
    const cells = Array.from({ length: 65 }, (_, k) => unicodeBar(k / 64, 1, 8));
    expect(cells[0]).toBe('');
    expect(cells.slice(1, 8)).toEqual(['▏', '▎', '▍', '▌', '▋', '▊', '▉']);
    expect(cells[8]).toBe('█');
    expect(cells[20]).toBe('██▌');
    expect(cells[64]).toBe('████████');
    expect(cells.slice(1).every((c, k) => Array.from(c).length === Math.ceil((k + 1) / 8))).toBe(true);
  });

  it('one column for non-negative values, two around 0 when a value is negative', () => {
    const pos = unicodeBars(
      [
        { label: 'a', value: 2 },
        { label: 'b', value: 1 },
        { label: 'c', value: null },
      ],
      ['p', 'v'],
      8,
    );
    expect(pos.header).toEqual(['p', 'v', '0 … 2']);
    expect(pos.rows.map((r) => r[2])).toEqual(['████████', '████', '']);
    const signed = unicodeBars(
      [
        { label: 'a', value: -1 },
        { label: 'b', value: 0.25 },
        { label: 'c', value: -0.0001 },
        { label: 'd', value: -0.3125 },
        { label: 'e', value: 0 },
      ],
      ['p', 'v'],
      8,
    );
    expect(signed.header).toEqual(['p', 'v', '−1 … 0', '0 … 1']);
    expect(signed.rows).toEqual([
      ['a', '−1', '████████', ''],
      ['b', '0.25', '', '██'],
      // a value below 0 never draws as nothing: at least a half cell
      ['c', '−0.0001', '▐', ''],
      ['d', '−0.3125', '▐██', ''],
      ['e', '0', '', ''],
    ]);
    expect(signed.align).toEqual(['l', 'r', 'r', 'l']);
  });
});
