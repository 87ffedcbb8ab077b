/**
 * The sticky comment against a misbehaving GitHub (the local stand-in's fault modes): servers that never
 * answer or stall in the body, endless `Link: rel="next"` pages, forged markers, comments deleted by a
 * concurrent run, 422s that no shortening satisfies, 401s, bad API URLs, and messages that are huge,
 * multi-line or echo the token. Every case is bounded by short timeouts, never by a real 30 s one.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { EXIT, exitCodeOf, UsageError } from '../src/errors.js';
import {
  commentMarker,
  GitHubApiError,
  upsertComment,
  upsertReportComment,
  type UpsertCommentOptions,
} from '../src/publish/comment.js';
import { startGitHubServer, WORKFLOW_TOKEN, type GitHubServer } from './helpers/github-server.js';
import { failure } from './helpers/failure.js';
import { commentOptions, reportBody } from './helpers/sticky-comment.js';

let server: GitHubServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const KEY = 'runs=examples/x/runs.csv target=acc';
const MARKER = commentMarker(KEY);
const report = (text: string, marker = MARKER): string => reportBody(marker, text);
const LIST = /\/issues\/42\/comments$/;

const opts = (s: GitHubServer, extra: Partial<UpsertCommentOptions> = {}): UpsertCommentOptions =>
  commentOptions(s, KEY, { timeoutMs: 2_000, ...extra });

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('timeouts', () => {
  test('a server that never answers: each request times out, retries are bounded, one line naming GITHUB_API_URL', async () => {
    server = await startGitHubServer();
    server.fault({ method: 'POST', path: LIST, status: 200, hang: 'headers', times: 100 });
    const started = Date.now();
    const err = await failure(upsertComment(opts(server, { timeoutMs: 200, retries: 1 })));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message).toMatch(
      /could not comment on #42: cannot reach http:\/\/127\.0\.0\.1:\d+ \(GITHUB_API_URL\)/,
    );
    expect(err.message).toMatch(/no answer within 200 ms \(2 attempts\)/);
    expect(err.message).not.toContain('\n');
    expect(server.requests.filter((r) => r.method === 'POST' && LIST.test(r.path))).toHaveLength(2);
  });

  test('headers then a stalled body: the timeout covers the body too', async () => {
    server = await startGitHubServer();
    server.fault({ method: 'GET', path: LIST, status: 200, hang: 'body', times: 100 });
    const started = Date.now();
    const err = await failure(upsertComment(opts(server, { timeoutMs: 200, retries: 0 })));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.message).toMatch(/list the comments of #42: .*no answer within 200 ms/);
  });

  test('the total bound stops retries of a slow server whatever the per-request timeout', async () => {
    server = await startGitHubServer();
    server.fault({ path: /graphql$/, status: 200, hang: 'headers', times: 100 });
    const started = Date.now();
    const err = await failure(upsertComment(opts(server, { timeoutMs: 5_000, totalMs: 300, retries: 10 })));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err.message).toMatch(/stopped after 300 ms in all/);
  });
});

describe('endless pages', () => {
  test('a next link on every page: capped at maxPages, one clear line', async () => {
    server = await startGitHubServer({ endlessPages: true });
    server.addComment(42, 'bob', 'hello');
    const err = await failure(upsertComment(opts(server, { maxPages: 5 })));
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(err.message).toMatch(/list the comments of #42: still a next page after 5 pages .*stopped/);
    expect(server.requests.filter((r) => r.method === 'GET' && LIST.test(r.path))).toHaveLength(5);
    expect(server.requests.filter((r) => r.method === 'POST' && LIST.test(r.path))).toHaveLength(0);
  });

  test('the default cap is 100 pages', async () => {
    server = await startGitHubServer({ endlessPages: true });
    const err = await failure(upsertComment(opts(server)));
    expect(err.message).toMatch(/after 100 pages/);
    expect(server.requests.filter((r) => r.method === 'GET' && LIST.test(r.path))).toHaveLength(100);
  });

  test('a next link to another host is not followed (the token would go with it)', async () => {
    server = await startGitHubServer({ nextLinkOrigin: 'http://127.0.0.2:9' });
    for (let i = 0; i < 150; i++) server.addComment(42, 'bob', `c${i}`);
    const err = await failure(upsertComment(opts(server)));
    expect(err.message).toMatch(/next page points off the API's host/);
    expect(server.requests.filter((r) => r.method === 'GET' && LIST.test(r.path))).toHaveLength(1);
  });
});

describe('forged markers', () => {
  test("our marker on another line of the bot's own comment (data in a code block) is not a match", async () => {
    server = await startGitHubServer();
    const otherKey = 'sweep=team/proj/abc target=loss';
    const forged = server.addComment(
      42,
      'github-actions[bot]',
      `${commentMarker(otherKey)}\n## Report\n\n\`\`\`\nparam\n${MARKER}\n\`\`\`\n`,
      'Bot',
    );
    const before = forged.body;
    const result = await upsertComment(opts(server));
    expect(result.action).toBe('created');
    expect(result.id).not.toBe(forged.id);
    expect(server.commentsOn(42)).toHaveLength(2);
    expect(server.commentsOn(42).find((c) => c.id === forged.id)?.body).toBe(before);
    expect(server.requests.filter((r) => r.path.endsWith(`/comments/${forged.id}`))).toEqual([]);
  });

  test('an old-format body with the marker as its last line is not ours either', async () => {
    server = await startGitHubServer();
    const old = server.addComment(42, 'github-actions[bot]', `## Sweep report\n\n${MARKER}\n`, 'Bot');
    const before = old.body;
    const result = await upsertComment(opts(server));
    expect(result.action).toBe('created');
    expect(server.commentsOn(42).map((c) => c.id)).toContain(old.id);
    expect(server.commentsOn(42)).toHaveLength(2);
    expect(server.commentsOn(42).find((c) => c.id === old.id)?.body).toBe(before);
  });

  test('the writer puts the marker on the first line, where the reader looks', async () => {
    server = await startGitHubServer();
    const result = await upsertReportComment(
      { ...opts(server), body: undefined } as Omit<UpsertCommentOptions, 'body'>,
      (max) => `## Sweep report\n\n${'x'.repeat(Math.min(max - 20, 100))}\n`,
    );
    const [c] = server.commentsOn(42);
    expect(c.id).toBe(result.id);
    expect(c.body.split('\n')[0]).toBe(MARKER);
    // And the next run finds it.
    const again = await upsertReportComment(
      { ...opts(server), body: undefined } as Omit<UpsertCommentOptions, 'body'>,
      () => '## Sweep report v2\n',
    );
    expect(again).toMatchObject({ id: result.id, action: 'updated' });
  });

  test('a body whose first line is not the marker is refused before any request', async () => {
    server = await startGitHubServer();
    await expect(upsertComment(opts(server, { body: `## Report\n${MARKER}\n` }))).rejects.toThrow(
      /does not start with its marker/,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('concurrent runs', () => {
  test('another run deleted our new comment as its duplicate: we report the survivor, never a deleted URL', async () => {
    let other: { id: number } | null = null;
    let ours: number | null = null;
    let lists = 0;
    server = await startGitHubServer({
      onRequest: (r) => {
        const s = server!;
        // Another run posts first (an older id) while our POST is in flight…
        if (r.method === 'POST' && LIST.test(r.path) && other === null) {
          other = s.addComment(42, 'github-actions[bot]', report('other run'), 'Bot');
        }
        // …and, before our read-back, deletes ours as the newer duplicate.
        if (r.method === 'GET' && LIST.test(r.path) && ++lists === 2) {
          ours = s.commentsOn(42).at(-1)!.id;
          s.removeComment(ours);
        }
      },
    });
    const result = await upsertComment(opts(server, { body: report('this run') }));
    expect(other).not.toBeNull();
    expect(ours).not.toBeNull();
    expect(result.id).toBe(other!.id);
    expect(result.url).toMatch(new RegExp(`#issuecomment-${other!.id}$`));
    const left = server.commentsOn(42);
    expect(left.map((c) => c.id)).toEqual([other!.id]);
    expect(left[0].body).toBe(report('this run'));
  });

  test('our comment deleted before we update it (404): posted anew, not an error', async () => {
    server = await startGitHubServer({
      onRequest: (r) => {
        if (r.method === 'PATCH') server!.removeComment(Number(r.path.split('/').at(-1)));
      },
    });
    const mine = server.addComment(42, 'github-actions[bot]', report('old'), 'Bot');
    const result = await upsertComment(opts(server, { body: report('new') }));
    expect(result.action).toBe('created');
    expect(result.id).not.toBe(mine.id);
    expect(server.commentsOn(42).map((c) => [c.id, c.body])).toEqual([[result.id, report('new')]]);
  });

  test('a duplicate already deleted by the other run (404 on delete) is not an error', async () => {
    server = await startGitHubServer({
      onRequest: (r) => {
        if (r.method === 'DELETE') server!.removeComment(Number(r.path.split('/').at(-1)));
      },
    });
    const a = server.addComment(42, 'github-actions[bot]', report('a'), 'Bot');
    server.addComment(42, 'github-actions[bot]', report('b'), 'Bot');
    const result = await upsertComment(opts(server, { body: report('c') }));
    expect(result).toMatchObject({ id: a.id, action: 'updated', removedDuplicates: 0 });
    expect(server.commentsOn(42).map((c) => c.body)).toEqual([report('c')]);
  });

  test('comments deleted again and again: a bounded number of rounds, then one clear line', async () => {
    server = await startGitHubServer({
      onRequest: (r) => {
        // A run in recreate mode that deletes everything of ours the moment it appears.
        if (r.method === 'GET' && LIST.test(r.path))
          for (const c of server!.commentsOn(42)) server!.removeComment(c.id);
      },
    });
    const err = await failure(upsertComment(opts(server)));
    expect(err.message).toMatch(/deleted 3 times right after posting/);
    expect(server.requests.filter((r) => r.method === 'POST' && LIST.test(r.path))).toHaveLength(3);
  });

  test.each([1, 2, 3, 4, 5])(
    'two runs at once, the second read-back after the first run’s delete (round %i): one comment, both name it',
    async () => {
      let deleted = false;
      let lists = 0;
      server = await startGitHubServer({
        // Both list before either posts.
        barrier: { method: 'GET', path: LIST, count: 2, timeoutMs: 5_000 },
        onRequest: async (r) => {
          if (r.method === 'DELETE') {
            setTimeout(() => (deleted = true), 20);
          } else if (r.method === 'GET' && LIST.test(r.path) && ++lists === 4) {
            // The later read-back waits until the first run removed its duplicate.
            for (let i = 0; i < 200 && !deleted; i++) await new Promise((res) => setTimeout(res, 10));
          }
        },
      });
      const s = server;
      const [a, b] = await Promise.all([
        upsertComment(opts(s, { body: report('run a') })),
        upsertComment(opts(s, { body: report('run b') })),
      ]);
      const left = s.commentsOn(42);
      expect(left).toHaveLength(1);
      expect(a.id).toBe(left[0].id);
      expect(b.id).toBe(left[0].id);
      expect(a.url).toBe(b.url);
      expect(s.calls().filter((c) => c === 'POST /repos/octo-org/models/issues/42/comments')).toHaveLength(2);
      expect(s.requests.filter((r) => r.method === 'DELETE' && r.status === 204)).toHaveLength(1);
    },
  );
});

describe('422, 401 and bad URLs', () => {
  test('422 "too long": every retry renders within a smaller budget; no body is posted twice', async () => {
    server = await startGitHubServer({ maxBodyChars: 6_000 });
    const budgets: number[] = [];
    const shortened: number[] = [];
    const result = await upsertReportComment(
      { ...opts(server), body: undefined } as Omit<UpsertCommentOptions, 'body'>,
      (max) => {
        budgets.push(max);
        // A report that already fits the first budget, as a short report does.
        return 'y'.repeat(Math.min(max, 9_000));
      },
      (n) => shortened.push(n),
    );
    expect(result.action).toBe('created');
    const posted = server.requests
      .filter((r) => r.method === 'POST' && LIST.test(r.path))
      .map((r) => (r.body as { body: string }).body);
    expect(new Set(posted).size).toBe(posted.length);
    // the first render is too long: at least one retry, or the loops below check nothing
    expect(posted.length).toBeGreaterThan(1);
    expect(budgets.length).toBeGreaterThan(1);
    for (let i = 1; i < posted.length; i++) expect(posted[i].length).toBeLessThan(posted[i - 1].length);
    for (let i = 1; i < budgets.length; i++) expect(budgets[i]).toBeLessThan(budgets[i - 1]);
    expect(shortened.length).toBe(posted.length - 1);
    expect(server.commentsOn(42)[0].body.length).toBeLessThanOrEqual(6_000);
  });

  test('422 with a render that cannot get shorter: posted once, then the 422 stands', async () => {
    server = await startGitHubServer({ maxBodyChars: 100 });
    const err = await failure(
      upsertReportComment({ ...opts(server), body: undefined } as Omit<UpsertCommentOptions, 'body'>, () =>
        'z'.repeat(5_000),
      ),
    );
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).tooLong).toBe(true);
    expect(server.requests.filter((r) => r.method === 'POST' && LIST.test(r.path))).toHaveLength(1);
  });

  test('401: an error naming GITHUB_TOKEN (exit 3), not a refusal to warn about', async () => {
    server = await startGitHubServer();
    const err = await failure(upsertComment(opts(server, { token: 'ghp_notAValidToken' })));
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).status).toBe(401);
    expect((err as GitHubApiError).refused).toBe(false);
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message).toMatch(/GITHUB_TOKEN/);
    expect(err.message).toMatch(/Bad credentials/);
    expect(err.message).not.toContain('ghp_notAValidToken');
    // 401 is final: not retried, and GET /user is not tried after GraphQL's 401.
    expect(server.requests).toHaveLength(1);
  });

  test('403 (fork) stays a refusal', async () => {
    server = await startGitHubServer();
    server.fault({
      method: 'POST',
      path: LIST,
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const err = await failure(upsertComment(opts(server)));
    expect((err as GitHubApiError).refused).toBe(true);
  });

  test.each(['not a url', 'ftp://api.github.com', 'https://user:pw@api.github.com', ''])(
    'GITHUB_API_URL %j: a usage error naming it (exit 2), no request',
    async (apiUrl) => {
      const err = await failure(
        upsertComment({ ...opts({ url: '', owner: 'o', repo: 'r' } as GitHubServer), apiUrl }),
      );
      expect(err).toBeInstanceOf(UsageError);
      expect(exitCodeOf(err)).toBe(EXIT.badRequest);
      expect(err.message).toMatch(/^GITHUB_API_URL /);
      expect(err.message).not.toContain('pw');
    },
  );

  test('connection refused: one line naming GITHUB_API_URL and ECONNREFUSED, not "HTTP 500", not retried', async () => {
    const port = await closedPort();
    const started = Date.now();
    const logs: string[] = [];
    const err = await failure(
      upsertComment({
        ...opts({ url: `http://127.0.0.1:${port}`, owner: 'o', repo: 'r' } as GitHubServer),
        retries: 5,
        onLog: (m) => logs.push(m),
      }),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(exitCodeOf(err)).toBe(EXIT.remote);
    expect(err.message).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ \(GITHUB_API_URL\): connection refused/,
    );
    expect(err.message).not.toMatch(/HTTP 500/);
    expect(logs.filter((l) => /retrying/.test(l))).toEqual([]);
  });

  test('a host that does not resolve: names GITHUB_API_URL, bounded', async () => {
    const started = Date.now();
    const err = await failure(
      upsertComment({
        ...opts({ url: 'http://sweep-insights-test.invalid', owner: 'o', repo: 'r' } as GitHubServer),
        timeoutMs: 1_000,
        totalMs: 2_000,
      }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.message).toMatch(/\(GITHUB_API_URL\)/);
    expect(err.message).not.toMatch(/HTTP 500/);
  });

  test('a huge, multi-line server message that echoes the token: clipped to one line, token scrubbed', async () => {
    server = await startGitHubServer();
    const huge = `boom ${WORKFLOW_TOKEN}\n\u001b[31mred\u0007${'x'.repeat(200_000)}`;
    server.fault({ method: 'POST', path: LIST, status: 400, message: huge });
    const err = await failure(upsertComment(opts(server)));
    expect(err.message.length).toBeLessThan(600);
    expect(err.message).not.toContain(WORKFLOW_TOKEN);
    // eslint-disable-next-line no-control-regex
    expect(err.message).not.toMatch(/[\u0000-\u001f]/);
    expect(err.message).toMatch(/boom \*\*\* red/);
  });
});
