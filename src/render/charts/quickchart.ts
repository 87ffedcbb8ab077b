/**
 * Charts as QuickChart image URLs (Chart.js 2 configs in the URL), built locally with quickchart-js's
 * `getUrl()`: no network, no short URLs (they need the network and expire). GitHub's image proxy
 * fetches the image when the comment is viewed. Each URL stays under `MAX_URL_LENGTH` by rounding (done
 * in the chart data) and by sampling the points deterministically (the best runs and the others in
 * proportion).
 *
 * Rules every config follows: no title inside the image (the Markdown heading above it carries it);
 * bars start at zero; lines are straight (tension 0) and never join categories; each image comes with
 * its caption, written from what the config draws (counts included), so the caption is true by
 * construction.
 */
import quickchartModule from 'quickchart-js';
import { UsageError } from '../../errors.js';
import { truncateName } from '../../names.js';
import type { DistributionChart, ImportanceChart, TargetChart, TargetPoint } from './data.js';
import { distributionCaption, importanceCaption, niceCeil, perBin } from './data.js';

// quickchart-js's types describe a CommonJS `exports.default`; its ESM build exports the class itself
// as the default. Accept both shapes so Node, Vitest and the ncc bundle agree.
type QuickChartClass = typeof quickchartModule.default;
const QuickChart: QuickChartClass =
  (quickchartModule as unknown as { default?: QuickChartClass }).default ??
  (quickchartModule as unknown as QuickChartClass);

/** Under 8 KB with room to spare (proxies and browsers cut longer URLs). */
export const MAX_URL_LENGTH = 8000;
const DEFAULT_QUICKCHART_HOST = 'quickchart.io';

const BLUE = '#4e79a7';
const GREY = 'rgba(110,110,110,0.45)';
const RED = '#e15759';

/** Most points in a scatter before the URL length is even measured. */
const MAX_POINTS = 200;

export interface QuickChartImage {
  readonly url: string;
  readonly alt: string;
  /**
   * The sentence(s) to print under the image (plain text: escape it for Markdown), computed from the
   * config: what each mark is, and for a scatter how many runs and best runs are drawn.
   */
  readonly caption: string;
  /** Points drawn out of the points available (scatter charts; 0 of 0 for the others). */
  readonly pointsShown: number;
  readonly pointsTotal: number;
}

interface Endpoint {
  scheme: string;
  host: string;
}

/** `quickchart.io`, `charts.example.com:8080`, or a full `http(s)://host[:port][/path]`. */
export function parseHost(host: string | undefined): Endpoint {
  const text = (host ?? DEFAULT_QUICKCHART_HOST).trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--quickchart-host "${text}" is not a host name or URL; give e.g. quickchart.io`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search) {
    throw new UsageError(`--quickchart-host "${text}" must be an http(s) host without credentials or query`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { scheme: url.protocol.slice(0, -1), host: url.host + path };
}

function urlOf(config: object, endpoint: Endpoint, width: number, height: number): string {
  const chart = new QuickChart();
  chart.setConfig(config as never);
  chart.setHost(endpoint.host);
  chart.setScheme(endpoint.scheme);
  chart.setWidth(width);
  chart.setHeight(height);
  chart.setVersion('2.9.4');
  return chart.getUrl();
}

/** Chart.js 2 options every chart shares: no title in the image, straight lines. */
function baseOptions(legend: boolean): Record<string, unknown> {
  return {
    title: { display: false },
    legend: { display: legend },
    elements: { line: { tension: 0 } },
  };
}

/**
 * The report's ranking measure per parameter: horizontal bars from 0, on an axis from 0 (or, when a
 * value is below 0, a round negative minimum) to a round maximum; bars below 0 in red.
 */
export function importanceImage(chart: ImportanceChart, host?: string): QuickChartImage {
  const endpoint = parseHost(host);
  const values = chart.bars.map((b) => b.importance);
  const config = {
    type: 'horizontalBar',
    data: {
      labels: chart.bars.map((b) => b.label),
      datasets: [
        {
          label: chart.measure,
          data: values,
          backgroundColor: values.some((v) => v < 0) ? values.map((v) => (v < 0 ? RED : BLUE)) : BLUE,
        },
      ],
    },
    options: {
      ...baseOptions(false),
      scales: {
        xAxes: [
          {
            ticks: { beginAtZero: true, ...importanceRange(values) },
            scaleLabel: { display: true, labelString: chart.measure },
          },
        ],
      },
    },
  };
  return barImage(
    config,
    endpoint,
    700,
    barsHeight(chart.bars.length),
    chart.title,
    importanceCaption(chart),
  );
}

/**
 * The value axis of the importance chart, 0 always on it: min 0 when no value is below 0, else
 * −niceCeil(−smallest); max niceCeil(largest), 0 when every value is below 0 (1 when all are 0).
 */
export function importanceRange(values: number[]): { min: number; max: number } {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  return { min: lo < 0 ? -niceCeil(-lo) : 0, max: hi > 0 || lo === 0 ? niceCeil(hi) : 0 };
}

/** The two target distributions as grouped bars from 0: grey the baseline, blue this sweep. */
export function distributionImage(chart: DistributionChart, host?: string): QuickChartImage {
  const endpoint = parseHost(host);
  const config = {
    type: 'bar',
    data: {
      labels: chart.bins.map((b) => b.short),
      datasets: [
        {
          label: `baseline (${chart.baseRuns} runs)`,
          data: chart.bins.map((b) => b.base),
          backgroundColor: GREY,
        },
        {
          label: `this sweep (${chart.headRuns} runs)`,
          data: chart.bins.map((b) => b.head),
          backgroundColor: BLUE,
        },
      ],
    },
    options: {
      ...baseOptions(true),
      scales: {
        xAxes: [{ scaleLabel: { display: true, labelString: chart.target } }],
        yAxes: [
          {
            ticks: {
              beginAtZero: true,
              min: 0,
              max: niceCeil(Math.max(0, ...chart.bins.flatMap((b) => [b.base, b.head]))),
            },
            scaleLabel: { display: true, labelString: '% of runs' },
          },
        ],
      },
    },
  };
  return barImage(config, endpoint, 700, 300, chart.title, distributionCaption(chart, ['grey', 'blue']));
}

function barsHeight(bars: number): number {
  return Math.max(160, 70 + 26 * bars);
}

type BarConfig = { data: { labels: string[] } & Record<string, unknown> } & Record<string, unknown>;

function barImage(
  config: BarConfig,
  endpoint: Endpoint,
  width: number,
  height: number,
  alt: string,
  caption: string,
): QuickChartImage {
  const url = urlOf(config, endpoint, width, height);
  if (url.length < MAX_URL_LENGTH) return { url, alt, caption, pointsShown: 0, pointsTotal: 0 };
  // Only absurd label lengths get here: number the bars (the table names them, in order).
  const numbered = {
    ...config,
    data: { ...config.data, labels: config.data.labels.map((_, i) => `#${i + 1}`) },
  };
  return {
    url: urlOf(numbered, endpoint, width, height),
    alt,
    caption: `${caption} Bars numbered in table order.`,
    pointsShown: 0,
    pointsTotal: 0,
  };
}

/**
 * Deterministic stratified sample of at most `limit` points: the best runs and the other runs each
 * sampled evenly in run order, in proportion to their numbers (at least one best run when there is
 * one), so the best runs are neither over- nor under-represented. Run order is kept.
 */
export function samplePoints(points: TargetPoint[], limit: number): TargetPoint[] {
  if (points.length <= limit) return points;
  if (limit <= 0) return [];
  const best = points.map((_, i) => i).filter((i) => points[i].best);
  const others = points.map((_, i) => i).filter((i) => !points[i].best);
  let kBest = Math.round((limit * best.length) / points.length);
  if (kBest === 0 && best.length > 0) kBest = 1;
  kBest = Math.min(kBest, best.length);
  const kOthers = Math.min(limit - kBest, others.length);
  const even = (idx: number[], k: number) =>
    Array.from({ length: k }, (_, j) => idx[Math.floor(((j + 0.5) * idx.length) / k)]);
  return [...even(best, kBest), ...even(others, kOthers)].sort((a, b) => a - b).map((i) => points[i]);
}

export function targetImage(chart: TargetChart, host?: string): QuickChartImage {
  const endpoint = parseHost(host);
  return chart.binning === 'levels' ? levelsImage(chart, endpoint) : scatterImage(chart, endpoint);
}

/**
 * Categorical, or numeric with few values (ordered levels on a category axis): the mean per level as
 * bars from 0, and the best run per level as a marker (no line joins the levels).
 */
function levelsImage(chart: TargetChart, endpoint: Endpoint): QuickChartImage {
  const meanLabel = truncateName(`mean ${chart.target}`, 60);
  const bestWord = chart.goal === 'maximize' ? 'highest' : 'lowest';
  const config = {
    type: 'bar',
    data: {
      labels: chart.bins.map((b) => b.short),
      datasets: [
        { label: meanLabel, data: chart.bins.map((b) => b.mean), backgroundColor: BLUE },
        {
          label: `${bestWord} run`,
          type: 'line',
          showLine: false,
          fill: false,
          lineTension: 0,
          data: chart.bins.map((b) => b.best),
          pointStyle: 'line',
          pointRadius: 18,
          pointHoverRadius: 18,
          pointBorderWidth: 3,
          borderColor: RED,
          backgroundColor: RED,
        },
      ],
    },
    options: {
      ...baseOptions(true),
      scales: {
        xAxes: [{ scaleLabel: { display: true, labelString: chart.label } }],
        yAxes: [
          {
            ticks: { beginAtZero: true },
            scaleLabel: { display: true, labelString: truncateName(chart.target, 60) },
          },
        ],
      },
    },
  };
  const per = perBin(chart);
  const caption =
    `Bars: mean ${chart.target} per ${per} of ${chart.label}, from 0; red marks: the ${bestWord} run per ${per}.` +
    (chart.omittedLevels > 0 ? ` ${chart.omittedLevels} less frequent levels not drawn.` : '');
  return barImage(config, endpoint, 700, 300, chart.title, caption);
}

/**
 * Numeric with many values: every run as a point (a stratified sample when there are too many for the
 * URL), the best runs in red, and the mean per bin as straight steps over each bin's range.
 */
function scatterImage(chart: TargetChart, endpoint: Endpoint): QuickChartImage {
  const meanLabel = truncateName(`mean ${chart.target} per bin`, 60);
  const steps: { x: number; y: number | null }[] = [];
  chart.bins.forEach((b, k) => {
    if (k > 0 && chart.bins[k - 1].high !== b.low) steps.push({ x: chart.bins[k - 1].high!, y: null });
    steps.push({ x: b.low!, y: b.mean }, { x: b.high!, y: b.mean });
  });
  const bestTotal = chart.points.filter((p) => p.best).length;
  let limit = MAX_POINTS;
  for (;;) {
    const sample = samplePoints(chart.points, limit);
    const others = sample.filter((p) => !p.best);
    const best = sample.filter((p) => p.best);
    const config = {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: `runs (${others.length})`,
            data: others.map((p) => ({ x: p.x, y: p.y })),
            backgroundColor: GREY,
            borderColor: GREY,
            pointRadius: 2.5,
          },
          {
            label: `best runs (${best.length})`,
            data: best.map((p) => ({ x: p.x, y: p.y })),
            backgroundColor: RED,
            borderColor: RED,
            pointRadius: 3.5,
          },
          {
            label: meanLabel,
            type: 'line',
            data: steps,
            borderColor: BLUE,
            backgroundColor: BLUE,
            borderWidth: 2.5,
            fill: false,
            showLine: true,
            spanGaps: false,
            lineTension: 0,
            pointRadius: 0,
            pointHoverRadius: 0,
          },
        ],
      },
      options: {
        ...baseOptions(true),
        scales: {
          xAxes: [
            {
              type: chart.logScale ? 'logarithmic' : 'linear',
              scaleLabel: { display: true, labelString: chart.label },
            },
          ],
          yAxes: [{ scaleLabel: { display: true, labelString: truncateName(chart.target, 60) } }],
        },
      },
    };
    const url = urlOf(config, endpoint, 700, 360);
    if (url.length < MAX_URL_LENGTH || limit === 0) {
      const caption = scatterCaption(chart, sample.length, best.length, bestTotal);
      return { url, alt: chart.title, caption, pointsShown: sample.length, pointsTotal: chart.points.length };
    }
    limit = limit > 20 ? Math.floor(limit * 0.85) : 0;
  }
}

function scatterCaption(chart: TargetChart, drawn: number, bestDrawn: number, bestTotal: number): string {
  const total = chart.points.length;
  const runs =
    drawn === total
      ? `Points: all ${total} runs`
      : `Points: ${drawn} of ${total} runs (an even sample in run order, the best and the other runs in proportion)`;
  const bestOverall = bestTotal === chart.bestCount ? '' : ` (of the top ${chart.bestCount} overall)`;
  const best =
    bestTotal === 0
      ? ''
      : bestDrawn === bestTotal
        ? `; red: the ${bestTotal} best runs${bestOverall}`
        : `; red: ${bestDrawn} of the ${bestTotal} best runs${bestOverall}`;
  const bins = chart.binning === 'log' ? 'log-spaced bin' : 'bin';
  return `${runs}${best}. Blue steps: the mean ${chart.target} of all runs in each ${bins} of ${chart.label}.`;
}
