/**
 * An MLflow experiment as a runs table, over MLflow's REST API (mlflow/protos/service.proto):
 *
 * - the experiment by id (`GET experiments/get`) when the reference is all digits, else (or when no
 *   experiment has that id) by name (`GET experiments/get-by-name`);
 * - every run, page by page (`POST runs/search` with `experiment_ids`, `filter`, `run_view_type`,
 *   `max_results`, `page_token`), bounded by a page cap and a cursor that must move;
 * - with `--metric-agg min|max`, the target's history per run (`GET metrics/get-history`, paged,
 *   a few runs at a time); `last` uses the latest value the run carries.
 *
 * Params are strings and stay strings: the table is textual, typed by a CSV's rules (`"0.001"` is a
 * number, `"adam"` a level, `"None"` missing), so an experiment and its CSV export read the same.
 * Metrics go in as their number's text. Nested runs: a run that is the parent (tag
 * `mlflow.parentRunId`) of other runs of the experiment is a container, not a trial, and is left out.
 */
import type { Dispatcher } from 'undici';
import { RemoteError, UsageError, quoteForMessage } from '../../errors.js';
import type { Cell, RunMeta } from '../../table/runs-table.js';
import { isObject } from '../../http/json-client.js';
import { ENGINE_NAME, ENGINE_VERSION } from '../../version.js';
import { assembleTable, type AssembledRun } from '../assemble.js';
import { NO_SEARCH, type LoadedSource, type SourceMeta } from '../types.js';
import { credentialsFromEnv, MlflowClient, type MlflowAnswer, type MlflowCredentials } from './client.js';
import { wantedStates } from '../states.js';

export type MetricAgg = 'last' | 'min' | 'max';

export const MLFLOW_STATES = ['running', 'scheduled', 'finished', 'failed', 'killed'];

export interface MlflowOptions {
  /** Experiment name or id. */
  readonly experiment: string;
  /** --mlflow-tracking-uri, else MLFLOW_TRACKING_URI. */
  readonly trackingUri?: string;
  readonly credentials?: MlflowCredentials;
  readonly metricAgg?: MetricAgg;
  /** The metric --metric-agg min|max reads the history of (the target). */
  readonly target?: string;
  readonly states?: readonly string[];
  /** A search filter (MLflow's filter syntax), passed as given; default none. */
  readonly filter?: string;
  /** ACTIVE_ONLY (default), DELETED_ONLY or ALL. */
  readonly viewType?: string;
  /** Runs per page; default 1,000 (MLflow's default; at most 50,000). */
  readonly pageSize?: number;
  /** Pages read at most; default 1,000. */
  readonly maxPages?: number;
  /** History pages per run at most; default 100. */
  readonly maxHistoryPages?: number;
  /** Metric histories fetched at once; default 8. */
  readonly concurrency?: number;
  readonly requestTimeoutMs?: number;
  readonly retries?: number;
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  readonly totalTimeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (message: string) => void;
}

interface MlflowRun {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly params: [string, string][];
  readonly metrics: Map<string, Cell>;
  readonly parent: string | null;
}

const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_MAX_PAGES = 1000;
const HISTORY_PAGE_SIZE = 25_000;

export function trackingUriFrom(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const text = given?.trim() || env.MLFLOW_TRACKING_URI?.trim();
  const where = 'the MLflow tracking server (--mlflow-tracking-uri or MLFLOW_TRACKING_URI)';
  if (!text) {
    throw new UsageError(
      `reading an MLflow experiment needs ${where}: e.g. --mlflow-tracking-uri https://mlflow.example.com`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${where} ${quoteForMessage(text)} is not a URL: give e.g. http://127.0.0.1:5000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${where} must be an http:// or https:// server, got ${quoteForMessage(url.protocol)} (a local mlruns folder or databricks:// cannot be read: serve it with \`mlflow server\`)`,
    );
  }
  if (url.username || url.password) {
    throw new UsageError(
      `${where} must not carry credentials: put them in MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)`,
    );
  }
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

export async function loadExperiment(
  o: MlflowOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedSource> {
  const ref = o.experiment.trim();
  if (ref === '') throw new UsageError('--mlflow is empty: give an experiment name or id');
  const baseUrl = trackingUriFrom(o.trackingUri, env);
  const agg = o.metricAgg ?? 'last';
  if (agg !== 'last' && !o.target) {
    throw new UsageError(
      `--metric-agg ${agg} reads one metric's history: name it with --target (the metric to analyse)`,
    );
  }
  const wanted = wantedStates(o.states, MLFLOW_STATES, 'MLflow run');
  const pageSize = o.pageSize ?? DEFAULT_PAGE_SIZE;
  const progress = o.onProgress ?? (() => {});
  const client = new MlflowClient({
    baseUrl,
    credentials: o.credentials ?? credentialsFromEnv(env),
    userAgent: `${ENGINE_NAME}/${ENGINE_VERSION} (node ${process.version})`,
    timeoutMs: o.requestTimeoutMs ?? 30_000,
    retries: o.retries ?? 5,
    baseDelayMs: o.retryBaseDelayMs ?? 1_000,
    maxDelayMs: o.retryMaxDelayMs ?? 30_000,
    totalMs: o.totalTimeoutMs ?? 300_000,
    dispatcher: o.dispatcher,
    sleep: o.sleep,
    onRetry: (r) => progress(`MLflow: ${r.reason}; retrying in ${(r.delayMs / 1000).toFixed(1)} s`),
  });
  const host = new URL(baseUrl).host;

  const experiment = await findExperiment(client, ref, host);
  const label = `${experiment.name} (id ${experiment.id})`;
  const url = `${baseUrl}/#/experiments/${encodeURIComponent(experiment.id)}`;
  progress(`reading MLflow experiment ${label} at ${host}`);
  const runs = await searchRuns(client, experiment.id, {
    pageSize,
    maxPages: o.maxPages ?? DEFAULT_MAX_PAGES,
    filter: o.filter ?? '',
    viewType: o.viewType ?? 'ACTIVE_ONLY',
    progress,
    label,
  });

  // Nested runs: a parent of other runs of the experiment is their container, not a trial.
  const ids = new Set(runs.map((r) => r.id));
  const parents = new Set(runs.map((r) => r.parent).filter((p): p is string => p !== null && ids.has(p)));
  const states: Record<string, number> = {};
  const kept: MlflowRun[] = [];
  for (const run of runs) {
    if (parents.has(run.id)) continue;
    const state = run.status.toLowerCase();
    states[state] = (states[state] ?? 0) + 1;
    if (wanted && !wanted.has(state)) continue;
    kept.push(run);
  }
  if (parents.size > 0) {
    progress(
      `left out ${parents.size} parent run${parents.size === 1 ? '' : 's'} of nested runs (containers of the ${runs.length - parents.size} child runs)`,
    );
  }
  if (runs.length === 0) {
    throw new UsageError(`MLflow experiment ${label} has no runs (${o.viewType ?? 'ACTIVE_ONLY'}) (${url})`);
  }
  if (kept.length === 0) {
    throw new UsageError(
      `no run of MLflow experiment ${label} is in the states given by --states (${[...wanted!].join(', ')}); it has ${Object.entries(
        states,
      )
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
  }

  if (agg !== 'last') {
    await aggregateHistories(client, kept, o.target!, agg, {
      concurrency: Math.max(1, o.concurrency ?? 8),
      maxPages: o.maxHistoryPages ?? 100,
      progress,
    });
  }

  const source = `MLflow experiment ${label}`;
  const assembled: AssembledRun[] = kept.map((run) => {
    const meta: RunMeta = {
      id: run.id,
      state: run.status.toLowerCase(),
      url: `${url}/runs/${encodeURIComponent(run.id)}`,
    };
    if (run.name !== null) meta.name = run.name;
    return {
      params: run.params,
      metrics: run.metrics,
      facts: [
        ['state', run.status.toLowerCase()],
        ['run_name', run.name],
      ],
      meta,
    };
  });
  const table = assembleTable(assembled, { source, format: 'mlflow', textual: true });
  const meta: SourceMeta = {
    kind: 'mlflow',
    what: 'MLflow experiment',
    label,
    name: experiment.name,
    url,
    state: experiment.lifecycle,
    ...NO_SEARCH,
    targetReading:
      agg === 'last'
        ? null
        : `each run's ${agg === 'min' ? 'lowest' : 'highest'} value over its logged history (--metric-agg ${agg})`,
    states,
    key: `mlflow=${host}/${experiment.id}`,
    details: {
      tracking_uri: baseUrl,
      experiment_id: experiment.id,
      experiment_name: experiment.name,
      metric_agg: agg,
      parent_runs_left_out: parents.size,
    },
  };
  return { table, meta };
}

interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly lifecycle: string | null;
}

async function findExperiment(client: MlflowClient, ref: string, host: string): Promise<Experiment> {
  if (/^\d+$/.test(ref)) {
    const byId = await client.get('experiments/get', { experiment_id: ref }, `experiment ${ref}`);
    const found = experimentOf(byId);
    if (found) return found;
    if (!isMissing(byId)) throw unexpected(byId, `experiment ${ref}`, host);
  }
  const byName = await client.get(
    'experiments/get-by-name',
    { experiment_name: ref },
    `experiment ${quoteForMessage(ref)}`,
  );
  const found = experimentOf(byName);
  if (found) return found;
  if (isMissing(byName)) {
    throw new UsageError(
      `MLflow at ${host} has no experiment ${/^\d+$/.test(ref) ? `with id or name ${ref}` : `named ${quoteForMessage(ref)}`}: check --mlflow (an experiment name or id) and the tracking URI`,
    );
  }
  throw unexpected(byName, `experiment ${quoteForMessage(ref)}`, host);
}

function experimentOf(answer: MlflowAnswer): Experiment | null {
  if (answer.status !== 200 || !answer.body) return null;
  const e = answer.body.experiment;
  if (!isObject(e)) return null;
  const id =
    typeof e.experiment_id === 'string'
      ? e.experiment_id
      : typeof e.experiment_id === 'number'
        ? String(e.experiment_id)
        : null;
  if (id === null || typeof e.name !== 'string') return null;
  if (e.lifecycle_stage === 'deleted') return null;
  return { id, name: e.name, lifecycle: typeof e.lifecycle_stage === 'string' ? e.lifecycle_stage : null };
}

function isMissing(answer: MlflowAnswer): boolean {
  if (answer.errorCode === 'RESOURCE_DOES_NOT_EXIST') return true;
  if (answer.status === 404) return true;
  // an id that is not one (some stores) or a deleted experiment
  if (answer.status === 200 && answer.body && isObject(answer.body.experiment)) return true;
  return answer.status === 400 && answer.errorCode === 'INVALID_PARAMETER_VALUE';
}

function unexpected(answer: MlflowAnswer, what: string, host: string): RemoteError {
  const said = answer.message ?? answer.errorCode;
  if (answer.status >= 200 && answer.status < 300) {
    return new RemoteError(
      `MLflow at ${host} answered ${what} without an experiment (HTTP ${answer.status}): not an MLflow tracking server? check the tracking URI`,
      answer.status,
    );
  }
  return new RemoteError(
    `MLflow at ${host} answered ${what} with HTTP ${answer.status}${said ? `: ${said}` : ''}`,
    answer.status,
  );
}

async function searchRuns(
  client: MlflowClient,
  experimentId: string,
  o: {
    pageSize: number;
    maxPages: number;
    filter: string;
    viewType: string;
    progress: (m: string) => void;
    label: string;
  },
): Promise<MlflowRun[]> {
  const runs: MlflowRun[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= o.maxPages) {
      throw new RemoteError(
        `MLflow still had more runs of experiment ${o.label} after ${o.maxPages} pages (${runs.length} runs): stopped (a server paging without end?)`,
      );
    }
    const body: Record<string, unknown> = {
      experiment_ids: [experimentId],
      filter: o.filter,
      run_view_type: o.viewType,
      max_results: o.pageSize,
      order_by: ['attributes.start_time ASC'],
    };
    if (token !== undefined) body.page_token = token;
    const answer = await client.post('runs/search', body, `the runs of experiment ${o.label}`);
    if (answer.status !== 200 || !answer.body) {
      const said = answer.message ?? answer.errorCode;
      if (answer.status === 400) {
        throw new UsageError(
          `MLflow refused the run search of experiment ${o.label}${said ? `: ${said}` : ''}`,
        );
      }
      throw new RemoteError(
        `MLflow answered the runs of experiment ${o.label} with HTTP ${answer.status}${said ? `: ${said}` : ''}`,
        answer.status,
      );
    }
    const list = answer.body.runs ?? [];
    if (!Array.isArray(list)) {
      throw new RemoteError(`MLflow answered the runs of experiment ${o.label} without a list of runs`);
    }
    for (const raw of list) {
      const run = readRun(raw);
      if (run === null) {
        throw new RemoteError(`MLflow sent a run of experiment ${o.label} without info.run_id: not a run`);
      }
      if (seen.has(run.id)) continue; // a run that moved between pages while we read
      seen.add(run.id);
      runs.push(run);
    }
    o.progress(`fetched ${runs.length} runs of MLflow experiment ${o.label}`);
    const next = answer.body.next_page_token;
    if (typeof next !== 'string' || next === '') return runs;
    if (next === token || list.length === 0) {
      throw new RemoteError(
        `MLflow paged the runs of experiment ${o.label} without advancing (after ${runs.length} runs)`,
      );
    }
    token = next;
  }
}

function readRun(raw: unknown): MlflowRun | null {
  if (!isObject(raw) || !isObject(raw.info)) return null;
  const info = raw.info;
  const id =
    typeof info.run_id === 'string' ? info.run_id : typeof info.run_uuid === 'string' ? info.run_uuid : null;
  if (id === null || id === '') return null;
  const data = isObject(raw.data) ? raw.data : {};
  const params: [string, string][] = [];
  for (const p of Array.isArray(data.params) ? data.params : []) {
    if (isObject(p) && typeof p.key === 'string')
      params.push([p.key, typeof p.value === 'string' ? p.value : String(p.value ?? '')]);
  }
  const metrics = new Map<string, Cell>();
  for (const m of Array.isArray(data.metrics) ? data.metrics : []) {
    if (isObject(m) && typeof m.key === 'string') metrics.set(m.key, metricText(m.value));
  }
  let parent: string | null = null;
  let tagName: string | null = null;
  for (const t of Array.isArray(data.tags) ? data.tags : []) {
    if (!isObject(t) || typeof t.value !== 'string') continue;
    if (t.key === 'mlflow.parentRunId') parent = t.value;
    if (t.key === 'mlflow.runName') tagName = t.value;
  }
  const name = typeof info.run_name === 'string' && info.run_name !== '' ? info.run_name : tagName;
  const status = typeof info.status === 'string' ? info.status : 'UNKNOWN';
  return { id, name, status, params, metrics, parent };
}

/** A metric's value as CSV text: JSON numbers as JS prints them (exact), "NaN"/"Infinity" as sent. */
function metricText(value: unknown): Cell {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return null;
}

async function aggregateHistories(
  client: MlflowClient,
  runs: MlflowRun[],
  metric: string,
  agg: 'min' | 'max',
  o: { concurrency: number; maxPages: number; progress: (m: string) => void },
): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const run = runs[next++];
      const values = await history(client, run.id, metric, o.maxPages);
      let best: number | null = null;
      for (const v of values) {
        if (Number.isNaN(v)) continue;
        if (best === null || (agg === 'min' ? v < best : v > best)) best = v;
      }
      if (best !== null) run.metrics.set(metric, String(best));
      else if (values.length > 0) run.metrics.set(metric, 'NaN');
      done++;
      if (done % 50 === 0 || done === runs.length) {
        o.progress(`read the ${metric} history of ${done} of ${runs.length} runs (${agg})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, runs.length) }, worker));
}

async function history(
  client: MlflowClient,
  runId: string,
  metric: string,
  maxPages: number,
): Promise<number[]> {
  const values: number[] = [];
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new RemoteError(
        `MLflow still had more history of metric ${quoteForMessage(metric)} of run ${runId} after ${maxPages} pages: stopped`,
      );
    }
    const answer = await client.get(
      'metrics/get-history',
      { run_id: runId, metric_key: metric, max_results: HISTORY_PAGE_SIZE, page_token: token },
      `the history of ${quoteForMessage(metric)} of run ${runId}`,
    );
    if (answer.status !== 200 || !answer.body) {
      const said = answer.message ?? answer.errorCode;
      throw new RemoteError(
        `MLflow answered the history of ${quoteForMessage(metric)} of run ${runId} with HTTP ${answer.status}${said ? `: ${said}` : ''}`,
        answer.status,
      );
    }
    const list = answer.body.metrics ?? [];
    if (!Array.isArray(list))
      throw new RemoteError(`MLflow sent a metric history of run ${runId} that is not a list`);
    for (const m of list) {
      if (!isObject(m)) continue;
      const v = typeof m.value === 'number' ? m.value : typeof m.value === 'string' ? Number(m.value) : NaN;
      values.push(v);
    }
    const next = answer.body.next_page_token;
    if (typeof next !== 'string' || next === '') return values;
    if (next === token) throw new RemoteError(`MLflow paged the history of run ${runId} without advancing`);
    token = next;
  }
}
