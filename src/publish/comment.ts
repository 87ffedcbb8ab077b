/**
 * The report as one sticky pull-request comment: found by a hidden marker (`<!-- sweep-insights:KEY -->`)
 * that is the FIRST line of the body, among the token's OWN comments only (another user quoting the
 * marker is never touched, and a marker further down, e.g. inside data in a code block, is not one),
 * updated in place or deleted and posted anew.
 *
 * Two runs at once must leave one comment, and both must name it: after creating or updating, the
 * comments are read again; of this token's comments with the marker the oldest (lowest id) is kept and
 * given this run's body, the others are deleted. A comment deleted under our feet (another run got
 * there first: 404 on update or delete) is not an error; if ours was deleted, the survivor's URL is
 * returned, and if none survived the comment is posted again (a bounded number of times).
 *
 * Identity: the workflow token's comments are authored by `github-actions[bot]`, `GET /user` is refused
 * for it, and GraphQL `viewer { login }` answers `github-actions`; so GraphQL first, `GET /user` as the
 * fallback, and `X` matches a comment by `X[bot]` of type Bot.
 *
 * Misbehaving servers: every request has a timeout (headers and body) and all requests of one
 * comment share a total bound; listing follows at most `maxPages` pages and only on the API's own
 * host; server messages are clipped to one short line and scrubbed of the token.
 */
import { Octokit } from '@octokit/rest';
import { RemoteError, UsageError } from '../errors.js';
import { clipServerText } from '../http/clip.js';
import { ENGINE_NAME, ENGINE_VERSION } from '../version.js';

/** GitHub refuses comment bodies over this many characters (UTF-16 code units), with a 422. */
export const COMMENT_LIMIT = 65_536;
export const MARKER_PREFIX = 'sweep-insights:';
/** Per request, from sending to the end of the body. */
export const DEFAULT_GITHUB_TIMEOUT_MS = 30_000;
/** All requests of one comment (identity, listing, posting, clean-up), retries and waits included. */
export const DEFAULT_GITHUB_TOTAL_MS = 180_000;
/** 100 pages of 100 comments: far beyond any real pull request. */
export const DEFAULT_MAX_PAGES = 100;
/** A response body larger than this is not a GitHub answer to these calls. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Rounds of "post, read back, reconcile" before giving up on a comment others keep deleting. */
const MAX_ROUNDS = 3;

export type CommentMode = 'update' | 'recreate';

export interface GitHubEndpoint {
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3 (GITHUB_API_URL). */
  readonly apiUrl: string;
  /** GraphQL endpoint (GITHUB_GRAPHQL_URL); default derived from apiUrl. */
  readonly graphqlUrl?: string;
  readonly token: string;
}

export interface GitHubClientOptions {
  /** Retries of a request that got a 5xx, 429 or no answer (default 2) and the first backoff (default 500 ms). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /** All requests of this client together (default 180 s). */
  readonly totalMs?: number;
  /** Pages of comments listed at most (default 100, of 100 comments each). */
  readonly maxPages?: number;
  /** An absolute end (Date.now() ms) shared with other clients; default now + totalMs. */
  readonly deadline?: number;
  readonly onLog?: (message: string) => void;
  /** Injectable for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface UpsertCommentOptions extends GitHubEndpoint, GitHubClientOptions {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  /** The marker key: one sticky comment per key on a pull request. */
  readonly key: string;
  /** The whole comment; its first line must be the key's marker, and it must fit COMMENT_LIMIT. */
  readonly body: string;
  readonly mode: CommentMode;
}

export interface UpsertCommentResult {
  readonly url: string;
  readonly id: number;
  readonly action: 'created' | 'updated' | 'recreated';
  /** Own duplicates (same marker) deleted along the way. */
  readonly removedDuplicates: number;
}

/** A GitHub request that failed; `status` 0 when no answer came. */
export class GitHubApiError extends RemoteError {
  constructor(
    message: string,
    status: number,
    readonly operation: string,
    readonly apiMessage: string,
  ) {
    super(message, status);
    this.name = 'GitHubApiError';
  }

  /**
   * The token may not do this (fork pull request, read-only token, no access): warn, don't fail.
   * Not 401: a token GitHub does not accept at all is a mistake to fix (GITHUB_TOKEN), not a fork.
   */
  get refused(): boolean {
    return this.status === 403 || this.status === 404;
  }

  /** GitHub measured the body as too long. */
  get tooLong(): boolean {
    return this.status === 422 && /too long|maximum is/i.test(this.apiMessage);
  }
}

interface IssueComment {
  readonly id: number;
  readonly html_url: string;
  readonly body?: string | null;
  readonly user: { readonly login: string; readonly type?: string } | null;
}

/** `<!-- sweep-insights:KEY -->`: an HTML comment, invisible in the rendered comment. */
export function commentMarker(key: string): string {
  checkKey(key);
  return `<!-- ${MARKER_PREFIX}${key} -->`;
}

/** A user-given key: one line, and nothing that could end or break the HTML comment. */
export function checkKey(key: string): string {
  if (key.trim() === '' || /[\r\n<>]|--/.test(key) || key.length > 200) {
    throw new UsageError(
      `comment-key ${JSON.stringify(key)} cannot go in an HTML comment: use up to 200 characters without ` +
        'line breaks, "<", ">" or "--"',
    );
  }
  return key.trim();
}

/**
 * The marker is the body's first line (trailing white space and a CR aside). Anywhere else (quoted,
 * inside a code block of data, at the end of an old-format body) it is not this report's marker.
 */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  if (!body) return false;
  const nl = body.indexOf('\n');
  const first = nl < 0 ? body : body.slice(0, nl);
  return first.trimEnd() === marker;
}

/** The comment body for a report: the marker as its first line, then the report. */
export function withMarker(marker: string, report: string): string {
  return `${marker}\n${report}`;
}

/** GITHUB_GRAPHQL_URL when set; GHES serves GraphQL at /api/graphql beside REST's /api/v3. */
export function graphqlUrlFor(apiUrl: string, graphqlUrl?: string): string {
  if (graphqlUrl && graphqlUrl.trim() !== '') return graphqlUrl.trim();
  const base = apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/api\/v3$/, '/api/graphql') : `${base}/graphql`;
}

/** A comment by `author` is ours when the logins agree, or GraphQL's `x` meets REST's bot `x[bot]`. */
export function isOwnComment(author: { login: string; type?: string } | null, ownLogin: string): boolean {
  if (!author) return false;
  const a = author.login.toLowerCase();
  const me = ownLogin.toLowerCase();
  if (a === me) return true;
  return author.type === 'Bot' && (a === `${me}[bot]` || `${a}[bot]` === me);
}

/**
 * Timeouts from the environment, for the action and the CLI: SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS (per
 * request) and SWEEP_INSIGHTS_GITHUB_TOTAL_MS (all requests of one comment). Unset: the defaults.
 */
export function githubTimeoutsFromEnv(env: NodeJS.ProcessEnv): { timeoutMs?: number; totalMs?: number } {
  const read = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const ms = Number(raw);
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new UsageError(`${name} must be a positive number of milliseconds, got ${JSON.stringify(raw)}`);
    }
    return ms;
  };
  return {
    timeoutMs: read('SWEEP_INSIGHTS_GITHUB_TIMEOUT_MS'),
    totalMs: read('SWEEP_INSIGHTS_GITHUB_TOTAL_MS'),
  };
}

/**
 * An API base URL as given in `variable`: http(s) only, no credentials in it. Anything else is a usage
 * error (exit 2) naming the variable, before any request.
 */
export function checkApiUrl(value: string, variable: string): URL {
  const shown = JSON.stringify(clipServerText(value, 100));
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(
      `${variable} ${shown} is not a URL: e.g. https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${variable} ${shown} is not an http(s) URL: e.g. https://api.github.com`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${variable} must not hold credentials: the token goes in GITHUB_TOKEN`);
  }
  return url;
}

/** A request that got no answer: what happened, and whether trying again can help. */
class NetworkFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
    this.name = 'NetworkFailure';
  }
}

/** A thin client: the few calls the sticky comment needs, with timeouts and bounded retries. */
export class GitHubClient {
  private readonly octokit: Octokit;
  private readonly apiOrigin: string;
  private readonly graphqlUrl: string;
  /** Which setting names the URL a request went to, for messages. */
  private readonly graphqlVariable: string;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly totalMs: number;
  private readonly deadline: number;
  private readonly maxPages: number;
  private readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly log: (message: string) => void;

  constructor(endpoint: GitHubEndpoint, opts: GitHubClientOptions = {}) {
    const api = checkApiUrl(endpoint.apiUrl, 'GITHUB_API_URL');
    const baseUrl = endpoint.apiUrl.trim().replace(/\/+$/, '');
    if (endpoint.graphqlUrl && endpoint.graphqlUrl.trim() !== '') {
      checkApiUrl(endpoint.graphqlUrl, 'GITHUB_GRAPHQL_URL');
      this.graphqlVariable = 'GITHUB_GRAPHQL_URL';
    } else {
      this.graphqlVariable = 'GITHUB_API_URL';
    }
    this.apiOrigin = api.origin;
    this.graphqlUrl = graphqlUrlFor(baseUrl, endpoint.graphqlUrl);
    this.retries = opts.retries ?? 2;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS;
    this.totalMs = opts.totalMs ?? DEFAULT_GITHUB_TOTAL_MS;
    this.deadline = opts.deadline ?? Date.now() + this.totalMs;
    this.maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
    this.token = endpoint.token;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.log = opts.onLog ?? (() => {});
    this.octokit = new Octokit({
      auth: endpoint.token,
      baseUrl,
      userAgent: `${ENGINE_NAME}/${ENGINE_VERSION}`,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      request: { fetch: this.timedFetch },
    });
  }

  /** The token's login: GraphQL `viewer { login }` first (works for the workflow token), then `GET /user`. */
  async ownLogin(): Promise<string> {
    let first: unknown;
    try {
      const res = await this.call(
        'identify the token (GraphQL viewer)',
        () => this.octokit.request(`POST ${this.graphqlUrl}`, { query: 'query { viewer { login } }' }),
        this.graphqlVariable,
      );
      const data = res.data as { data?: { viewer?: { login?: unknown } }; errors?: { message?: string }[] };
      const login = data?.data?.viewer?.login;
      if (typeof login === 'string' && login !== '') return login;
      const said = this.clean(String(data?.errors?.[0]?.message ?? 'no viewer'));
      first = new GitHubApiError(
        `GitHub GraphQL did not return the token's login: ${said}`,
        res.status,
        'identify the token (GraphQL viewer)',
        said,
      );
    } catch (err) {
      first = err;
      // No answer, or a token GitHub rejects: GET /user would fail the same way.
      if (err instanceof GitHubApiError && (err.status === 0 || err.status === 401)) throw err;
    }
    try {
      const res = await this.call('identify the token (GET /user)', () => this.octokit.request('GET /user'));
      const login = (res.data as { login?: unknown }).login;
      if (typeof login === 'string' && login !== '') return login;
    } catch {
      // The workflow token is refused here by design; report the GraphQL failure, the first choice.
    }
    throw first;
  }

  /** Every comment of the issue or pull request, page by page (100 per page), at most `maxPages` pages. */
  async listComments(owner: string, repo: string, issueNumber: number): Promise<IssueComment[]> {
    const operation = `list the comments of #${issueNumber}`;
    const all: IssueComment[] = [];
    let res: { data: unknown; headers: Record<string, unknown> } = await this.call(operation, () =>
      this.octokit.rest.issues.listComments({ owner, repo, issue_number: issueNumber, per_page: 100 }),
    );
    for (let page = 1; ; page++) {
      if (!Array.isArray(res.data)) {
        throw new GitHubApiError(
          `GitHub: could not ${operation}: page ${page} is not a list of comments (is GITHUB_API_URL a GitHub API?)`,
          0,
          operation,
          '',
        );
      }
      all.push(...(res.data as IssueComment[]));
      const next = nextLink(res.headers.link);
      if (next === null) return all;
      if (page >= this.maxPages) {
        throw new GitHubApiError(
          `GitHub: could not ${operation}: still a next page after ${this.maxPages} pages (${all.length} comments); ` +
            'stopped (the server pages without end)',
          0,
          operation,
          '',
        );
      }
      let url: URL | null = null;
      try {
        url = new URL(next);
      } catch {
        url = null;
      }
      if (url === null || url.origin !== this.apiOrigin) {
        // The token goes with every request: never to a host the API did not name as itself.
        throw new GitHubApiError(
          `GitHub: could not ${operation}: the next page points off the API's host (${this.clean(next, 100)}); stopped`,
          0,
          operation,
          '',
        );
      }
      const pageUrl = url.href;
      res = await this.call(operation, () => this.octokit.request({ method: 'GET', url: pageUrl }));
    }
  }

  async createComment(owner: string, repo: string, issueNumber: number, body: string): Promise<IssueComment> {
    const res = await this.call(`comment on #${issueNumber}`, () =>
      this.octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
    );
    return checkComment(res.data, `comment on #${issueNumber}`);
  }

  /** The updated comment, or null when it is gone (another run deleted it: 404). */
  async updateComment(owner: string, repo: string, id: number, body: string): Promise<IssueComment | null> {
    try {
      const res = await this.call(`update comment ${id}`, () =>
        this.octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }),
      );
      return checkComment(res.data, `update comment ${id}`);
    } catch (err) {
      if (err instanceof GitHubApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** True when deleted; false when it was already gone (another run got there first). */
  async deleteComment(owner: string, repo: string, id: number): Promise<boolean> {
    try {
      await this.call(`delete comment ${id}`, () =>
        this.octokit.rest.issues.deleteComment({ owner, repo, comment_id: id }),
      );
      return true;
    } catch (err) {
      if (err instanceof GitHubApiError && err.status === 404) return false;
      throw err;
    }
  }

  /**
   * fetch with a timeout over the whole exchange (the body is read here, so a server that sends headers
   * and then stalls is caught too) and the client's total bound. Failures become NetworkFailure,
   * which Octokit wraps (as an HTTP 500 RequestError) and `call` unwraps.
   */
  private readonly timedFetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const left = this.deadline - Date.now();
    if (left <= 0) throw new NetworkFailure(`stopped after ${this.totalMs} ms in all`, false);
    const ms = Math.max(1, Math.min(this.timeoutMs, left));
    const timer = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timer]) : timer;
    try {
      const res = await this.fetchImpl(input, { ...init, signal });
      const body = await readCapped(res, MAX_RESPONSE_BYTES);
      const empty = res.status === 204 || res.status === 205 || res.status === 304;
      return new Response(empty ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (err) {
      if (err instanceof NetworkFailure) throw err;
      if (timer.aborted) {
        const why =
          ms < this.timeoutMs ? `stopped after ${this.totalMs} ms in all` : `no answer within ${ms} ms`;
        throw new NetworkFailure(why, ms === this.timeoutMs);
      }
      throw describeNetworkError(err);
    }
  };

  private async call<T>(operation: string, fn: () => Promise<T>, variable = 'GITHUB_API_URL'): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const net = networkFailureOf(err);
        const status = net ? 0 : statusOf(err);
        const retryable = net
          ? net.retryable
          : status === 429 || (status >= 500 && status !== 501) || status === 0;
        const delay = this.retryDelayMs * 2 ** attempt;
        if (retryable && attempt < this.retries && Date.now() + delay < this.deadline) {
          this.log(
            `GitHub: ${operation} failed (${net ? net.reason : status === 0 ? 'no answer' : `HTTP ${status}`}); retrying in ${delay} ms`,
          );
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        if (net) {
          const tries = attempt === 0 ? '' : ` (${attempt + 1} attempts)`;
          const host = variable === 'GITHUB_API_URL' ? this.apiOrigin : new URL(this.graphqlUrl).origin;
          throw new GitHubApiError(
            this.scrub(
              `GitHub: could not ${operation}: cannot reach ${host} (${variable}): ${net.reason}${tries}`,
            ),
            0,
            operation,
            net.reason,
          );
        }
        throw this.toApiError(err, operation);
      }
    }
  }

  private toApiError(err: unknown, operation: string): GitHubApiError {
    if (err instanceof GitHubApiError) return err;
    const status = statusOf(err);
    const data = (err as { response?: { data?: unknown } })?.response?.data;
    let apiMessage = '';
    if (data && typeof data === 'object') {
      const d = data as { message?: unknown; errors?: { message?: unknown; code?: unknown }[] };
      const parts = [typeof d.message === 'string' ? d.message : ''];
      if (Array.isArray(d.errors)) {
        for (const e of d.errors.slice(0, 5)) if (typeof e?.message === 'string') parts.push(e.message);
      }
      apiMessage = parts.filter((p) => p !== '').join('; ');
    } else if (typeof data === 'string') {
      apiMessage = data;
    }
    if (apiMessage === '') apiMessage = err instanceof Error ? err.message : String(err);
    apiMessage = this.clean(apiMessage);
    const what = status === 0 ? 'no answer' : `HTTP ${status}`;
    if (status === 401) {
      return new GitHubApiError(
        `GitHub did not accept the token (${what}: ${apiMessage}) trying to ${operation}: ` +
          'check GITHUB_TOKEN (in the action: the github-token input), it may be wrong or expired',
        status,
        operation,
        apiMessage,
      );
    }
    return new GitHubApiError(
      `GitHub: could not ${operation}: ${what}: ${apiMessage}`,
      status,
      operation,
      apiMessage,
    );
  }

  /** A server's text: one short line, the token removed. */
  private clean(text: string, max?: number): string {
    return clipServerText(this.scrub(text), max);
  }

  private scrub(text: string): string {
    return this.token === '' ? text : text.split(this.token).join('***');
  }
}

/** Reads the body whole, refusing more than `max` bytes. */
async function readCapped(res: Response, max: number): Promise<ArrayBuffer | null> {
  if (!res.body) return null;
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body.cancel().catch(() => {});
    throw new NetworkFailure(`an answer of ${declared} bytes, over ${max}`, false);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new NetworkFailure(`an answer over ${max} bytes`, false);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

/** What a fetch failure means to a person, and whether another attempt can help. */
function describeNetworkError(err: unknown): NetworkFailure {
  const e = err as { message?: string; code?: string; cause?: unknown };
  const causes: { code?: string; message?: string; errors?: unknown[] }[] = [];
  let c: unknown = e;
  for (let i = 0; i < 4 && c && typeof c === 'object'; i++) {
    causes.push(c as { code?: string; message?: string });
    c = (c as { cause?: unknown }).cause;
  }
  const nested = causes.flatMap((x) => (Array.isArray(x.errors) ? (x.errors as { code?: string }[]) : []));
  const code = [...causes, ...nested].map((x) => x.code).find((x) => typeof x === 'string' && x !== '');
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkFailure(
        'connection refused (ECONNREFUSED): is the URL right, and the server up?',
        false,
      );
    case 'ENOTFOUND':
      return new NetworkFailure('host not found (ENOTFOUND): check the host name', false);
    case 'EAI_AGAIN':
      return new NetworkFailure('DNS lookup failed (EAI_AGAIN)', true);
    case 'ERR_INVALID_URL':
      return new NetworkFailure('not a valid URL', false);
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new NetworkFailure(`TLS certificate refused (${code})`, false);
    default: {
      const last = causes[causes.length - 1];
      const message = clipServerText(String(last?.message ?? e?.message ?? err), 120);
      return new NetworkFailure(code && !message.includes(code) ? `${message} (${code})` : message, true);
    }
  }
}

function networkFailureOf(err: unknown): NetworkFailure | null {
  let c: unknown = err;
  for (let i = 0; i < 3 && c && typeof c === 'object'; i++) {
    if (c instanceof NetworkFailure) return c;
    c = (c as { cause?: unknown }).cause;
  }
  return null;
}

/** `Link: <url>; rel="next", ...` → the next page's URL, or null. */
function nextLink(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(m[2])) return m[1];
  }
  return null;
}

function checkComment(data: unknown, operation: string): IssueComment {
  const c = data as Partial<IssueComment> | null;
  if (!c || typeof c !== 'object' || typeof c.id !== 'number' || typeof c.html_url !== 'string') {
    throw new GitHubApiError(
      `GitHub: could not ${operation}: the answer is not a comment (is GITHUB_API_URL a GitHub API?)`,
      0,
      operation,
      '',
    );
  }
  return c as IssueComment;
}

/**
 * Create or update the sticky comment. `update`: edit our oldest comment with the marker (removing our
 * other ones), or create one. `recreate`: delete ours, then create. Then read the comments back and
 * keep exactly one (see the top of this file).
 */
export async function upsertComment(opts: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = commentMarker(opts.key);
  if (!hasMarker(opts.body, marker)) {
    throw new Error(
      `the comment body does not start with its marker line ${marker}: it could never be found again`,
    );
  }
  if (opts.body.length > COMMENT_LIMIT) {
    throw new Error(`the comment body has ${opts.body.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  }
  const gh = new GitHubClient(opts, opts);
  const { owner, repo, issueNumber, body } = opts;
  const log = opts.onLog ?? (() => {});
  const login = await gh.ownLogin();
  const mine = async (): Promise<IssueComment[]> =>
    (await gh.listComments(owner, repo, issueNumber))
      .filter((c) => isOwnComment(c.user, login) && hasMarker(c.body, marker))
      .sort((a, b) => a.id - b.id);

  const existing = await mine();
  let removed = 0;
  let ours: IssueComment | null = null;
  let action: UpsertCommentResult['action'] =
    opts.mode === 'recreate' && existing.length > 0 ? 'recreated' : 'created';
  if (opts.mode === 'update' && existing.length > 0) {
    const [keep, ...extra] = existing;
    for (const c of extra) if (await gh.deleteComment(owner, repo, c.id)) removed++;
    // null: deleted in the meantime (a concurrent `recreate`); posted anew below.
    ours = keep.body === body ? keep : await gh.updateComment(owner, repo, keep.id, body);
    if (ours) action = 'updated';
  }
  if (opts.mode === 'recreate') {
    for (const c of existing) await gh.deleteComment(owner, repo, c.id);
  }

  for (let round = 1; ; round++) {
    if (ours === null) ours = await gh.createComment(owner, repo, issueNumber, body);
    // Read back: a concurrent run may have posted its own, or deleted ours.
    const after = await mine();
    if (after.length > 0) {
      const [oldest, ...others] = after;
      let gone = 0;
      for (const c of others) {
        if (await gh.deleteComment(owner, repo, c.id)) gone++;
      }
      removed += gone;
      if (gone > 0) log(`removed ${gone} duplicate comment(s) left by a concurrent run`);
      const kept = oldest.body === body ? oldest : await gh.updateComment(owner, repo, oldest.id, body);
      if (kept) {
        if (kept.id !== ours.id) action = 'updated';
        log(`${action} comment ${kept.html_url}`);
        return { url: kept.html_url, id: kept.id, action, removedDuplicates: removed };
      }
      // The one to keep was deleted while we updated it: read again.
    }
    if (round >= MAX_ROUNDS) {
      throw new GitHubApiError(
        `GitHub: the sticky comment on #${issueNumber} was deleted ${round} times right after posting ` +
          '(another run with comment: recreate at the same time?); giving up',
        0,
        `comment on #${issueNumber}`,
        '',
      );
    }
    // Ours is gone (another run deleted it, or we deleted it as a duplicate and then lost the survivor
    // too) and nothing survived: post again; the next read-back reconciles whatever appeared meanwhile.
    log(`the comment on #${issueNumber} was deleted by a concurrent run; posting it again`);
    ours = null;
  }
}

function statusOf(err: unknown): number {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : 0;
}

/**
 * The sticky comment for a report that can be rendered to any length: `render(maxChars)` gives the
 * report without the marker, which goes first. GitHub may measure a body differently from us, so on
 * its 422 "too long" the report is rendered again within a smaller budget (75% of the refused length);
 * a body is never posted twice, and when the render cannot get shorter (or under 4,096 characters)
 * the 422 stands. Used by the action and by the CLI's `--comment`.
 */
export async function upsertReportComment(
  opts: Omit<UpsertCommentOptions, 'body'>,
  render: (maxChars: number) => string,
  onShorten: (refusedLength: number) => void = () => {},
): Promise<UpsertCommentResult> {
  const marker = commentMarker(opts.key);
  const room = (total: number): number => total - marker.length - 1;
  let budget = room(COMMENT_LIMIT);
  let refused: { length: number; error: GitHubApiError } | null = null;
  // One total bound for every attempt, not one per attempt.
  const deadline = opts.deadline ?? Date.now() + (opts.totalMs ?? DEFAULT_GITHUB_TOTAL_MS);
  for (;;) {
    const body = withMarker(marker, render(budget));
    if (refused && body.length >= refused.length) throw refused.error;
    try {
      return await upsertComment({ ...opts, body, deadline });
    } catch (err) {
      if (!(err instanceof GitHubApiError && err.tooLong)) throw err;
      const next = room(Math.floor(body.length * 0.75));
      if (next < 4096) throw err;
      onShorten(body.length);
      refused = { length: body.length, error: err };
      budget = Math.min(next, budget);
    }
  }
}
