/**
 * Charts as QuickChart image URLs (Chart.js 2 configs in the URL), built locally with quickchart-js's
 * `getUrl()`: no network, no short URLs (they need the network and expire). GitHub's image proxy
 * fetches the image when the comment is viewed. Each URL stays under `MAX_URL_LENGTH` by rounding (done
 * in the chart data) and by sampling the points deterministically, always keeping the best runs.
 */
import quickchartModule from 'quickchart-js';
import { UsageError } from '../../errors.js';
import { truncateName } from '../../report/names.js';
import type { ImportanceChart, TargetChart, TargetPoint } from './data.js';

// quickchart-js's types describe a CommonJS `exports.default`; its ESM build exports the class itself
// as the default. Accept both shapes so Node, Vitest and the ncc bundle agree.
type QuickChartClass = typeof quickchartModule.default;
const QuickChart: QuickChartClass =
  (quickchartModule as unknown as { default?: QuickChartClass }).default ??
  (quickchartModule as unknown as QuickChartClass);

/** Under 8 KB with room to spare (proxies and browsers cut longer URLs). */
export const MAX_URL_LENGTH = 8000;
export const DEFAULT_QUICKCHART_HOST = 'quickchart.io';

const BLUE = '#4e79a7';
const ORANGE = '#f28e2b';
const GREY = 'rgba(78,121,167,0.45)';
const RED = '#e15759';

/** Most best runs marked in a scatter (the rest of the best runs stay ordinary points). */
const MAX_BEST_POINTS = 25;

export interface QuickChartImage {
  readonly url: string;
  readonly alt: string;
  /** Points drawn out of the points available (scatter charts; sampling keeps the best runs). */
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

export function importanceImage(chart: ImportanceChart, host?: string): QuickChartImage {
  const endpoint = parseHost(host);
  const config = {
    type: 'horizontalBar',
    data: {
      labels: chart.bars.map((b) => b.label),
      datasets: [
        { label: 'importance', data: chart.bars.map((b) => b.importance), backgroundColor: BLUE },
        { label: 'correlation r', data: chart.bars.map((b) => b.correlation), backgroundColor: ORANGE },
      ],
    },
    options: {
      title: { display: true, text: chart.title },
      scales: { xAxes: [{ ticks: { min: -1, max: 1 } }] },
    },
  };
  const height = Math.max(200, 60 + 34 * chart.bars.length);
  const url = urlOf(config, endpoint, 700, height);
  if (url.length >= MAX_URL_LENGTH) {
    // Only absurd label lengths get here: fall back to numbered labels (the table names them).
    const numbered = { ...config, data: { ...config.data, labels: chart.bars.map((_, i) => `#${i + 1}`) } };
    return { url: urlOf(numbered, endpoint, 700, height), alt: chart.title, pointsShown: 0, pointsTotal: 0 };
  }
  return { url, alt: chart.title, pointsShown: 0, pointsTotal: 0 };
}

/**
 * Deterministic sample: the best runs first (up to MAX_BEST_POINTS, by the goal), then evenly spaced
 * runs in run order until `limit` points.
 */
export function samplePoints(points: TargetPoint[], limit: number, maximize: boolean): TargetPoint[] {
  if (points.length <= limit) return points;
  const bestIdx = points
    .map((p, i) => i)
    .filter((i) => points[i].best)
    .sort((a, b) => (maximize ? points[b].y - points[a].y : points[a].y - points[b].y) || a - b)
    .slice(0, Math.min(MAX_BEST_POINTS, limit));
  const keep = new Set(bestIdx);
  const others = points.map((_, i) => i).filter((i) => !keep.has(i));
  const room = limit - keep.size;
  for (let k = 0; k < room; k++) keep.add(others[Math.floor((k * others.length) / room)]);
  return [...keep].sort((a, b) => a - b).map((i) => points[i]);
}

export function targetImage(chart: TargetChart, host?: string): QuickChartImage {
  const endpoint = parseHost(host);
  const meanLabel = truncateName(`mean ${chart.target}`, 60);
  const bestLabel = chart.goal === 'maximize' ? 'highest' : 'lowest';
  if (chart.paramKind === 'categorical') {
    const config = {
      type: 'bar',
      data: {
        labels: chart.bins.map((b) => b.label),
        datasets: [
          { label: meanLabel, data: chart.bins.map((b) => b.mean), backgroundColor: BLUE },
          { label: bestLabel, data: chart.bins.map((b) => b.best), backgroundColor: ORANGE },
        ],
      },
      options: { title: { display: true, text: chart.title } },
    };
    const url = urlOf(config, endpoint, 600, 320);
    if (url.length >= MAX_URL_LENGTH) {
      // Only very long non-ASCII level names get here: number the bars (the table names them, in order).
      const numbered = { ...config, data: { ...config.data, labels: chart.bins.map((_, i) => `#${i + 1}`) } };
      return { url: urlOf(numbered, endpoint, 600, 320), alt: chart.title, pointsShown: 0, pointsTotal: 0 };
    }
    return { url, alt: chart.title, pointsShown: 0, pointsTotal: 0 };
  }
  const maximize = chart.goal === 'maximize';
  let limit = 160;
  for (;;) {
    const sample = limit > 0 ? samplePoints(chart.points, limit, maximize) : [];
    const config = {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'runs',
            data: sample.filter((p) => !p.best).map((p) => ({ x: p.x, y: p.y })),
            backgroundColor: GREY,
            pointRadius: 2,
          },
          {
            label: `best runs (top ${chart.bestCount})`,
            data: sample.filter((p) => p.best).map((p) => ({ x: p.x, y: p.y })),
            backgroundColor: RED,
            pointRadius: 4,
          },
          {
            label: meanLabel,
            type: 'line',
            data: chart.bins.map((b) => ({ x: b.center, y: b.mean })),
            borderColor: BLUE,
            fill: false,
            showLine: true,
          },
        ],
      },
      options: {
        title: { display: true, text: chart.title },
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
    const url = urlOf(config, endpoint, 600, 360);
    if (url.length < MAX_URL_LENGTH || limit === 0) {
      return { url, alt: chart.title, pointsShown: sample.length, pointsTotal: chart.points.length };
    }
    limit = limit > 20 ? Math.floor(limit * 0.75) : 0;
  }
}
