import { commentKeyOf } from '../src/sources/registry.js';
import { parseSweepRef } from '../src/sources/wandb/sweep-ref.js';
import { afterEach, describe, expect, test } from 'vitest';
import {
  commentMarker,
  checkKey,
  GitHubApiError,
  graphqlUrlFor,
  hasMarker,
  isOwnComment,
  upsertComment,
  type UpsertCommentOptions,
} from '../src/publish/comment.js';
import { ALICE_TOKEN, FORK_TOKEN, startGitHubServer, type GitHubServer } from './helpers/github-server.js';
import { commentOptions, reportBody } from './helpers/sticky-comment.js';

let server: GitHubServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const KEY = 'runs=examples/mnist-pytorch/runs.csv target=accuracy';
const MARKER = commentMarker(KEY);
const report = (text: string, marker = MARKER): string => reportBody(marker, text);

const opts = (s: GitHubServer, extra: Partial<UpsertCommentOptions> = {}): UpsertCommentOptions =>
  commentOptions(s, KEY, extra);

describe('sticky comment against the stand-in API', () => {
  test('creates once, then updates the same comment in place', async () => {
    server = await startGitHubServer();
    const first = await upsertComment(opts(server));
    expect(first.action).toBe('created');
    expect(server.commentsOn(42)).toHaveLength(1);
    expect(first.url).toBe(`https://github.com/octo-org/models/pull/42#issuecomment-${first.id}`);

    const second = await upsertComment(opts(server, { body: report('second') }));
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const all = server.commentsOn(42);
    expect(all).toHaveLength(1);
    expect(all[0].body).toContain('second');
    expect(server.calls().filter((c) => c.startsWith('PATCH'))).toEqual([
      `PATCH /repos/octo-org/models/issues/comments/${first.id}`,
    ]);
  });

  test('identifies the workflow token by GraphQL viewer (github-actions ↔ github-actions[bot]); GET /user is refused', async () => {
    server = await startGitHubServer();
    await upsertComment(opts(server));
    await upsertComment(opts(server, { body: report('again') }));
    const graphqlCalls = server.requests.filter((r) => r.path === '/graphql');
    expect(graphqlCalls.length).toBeGreaterThan(0);
    expect(String((graphqlCalls[0].body as { query: string }).query)).toMatch(/viewer\s*\{\s*login\s*\}/);
    // Found its own comment by the bot login: updated, not duplicated.
    expect(server.commentsOn(42)).toHaveLength(1);
    expect(server.commentsOn(42)[0].user).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
  });

  test('falls back to GET /user when GraphQL fails', async () => {
    server = await startGitHubServer();
    server.fault({ path: /graphql$/, status: 404, times: 10 });
    const first = await upsertComment(opts(server, { token: ALICE_TOKEN }));
    const second = await upsertComment(opts(server, { token: ALICE_TOKEN, body: report('v2') }));
    expect(second.id).toBe(first.id);
    expect(server.requests.some((r) => r.path === '/user' && r.status === 200)).toBe(true);
  });

  test("another user's comment quoting the marker is never touched", async () => {
    server = await startGitHubServer();
    const quoted = server.addComment(42, 'mallory', `look at this:\n${MARKER}\n`);
    const quotedBody = quoted.body;
    const result = await upsertComment(opts(server));
    expect(result.action).toBe('created');
    expect(result.id).not.toBe(quoted.id);
    await upsertComment(opts(server, { mode: 'recreate', body: report('recreated') }));
    const still = server.commentsOn(42).find((c) => c.id === quoted.id);
    expect(still?.body).toBe(quotedBody);
    const touched = server.requests.filter((r) => r.path.endsWith(`/comments/${quoted.id}`));
    expect(touched).toEqual([]);
  });

  test('pages through all comments (per_page=100) to find the marker on page 3', async () => {
    server = await startGitHubServer();
    for (let i = 0; i < 230; i++) server.addComment(42, i % 2 ? 'bob' : 'carol', `comment ${i}`);
    const ours = server.addComment(42, 'github-actions[bot]', report('old'), 'Bot');
    for (let i = 0; i < 20; i++) server.addComment(42, 'bob', `later ${i}`);
    const result = await upsertComment(opts(server, { body: report('new') }));
    expect(result).toMatchObject({ action: 'updated', id: ours.id });
    const pages = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/42/comments'));
    // Three pages to find it, three more to read back after the update (a concurrent run may have posted).
    expect(pages.map((p) => p.query.page ?? '1')).toEqual(['1', '2', '3', '1', '2', '3']);
    expect(pages.every((p) => p.query.per_page === '100')).toBe(true);
  });

  test('recreate deletes ours and posts anew', async () => {
    server = await startGitHubServer();
    const first = await upsertComment(opts(server));
    const again = await upsertComment(opts(server, { mode: 'recreate', body: report('fresh') }));
    expect(again.action).toBe('recreated');
    expect(again.id).not.toBe(first.id);
    expect(server.commentsOn(42).map((c) => c.id)).toEqual([again.id]);
    const calls = server.calls();
    expect(calls.indexOf(`DELETE /repos/octo-org/models/issues/comments/${first.id}`)).toBeLessThan(
      calls.lastIndexOf('POST /repos/octo-org/models/issues/42/comments'),
    );
  });

  test('update removes older duplicates of ours and keeps the oldest', async () => {
    server = await startGitHubServer();
    const a = server.addComment(42, 'github-actions[bot]', report('a'), 'Bot');
    server.addComment(42, 'github-actions[bot]', report('b'), 'Bot');
    const result = await upsertComment(opts(server, { body: report('c') }));
    expect(result).toMatchObject({ id: a.id, action: 'updated', removedDuplicates: 1 });
    expect(server.commentsOn(42).map((c) => c.body)).toEqual([report('c')]);
  });

  test('reports under another key coexist', async () => {
    server = await startGitHubServer();
    await upsertComment(opts(server));
    const other = 'sweep=team/proj/abc target=loss';
    await upsertComment(opts(server, { key: other, body: report('other', commentMarker(other)) }));
    await upsertComment(opts(server, { body: report('first v2') }));
    expect(server.commentsOn(42)).toHaveLength(2);
  });

  test.each(['update', 'recreate'] as const)(
    'three concurrent runs (%s) leave exactly one comment',
    async (mode) => {
      server = await startGitHubServer({ delayMs: 15 });
      const s = server;
      const results = await Promise.all(
        [1, 2, 3].map((i) => upsertComment(opts(s, { mode, body: report(`run ${i}`) }))),
      );
      const left = s.commentsOn(42);
      expect(left).toHaveLength(1);
      // The race really happened: all three created one, and the extra two were removed.
      expect(s.calls().filter((c) => c === 'POST /repos/octo-org/models/issues/42/comments')).toHaveLength(3);
      expect(
        s.requests.filter((r) => r.method === 'DELETE' && r.status === 204).length,
      ).toBeGreaterThanOrEqual(2);
      // Every run reports the comment that survived.
      expect(new Set(results.map((r) => r.id)).size).toBeLessThanOrEqual(results.length);
      expect(results.some((r) => r.id === left[0].id)).toBe(true);
      expect(left[0].body).toMatch(/run \d/);
    },
  );

  test('a read-only (fork) token: 403, marked as refused', async () => {
    server = await startGitHubServer();
    const err = await upsertComment(opts(server, { token: FORK_TOKEN })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).status).toBe(403);
    expect((err as GitHubApiError).refused).toBe(true);
    expect((err as GitHubApiError).message).toContain('Resource not accessible by integration');
    expect(server.commentsOn(42)).toHaveLength(0);
  });

  test('422 "body is too long" is recognised', async () => {
    server = await startGitHubServer({ maxBodyChars: 100 });
    const err = await upsertComment(opts(server, { body: report('x'.repeat(200)) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).tooLong).toBe(true);
    expect((err as GitHubApiError).exitCode).toBe(3);
  });

  test('5xx is retried; persistent 5xx becomes a RemoteError (exit 3)', async () => {
    server = await startGitHubServer();
    server.fault({ method: 'POST', path: /\/issues\/42\/comments$/, status: 502, times: 2 });
    const ok = await upsertComment(opts(server));
    expect(ok.action).toBe('created');
    expect(server.requests.filter((r) => r.status === 502)).toHaveLength(2);

    await server.close();
    server = await startGitHubServer();
    server.fault({ method: 'GET', path: /comments$/, status: 500, times: 100 });
    const err = await upsertComment(opts(server)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).status).toBe(500);
    expect((err as GitHubApiError).refused).toBe(false);
    expect(server.requests.filter((r) => r.status === 500)).toHaveLength(3);
  });

  test('GHES: REST under /api/v3, GraphQL at /api/graphql', async () => {
    server = await startGitHubServer({ prefix: '/api/v3' });
    expect(graphqlUrlFor(server.url)).toBe(server.graphqlUrl);
    const first = await upsertComment(opts(server));
    const second = await upsertComment(opts(server, { body: report('v2') }));
    expect(second.id).toBe(first.id);
    expect(server.requests.some((r) => r.path === '/api/graphql')).toBe(true);
  });

  test('refuses a body without its marker or over 65,536 characters (nothing sent)', async () => {
    server = await startGitHubServer();
    await expect(upsertComment(opts(server, { body: 'no marker' }))).rejects.toThrow(/marker/);
    await expect(upsertComment(opts(server, { body: report('x'.repeat(70_000)) }))).rejects.toThrow(/65536/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('markers and keys', () => {
  test('marker format, user keys checked', () => {
    expect(commentMarker('abc')).toBe('<!-- sweep-insights:abc -->');
    expect(() => checkKey('a--b')).toThrow(/comment-key/);
    expect(() => checkKey('a\nb')).toThrow(/comment-key/);
    expect(() => checkKey('x -->')).toThrow(/comment-key/);
    expect(checkKey(' my key ')).toBe('my key');
  });

  test('default key from the source (a sweep by URL or path, a file) and the target', () => {
    const sweepKey = (sweep: string) => {
      const ref = parseSweepRef(sweep);
      return commentKeyOf({ key: `sweep=${ref.entity}/${ref.project}/${ref.id}` }, 'val_loss');
    };
    expect(sweepKey('https://wandb.ai/team/proj/sweeps/ab12cd?workspace=x')).toBe(
      'sweep=team/proj/ab12cd target=val_loss',
    );
    expect(sweepKey('team/proj/ab12cd')).toBe('sweep=team/proj/ab12cd target=val_loss');
    const odd = commentKeyOf({ key: 'runs=x--y.csv' }, 'a<b>\nc');
    expect(() => commentMarker(odd)).not.toThrow();
  });

  test('marker must be the first line', () => {
    expect(hasMarker(`${MARKER}\ntext\n`, MARKER)).toBe(true);
    expect(hasMarker(`${MARKER}\r\ntext`, MARKER)).toBe(true);
    expect(hasMarker(MARKER, MARKER)).toBe(true);
    // Anywhere else it is not this report's marker: quoted, further down, inside a code block of data.
    expect(hasMarker(`text\n${MARKER}\n`, MARKER)).toBe(false);
    expect(hasMarker(`> quoted ${MARKER}`, MARKER)).toBe(false);
    expect(hasMarker(` ${MARKER}\n`, MARKER)).toBe(false);
    expect(hasMarker(null, MARKER)).toBe(false);
  });

  test('own-comment matching', () => {
    expect(isOwnComment({ login: 'github-actions[bot]', type: 'Bot' }, 'github-actions')).toBe(true);
    expect(isOwnComment({ login: 'github-actions[bot]', type: 'Bot' }, 'github-actions[bot]')).toBe(true);
    expect(isOwnComment({ login: 'Alice', type: 'User' }, 'alice')).toBe(true);
    expect(isOwnComment({ login: 'alice[bot]', type: 'User' }, 'alice')).toBe(false);
    expect(isOwnComment({ login: 'mallory', type: 'User' }, 'github-actions')).toBe(false);
    expect(isOwnComment(null, 'github-actions')).toBe(false);
  });

  test('GraphQL URL: GITHUB_GRAPHQL_URL wins; GHES /api/v3 → /api/graphql; else /graphql', () => {
    expect(graphqlUrlFor('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(graphqlUrlFor('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/graphql');
    expect(graphqlUrlFor('https://x/api/v3', 'https://y/graphql')).toBe('https://y/graphql');
  });
});
