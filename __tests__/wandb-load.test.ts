/**
 * loadSweep end to end against the local stand-in server: a sweep built from an example dataset in
 * W&B's shape, paging, run states, the legacy fallback, not-found and auth errors and their exit
 * codes, --wait, faults in the middle of paging, page-size refusal, 10,000 runs in few requests,
 * proxies from the environment, and the key in no output.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeOf, RemoteError, UsageError } from '../src/errors.js';
import { loadSweep, type WandbOptions } from '../src/sources/wandb/load-sweep.js';
import type { SweepRef } from '../src/sources/wandb/sweep-ref.js';
import {
  datasetInfo,
  datasetSweep,
  generatedSweep,
  startWandbServer,
  type Fault,
  type FixtureSweep,
  type WandbServer,
  type WandbServerOptions,
} from './helpers/wandb-server.js';
import { failure } from './helpers/failure.js';

const KEY = 'wandb_v1_' + 'k3Y'.repeat(26) + 'zz';
const REF: SweepRef = { entity: 'team', project: 'fashion', id: 'swp00001' };
const INFO = datasetInfo('optuna-fashionmnist');
const STATES = ['finished', 'finished', 'crashed', 'finished', 'failed'];
const FASHION = datasetSweep('optuna-fashionmnist', {
  entity: 'team',
  project: 'fashion',
  id: 'swp00001',
  stateOf: (i) => STATES[i % STATES.length],
});

let server: WandbServer | undefined;
let servedSchema: 'current' | 'legacy' = 'current';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  // Whatever a test did, every query that reached a current server was valid against the schema.
  if (server && servedSchema === 'current') {
    for (const r of server.requests) expect(r.validationErrors, r.operationName ?? '').toEqual([]);
  }
  await server?.close();
  server = undefined;
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(sweeps: FixtureSweep[], extra: Partial<WandbServerOptions> = {}): Promise<WandbServer> {
  server = await startWandbServer({ apiKey: KEY, sweeps, ...extra });
  servedSchema = extra.schema ?? 'current';
  return server;
}

function options(srv: WandbServer, extra: Partial<WandbOptions> = {}): WandbOptions {
  return {
    apiKey: KEY,
    baseUrl: srv.url,
    requestTimeoutMs: 400,
    retries: 3,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    pollIntervalMs: 10,
    maxPollIntervalMs: 40,
    ...extra,
  };
}

describe('loadSweep', () => {
  it('reads a sweep built from an example dataset: runs, config, summary, metadata, links', async () => {
    const srv = await serve([FASHION]);
    const progress: string[] = [];
    const loaded = await loadSweep(REF, options(srv, { onProgress: (m) => progress.push(m) }));
    const n = FASHION.runs.length;
    const { table, sweep } = loaded;

    expect(table.rowCount).toBe(n);
    expect(table.format).toBe('wandb');
    expect(table.source).toBe('W&B sweep team/fashion/swp00001');
    for (const p of INFO.params) expect(table.configKeys).toContain(p);
    expect(table.configKeys).toContain('trainer.precision'); // a nested config block, flattened
    expect(table.columns.some((c) => c.startsWith('_wandb') || c === 'wandb_version')).toBe(false);
    expect(table.metricKeys).toContain(INFO.target);
    expect(table.metricKeys).toContain('best.step'); // a nested summary value, flattened
    expect(table.metricKeys.some((k) => k.startsWith('_'))).toBe(false);
    expect(table.metricKeys.some((k) => k.startsWith('samples'))).toBe(false); // media

    // The values arrive intact and in the server's order (+created_at).
    const csv = FASHION.runs.map(
      (r) => JSON.parse(r.summaryMetrics.replace(/\bNaN\b/g, 'null'))[INFO.target],
    );
    expect(table.cells.get(INFO.target)).toEqual(csv);

    expect(table.runMeta).toHaveLength(n);
    expect(table.runMeta![0]).toEqual({
      id: 'r0000000',
      name: 'run-1',
      state: 'finished',
      url: `${srv.url}/team/fashion/runs/r0000000`,
    });

    expect(sweep).toMatchObject({
      entity: 'team',
      project: 'fashion',
      id: 'swp00001',
      name: 'optuna-fashionmnist sweep',
      state: 'FINISHED',
      url: `${srv.url}/team/fashion/sweeps/swp00001`,
      method: 'random',
      metric: { name: INFO.target, goal: INFO.goal },
      parameters: INFO.params,
    });
    expect(sweep.config?.program).toBe('train.py');
    const expectedStates: Record<string, number> = {};
    FASHION.runs.forEach((r) => (expectedStates[r.state] = (expectedStates[r.state] ?? 0) + 1));
    expect(sweep.states).toEqual(expectedStates);

    // One metadata request, then ceil(n / 100) pages; each valid, authorized and named.
    expect(loaded.requests).toBe(1 + Math.ceil(n / 100));
    expect(srv.requests).toHaveLength(loaded.requests);
    for (const r of srv.requests) {
      expect(r.valid, r.validationErrors.join('; ')).toBe(true);
      expect(r.authorized).toBe(true);
      expect(r.userAgent).toMatch(/^sweep-insights\/\d+\.\d+\.\d+ /);
    }
    expect(srv.requests.map((r) => r.operationName)).toEqual(['SweepMeta', 'SweepRuns']);
    expect(srv.requests[1].variables).toMatchObject({
      filters: '{"$and":[{"sweep":"swp00001"}]}',
      order: '+created_at',
      first: 100,
    });
    expect(progress.some((m) => m.includes(`fetched ${n} of ${n} runs`))).toBe(true);
  });

  it('pages with the cursor and reads a NaN summary value without failing', async () => {
    const srv = await serve([generatedSweep(250, { entity: 'team', project: 'fashion', id: 'swp00001' })]);
    const loaded = await loadSweep(REF, options(srv, { pageSize: 60 }));
    expect(loaded.table.rowCount).toBe(250);
    expect(loaded.requests).toBe(1 + 5);
    const runs = srv.requests.filter((r) => r.operationName === 'SweepRuns');
    expect(runs[0].variables.cursor).toBeNull();
    expect(runs.slice(1).every((r) => typeof r.variables.cursor === 'string')).toBe(true);
    const ids = loaded.table.runMeta!.map((m) => m.id);
    expect(new Set(ids).size).toBe(250);
    const loss = loaded.table.cells.get('loss')!;
    expect(loss[5] === null || Number.isNaN(loss[5] as number)).toBe(true); // NaN token tolerated
    expect(typeof loss[6]).toBe('number');
    expect(loaded.table.configKeys).toEqual(expect.arrayContaining(['x', 'optimizer.name', 'optimizer.lr']));
    expect(loaded.sweep.parameters).toEqual(['x', 'optimizer.name', 'optimizer.lr']);
    expect(loaded.sweep.metric).toEqual({ name: 'loss', goal: 'minimize' });
  });

  it('fetches 10,000 runs in at most ceil(10000/100) + 2 requests', async () => {
    const srv = await serve([generatedSweep(10_000, { entity: 'team', project: 'big', id: 'big00001' })]);
    const loaded = await loadSweep(
      { entity: 'team', project: 'big', id: 'big00001' },
      options(srv, { requestTimeoutMs: 5000 }),
    );
    expect(loaded.table.rowCount).toBe(10_000);
    expect(loaded.requests).toBeLessThanOrEqual(Math.ceil(10_000 / 100) + 2);
    expect(srv.requests).toHaveLength(loaded.requests);
  });

  it('asks for smaller pages when the server refuses the page size', async () => {
    const srv = await serve([FASHION], { maxPageSize: 40 });
    const progress: string[] = [];
    const loaded = await loadSweep(REF, options(srv, { onProgress: (m) => progress.push(m) }));
    expect(loaded.table.rowCount).toBe(FASHION.runs.length);
    const firsts = srv.requests.filter((r) => r.operationName === 'SweepRuns').map((r) => r.variables.first);
    expect(firsts.slice(0, 3)).toEqual([100, 50, 25]);
    expect(firsts.slice(2).every((f) => f === 25)).toBe(true);
    expect(progress.some((m) => /first must be at most 40.*25 at a time/.test(m))).toBe(true);
  });

  it('keeps only the --states asked for, counting every state before filtering', async () => {
    const srv = await serve([FASHION]);
    const loaded = await loadSweep(REF, options(srv, { states: ['Finished', 'crashed'] }));
    const kept = FASHION.runs.filter((r) => r.state === 'finished' || r.state === 'crashed').length;
    expect(loaded.table.rowCount).toBe(kept);
    expect(new Set(loaded.table.runMeta!.map((m) => m.state))).toEqual(new Set(['finished', 'crashed']));
    expect(loaded.sweep.states.failed).toBe(FASHION.runs.filter((r) => r.state === 'failed').length);

    const none = await failure(loadSweep(REF, options(srv, { states: ['preempted'] })));
    expect(none).toBeInstanceOf(UsageError);
    expect(none.message).toMatch(/no run .*\(preempted\).*finished \d+, crashed \d+, failed \d+/);

    const typo = await failure(loadSweep(REF, options(srv, { states: ['finshed'] })));
    expect(typo).toBeInstanceOf(UsageError);
    expect(typo.message).toMatch(/unknown run state finshed.*finished/);
  });

  it('falls back to the legacy metadata query on an old server', async () => {
    const srv = await serve([FASHION], { schema: 'legacy' });
    const loaded = await loadSweep(REF, options(srv, { wait: true }));
    expect(loaded.table.rowCount).toBe(FASHION.runs.length);
    const ops = srv.requests.map((r) => `${r.operationName}:${r.status}`);
    expect(ops[0]).toBe('SweepMeta:400');
    expect(ops[1]).toBe('SweepMetaLegacy:200');
    expect(ops.slice(2).every((o) => o === 'SweepRuns:200')).toBe(true);
    expect(srv.requests.slice(1).every((r) => r.valid)).toBe(true);
    expect(loaded.sweep.method).toBe('random'); // from the config, the legacy query has no method
    expect(loaded.sweep.metric).toEqual({ name: INFO.target, goal: INFO.goal });
  });

  it('a project or sweep that does not exist is a UsageError (exit 2) naming it', async () => {
    const srv = await serve([FASHION]);
    const noProject = await failure(loadSweep({ ...REF, project: 'nope' }, options(srv)));
    expect(noProject).toBeInstanceOf(UsageError);
    expect(exitCodeOf(noProject)).toBe(2);
    expect(noProject.message).toMatch(/no project team\/nope .*team\/nope\/swp00001/);

    const noSweep = await failure(loadSweep({ ...REF, id: 'zzzz9999' }, options(srv)));
    expect(noSweep).toBeInstanceOf(UsageError);
    expect(exitCodeOf(noSweep)).toBe(2);
    expect(noSweep.message).toMatch(/no sweep zzzz9999 in project team\/fashion/);

    srv.addFaults({ kind: 'status', status: 404, body: '{"errors":[{"message":"project not found"}]}' });
    const e404 = await failure(loadSweep(REF, options(srv)));
    expect(e404).toBeInstanceOf(UsageError);
    expect(e404.message).toMatch(/team\/fashion\/swp00001/);
  });

  it('a refused key is a RemoteError (exit 3) naming WANDB_API_KEY; no key is a UsageError', async () => {
    const srv = await serve([FASHION]);
    const bad = await failure(loadSweep(REF, options(srv, { apiKey: 'local-not-the-key-0123456789abcdef' })));
    expect(bad).toBeInstanceOf(RemoteError);
    expect(exitCodeOf(bad)).toBe(3);
    expect(bad.message).toContain('WANDB_API_KEY');
    expect(bad.message).not.toContain('local-not-the-key');

    const before = srv.requests.length;
    for (const apiKey of [undefined, '', '  ']) {
      const missing = await failure(loadSweep(REF, options(srv, { apiKey })));
      expect(missing).toBeInstanceOf(UsageError);
      expect(missing.message).toContain('WANDB_API_KEY');
    }
    expect(srv.requests.length).toBe(before);
  });

  it('errors[] on an HTTP 200 answer is a RemoteError with the server message', async () => {
    const srv = await serve([FASHION], {
      faults: [{ kind: 'errors-200', message: 'database is on fire', on: 'SweepRuns' }],
    });
    const err = await failure(loadSweep(REF, options(srv)));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/runs of sweep team\/fashion\/swp00001.*database is on fire/);
  });

  it('survives 429, 500, a dropped connection and a slow answer in the middle of paging', async () => {
    const faults: Fault[] = [
      { kind: 'rate-limit', retryAfterSeconds: 0, on: 'SweepRuns' },
      { kind: 'server-error', on: 'SweepMeta' },
      { kind: 'drop', on: 'SweepRuns' },
      { kind: 'slow', delayMs: 1500, on: 'SweepRuns' },
    ];
    const srv = await serve([FASHION], { faults });
    const loaded = await loadSweep(REF, options(srv, { pageSize: 30 }));
    expect(loaded.table.rowCount).toBe(FASHION.runs.length);
    expect(new Set(loaded.table.runMeta!.map((m) => m.id)).size).toBe(FASHION.runs.length);
    expect(loaded.requests).toBe(2 + 4 + Math.ceil(FASHION.runs.length / 30) - 1);
  });

  it('--wait polls until the sweep is FINISHED', async () => {
    const running = { ...FASHION, state: ['RUNNING', 'PAUSED', 'RUNNING', 'FINISHED'] };
    const srv = await serve([running]);
    const progress: string[] = [];
    const loaded = await loadSweep(REF, options(srv, { wait: true, onProgress: (m) => progress.push(m) }));
    expect(loaded.sweep.state).toBe('FINISHED');
    expect(srv.requests.filter((r) => r.operationName === 'SweepMeta')).toHaveLength(4);
    expect(progress.filter((m) => /is (RUNNING|PAUSED).*checking again/.test(m))).toHaveLength(3);
  });

  it('--wait gives up after --wait-timeout with a RemoteError (exit 3)', async () => {
    const srv = await serve([{ ...FASHION, state: 'RUNNING' }]);
    const started = Date.now();
    const err = await failure(loadSweep(REF, options(srv, { wait: true, waitTimeoutMinutes: 0.005 })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(RemoteError);
    expect(exitCodeOf(err)).toBe(3);
    expect(err.message).toMatch(/still RUNNING after waiting .*--wait-timeout/);
    expect(srv.requests.every((r) => r.operationName === 'SweepMeta')).toBe(true);
    expect(srv.requests.length).toBeGreaterThan(3);
  });

  it('refuses a --wait-timeout that is not a number of minutes before asking the server', async () => {
    const srv = await serve([FASHION]);
    for (const waitTimeoutMinutes of [-1, NaN]) {
      const err = await failure(loadSweep(REF, options(srv, { wait: true, waitTimeoutMinutes })));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toMatch(/--wait-timeout/);
    }
    expect(srv.requests).toHaveLength(0);
  });

  it('a sweep with no runs yet is a UsageError that suggests --wait', async () => {
    const srv = await serve([{ ...FASHION, state: 'RUNNING', runs: [] }]);
    const err = await failure(loadSweep(REF, options(srv)));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/has no runs yet.*--wait/);
  });

  it('takes the server from WANDB_BASE_URL when no base URL is given', async () => {
    const srv = await serve([FASHION]);
    const saved = process.env.WANDB_BASE_URL;
    process.env.WANDB_BASE_URL = `${srv.url}/`;
    cleanups.push(() => {
      if (saved === undefined) delete process.env.WANDB_BASE_URL;
      else process.env.WANDB_BASE_URL = saved;
    });
    const { baseUrl: _unused, ...rest } = options(srv);
    const loaded = await loadSweep(REF, rest);
    expect(loaded.table.rowCount).toBe(FASHION.runs.length);
  });

  it('a sweep without a metric has metric null, and the runs still offer their summary metrics', async () => {
    const srv = await serve([datasetSweep('optuna-fashionmnist', { ...REF, noMetric: true })]);
    const loaded = await loadSweep(REF, options(srv));
    expect(loaded.sweep.metric).toBeNull();
    expect(loaded.sweep.parameters).toEqual(INFO.params);
    expect(loaded.table.metricKeys).toContain(INFO.target);
  });

  it('a key echoed inside run configs or the sweep config is scrubbed before it is parsed', async () => {
    const leaky = datasetSweep('optuna-fashionmnist', { ...REF });
    leaky.config += `notes: "launched with ${KEY}"\n`;
    leaky.runs = leaky.runs.slice(0, 5);
    leaky.runs[0] = {
      ...leaky.runs[0],
      config: leaky.runs[0].config.replace('{', `{"token":{"value":"${KEY}"},`),
    };
    const srv = await serve([leaky]);
    const loaded = await loadSweep(REF, options(srv));
    expect(loaded.table.cells.get('token')?.[0]).toBe('***');
    expect(loaded.sweep.config?.notes).toBe('launched with ***');
    expect(JSON.stringify([...loaded.table.cells])).not.toContain(KEY);
  });

  it('the key appears in no progress line, error, or result, whatever the faults', async () => {
    const basic = Buffer.from(`api:${KEY}`).toString('base64');
    const srv = await serve([FASHION], {
      faults: [
        { kind: 'status', status: 502, body: `upstream said ${KEY}` },
        { kind: 'rate-limit', retryAfterSeconds: 0 },
        { kind: 'errors-200', message: `bad token ${KEY} / ${basic}`, on: 'SweepRuns' },
      ],
    });
    const lines: string[] = [];
    const err = await failure(loadSweep(REF, options(srv, { onProgress: (m) => lines.push(m) })));
    const ok = await loadSweep(REF, options(srv, { onProgress: (m) => lines.push(m) }));
    const texts = [
      ...lines,
      err.message,
      err.stack ?? '',
      JSON.stringify(ok.sweep),
      JSON.stringify(ok.table.runMeta),
    ];
    for (const t of texts) {
      expect(t).not.toContain(KEY);
      expect(t).not.toContain(basic);
    }
    expect(err.message).toContain('***');
  });
});

describe('proxies from the environment', () => {
  /** A tiny HTTP proxy: CONNECT tunnels and absolute-form requests, recording what went through it. */
  async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const target = new URL(req.url ?? '');
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: req.method,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const up = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      sockets.add(up).add(client);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    proxy.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      },
    };
  }

  function setEnv(vars: Record<string, string | undefined>): void {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    cleanups.push(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
  }

  it('goes through HTTP_PROXY, and around it for a NO_PROXY host', async () => {
    const srv = await serve([FASHION]);
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const port = new URL(srv.url).port;
    const clear = {
      http_proxy: undefined,
      https_proxy: undefined,
      no_proxy: undefined,
      HTTPS_PROXY: undefined,
    };

    setEnv({ ...clear, HTTP_PROXY: proxy.url, NO_PROXY: '' });
    const loaded = await loadSweep(REF, options(srv));
    expect(loaded.table.rowCount).toBe(FASHION.runs.length);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.every((s) => s.includes(`127.0.0.1:${port}`))).toBe(true);
    // The key travels only in the Authorization header, to the server, never in the proxy's view.
    expect(proxy.seen.join(' ')).not.toContain(KEY);

    const before = proxy.seen.length;
    setEnv({ ...clear, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    await loadSweep(REF, options(srv));
    expect(proxy.seen.length).toBe(before);
  });
});
