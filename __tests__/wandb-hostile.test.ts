/**
 * A W&B sweep read from a misbehaving server (the local stand-in's fault modes): runs paged without end,
 * a miscounting server, `{"data": null}`, a 50 MB error message with escape codes, a server that echoes
 * the key, and keys that do not look like keys. Every case ends with one line and a documented exit code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, RemoteError, UsageError } from '../src/errors.js';
import { loadSweep, type WandbOptions } from '../src/sources/wandb/load-sweep.js';
import { WandbClient } from '../src/sources/wandb/client.js';
import { parseSweepRef } from '../src/sources/wandb/sweep-ref.js';
import {
  generatedSweep,
  startWandbServer,
  type FixtureSweep,
  type WandbServer,
  type WandbServerOptions,
} from './helpers/wandb-server.js';
import { failure } from './helpers/failure.js';

const KEY = 'local-' + 'a1b2c3d4e5'.repeat(4);
const SWEEP: FixtureSweep = generatedSweep(250, { entity: 'team', project: 'gen', id: 'gen00001' });
const REF = parseSweepRef('team/gen/gen00001');

let server: WandbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(extra: Partial<WandbServerOptions> = {}): Promise<WandbServer> {
  server = await startWandbServer({ apiKey: KEY, sweeps: [SWEEP], ...extra });
  return server;
}

function options(srv: WandbServer, extra: Partial<WandbOptions> = {}): WandbOptions {
  return {
    apiKey: KEY,
    baseUrl: srv.url,
    requestTimeoutMs: 2_000,
    retries: 1,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...extra,
  };
}

const runPages = (srv: WandbServer): number =>
  srv.requests.filter((r) => r.operationName === 'SweepRuns').length;

describe('runs paged without end', () => {
  it('more runs than the sweep counts (plus slack): exit 3, one line, a bounded number of pages', async () => {
    const srv = await serve({ endlessRuns: true });
    const err = await failure(loadSweep(REF, options(srv, { pageSize: 50 })));
    expect(err).toBeInstanceOf(RemoteError);
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message).toMatch(/W&B sent \d+ runs of sweep team\/gen\/gen00001 but counts 250: stopped/);
    expect(err.message).not.toContain('\n');
    // 250 counted, slack max(50, 25): stopped at the first page past 300.
    expect(runPages(srv)).toBe(7);
  });

  it('a server that counts without end too: stopped by the page cap', async () => {
    const srv = await serve({ endlessRuns: true, runCount: 1_000_000_000 });
    const err = await failure(loadSweep(REF, options(srv, { pageSize: 20, maxPages: 12 })));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/still had more runs of sweep team\/gen\/gen00001 after 12 pages \(240 runs/);
    expect(runPages(srv)).toBe(12);
  });

  it('an honest server is read whole (the cap and the count do not get in the way)', async () => {
    const srv = await serve();
    const loaded = await loadSweep(REF, options(srv, { pageSize: 50, maxPages: 5 }));
    expect(loaded.table.rowCount).toBe(250);
  });
});

describe('answers that are not answers', () => {
  it('{"data": null} without errors: a protocol error (exit 3), not "no project"', async () => {
    const srv = await serve({ faults: [{ kind: 'status', status: 200, body: '{"data": null}' }] });
    const err = await failure(loadSweep(REF, options(srv)));
    expect(err).toBeInstanceOf(RemoteError);
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message).toMatch(/no data and no error .*not a W&B GraphQL answer/);
    expect(err.message).not.toMatch(/no project/);
  });

  it('{} and {"data": {}}: the same', async () => {
    for (const body of ['{}', '{"data": {}}']) {
      const srv = await serve({ faults: [{ kind: 'status', status: 200, body }] });
      const err = await failure(loadSweep(REF, options(srv)));
      expect(exitCodeOf(err)).toBe(EXIT.remote);
      expect(err.message).toMatch(/no data and no error/);
      await srv.close();
      server = undefined;
    }
  });

  it('{"data": {"project": null}} is still "no project" (exit 2)', async () => {
    const srv = await serve({
      faults: [{ kind: 'status', status: 200, body: '{"data": {"project": null}}' }],
    });
    const err = await failure(loadSweep(REF, options(srv)));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/W&B has no project team\/gen/);
  });

  it('a 50 MB error message with escape codes: clipped to one short line', async () => {
    const huge = `\u001b[2J\u001b[31mdisk full\r\nat ${'x'.repeat(50 * 1024 * 1024)}`;
    const body = JSON.stringify({ errors: [{ message: huge }, ...Array(20).fill({ message: 'again' })] });
    const srv = await serve({ faults: [{ kind: 'status', status: 400, body }] });
    const err = await failure(loadSweep(REF, options(srv)));
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message.length).toBeLessThan(800);
    expect(err.message).toMatch(/disk full at x+/);
    // eslint-disable-next-line no-control-regex
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('a server that echoes the key (in an error and in a body that is not JSON): never in the message', async () => {
    for (const [status, body] of [
      [400, JSON.stringify({ errors: [{ message: `bad key ${KEY} for you` }] })],
      [200, `<html>${'y'.repeat(50)} ${KEY}</html>`],
      [500, JSON.stringify({ error: `${'z'.repeat(290)}${KEY}` })],
    ] as const) {
      const srv = await serve({ faults: Array(3).fill({ kind: 'status', status, body }) });
      const err = await failure(loadSweep(REF, options(srv)));
      expect(err.message).not.toContain(KEY);
      // Nor a piece of it left by a cut.
      expect(err.message).not.toContain(KEY.slice(0, 12));
      await srv.close();
      server = undefined;
    }
  });
});

describe('keys that do not look like keys', () => {
  it.each(['k', 'abc', 'short-key', 'has spaces in it but long', 'tab\tseparated-0123456789'])(
    '%j: a usage error (exit 2) before any request, the key not printed',
    async (key) => {
      const srv = await serve();
      const err = await failure(loadSweep(REF, options(srv, { apiKey: key })));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toMatch(/WANDB_API_KEY does not look like a W&B API key/);
      if (key.length > 3) expect(err.message).not.toContain(key);
      expect(srv.requests).toHaveLength(0);
    },
  );

  it('a short key is not scrubbed out of ordinary text: it is refused instead', () => {
    expect(
      () =>
        new WandbClient({
          baseUrl: 'http://127.0.0.1:9',
          apiKey: 'e',
          userAgent: 'x',
          timeoutMs: 1,
          retries: 0,
          baseDelayMs: 1,
          maxDelayMs: 1,
          totalMs: 1,
        }),
    ).toThrow(UsageError);
  });

  it('a key of any accepted length is scrubbed, its Basic form too', async () => {
    const key = 'q'.repeat(16);
    const basic = Buffer.from(`api:${key}`).toString('base64');
    const srv = await startWandbServer({
      apiKey: key,
      sweeps: [SWEEP],
      faults: [
        { kind: 'status', status: 400, body: JSON.stringify({ errors: [{ message: `${key} / ${basic}` }] }) },
      ],
    });
    server = srv;
    const err = await failure(loadSweep(REF, options(srv, { apiKey: key })));
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain(basic);
  });
});
