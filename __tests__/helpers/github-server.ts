/**
 * A local stand-in for the GitHub REST and GraphQL APIs (node:http on 127.0.0.1, a free port), for
 * tests only. It speaks the parts of the real protocol the sticky comment uses:
 *
 * - `Authorization: token X` / `Bearer X`; unknown tokens get 401 "Bad credentials".
 * - `POST /graphql` (and `/api/graphql`), executed with the `graphql` package against a small schema
 *   (`viewer { login }`): the workflow token answers `github-actions`, as GitHub does.
 * - `GET /user`: refused with 403 "Resource not accessible by integration" for installation tokens.
 * - `GET /repos/{o}/{r}/issues/{n}/comments` paged (`per_page` ≤ 100, default 30, `Link` header).
 * - `POST …/issues/{n}/comments`, `PATCH`/`DELETE …/issues/comments/{id}`: a read-only token (fork
 *   pull request) gets 403; a body over 65,536 characters gets GitHub's 422; editing or deleting
 *   someone else's comment gets 403; an unknown pull request or comment 404.
 *
 * Every request is recorded. Faults can be queued (status, times, path pattern) to answer 5xx etc.
 * Hostile modes: a fault may `hang` (never answer, or send the headers and stall in the body),
 * `endlessPages` makes every page of comments link to a next one, and `onRequest` lets a test act as a
 * concurrent run (change the stored comments) before a request is handled.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';

export interface TokenInfo {
  /** The login REST shows as a comment's author (`github-actions[bot]` for the workflow token). */
  readonly login: string;
  readonly type: 'User' | 'Bot';
  /** What GraphQL `viewer { login }` answers (`github-actions` for the workflow token). */
  readonly viewer: string;
  /** Installation tokens may not call GET /user. */
  readonly userRefused: boolean;
  /** A fork pull request's token: reads work, writes get 403. */
  readonly readOnly: boolean;
}

export const WORKFLOW_TOKEN = 'ghs_workflowToken000000000000000000';
export const FORK_TOKEN = 'ghs_forkReadOnlyToken00000000000000';
export const ALICE_TOKEN = 'ghp_alicePersonalToken0000000000000';

export const DEFAULT_TOKENS: Record<string, TokenInfo> = {
  [WORKFLOW_TOKEN]: {
    login: 'github-actions[bot]',
    type: 'Bot',
    viewer: 'github-actions',
    userRefused: true,
    readOnly: false,
  },
  [FORK_TOKEN]: {
    login: 'github-actions[bot]',
    type: 'Bot',
    viewer: 'github-actions',
    userRefused: true,
    readOnly: true,
  },
  [ALICE_TOKEN]: { login: 'alice', type: 'User', viewer: 'alice', userRefused: false, readOnly: false },
};

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly token: string | null;
  readonly body: unknown;
  /** The status answered. */
  status: number;
}

export interface StoredComment {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
  created_at: string;
  updated_at: string;
}

export interface Fault {
  readonly method?: string;
  /** Matched against the path (without query). */
  readonly path?: RegExp;
  readonly status: number;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  readonly message?: string;
  /** 'headers': never answer at all; 'body': send the status and headers, then stall in the body. */
  readonly hang?: 'headers' | 'body';
}

export interface GitHubServerOptions {
  readonly owner?: string;
  readonly repo?: string;
  /** Pull request numbers that exist (default [1, 7, 42]). */
  readonly pulls?: number[];
  readonly tokens?: Record<string, TokenInfo>;
  /** Body limit (characters, UTF-16 length as GitHub counts); default 65,536. */
  readonly maxBodyChars?: number;
  /** Delay per answer (ms): lets concurrent clients interleave. */
  readonly delayMs?: number;
  /**
   * Hold the first `count` requests matching `method`+`path` until all have arrived (or `timeoutMs`
   * passed): forces concurrent clients to interleave, e.g. two runs both listing before either posts.
   */
  readonly barrier?: { method: string; path: RegExp; count: number; timeoutMs?: number };
  /** Serve REST under this prefix (GHES: '/api/v3'; GraphQL then at '/api/graphql'). */
  readonly prefix?: string;
  /** Every page of comments links a next page (the page number moving on, the pages empty). */
  readonly endlessPages?: boolean;
  /** The `next` link of comment pages points at this origin instead of the server's own. */
  readonly nextLinkOrigin?: string;
  /** Called for each request after it is recorded and before it is handled (awaited). */
  readonly onRequest?: (request: RecordedRequest) => void | Promise<void>;
}

export interface GitHubServer {
  /** REST base URL (GITHUB_API_URL). */
  readonly url: string;
  readonly graphqlUrl: string;
  readonly requests: RecordedRequest[];
  readonly comments: StoredComment[];
  readonly owner: string;
  readonly repo: string;
  fault(f: Fault): void;
  /** Add a comment directly (someone else's, or an old one of ours). */
  addComment(issue: number, login: string, body: string, type?: 'User' | 'Bot'): StoredComment;
  /** Comments on one pull request, oldest first. */
  commentsOn(issue: number): StoredComment[];
  /** Remove a comment directly (as another run would); false when there is none with that id. */
  removeComment(id: number): boolean;
  /** Requests other than the identity look-ups, as "METHOD path". */
  calls(): string[];
  close(): Promise<void>;
}

const SCHEMA = buildSchema(`
  type User { login: String! }
  type Query { viewer: User! }
`);

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'models';
  const pulls = new Set(options.pulls ?? [1, 7, 42]);
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  const maxBody = options.maxBodyChars ?? 65_536;
  const prefix = options.prefix ?? '';
  const requests: RecordedRequest[] = [];
  const comments: StoredComment[] = [];
  const faults: Fault[] = [];
  let nextId = 1_000_000;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let base = '';
  const barrier = options.barrier ? { ...options.barrier, waiting: [] as (() => void)[], passed: 0 } : null;

  const stamp = (): string => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const addComment = (
    issue: number,
    login: string,
    body: string,
    type: 'User' | 'Bot' = 'User',
  ): StoredComment => {
    const t = stamp();
    const c: StoredComment = {
      id: nextId++,
      owner,
      repo,
      issue,
      body,
      user: { login, type },
      created_at: t,
      updated_at: t,
    };
    comments.push(c);
    return c;
  };
  const toJson = (c: StoredComment): Record<string, unknown> => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${base}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.owner}/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${c.owner}/${c.repo}/issues/${c.issue}`,
    body: c.body,
    user: { login: c.user.login, id: 1, type: c.user.type },
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  });

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      token: m ? m[1] : null,
      body,
      status: 0,
    };
    requests.push(record);
    await options.onRequest?.(record);
    const send = async (
      status: number,
      data?: unknown,
      headers: Record<string, string> = {},
    ): Promise<void> => {
      record.status = status;
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const text = data === undefined ? '' : JSON.stringify(data);
      res.writeHead(status, {
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-github-media-type': 'github.v3; format=json',
        ...headers,
      });
      res.end(text);
    };
    const message = (status: number, msg: string, extra: Record<string, unknown> = {}): Promise<void> =>
      send(status, {
        message: msg,
        documentation_url: 'https://docs.github.com/rest',
        status: String(status),
        ...extra,
      });

    if (
      barrier &&
      barrier.passed < barrier.count &&
      record.method === barrier.method &&
      barrier.path.test(record.path)
    ) {
      barrier.passed++;
      await new Promise<void>((resolve) => {
        barrier.waiting.push(resolve);
        if (barrier.waiting.length >= barrier.count) barrier.waiting.splice(0).forEach((r) => r());
        else setTimeout(resolve, barrier.timeoutMs ?? 10_000);
      });
    }

    const fault = faults.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (!f.method || f.method === record.method) &&
        (!f.path || f.path.test(record.path)),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.hang === 'headers') return; // the socket stays open, nothing is sent
      if (fault.hang === 'body') {
        record.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8' });
        res.write('[{"id": 1, ');
        return;
      }
      return message(fault.status, fault.message ?? (fault.status >= 500 ? 'Server Error' : 'Error'));
    }

    const who = record.token ? tokens[record.token] : undefined;
    if (!who) return message(401, 'Bad credentials');

    let path = record.path;
    if (path === '/graphql' || path === '/api/graphql') {
      if (record.method !== 'POST') return message(404, 'Not Found');
      const q = (body as { query?: unknown })?.query;
      if (typeof q !== 'string') return message(400, 'Problems parsing JSON');
      const result = await graphql({
        schema: SCHEMA,
        source: q,
        rootValue: { viewer: { login: who.viewer } },
      });
      return send(200, result);
    }
    if (!path.startsWith(prefix)) return message(404, 'Not Found');
    path = path.slice(prefix.length);

    if (path === '/user' && record.method === 'GET') {
      if (who.userRefused) return message(403, 'Resource not accessible by integration');
      return send(200, { login: who.login, id: 1, type: who.type });
    }

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (list) {
      const [, o, r, n] = list;
      const issue = Number(n);
      if (o !== owner || r !== repo || !pulls.has(issue)) return message(404, 'Not Found');
      if (record.method === 'GET') {
        const perPage = Math.min(100, Math.max(1, Number(record.query.per_page ?? 30) || 30));
        const page = Math.max(1, Number(record.query.page ?? 1) || 1);
        const all = comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const pageUrl = (p: number): string =>
          `${options.nextLinkOrigin ?? base}${prefix}/repos/${owner}/${repo}/issues/${issue}/comments?per_page=${perPage}&page=${p}`;
        const links: string[] = [];
        if (options.endlessPages) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
        else if (page < last)
          links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
        if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
        const items = all.slice((page - 1) * perPage, page * perPage).map(toJson);
        return send(200, items, links.length > 0 ? { link: links.join(', ') } : {});
      }
      if (record.method === 'POST') {
        if (who.readOnly) return message(403, 'Resource not accessible by integration');
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || text === '') return message(422, 'Validation Failed');
        if (text.length > maxBody) return tooLong(message, maxBody);
        return send(201, toJson(addComment(issue, who.login, text, who.type)));
      }
      return message(404, 'Not Found');
    }

    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (one) {
      const [, o, r, id] = one;
      const index = comments.findIndex((c) => c.id === Number(id) && c.owner === o && c.repo === r);
      if (index < 0) return message(404, 'Not Found');
      const c = comments[index];
      if (record.method === 'GET') return send(200, toJson(c));
      if (who.readOnly || c.user.login !== who.login)
        return message(403, 'Resource not accessible by integration');
      if (record.method === 'PATCH') {
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || text === '') return message(422, 'Validation Failed');
        if (text.length > maxBody) return tooLong(message, maxBody);
        c.body = text;
        c.updated_at = stamp();
        return send(200, toJson(c));
      }
      if (record.method === 'DELETE') {
        comments.splice(index, 1);
        return send(204);
      }
    }
    return message(404, 'Not Found');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}${prefix}`,
    graphqlUrl: prefix === '/api/v3' ? `${base}/api/graphql` : `${base}${prefix}/graphql`,
    requests,
    comments,
    owner,
    repo,
    fault: (f) => faults.push({ ...f, times: f.times ?? 1 }),
    addComment,
    commentsOn: (issue) => comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id),
    removeComment: (id) => {
      const at = comments.findIndex((c) => c.id === id);
      if (at >= 0) comments.splice(at, 1);
      return at >= 0;
    },
    calls: () =>
      requests
        .filter((r) => !/graphql$/.test(r.path) && !/\/user$/.test(r.path))
        .map((r) => `${r.method} ${r.path.replace(/^\/api\/v3/, '')}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tooLong(
  message: (s: number, m: string, e?: Record<string, unknown>) => Promise<void>,
  max: number,
): Promise<void> {
  return message(422, 'Validation Failed', {
    errors: [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${max} characters)`,
      },
    ],
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
