/**
 * A local stand-in for an MLflow tracking server's REST API (node:http on 127.0.0.1, a free port), for
 * tests only, built from mlflow/protos/service.proto's semantics:
 *
 * - `GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=` and `GET experiments/get?experiment_id=`:
 *   `{experiment: {experiment_id, name, artifact_location, lifecycle_stage, tags}}`, or 404
 *   `{error_code: RESOURCE_DOES_NOT_EXIST, message}`;
 * - `POST /api/2.0/mlflow/runs/search`: the body is validated (only the service's fields;
 *   `experiment_ids` a non-empty list of strings, `filter` a string, `run_view_type` ACTIVE_ONLY,
 *   DELETED_ONLY or ALL, `max_results` 1…50,000, `order_by` strings, `page_token` one this server
 *   issued), else 400 INVALID_PARAMETER_VALUE; runs are `{info, data}` with `info.run_id`, `run_name`,
 *   `status`, `start_time`, `end_time`, `lifecycle_stage`, and `data.params[{key, value}]` (strings),
 *   `data.metrics[{key, value, timestamp, step}]` (latest values; NaN as "NaN"), `data.tags`; paged by
 *   an opaque `next_page_token`;
 * - `GET /api/2.0/mlflow/metrics/get-history?run_id=&metric_key=&max_results=&page_token=`: every
 *   logged value of a metric, paged.
 *
 * Auth: a server made with `token` wants `Bearer <token>`, one made with `username`/`password` wants
 * Basic; anything else is 401 `{error_code: UNAUTHENTICATED}`. Faults are queued like the W&B
 * stand-in's: a status (429 with Retry-After, 500, 503…), a dropped connection, a slow answer, a body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureMlflowRun {
  run_id: string;
  run_name?: string;
  status?: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  lifecycle_stage?: 'active' | 'deleted';
  start_time?: number;
  params: Record<string, string>;
  /** Latest values; NaN allowed. */
  metrics: Record<string, number>;
  /** Every value logged, oldest first (the latest must equal `metrics[key]`). */
  history?: Record<string, number[]>;
  tags?: Record<string, string>;
}

export interface FixtureExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage?: 'active' | 'deleted';
  runs: FixtureMlflowRun[];
}

export type MlflowFault = (
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: string }
  | { kind: 'drop' }
  | { kind: 'slow'; delayMs: number }
) & {
  /** Only requests to this endpoint (`runs/search`, `metrics/get-history`, …); default any. */
  on?: string;
};

export interface MlflowRecordedRequest {
  method: string;
  endpoint: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  authorization: string | undefined;
  fault: MlflowFault['kind'] | null;
  status: number;
}

export interface MlflowServerOptions {
  experiments: FixtureExperiment[];
  token?: string;
  username?: string;
  password?: string;
  faults?: MlflowFault[];
  /** The server's own cap on runs per page (MLflow's is 50,000). */
  maxResultsCap?: number;
  /** History values per page at most. */
  historyPageCap?: number;
}

export interface MlflowServer {
  readonly url: string;
  readonly requests: MlflowRecordedRequest[];
  addFaults(...faults: MlflowFault[]): void;
  close(): Promise<void>;
}

const SEARCH_FIELDS = new Set([
  'experiment_ids',
  'filter',
  'run_view_type',
  'max_results',
  'order_by',
  'page_token',
]);
const VIEW_TYPES = new Set(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);

function token(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ offset, scope })).toString('base64');
}

function readToken(text: string, scope: string): number | null {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as {
      offset?: unknown;
      scope?: unknown;
    };
    return typeof t.offset === 'number' && t.scope === scope ? t.offset : null;
  } catch {
    return null;
  }
}

/** Protobuf JSON writes non-finite doubles as strings. */
function protoDouble(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function runJson(exp: FixtureExperiment, run: FixtureMlflowRun, i: number): Record<string, unknown> {
  const start = run.start_time ?? 1_700_000_000_000 + i * 1000;
  const tags = { ...(run.tags ?? {}) };
  if (run.run_name) tags['mlflow.runName'] = run.run_name;
  return {
    info: {
      run_id: run.run_id,
      run_uuid: run.run_id,
      run_name: run.run_name ?? '',
      experiment_id: exp.experiment_id,
      user_id: 'someone',
      status: run.status ?? 'FINISHED',
      start_time: start,
      end_time: run.status === 'RUNNING' ? undefined : start + 60_000,
      artifact_uri: `mlflow-artifacts:/${exp.experiment_id}/${run.run_id}/artifacts`,
      lifecycle_stage: run.lifecycle_stage ?? 'active',
    },
    data: {
      metrics: Object.entries(run.metrics).map(([key, value]) => ({
        key,
        value: protoDouble(value),
        timestamp: start + 30_000,
        step: (run.history?.[key]?.length ?? 1) - 1,
      })),
      params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
    inputs: {},
  };
}

export async function startMlflowServer(opts: MlflowServerOptions): Promise<MlflowServer> {
  const requests: MlflowRecordedRequest[] = [];
  const faults = [...(opts.faults ?? [])];
  const cap = opts.maxResultsCap ?? 50_000;
  const historyCap = opts.historyPageCap ?? 25_000;

  const send = (
    rec: MlflowRecordedRequest,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const error = (
    rec: MlflowRecordedRequest,
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
  ): void => send(rec, res, status, { error_code: code, message });

  const authorized = (auth: string | undefined): boolean => {
    if (opts.token !== undefined) return auth === `Bearer ${opts.token}`;
    if (opts.username !== undefined) {
      return auth === `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    }
    return true;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = '/api/2.0/mlflow/';
    const endpoint = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const rec: MlflowRecordedRequest = {
      method: req.method ?? '',
      endpoint,
      query: Object.fromEntries(url.searchParams),
      body: null,
      authorization: req.headers.authorization,
      fault: null,
      status: 0,
    };
    requests.push(rec);
    const i = faults.findIndex((f) => f.on === undefined || f.on === endpoint);
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined;
    rec.fault = fault?.kind ?? null;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      send(
        rec,
        res,
        fault.status,
        fault.body ?? { error_code: 'INTERNAL_ERROR', message: 'Internal Server Error' },
        headers,
      );
      return;
    }
    const answer = (): void => route(rec, res, req, url, endpoint, raw);
    if (fault?.kind === 'slow') setTimeout(answer, fault.delayMs);
    else answer();
  };

  const route = (
    rec: MlflowRecordedRequest,
    res: ServerResponse,
    req: IncomingMessage,
    url: URL,
    endpoint: string,
    raw: string,
  ): void => {
    if (!authorized(req.headers.authorization)) {
      error(
        rec,
        res,
        401,
        'UNAUTHENTICATED',
        'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html',
      );
      return;
    }
    const q = url.searchParams;
    if (req.method === 'GET' && endpoint === 'experiments/get-by-name') {
      const name = q.get('experiment_name');
      if (name === null || name === '') {
        error(
          rec,
          res,
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'experiment_name'.",
        );
        return;
      }
      const exp = opts.experiments.find((e) => e.name === name);
      if (!exp) {
        error(rec, res, 404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
        return;
      }
      send(rec, res, 200, { experiment: experimentJson(exp) });
      return;
    }
    if (req.method === 'GET' && endpoint === 'experiments/get') {
      const id = q.get('experiment_id');
      if (id === null || id === '') {
        error(
          rec,
          res,
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'experiment_id'.",
        );
        return;
      }
      const exp = opts.experiments.find((e) => e.experiment_id === id);
      if (!exp) {
        error(rec, res, 404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
        return;
      }
      send(rec, res, 200, { experiment: experimentJson(exp) });
      return;
    }
    if (req.method === 'POST' && endpoint === 'runs/search') {
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        error(rec, res, 400, 'MALFORMED_REQUEST', 'Request body is not a JSON object');
        return;
      }
      rec.body = body;
      if (req.headers['content-type'] !== 'application/json') {
        error(rec, res, 400, 'MALFORMED_REQUEST', 'Content-Type must be application/json');
        return;
      }
      const bad = (m: string): void => error(rec, res, 400, 'INVALID_PARAMETER_VALUE', m);
      for (const k of Object.keys(body))
        if (!SEARCH_FIELDS.has(k)) return bad(`Unknown field '${k}' in SearchRuns`);
      const ids = body.experiment_ids;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
        return bad("Invalid value for parameter 'experiment_ids': a non-empty list of strings");
      }
      if (body.filter !== undefined && typeof body.filter !== 'string')
        return bad("'filter' must be a string");
      if (body.filter && body.filter !== '') return bad('this stand-in does not evaluate filters');
      if (body.run_view_type !== undefined && !VIEW_TYPES.has(body.run_view_type as string)) {
        return bad(`Invalid value ${JSON.stringify(body.run_view_type)} for parameter 'run_view_type'`);
      }
      const max = body.max_results ?? 1000;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50_000) {
        return bad(
          `Invalid value ${JSON.stringify(max)} for parameter 'max_results' supplied. It must be at most 50000`,
        );
      }
      if (
        body.order_by !== undefined &&
        (!Array.isArray(body.order_by) || !body.order_by.every((x) => typeof x === 'string'))
      ) {
        return bad("'order_by' must be a list of strings");
      }
      const scope = `runs:${(ids as string[]).join(',')}`;
      let offset = 0;
      if (body.page_token !== undefined) {
        const o = typeof body.page_token === 'string' ? readToken(body.page_token, scope) : null;
        if (o === null) return bad('Invalid page token');
        offset = o;
      }
      const view = (body.run_view_type as string | undefined) ?? 'ACTIVE_ONLY';
      const all: Record<string, unknown>[] = [];
      for (const exp of opts.experiments) {
        if (!(ids as string[]).includes(exp.experiment_id)) continue;
        exp.runs.forEach((run, i) => {
          const stage = run.lifecycle_stage ?? 'active';
          if (view === 'ACTIVE_ONLY' && stage !== 'active') return;
          if (view === 'DELETED_ONLY' && stage !== 'deleted') return;
          all.push(runJson(exp, run, i));
        });
      }
      const size = Math.min(max, cap);
      const page = all.slice(offset, offset + size);
      const out: Record<string, unknown> = {};
      if (page.length > 0) out.runs = page; // proto3 JSON leaves out an empty list
      if (offset + size < all.length) out.next_page_token = token(offset + size, scope);
      send(rec, res, 200, out);
      return;
    }
    if (req.method === 'GET' && endpoint === 'metrics/get-history') {
      const runId = q.get('run_id') ?? q.get('run_uuid');
      const key = q.get('metric_key');
      if (!runId || !key) {
        error(
          rec,
          res,
          400,
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'run_id' or 'metric_key'.",
        );
        return;
      }
      const run = opts.experiments.flatMap((e) => e.runs).find((r) => r.run_id === runId);
      if (!run) {
        error(rec, res, 404, 'RESOURCE_DOES_NOT_EXIST', `Run '${runId}' not found`);
        return;
      }
      const values = run.history?.[key] ?? (key in run.metrics ? [run.metrics[key]] : []);
      const max = Math.min(Number(q.get('max_results') ?? historyCap), historyCap);
      const scope = `history:${runId}:${key}`;
      let offset = 0;
      const t = q.get('page_token');
      if (t !== null) {
        const o = readToken(t, scope);
        if (o === null) {
          error(rec, res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token');
          return;
        }
        offset = o;
      }
      const out: Record<string, unknown> = {
        metrics: values.slice(offset, offset + max).map((v, i) => ({
          key,
          value: protoDouble(v),
          timestamp: 1_700_000_000_000 + (offset + i) * 10,
          step: offset + i,
        })),
      };
      if (offset + max < values.length) out.next_page_token = token(offset + max, scope);
      send(rec, res, 200, out);
      return;
    }
    error(rec, res, 404, 'ENDPOINT_NOT_FOUND', `No API endpoint ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFaults: (...f) => faults.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function experimentJson(exp: FixtureExperiment): Record<string, unknown> {
  return {
    experiment_id: exp.experiment_id,
    name: exp.name,
    artifact_location: `mlflow-artifacts:/${exp.experiment_id}`,
    lifecycle_stage: exp.lifecycle_stage ?? 'active',
    last_update_time: 1_700_000_000_000,
    creation_time: 1_700_000_000_000,
    tags: [],
  };
}
