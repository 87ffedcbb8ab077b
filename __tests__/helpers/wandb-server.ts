/**
 * A local stand-in for the W&B GraphQL API (node:http on 127.0.0.1, a free port), for tests only.
 *
 * It speaks the real protocol: POST /graphql, HTTP Basic auth `api:KEY`, every incoming query parsed
 * and validated with the `graphql` package against the public schema (a copy in
 * __tests__/fixtures/wandb/schema.graphql) and executed against fixture sweeps whose runs carry W&B's
 * shapes: config and summaryMetrics as JSON *strings*, config values wrapped in {"value": ...},
 * summaries with `_step`, `_runtime`, `_timestamp`, `_wandb`, a media object, nested values and bare
 * NaN tokens. Faults can be queued: 429 with Retry-After, 500, a dropped connection, a slow answer,
 * errors[] with HTTP 200, 401, any status and body. `schema: 'legacy'` serves an old server's schema
 * without the Sweep fields the legacy query avoids; `endlessRuns` pages without end and `runCount`
 * miscounts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { NA_TOKENS } from '../../src/table/typing.js';
import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA_FILE = join(HERE, '..', 'fixtures', 'wandb', 'schema.graphql');
const EXAMPLES = join(HERE, '..', '..', 'examples');

/** Sweep fields an old server lacks (the legacy query asks only for id name state bestLoss config). */
export const LEGACY_MISSING_SWEEP_FIELDS = [
  'displayName',
  'method',
  'description',
  'createdAt',
  'updatedAt',
  'runCount',
  'runCountExpected',
];

const schemas = new Map<string, GraphQLSchema>();

/** The public schema ('current'), or the same without LEGACY_MISSING_SWEEP_FIELDS on Sweep ('legacy'). */
export function wandbSchema(kind: 'current' | 'legacy' = 'current'): GraphQLSchema {
  let schema = schemas.get(kind);
  if (!schema) {
    let sdl = readFileSync(SCHEMA_FILE, 'utf8');
    if (kind === 'legacy') sdl = withoutSweepFields(sdl, LEGACY_MISSING_SWEEP_FIELDS);
    schema = buildSchema(sdl);
    schemas.set(kind, schema);
  }
  return schema;
}

function withoutSweepFields(sdl: string, fields: string[]): string {
  const start = sdl.indexOf('type Sweep implements Node {');
  if (start < 0) throw new Error('schema fixture: type Sweep not found');
  const end = sdl.indexOf('\n}', start);
  const block = sdl
    .slice(start, end)
    .split('\n')
    .filter((line) => !fields.some((f) => new RegExp(`^\\s+${f}\\s*[:(]`).test(line)))
    .join('\n');
  return sdl.slice(0, start) + block + sdl.slice(end);
}

// ---------------------------------------------------------------------------------------------
// Fixtures in W&B's shape

export interface FixtureRun {
  /** Run.name: the short run id used in page URLs. */
  name: string;
  displayName: string;
  state: string;
  sweepName: string;
  createdAt: string;
  /** JSON text, top-level values wrapped in {"value": ...}. */
  config: string;
  /** JSON text, may hold bare NaN / Infinity tokens. */
  summaryMetrics: string;
}

export interface FixtureSweep {
  entity: string;
  project: string;
  /** Sweep.name: the sweep id. */
  id: string;
  displayName: string | null;
  method: string;
  /** The state, or a sequence: each metadata query moves one step on; the last one stays. */
  state: string | string[];
  /** YAML text. */
  config: string;
  runs: FixtureRun[];
}

/** JSON.stringify, except non-finite numbers are written as W&B writes them: NaN, Infinity, -Infinity. */
export function jsonWithNaN(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonWithNaN).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonWithNaN(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const EPOCH = Date.parse('2024-03-01T12:00:00Z');

export interface RunSpec {
  index: number;
  sweepName: string;
  state?: string;
  /** Flat or nested config values (unwrapped); wrapped in {"value": ...} here. */
  config: Record<string, unknown>;
  /** Summary metrics (nested allowed); `_step`, `_runtime`, `_timestamp`, `_wandb` are added here. */
  summary: Record<string, unknown>;
}

/** One run in W&B's shape, with the internals the SDK adds to config and summary. */
export function wandbRun(spec: RunSpec): FixtureRun {
  const i = spec.index;
  const config: Record<string, unknown> = { wandb_version: 1 };
  for (const [k, v] of Object.entries(spec.config)) config[k] = { desc: null, value: v };
  config._wandb = {
    desc: null,
    value: { cli_version: '0.16.3', python_version: '3.11.7', t: { 1: [1, 55], 4: '3.11.7' } },
  };
  const runtime = 30 + (i % 17);
  const summary = {
    ...spec.summary,
    _step: 9,
    _runtime: runtime,
    _timestamp: (EPOCH + i * 1000) / 1000 + runtime,
    _wandb: { runtime },
  };
  return {
    name: runId(i),
    displayName: `run-${i + 1}`,
    state: spec.state ?? 'finished',
    sweepName: spec.sweepName,
    createdAt: new Date(EPOCH + i * 1000).toISOString().replace(/\.\d+Z$/, ''),
    config: jsonWithNaN(config),
    summaryMetrics: jsonWithNaN(summary),
  };
}

/** W&B run ids are 8 lowercase letters and digits. */
export function runId(i: number): string {
  return `r${i.toString(36).padStart(7, '0')}`;
}

/** A tiny CSV reader (RFC 4180 quotes): the examples need no more. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A CSV cell as an SDK would have logged it: a number, a boolean, a string; undefined (not logged)
 * for the CSV reader's NA tokens, so a sweep and its CSV give the same design.
 */
function cellValue(text: string): unknown {
  if (NA_TOKENS.has(text)) return undefined;
  if (NUMBER.test(text)) return Number(text);
  if (/^[-+]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (text === 'True' || text === 'False') return text === 'True';
  return text;
}

export interface DatasetSweepOptions {
  entity?: string;
  project?: string;
  id?: string;
  /** State per run (default finished). */
  stateOf?: (index: number) => string;
  sweepState?: string | string[];
  /** Leave the metric out of the sweep config. */
  noMetric?: boolean;
}

export interface DatasetInfo {
  params: string[];
  target: string;
  goal: 'maximize' | 'minimize';
}

export function datasetInfo(dataset: string): DatasetInfo {
  const dir = join(EXAMPLES, dataset);
  const params = readFileSync(join(dir, 'params.txt'), 'utf8')
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const [target, goal] = readFileSync(join(dir, 'target.txt'), 'utf8').trim().split(/\s+/);
  return { params, target, goal: goal === 'minimize' ? 'minimize' : 'maximize' };
}

/**
 * A sweep built from examples/<dataset>/runs.csv: the dataset's parameters in each run's config
 * (plus a constant nested `trainer` block and the SDK internals), every other column in the
 * summary (missing numbers written as NaN), a media object in the first run's summary and a
 * nested `best` block; the sweep config lists the parameters and the metric.
 */
export function datasetSweep(dataset: string, o: DatasetSweepOptions = {}): FixtureSweep {
  const info = datasetInfo(dataset);
  const rows = parseCsv(readFileSync(join(EXAMPLES, dataset, 'runs.csv'), 'utf8'));
  const header = rows[0];
  const id = o.id ?? 'abcd1234';
  const paramSet = new Set(info.params);
  const values = new Map<string, unknown[]>(info.params.map((p) => [p, []]));
  const runs = rows.slice(1).map((cells, i) => {
    const config: Record<string, unknown> = {};
    const summary: Record<string, unknown> = {};
    header.forEach((col, j) => {
      const v = cellValue(cells[j] ?? '');
      if (paramSet.has(col)) {
        if (v !== undefined) {
          config[col] = v;
          values.get(col)!.push(v);
        }
      } else summary[col] = v === undefined ? NaN : v;
    });
    config.trainer = { precision: 32, devices: 1 };
    summary.best = { step: i % 10 };
    if (i === 0) summary.samples = { _type: 'images/separated', count: 4, height: 28, width: 28 };
    return wandbRun({ index: i, sweepName: id, state: o.stateOf?.(i), config, summary });
  });
  const parameters: Record<string, unknown> = {};
  for (const p of info.params) parameters[p] = parameterSpec(values.get(p)!);
  const config: Record<string, unknown> = { method: 'random', program: 'train.py', parameters };
  if (!o.noMetric) config.metric = { name: info.target, goal: info.goal };
  return {
    entity: o.entity ?? 'test-team',
    project: o.project ?? dataset,
    id,
    displayName: `${dataset} sweep`,
    method: 'random',
    state: o.sweepState ?? 'FINISHED',
    config: toYaml(config),
    runs,
  };
}

function parameterSpec(values: unknown[]): Record<string, unknown> {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (values.length > 0 && numbers.length === values.length) {
    return { min: Math.min(...numbers), max: Math.max(...numbers) };
  }
  return { values: [...new Set(values.map((v) => (typeof v === 'number' ? v : String(v))))].slice(0, 50) };
}

/** Generated runs for volume tests: two numbers, a category, a nested optimizer block. */
export function generatedSweep(count: number, o: DatasetSweepOptions = {}): FixtureSweep {
  const id = o.id ?? 'gen00001';
  const cats = ['adam', 'sgd', 'rmsprop'];
  const runs: FixtureRun[] = [];
  for (let i = 0; i < count; i++) {
    const x = ((i * 7919) % 1000) / 1000;
    const lr = 10 ** (-4 + ((i * 104729) % 3000) / 1000);
    const opt = cats[i % 3];
    const loss = (x - 0.3) ** 2 + Math.log10(lr) ** 2 / 10 + (opt === 'adam' ? 0 : 0.1);
    runs.push(
      wandbRun({
        index: i,
        sweepName: id,
        state: o.stateOf?.(i),
        config: { x, optimizer: { name: opt, lr } },
        summary: { loss: i % 97 === 5 ? NaN : loss, acc: 1 - loss },
      }),
    );
  }
  const config = {
    method: 'bayes',
    metric: { name: 'loss', goal: 'minimize' },
    parameters: {
      x: { min: 0, max: 1 },
      optimizer: {
        parameters: {
          name: { values: cats },
          lr: { min: 0.0001, max: 0.1, distribution: 'log_uniform_values' },
        },
      },
    },
  };
  return {
    entity: o.entity ?? 'test-team',
    project: o.project ?? 'generated',
    id,
    displayName: null,
    method: 'bayes',
    state: o.sweepState ?? 'FINISHED',
    config: o.noMetric ? toYaml({ ...config, metric: undefined }) : toYaml(config),
    runs,
  };
}

/** A small YAML writer for sweep configs (nested maps, lists of scalars): the server stores YAML. */
export function toYaml(value: unknown, indent = ''): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const key = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
    if (Array.isArray(v)) {
      lines.push(`${indent}${key}:`);
      for (const item of v) lines.push(`${indent}  - ${JSON.stringify(item)}`);
    } else if (v !== null && typeof v === 'object') {
      lines.push(`${indent}${key}:`);
      lines.push(toYaml(v, `${indent}  `).replace(/\n$/, ''));
    } else lines.push(`${indent}${key}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The server

export type Fault = (
  | { kind: 'rate-limit'; retryAfterSeconds?: number; rateLimitResetSeconds?: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'drop' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'errors-200'; message: string; code?: string }
  | { kind: 'unauthorized' }
  | { kind: 'status'; status: number; body: string }
) & {
  /** Only requests of this operation (SweepMeta, SweepMetaLegacy, SweepRuns); default any. */
  on?: string;
};

export interface RecordedRequest {
  /** ms since the server started. */
  at: number;
  method: string;
  path: string;
  authorized: boolean;
  userAgent: string | undefined;
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  /** The query parsed and passed validation against the served schema. */
  valid: boolean;
  validationErrors: string[];
  status: number | null;
  fault: Fault['kind'] | null;
  /** Raw headers as received (tests check that no secret travels elsewhere). */
  headers: IncomingMessage['headers'];
}

export interface WandbServerOptions {
  apiKey: string;
  sweeps: FixtureSweep[];
  schema?: 'current' | 'legacy';
  /** Consumed in order: each request takes the first queued fault whose `on` matches it. */
  faults?: Fault[];
  /** `first` above this is refused with an error (HTTP 200, errors[]), as a capped server would. */
  maxPageSize?: number;
  /** Page size when `first` is missing. */
  defaultPageSize?: number;
  /**
   * A server that pages without end: `hasNextPage` always true and the cursor moving on, the runs
   * repeating (renamed) past the real ones.
   */
  endlessRuns?: boolean;
  /** `runCount` as answered, instead of the true count (a server that miscounts). */
  runCount?: number;
}

export interface WandbServer {
  url: string;
  requests: RecordedRequest[];
  /** Queue more faults. */
  addFaults(...faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startWandbServer(opts: WandbServerOptions): Promise<WandbServer> {
  const schema = wandbSchema(opts.schema ?? 'current');
  const expectedAuth = `Basic ${Buffer.from(`api:${opts.apiKey}`).toString('base64')}`;
  const faults = [...(opts.faults ?? [])];
  const requests: RecordedRequest[] = [];
  const started = Date.now();
  const stateStep = new Map<FixtureSweep, number>();
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const rootValue = {
    project: ({ name, entityName }: { name?: string; entityName?: string }) => {
      const inProject = opts.sweeps.filter((s) => s.project === name && s.entity === entityName);
      if (inProject.length === 0) return null;
      return projectResolver(inProject, opts, stateStep);
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedRequest = {
        at: Date.now() - started,
        method: req.method ?? '',
        path: req.url ?? '',
        authorized: req.headers.authorization === expectedAuth,
        userAgent: req.headers['user-agent'],
        operationName: null,
        query: '',
        variables: {},
        valid: false,
        validationErrors: [],
        status: null,
        fault: null,
        headers: req.headers,
      };
      requests.push(rec);
      handle(rec, body, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const send = (rec: RecordedRequest, res: ServerResponse, status: number, body: unknown, headers = {}) => {
    rec.status = status;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  function handle(rec: RecordedRequest, body: string, res: ServerResponse): void {
    if (rec.method !== 'POST' || rec.path !== '/graphql') {
      send(rec, res, 404, { error: 'not found' });
      return;
    }
    let payload: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      payload = JSON.parse(body);
    } catch {
      send(rec, res, 400, { errors: [{ message: 'body is not JSON' }] });
      return;
    }
    rec.query = payload.query ?? '';
    rec.variables = payload.variables ?? {};
    let document: DocumentNode | undefined;
    try {
      document = parse(rec.query);
      const op = document.definitions.find((d) => d.kind === 'OperationDefinition');
      rec.operationName = op && 'name' in op && op.name ? op.name.value : null;
      rec.validationErrors = validate(schema, document).map((e) => e.message);
    } catch (err) {
      rec.validationErrors = [(err as Error).message];
    }
    rec.valid = rec.validationErrors.length === 0;

    const i = faults.findIndex((f) => f.on === undefined || f.on === rec.operationName);
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined;
    rec.fault = fault?.kind ?? null;
    if (fault) {
      switch (fault.kind) {
        case 'rate-limit': {
          const headers: Record<string, string> = { 'ratelimit-limit': '100', 'ratelimit-remaining': '0' };
          if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
          if (fault.rateLimitResetSeconds !== undefined)
            headers['ratelimit-reset'] = String(fault.rateLimitResetSeconds);
          send(rec, res, 429, { error: 'rate limit exceeded' }, headers);
          return;
        }
        case 'server-error':
          send(rec, res, fault.status ?? 500, { errors: [{ message: 'Internal Server Error' }] });
          return;
        case 'drop':
          res.socket?.destroy();
          return;
        case 'slow': {
          const t = setTimeout(() => {
            timers.delete(t);
            answer(rec, document, res);
          }, fault.delayMs);
          timers.add(t);
          return;
        }
        case 'errors-200':
          send(rec, res, 200, {
            errors: [
              { message: fault.message, path: ['project'], extensions: { code: fault.code ?? 'INTERNAL' } },
            ],
            data: null,
          });
          return;
        case 'unauthorized':
          send(rec, res, 401, {
            errors: [{ message: 'user is not logged in', extensions: { code: 'PERMISSION_ERROR' } }],
          });
          return;
        case 'status':
          send(rec, res, fault.status, fault.body);
          return;
      }
    }
    answer(rec, document, res);
  }

  function answer(rec: RecordedRequest, document: DocumentNode | undefined, res: ServerResponse): void {
    if (!rec.authorized) {
      send(rec, res, 401, {
        errors: [{ message: 'user is not logged in', extensions: { code: 'PERMISSION_ERROR' } }],
      });
      return;
    }
    if (!document || !rec.valid) {
      send(rec, res, 400, {
        errors: rec.validationErrors.map((message) => ({
          message,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        })),
      });
      return;
    }
    Promise.resolve(execute({ schema, document, rootValue, variableValues: rec.variables })).then(
      (result) => send(rec, res, 200, result),
      (err: Error) => send(rec, res, 500, { errors: [{ message: err.message }] }),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addFaults: (...more) => faults.push(...more),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function projectResolver(
  sweeps: FixtureSweep[],
  opts: WandbServerOptions,
  stateStep: Map<FixtureSweep, number>,
) {
  const runsOf = (filters: unknown): FixtureRun[] => {
    const wanted = sweepFilter(filters);
    const all = sweeps.flatMap((s) => s.runs);
    const picked = wanted === undefined ? all : all.filter((r) => r.sweepName === wanted);
    return [...picked].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  };
  return {
    sweep: ({ sweepName }: { sweepName: string }) => {
      const s = sweeps.find((x) => x.id === sweepName);
      if (!s) return null;
      let state = s.state;
      if (Array.isArray(state)) {
        const step = stateStep.get(s) ?? 0;
        stateStep.set(s, step + 1);
        state = state[Math.min(step, state.length - 1)];
      }
      return {
        id: Buffer.from(`Sweep:${s.id}`).toString('base64'),
        name: s.id,
        displayName: s.displayName,
        method: s.method,
        state,
        description: null,
        bestLoss: null,
        config: s.config,
        createdAt: '2024-03-01T12:00:00',
        updatedAt: '2024-03-02T12:00:00',
        runCount: s.runs.length,
        runCountExpected: null,
      };
    },
    runCount: ({ filters }: { filters?: unknown }) => opts.runCount ?? runsOf(filters).length,
    runs: ({ filters, first, after }: { filters?: unknown; first?: number; after?: string }) => {
      const size = first ?? opts.defaultPageSize ?? 50;
      if (opts.maxPageSize !== undefined && size > opts.maxPageSize) {
        throw new GraphQLError(`first must be at most ${opts.maxPageSize}, got ${size}`);
      }
      const runs = runsOf(filters);
      const from = after
        ? Number(
            Buffer.from(after, 'base64')
              .toString('utf8')
              .replace(/^cursor:/, ''),
          ) + 1
        : 0;
      const page = opts.endlessRuns
        ? Array.from({ length: size }, (_, k) => {
            const at = from + k;
            const r = runs[at % runs.length];
            return at < runs.length ? r : { ...r, name: `${r.name}x${Math.floor(at / runs.length)}` };
          })
        : runs.slice(from, from + size);
      const cursor = (k: number) => Buffer.from(`cursor:${k}`).toString('base64');
      return {
        pageInfo: {
          hasNextPage: opts.endlessRuns ? true : from + size < runs.length,
          hasPreviousPage: from > 0,
          endCursor: page.length > 0 ? cursor(from + page.length - 1) : null,
          startCursor: page.length > 0 ? cursor(from) : null,
        },
        edges: page.map((r, k) => ({
          cursor: cursor(from + k),
          node: {
            ...r,
            id: Buffer.from(`Run:v1:${r.name}`).toString('base64'),
            heartbeatAt: r.createdAt,
            config: () => r.config,
            summaryMetrics: () => r.summaryMetrics,
          },
        })),
      };
    },
  };
}

/** `{"$and":[{"sweep":"id"}]}` or `{"sweep":"id"}` → the sweep id. */
function sweepFilter(filters: unknown): string | undefined {
  if (filters === undefined || filters === null) return undefined;
  const value = typeof filters === 'string' ? JSON.parse(filters) : filters;
  const find = (v: unknown): string | undefined => {
    if (Array.isArray(v)) {
      for (const x of v) {
        const f = find(x);
        if (f !== undefined) return f;
      }
      return undefined;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.sweep === 'string') return o.sweep;
      return find(o.$and);
    }
    return undefined;
  };
  return find(value);
}
