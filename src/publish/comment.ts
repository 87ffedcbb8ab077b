/**
 * The report as one sticky pull-request comment: found by a hidden marker (`<!-- sweep-insights:KEY -->`)
 * among the token's OWN comments only (another user quoting the marker is never touched), updated in
 * place or deleted and posted anew. Two runs at once must not leave two comments: after creating, the
 * comments are read again and this token's duplicates are removed, all but the oldest.
 *
 * Identity: the workflow token's comments are authored by `github-actions[bot]`, `GET /user` is refused
 * for it, and GraphQL `viewer { login }` answers `github-actions`; so GraphQL first, `GET /user` as the
 * fallback, and `X` matches a comment by `X[bot]` of type Bot.
 */
import { Octokit } from '@octokit/rest';
import { RemoteError, UsageError } from '../errors.js';
import { ENGINE_NAME, ENGINE_VERSION } from '../version.js';

/** GitHub refuses comment bodies over this many characters (UTF-16 code units), with a 422. */
export const COMMENT_LIMIT = 65_536;
export const MARKER_PREFIX = 'sweep-insights:';

export type CommentMode = 'update' | 'recreate';

export interface GitHubEndpoint {
  /** REST base, e.g. https://api.github.com or https://ghe.example.com/api/v3 (GITHUB_API_URL). */
  readonly apiUrl: string;
  /** GraphQL endpoint (GITHUB_GRAPHQL_URL); default derived from apiUrl. */
  readonly graphqlUrl?: string;
  readonly token: string;
}

export interface UpsertCommentOptions extends GitHubEndpoint {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  /** The marker key: one sticky comment per key on a pull request. */
  readonly key: string;
  /** The whole comment; must contain the key's marker line and fit COMMENT_LIMIT. */
  readonly body: string;
  readonly mode: CommentMode;
  /** Retries of a request that got a 5xx, 429 or no answer (default 2) and the first backoff (default 500 ms). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly onLog?: (message: string) => void;
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

  /** The token may not do this (fork pull request, read-only token, no access): warn, don't fail. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
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
 * The default key: the source (W&B sweep path, or the runs file) and the target, so reports on
 * several sweeps or targets coexist on one pull request, each updated in place.
 */
export function defaultCommentKey(
  source: { sweep?: string | null; runsFile?: string | null },
  target: string,
): string {
  const origin = source.sweep
    ? `sweep=${sweepPath(source.sweep)}`
    : `runs=${(source.runsFile ?? '').replace(/\\/g, '/').replace(/^(\.\/)+/, '')}`;
  const raw = `${origin} target=${target}`;
  // Characters that could close or corrupt the HTML comment, collapsed; the key stays readable.
  return raw
    .replace(/[\r\n<>]+/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200)
    .trim();
}

/** `entity/project/id` from a sweep reference or its page URL (…/entity/project/sweeps/id). */
function sweepPath(sweep: string): string {
  const s = sweep
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  const m = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)\/sweeps\/([^/]+)/.exec(s);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : s;
}

/** The marker is present as a line of its own (not merely quoted inside other text). */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  if (!body) return false;
  return body.split(/\r?\n/).some((line) => line.trim() === marker);
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

/** A thin client: the few calls the sticky comment needs, with retries on 5xx/429/no answer. */
export class GitHubClient {
  private readonly octokit: Octokit;
  private readonly graphqlUrl: string;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly log: (message: string) => void;

  constructor(
    endpoint: GitHubEndpoint,
    opts: { retries?: number; retryDelayMs?: number; onLog?: (m: string) => void } = {},
  ) {
    const baseUrl = endpoint.apiUrl.replace(/\/+$/, '');
    this.octokit = new Octokit({
      auth: endpoint.token,
      baseUrl,
      userAgent: `${ENGINE_NAME}/${ENGINE_VERSION}`,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    this.graphqlUrl = graphqlUrlFor(baseUrl, endpoint.graphqlUrl);
    this.retries = opts.retries ?? 2;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.log = opts.onLog ?? (() => {});
  }

  /** The token's login: GraphQL `viewer { login }` first (works for the workflow token), then `GET /user`. */
  async ownLogin(): Promise<string> {
    let first: unknown;
    try {
      const res = await this.call('identify the token (GraphQL viewer)', () =>
        this.octokit.request(`POST ${this.graphqlUrl}`, { query: 'query { viewer { login } }' }),
      );
      const data = res.data as { data?: { viewer?: { login?: unknown } }; errors?: { message?: string }[] };
      const login = data?.data?.viewer?.login;
      if (typeof login === 'string' && login !== '') return login;
      first = new GitHubApiError(
        `GitHub GraphQL did not return the token's login: ${data?.errors?.[0]?.message ?? 'no viewer'}`,
        res.status,
        'identify the token (GraphQL viewer)',
        data?.errors?.[0]?.message ?? '',
      );
    } catch (err) {
      first = err;
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

  /** Every comment of the issue or pull request, all pages (100 per page). */
  async listComments(owner: string, repo: string, issueNumber: number): Promise<IssueComment[]> {
    return this.call(`list the comments of #${issueNumber}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      }),
    ) as Promise<IssueComment[]>;
  }

  async createComment(owner: string, repo: string, issueNumber: number, body: string): Promise<IssueComment> {
    const res = await this.call(`comment on #${issueNumber}`, () =>
      this.octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
    );
    return res.data as IssueComment;
  }

  async updateComment(owner: string, repo: string, id: number, body: string): Promise<IssueComment> {
    const res = await this.call(`update comment ${id}`, () =>
      this.octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }),
    );
    return res.data as IssueComment;
  }

  /** Deleting a comment already gone (another run got there first) is not an error. */
  async deleteComment(owner: string, repo: string, id: number): Promise<void> {
    try {
      await this.call(`delete comment ${id}`, () =>
        this.octokit.rest.issues.deleteComment({ owner, repo, comment_id: id }),
      );
    } catch (err) {
      if (err instanceof GitHubApiError && err.status === 404) return;
      throw err;
    }
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const status = statusOf(err);
        const retryable = status === 0 || status === 429 || (status >= 500 && status !== 501);
        if (retryable && attempt < this.retries) {
          const delay = this.retryDelayMs * 2 ** attempt;
          this.log(
            `GitHub: ${operation} failed (${status === 0 ? 'no answer' : `HTTP ${status}`}); retrying in ${delay} ms`,
          );
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        throw toApiError(err, operation);
      }
    }
  }
}

/**
 * Create or update the sticky comment. `update`: edit our oldest comment with the marker (removing our
 * other ones), or create one. `recreate`: delete ours, then create. After any creation, remove the
 * duplicates a concurrent run may have made, keeping the oldest (and giving it this body).
 */
export async function upsertComment(opts: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = commentMarker(opts.key);
  if (!hasMarker(opts.body, marker)) {
    throw new Error(`the comment body lacks its marker line ${marker}: it could never be found again`);
  }
  if (opts.body.length > COMMENT_LIMIT) {
    throw new Error(`the comment body has ${opts.body.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  }
  const gh = new GitHubClient(opts, {
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
    onLog: opts.onLog,
  });
  const { owner, repo, issueNumber, body } = opts;
  const log = opts.onLog ?? (() => {});
  const login = await gh.ownLogin();
  const mine = async (): Promise<IssueComment[]> =>
    (await gh.listComments(owner, repo, issueNumber))
      .filter((c) => isOwnComment(c.user, login) && hasMarker(c.body, marker))
      .sort((a, b) => a.id - b.id);

  const existing = await mine();
  let removed = 0;
  if (opts.mode === 'update' && existing.length > 0) {
    const [keep, ...extra] = existing;
    for (const c of extra) {
      await gh.deleteComment(owner, repo, c.id);
      removed++;
    }
    try {
      const updated = keep.body === body ? keep : await gh.updateComment(owner, repo, keep.id, body);
      log(`updated comment ${updated.html_url}`);
      return { url: updated.html_url, id: updated.id, action: 'updated', removedDuplicates: removed };
    } catch (err) {
      // Deleted in the meantime (a concurrent `recreate`): post anew below.
      if (!(err instanceof GitHubApiError && err.status === 404)) throw err;
    }
  }
  if (opts.mode === 'recreate') {
    for (const c of existing) {
      await gh.deleteComment(owner, repo, c.id);
    }
  }
  const created = await gh.createComment(owner, repo, issueNumber, body);
  let action: UpsertCommentResult['action'] =
    opts.mode === 'recreate' && existing.length > 0 ? 'recreated' : 'created';
  let result = created;

  // A concurrent run may have created its own in the meantime: keep only the oldest.
  const after = await mine();
  if (after.length > 1) {
    const [oldest, ...others] = after;
    for (const c of others) {
      await gh.deleteComment(owner, repo, c.id);
      removed++;
    }
    if (oldest.id !== created.id) {
      result = oldest.body === body ? oldest : await gh.updateComment(owner, repo, oldest.id, body);
      action = 'updated';
    }
    log(`removed ${others.length} duplicate comment(s) left by a concurrent run`);
  }
  log(`${action} comment ${result.html_url}`);
  return { url: result.html_url, id: result.id, action, removedDuplicates: removed };
}

function statusOf(err: unknown): number {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : 0;
}

function toApiError(err: unknown, operation: string): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  const status = statusOf(err);
  const data = (err as { response?: { data?: unknown } })?.response?.data;
  let apiMessage = '';
  if (data && typeof data === 'object') {
    const d = data as { message?: unknown; errors?: { message?: unknown; code?: unknown }[] };
    const parts = [typeof d.message === 'string' ? d.message : ''];
    for (const e of d.errors ?? []) if (typeof e?.message === 'string') parts.push(e.message);
    apiMessage = parts.filter((p) => p !== '').join('; ');
  } else if (typeof data === 'string') {
    apiMessage = data.slice(0, 200);
  }
  if (apiMessage === '') apiMessage = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const what = status === 0 ? 'no answer' : `HTTP ${status}`;
  return new GitHubApiError(
    `GitHub: could not ${operation}: ${what}: ${apiMessage}`,
    status,
    operation,
    apiMessage,
  );
}

/**
 * The sticky comment for a report that can be rendered to any length: GitHub may measure a body
 * differently from us, so on its 422 "too long" the report is rendered at half the length and posted
 * again (down to 4,096 characters). Used by the action and by the CLI's `--comment`.
 */
export async function upsertReportComment(
  opts: Omit<UpsertCommentOptions, 'body'>,
  render: (maxChars: number, marker: string) => string,
  onShorten: (refusedLength: number) => void = () => {},
): Promise<UpsertCommentResult> {
  const marker = commentMarker(opts.key);
  for (let maxChars = COMMENT_LIMIT; ; maxChars = Math.floor(maxChars / 2)) {
    const body = render(maxChars, marker);
    try {
      return await upsertComment({ ...opts, body });
    } catch (err) {
      if (err instanceof GitHubApiError && err.tooLong && maxChars > 4096) {
        onShorten(body.length);
        continue;
      }
      throw err;
    }
  }
}
