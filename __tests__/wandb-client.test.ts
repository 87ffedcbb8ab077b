/**
 * The W&B transport against the local stand-in server: auth, User-Agent, retries with backoff for
 * 429 / 5xx / dropped connections / timeouts (a 429's Retry-After honoured), no retries for
 * 400/401/403/404, errors read from `errors[]` and `error`, and the key never in a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError, exitCodeOf } from '../src/errors.js';
import { backoffMs, sendWithRetry, serverWaitMs } from '../src/http/request-with-retry.js';
import { WandbClient, type WandbClientOptions } from '../src/sources/wandb/client.js';
import { SWEEP_META_QUERY } from '../src/sources/wandb/queries.js';
import { datasetSweep, startWandbServer, type Fault, type WandbServer } from './helpers/wandb-server.js';
import { failure } from './helpers/failure.js';

const KEY = 'local-0123456789abcdef0123456789abcdef01234567-secretish';
const sweep = datasetSweep('optuna-fashionmnist', { entity: 'team', project: 'fashion', id: 'swp00001' });
const VARS = { entity: 'team', project: 'fashion', sweep: 'swp00001' };

let server: WandbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(faults: Fault[] = [], client: Partial<WandbClientOptions> = {}) {
  server = await startWandbServer({ apiKey: KEY, sweeps: [sweep], faults });
  const c = new WandbClient({
    baseUrl: server.url,
    apiKey: KEY,
    userAgent: 'sweep-insights/0.1.0 (test)',
    timeoutMs: 300,
    retries: 3,
    baseDelayMs: 5,
    maxDelayMs: 20,
    totalMs: 10_000,
    ...client,
  });
  return { srv: server, client: c };
}

describe('W&B client against the stand-in server', () => {
  it('sends Basic auth api:KEY and a User-Agent naming the project, and reads the sweep', async () => {
    const { srv, client } = await setup();
    const answer = await client.query<{ project: { sweep: { name: string; state: string } } }>(
      SWEEP_META_QUERY,
      VARS,
      'sweep',
    );
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual([]);
    expect(answer.data?.project.sweep.name).toBe('swp00001');
    expect(srv.requests).toHaveLength(1);
    expect(srv.requests[0].authorized).toBe(true);
    expect(srv.requests[0].valid).toBe(true);
    expect(srv.requests[0].userAgent).toMatch(/^sweep-insights\/0\.1\.0/);
    expect(client.requests).toBe(1);
  });

  it('waits at least Retry-After after a 429, then succeeds', async () => {
    const { srv, client } = await setup([{ kind: 'rate-limit', retryAfterSeconds: 1 }]);
    const answer = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(answer.status).toBe(200);
    expect(srv.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(srv.requests[1].at - srv.requests[0].at).toBeGreaterThanOrEqual(1000);
    expect(client.requests).toBe(2);
  });

  it('honours RateLimit-Reset when it is longer than Retry-After', async () => {
    const waits: number[] = [];
    const { srv, client } = await setup(
      [{ kind: 'rate-limit', retryAfterSeconds: 0, rateLimitResetSeconds: 3 }],
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(srv.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(3000);
  });

  it('retries a 500, a dropped connection and a slow answer past the timeout', async () => {
    const { srv, client } = await setup([
      { kind: 'server-error' },
      { kind: 'drop' },
      { kind: 'slow', delayMs: 1500 },
    ]);
    const answer = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(answer.status).toBe(200);
    expect(srv.requests.map((r) => r.fault)).toEqual(['server-error', 'drop', 'slow', null]);
    expect(client.requests).toBe(4);
  });

  it('gives up after the retries with a RemoteError (exit 3) that says what failed', async () => {
    const five: Fault[] = Array.from({ length: 5 }, () => ({ kind: 'server-error', status: 503 }) as Fault);
    const { srv, client } = await setup(five, { retries: 2 });
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep team/fashion/swp00001'));
    expect(err).toBeInstanceOf(RemoteError);
    expect(exitCodeOf(err)).toBe(3);
    expect(err.message).toMatch(/HTTP 503.*3 attempts/);
    expect(srv.requests).toHaveLength(3);
  });

  it('fails a server that never answers in time, after the retries, naming the timeout', async () => {
    const slow: Fault[] = Array.from({ length: 3 }, () => ({ kind: 'slow', delayMs: 2000 }) as Fault);
    const { srv, client } = await setup(slow, { retries: 2, timeoutMs: 150 });
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/timeout after 150 ms/);
    expect(srv.requests).toHaveLength(3);
  });

  it('bounds the total time: no retry starts that would end past totalMs', async () => {
    const many: Fault[] = Array.from(
      { length: 10 },
      () => ({ kind: 'rate-limit', retryAfterSeconds: 5 }) as Fault,
    );
    const { srv, client } = await setup(many, { retries: 10, totalMs: 2000 });
    const started = Date.now();
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/HTTP 429: rate limit exceeded/);
    expect(srv.requests).toHaveLength(1);
  });

  it('does not retry a 401, and names WANDB_API_KEY', async () => {
    const { srv, client } = await setup([{ kind: 'unauthorized' }]);
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).status).toBe(401);
    expect(err.message).toContain('WANDB_API_KEY');
    expect(srv.requests).toHaveLength(1);
  });

  it('a wrong key is refused by the server (401), once', async () => {
    server = await startWandbServer({ apiKey: KEY, sweeps: [sweep] });
    const client = new WandbClient({
      baseUrl: server.url,
      apiKey: 'wrong-key-wrong-key-wrong-key-wrong-key-0000',
      userAgent: 'test',
      timeoutMs: 300,
      retries: 3,
      baseDelayMs: 5,
      maxDelayMs: 20,
      totalMs: 5000,
    });
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    expect((err as RemoteError).status).toBe(401);
    expect(err.message).toMatch(/user is not logged in.*WANDB_API_KEY/);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].authorized).toBe(false);
  });

  it('does not retry 400, 403 or 404', async () => {
    const { srv, client } = await setup([
      { kind: 'status', status: 403, body: '{"errors":[{"message":"permission denied"}]}' },
      { kind: 'status', status: 404, body: '{"errors":[{"message":"project not found"}]}' },
      { kind: 'status', status: 400, body: '{"errors":[{"message":"bad request"}]}' },
    ]);
    const e403 = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep team/fashion/swp00001'));
    expect((e403 as RemoteError).status).toBe(403);
    expect(e403.message).toMatch(/permission denied/);
    const a404 = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(a404.status).toBe(404);
    expect(a404.errors).toEqual(['project not found']);
    const a400 = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(a400.status).toBe(400);
    expect(srv.requests).toHaveLength(3);
  });

  it('reads errors[] on an HTTP 200 answer', async () => {
    const { client } = await setup([{ kind: 'errors-200', message: 'something broke', code: 'INTERNAL' }]);
    const answer = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual(['something broke']);
    expect(answer.codes).toEqual(['INTERNAL']);
    expect(answer.data).toBeNull();
  });

  it('reads a REST-style `error` too, whatever the status', async () => {
    const { client } = await setup([{ kind: 'status', status: 200, body: '{"error":"try later"}' }]);
    const answer = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    expect(answer.errors).toEqual(['try later']);
  });

  it('never lets the key into a message, even when the server echoes it', async () => {
    const basic = Buffer.from(`api:${KEY}`).toString('base64');
    const { client } = await setup([
      { kind: 'status', status: 403, body: JSON.stringify({ error: `key ${KEY} (Basic ${basic}) denied` }) },
      { kind: 'errors-200', message: `token ${KEY} expired` },
      ...Array.from(
        { length: 4 },
        () => ({ kind: 'status', status: 502, body: `<html>${KEY}</html>` }) as Fault,
      ),
    ]);
    const e1 = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    const a2 = await client.query(SWEEP_META_QUERY, VARS, 'sweep');
    const e3 = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep'));
    for (const text of [e1.message, a2.errors.join(' '), e3.message, e1.stack ?? '', e3.stack ?? '']) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(basic);
    }
    expect(e1.message).toContain('***');
    expect(a2.errors[0]).toBe('token *** expired');
  });

  it('a server that is not there is a RemoteError after the retries', async () => {
    const { srv } = await setup();
    const url = srv.url;
    await srv.close();
    server = undefined;
    const client = new WandbClient({
      baseUrl: url,
      apiKey: KEY,
      userAgent: 'test',
      timeoutMs: 300,
      retries: 2,
      baseDelayMs: 5,
      maxDelayMs: 20,
      totalMs: 5000,
    });
    const err = await failure(client.query(SWEEP_META_QUERY, VARS, 'sweep x/y/z'));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/could not reach W&B at 127\.0\.0\.1:\d+ for sweep x\/y\/z.*3 attempts/);
    expect(client.requests).toBe(3);
  });
});

describe('retry arithmetic', () => {
  it('backoff doubles up to the cap, with jitter between half and all of it', () => {
    expect(backoffMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 0.999)).toBeLessThanOrEqual(10_000);
    expect(backoffMs(20, 100, 10_000, () => 0)).toBe(5000);
  });

  it('reads Retry-After as seconds or a date, and RateLimit-Reset as seconds', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(serverWaitMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(serverWaitMs({ 'retry-after': 'Mon, 01 Jan 2024 00:00:05 GMT' }, now)).toBe(5000);
    expect(serverWaitMs({ 'ratelimit-reset': '7' }, now)).toBe(7000);
    expect(serverWaitMs({ 'retry-after': '2', 'ratelimit-reset': '1' }, now)).toBe(2000);
    expect(serverWaitMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(serverWaitMs({}, now)).toBeUndefined();
  });

  it('returns a non-retryable answer at once', async () => {
    server = await startWandbServer({
      apiKey: KEY,
      sweeps: [],
      faults: [{ kind: 'status', status: 409, body: '{}' }],
    });
    const result = await sendWithRetry(
      { url: `${server.url}/graphql`, method: 'POST', headers: {}, body: '{}' },
      { timeoutMs: 500, retries: 3, baseDelayMs: 5, maxDelayMs: 10, totalMs: 5000 },
    );
    expect(result.response.status).toBe(409);
    expect(result.attempts).toBe(1);
  });
});
