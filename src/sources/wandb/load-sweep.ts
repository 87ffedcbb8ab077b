/**
 * A W&B sweep as a runs table: its metadata (current query, else the legacy one), optionally a wait
 * until it ends, then every run page by page with config and summary in the same query.
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { SweepInfo } from './sweep-info.js';
import { RemoteError, UsageError } from '../../errors.js';
import type { RunMeta, RunsTable } from '../../table/runs-table.js';
import { ENGINE_NAME, ENGINE_VERSION } from '../../version.js';
import { parseJsonLenient } from '../lenient-json.js';
import { tableFromRecords } from '../records.js';
import { checkApiKey, WandbClient, type GraphqlAnswer } from './client.js';
import {
  SWEEP_META_LEGACY_QUERY,
  SWEEP_META_QUERY,
  SWEEP_RUNS_QUERY,
  type RunNode,
  type SweepMetaData,
  type SweepNode,
  type SweepRunsData,
} from './queries.js';
import { parseSweepConfig, sweepMetric, sweepParameters } from './sweep-config.js';
import type { SweepRef } from './sweep-ref.js';
import { appUrlFor, DEFAULT_BASE_URL, normalizeBaseUrl, runPageUrl, sweepPageUrl } from './urls.js';
import { wantedStates } from '../states.js';

export { sweepParameters };

export interface WandbOptions {
  apiKey: string | undefined;
  /** Default: WANDB_BASE_URL, else https://api.wandb.ai. */
  baseUrl?: string;
  /** Run states to keep (case-insensitive); default all. Counts in SweepInfo.states are before filtering. */
  states?: string[];
  wait?: boolean;
  /** Default 60. */
  waitTimeoutMinutes?: number;
  /** Runs per request; default 100 (halved if the server refuses it). */
  pageSize?: number;
  /** Per request, headers and body; default 30,000. */
  requestTimeoutMs?: number;
  /** Retries per request after the first attempt; default 5. */
  retries?: number;
  onProgress?: (message: string) => void;
  userAgent?: string;
  /** Links: default WANDB_APP_URL, else derived from the base URL. */
  appUrl?: string;
  /** First retry backoff (doubles, with jitter); default 1,000. */
  retryBaseDelayMs?: number;
  /** Cap of one backoff; default 30,000 (a server's Retry-After is honoured beyond it). */
  retryMaxDelayMs?: number;
  /** Bound on one request with all its retries and waits; default 300,000. */
  totalTimeoutMs?: number;
  /** --wait: first poll interval (grows 1.5× per poll); default 10,000. */
  pollIntervalMs?: number;
  /** --wait: longest poll interval; default 60,000. */
  maxPollIntervalMs?: number;
  /** Default: from HTTPS_PROXY/HTTP_PROXY/NO_PROXY (EnvHttpProxyAgent), else a plain agent. */
  dispatcher?: Dispatcher;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Pages of runs read at most, whatever the server says of more (default 10,000: a million runs at 100). */
  maxPages?: number;
}

export interface LoadedSweep {
  table: RunsTable;
  sweep: SweepInfo;
  /** HTTP requests sent, retries included. */
  requests: number;
}

/** W&B run states (for checking --states; a state the server reports is accepted too). */
export const RUN_STATES = [
  'pending',
  'running',
  'finished',
  'killed',
  'crashed',
  'failed',
  'preempted',
  'preempting',
];
const TERMINAL_SWEEP_STATES = new Set(['FINISHED', 'CANCELED']);
const MIN_PAGE_SIZE = 10;
const MAX_PAGE_HALVINGS = 3;
const DEFAULT_MAX_PAGES = 10_000;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function loadSweep(ref: SweepRef, opts: WandbOptions): Promise<LoadedSweep> {
  const apiKey = opts.apiKey?.trim();
  if (!apiKey) {
    throw new UsageError(
      'reading a W&B sweep needs an API key in WANDB_API_KEY (find yours at https://wandb.ai/authorize)',
    );
  }
  checkApiKey(apiKey);
  const givenBase = opts.baseUrl?.trim() || process.env.WANDB_BASE_URL?.trim() || DEFAULT_BASE_URL;
  const baseUrl = normalizeBaseUrl(givenBase, 'the W&B server (--wandb-base-url or WANDB_BASE_URL)');
  const app = appUrlFor(baseUrl, opts.appUrl ?? process.env.WANDB_APP_URL);
  const pageSize = opts.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new UsageError(`the W&B page size must be a positive integer, got ${pageSize}`);
  }
  const wanted = wantedStates(opts.states, RUN_STATES, 'W&B run');
  const waitMinutes = opts.waitTimeoutMinutes ?? 60;
  if (opts.wait && !(Number.isFinite(waitMinutes) && waitMinutes >= 0)) {
    throw new UsageError(`--wait-timeout must be a number of minutes >= 0, got ${opts.waitTimeoutMinutes}`);
  }
  const progress = opts.onProgress ?? (() => {});
  const sleep = opts.sleep ?? defaultSleep;
  const ownDispatcher = opts.dispatcher ? undefined : dispatcherFromEnv(process.env);
  const client = new WandbClient({
    baseUrl,
    apiKey,
    userAgent: opts.userAgent ?? defaultUserAgent(),
    timeoutMs: opts.requestTimeoutMs ?? 30_000,
    retries: opts.retries ?? 5,
    baseDelayMs: opts.retryBaseDelayMs ?? 1_000,
    maxDelayMs: opts.retryMaxDelayMs ?? 30_000,
    totalMs: opts.totalTimeoutMs ?? 300_000,
    dispatcher: opts.dispatcher ?? ownDispatcher,
    sleep,
    onRetry: (r) => progress(`W&B: ${r.reason}; retrying in ${(r.delayMs / 1000).toFixed(1)} s`),
  });
  const name = `${ref.entity}/${ref.project}/${ref.id}`;
  const url = sweepPageUrl(app, ref.entity, ref.project, ref.id);
  const reader = new SweepReader(client, ref, url);
  try {
    let meta = await reader.meta();
    if (opts.wait) {
      meta = await waitForEnd(reader, meta, {
        timeoutMs: waitMinutes * 60_000,
        firstMs: opts.pollIntervalMs ?? 10_000,
        maxMs: opts.maxPollIntervalMs ?? 60_000,
        sleep,
        progress,
        name,
      });
    }
    const nodes = await reader.runs(pageSize, progress, opts.maxPages ?? DEFAULT_MAX_PAGES);
    const config = parseSweepConfig(meta.config);
    if (meta.config && meta.config.trim() !== '' && config === null) {
      progress(`the config of sweep ${name} is not a YAML mapping; no metric or parameters taken from it`);
    }

    const states: Record<string, number> = {};
    const records: Record<string, unknown>[] = [];
    const runMeta: RunMeta[] = [];
    for (const node of nodes) {
      const state = (node.state ?? 'unknown').toLowerCase();
      states[state] = (states[state] ?? 0) + 1;
      if (wanted && !wanted.has(state)) continue;
      // Run.name is the short run id (the page URL's last part); displayName is what people call it.
      const runId = node.name;
      const runName = node.displayName ?? node.name;
      records.push({
        id: runId,
        name: runName,
        state,
        config: jsonObject(node.config, `W&B run ${runId} config`),
        summary: jsonObject(node.summaryMetrics, `W&B run ${runId} summaryMetrics`),
      });
      runMeta.push({ id: runId, name: runName, state, url: runPageUrl(app, ref.entity, ref.project, runId) });
    }
    if (nodes.length === 0) {
      throw new UsageError(
        `sweep ${name} has no runs yet (state ${meta.state ?? 'unknown'}): start its agents, or pass --wait (${url})`,
      );
    }
    if (records.length === 0) {
      throw new UsageError(
        `no run of sweep ${name} is in the states given by --states (${[...wanted!].join(', ')}); it has ${countsText(states)}`,
      );
    }
    const table = tableFromRecords(records, `W&B sweep ${name}`, 'wandb', runMeta);
    const sweep: SweepInfo = {
      entity: ref.entity,
      project: ref.project,
      id: ref.id,
      name: meta.displayName ?? (typeof config?.name === 'string' ? config.name : null) ?? null,
      state: meta.state ?? null,
      url,
      method: meta.method ?? (typeof config?.method === 'string' ? config.method : null),
      metric: sweepMetric(config),
      config,
      parameters: config ? sweepParameters(config) : [],
      states,
    };
    return { table, sweep, requests: client.requests };
  } finally {
    await ownDispatcher?.close();
  }
}

/**
 * The proxy settings of the environment: EnvHttpProxyAgent (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, lower
 * case too) when one is set; a plain agent otherwise (EnvHttpProxyAgent warns that it is experimental).
 */
export function dispatcherFromEnv(env: NodeJS.ProcessEnv): Dispatcher {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
  if (!httpProxy && !httpsProxy) return new Agent();
  // undici warns once per process that EnvHttpProxyAgent is experimental: noise on a CLI's stderr.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = (rest[0] as { code?: string } | undefined)?.code;
    if (code === 'UNDICI-EHPA') return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

export function defaultUserAgent(): string {
  return `${ENGINE_NAME}/${ENGINE_VERSION} (node ${process.version})`;
}

/** Reads one sweep's metadata and runs; knows which metadata query the server takes. */
class SweepReader {
  private legacy = false;
  private readonly name: string;

  constructor(
    private readonly client: WandbClient,
    private readonly ref: SweepRef,
    private readonly url: string,
  ) {
    this.name = `${ref.entity}/${ref.project}/${ref.id}`;
  }

  async meta(): Promise<SweepNode> {
    const vars = { entity: this.ref.entity, project: this.ref.project, sweep: this.ref.id };
    const what = `sweep ${this.name}`;
    if (!this.legacy) {
      const answer = await this.client.query<SweepMetaData>(SWEEP_META_QUERY, vars, what);
      if (!isSchemaMismatch(answer)) return this.sweepFrom(answer);
      // An older server without displayName/runCountExpected: use the fields every version has.
      this.legacy = true;
    }
    return this.sweepFrom(await this.client.query<SweepMetaData>(SWEEP_META_LEGACY_QUERY, vars, what));
  }

  private sweepFrom(answer: GraphqlAnswer<SweepMetaData>): SweepNode {
    this.failOn(answer, `sweep ${this.name}`);
    const project = answer.data?.project;
    if (project === null || project === undefined) throw this.missingProject();
    if (!project.sweep) {
      throw new UsageError(
        `W&B has no sweep ${this.ref.id} in project ${this.ref.entity}/${this.ref.project}: check the sweep id (${this.url})`,
      );
    }
    return project.sweep;
  }

  /**
   * Every run, page by page. A server that pages without end (`hasNextPage` always true, the cursor
   * moving) is stopped by the count it gives (`runCount`: more runs than it plus some slack for runs
   * started meanwhile) and, whatever it counts, by `maxPages`.
   */
  async runs(firstPageSize: number, progress: (m: string) => void, maxPages: number): Promise<RunNode[]> {
    const filters = JSON.stringify({ $and: [{ sweep: this.ref.id }] });
    const nodes: RunNode[] = [];
    let pageSize = firstPageSize;
    let halvings = 0;
    let cursor: string | null = null;
    let counted: number | null = null;
    for (let pages = 0; ;) {
      if (pages >= maxPages) {
        throw new RemoteError(
          `W&B still had more runs of sweep ${this.name} after ${maxPages} pages (${nodes.length} runs${counted === null ? '' : `; it counts ${counted}`}): stopped (a server paging without end?)`,
        );
      }
      const vars: Record<string, unknown> = {
        entity: this.ref.entity,
        project: this.ref.project,
        filters,
        order: '+created_at',
        first: pageSize,
        cursor,
      };
      const answer: GraphqlAnswer<SweepRunsData> = await this.client.query<SweepRunsData>(
        SWEEP_RUNS_QUERY,
        vars,
        `the runs of sweep ${this.name}`,
      );
      if (isPageSizeRefusal(answer) && pageSize > MIN_PAGE_SIZE && halvings < MAX_PAGE_HALVINGS) {
        // Some servers cap the page size; a smaller page costs requests, not correctness.
        halvings += 1;
        pageSize = Math.max(MIN_PAGE_SIZE, Math.floor(pageSize / 2));
        progress(
          `W&B refused a page of runs (${answer.errors.join('; ')}); asking for ${pageSize} at a time`,
        );
        continue;
      }
      pages += 1;
      this.failOn(answer, `the runs of sweep ${this.name}`);
      const project = answer.data?.project;
      if (!project) throw this.missingProject();
      const runs = project.runs;
      if (!runs || !Array.isArray(runs.edges) || !runs.pageInfo) {
        throw new RemoteError(`W&B answered the runs query of sweep ${this.name} without runs`);
      }
      for (const edge of runs.edges) nodes.push(edge.node);
      const total = project.runCount;
      if (typeof total === 'number' && Number.isFinite(total)) {
        counted = Math.max(counted ?? 0, total);
        // Runs started while we read may add a few; a page or 10% more than counted is no longer that.
        const slack = Math.max(pageSize, Math.ceil(counted * 0.1));
        if (nodes.length > counted + slack) {
          throw new RemoteError(
            `W&B sent ${nodes.length} runs of sweep ${this.name} but counts ${counted}: stopped (a server paging without end?)`,
          );
        }
      }
      progress(
        `fetched ${nodes.length}${typeof total === 'number' ? ` of ${total}` : ''} runs of sweep ${this.name}`,
      );
      if (!runs.pageInfo.hasNextPage) return nodes;
      const last: string | null | undefined =
        runs.edges.length > 0 ? runs.edges[runs.edges.length - 1].cursor : runs.pageInfo.endCursor;
      if (!last || last === cursor) {
        // A page that says "more" but does not move the cursor would loop forever.
        throw new RemoteError(
          `W&B paged the runs of sweep ${this.name} without advancing (after ${nodes.length} runs)`,
        );
      }
      cursor = last;
    }
  }

  private failOn(answer: GraphqlAnswer<unknown>, what: string): void {
    if (isNotFound(answer)) {
      const project = answer.data as { project?: unknown } | null;
      if (project && project.project === null) throw this.missingProject();
      throw new UsageError(
        `W&B could not find sweep ${this.name} (${answer.errors.join('; ') || `HTTP ${answer.status}`}): check entity, project and sweep id (${this.url})`,
      );
    }
    if (answer.errors.length > 0) {
      throw new RemoteError(`W&B answered ${what} with an error: ${answer.errors.join('; ')}`, answer.status);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new RemoteError(`W&B answered ${what} with HTTP ${answer.status}`, answer.status);
    }
    // `{"data": null}` (or no `project` field) without an error is not "no such project": the server
    // did not answer the query at all. A missing project is `{"data": {"project": null}}`.
    const data = answer.data as Record<string, unknown> | null;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || !('project' in data)) {
      throw new RemoteError(
        `W&B answered ${what} with no data and no error (HTTP ${answer.status}): not a W&B GraphQL answer; check the server (--wandb-base-url or WANDB_BASE_URL)`,
        answer.status,
      );
    }
  }

  private missingProject(): UsageError {
    return new UsageError(
      `W&B has no project ${this.ref.entity}/${this.ref.project} (looking for sweep ${this.name}): check the entity and project names, and that the user of WANDB_API_KEY can see them`,
    );
  }
}

function isSchemaMismatch(answer: GraphqlAnswer<unknown>): boolean {
  return (
    answer.codes.includes('GRAPHQL_VALIDATION_FAILED') ||
    answer.errors.some((e) => /Cannot query field|Unknown argument|Unknown field/i.test(e))
  );
}

/** A server that caps the page size says so in its error ("first must be at most 50", "limit exceeded"). */
function isPageSizeRefusal(answer: GraphqlAnswer<unknown>): boolean {
  if (answer.status === 413) return true;
  return (
    !isNotFound(answer) &&
    answer.errors.some((e) =>
      /\b(first|limit|page size|too (many|large)|exceed(s|ed)?|at most|maximum)\b/i.test(e),
    )
  );
}

function isNotFound(answer: GraphqlAnswer<unknown>): boolean {
  return (
    answer.status === 404 ||
    answer.codes.includes('NOT_FOUND') ||
    answer.errors.some((e) => /\bnot found\b|does not exist|could not find/i.test(e))
  );
}

async function waitForEnd(
  reader: SweepReader,
  first: SweepNode,
  o: {
    timeoutMs: number;
    firstMs: number;
    maxMs: number;
    sleep: (ms: number) => Promise<void>;
    progress: (m: string) => void;
    name: string;
  },
): Promise<SweepNode> {
  const deadline = Date.now() + o.timeoutMs;
  let meta = first;
  let interval = o.firstMs;
  while (!TERMINAL_SWEEP_STATES.has((meta.state ?? '').toUpperCase())) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const minutes = Math.round((o.timeoutMs / 60_000) * 100) / 100;
      throw new RemoteError(
        `sweep ${o.name} is still ${meta.state ?? 'not finished'} after waiting ${minutes} min: raise --wait-timeout, or drop --wait to analyse the runs so far`,
      );
    }
    const pause = Math.min(interval, left);
    const runs = typeof meta.runCount === 'number' ? `, ${meta.runCount} runs` : '';
    o.progress(
      `sweep ${o.name} is ${meta.state ?? 'running'}${runs}; checking again in ${Math.ceil(pause / 1000)} s`,
    );
    await o.sleep(pause);
    interval = Math.min(o.maxMs, interval * 1.5);
    meta = await reader.meta();
  }
  o.progress(`sweep ${o.name} is ${meta.state}`);
  return meta;
}

function countsText(states: Record<string, number>): string {
  return Object.entries(states)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
}

function jsonObject(text: string | null | undefined, where: string): Record<string, unknown> {
  if (text === null || text === undefined || text.trim() === '') return {};
  const value = parseJsonLenient(text, where);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
