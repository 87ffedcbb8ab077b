/**
 * The W&B GraphQL transport: POST {base}/graphql with Basic auth `api:KEY`, retries from
 * src/http, and answers read into data + error messages (from `errors[]` and `error`, whatever the
 * status). Authentication and transport failures become RemoteError here; what a null project or
 * an error list means is for the caller, who knows what was asked.
 *
 * The API key never leaves this module in any text: every message built here is scrubbed of it.
 */
import type { Dispatcher } from 'undici';
import { RemoteError } from '../../errors.js';
import {
  HttpNetworkError,
  isRetryableStatus,
  sendWithRetry,
  type RetryInfo,
} from '../../http/request-with-retry.js';

export interface WandbClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly totalMs: number;
  readonly dispatcher?: Dispatcher;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface GraphqlAnswer<T> {
  readonly status: number;
  readonly data: T | null;
  /** Messages from `errors[].message` and `error` (scrubbed of the key). */
  readonly errors: string[];
  /** `errors[].extensions.code`, where given. */
  readonly codes: string[];
}

export class WandbClient {
  /** HTTP requests sent so far, retries included. */
  requests = 0;
  private readonly endpoint: string;
  private readonly auth: string;
  private readonly secrets: string[];

  constructor(private readonly opts: WandbClientOptions) {
    this.endpoint = `${opts.baseUrl}/graphql`;
    this.auth = Buffer.from(`api:${opts.apiKey}`).toString('base64');
    this.secrets = [opts.apiKey, this.auth, encodeURIComponent(opts.apiKey)];
  }

  /** Removes the key (and its Basic form) from any text before it can reach a message or a log. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s.length >= 4) out = out.split(s).join('***');
    return out;
  }

  /**
   * Sends one query. Resolves with the answer for 2xx and for 4xx other than 401/403 (the caller
   * reads `errors`); rejects with RemoteError for 401, 403, 429/5xx after the retries, network
   * failures and bodies that are not JSON.
   */
  async query<T>(query: string, variables: Record<string, unknown>, what: string): Promise<GraphqlAnswer<T>> {
    const host = new URL(this.endpoint).host;
    let result;
    try {
      result = await sendWithRetry(
        {
          url: this.endpoint,
          method: 'POST',
          headers: {
            authorization: `Basic ${this.auth}`,
            'content-type': 'application/json',
            accept: 'application/json',
            'user-agent': this.opts.userAgent,
          },
          body: JSON.stringify({ query, variables }),
        },
        {
          timeoutMs: this.opts.timeoutMs,
          retries: this.opts.retries,
          baseDelayMs: this.opts.baseDelayMs,
          maxDelayMs: this.opts.maxDelayMs,
          totalMs: this.opts.totalMs,
          dispatcher: this.opts.dispatcher,
          sleep: this.opts.sleep,
          onRetry:
            this.opts.onRetry && ((info) => this.opts.onRetry!({ ...info, reason: this.scrub(info.reason) })),
        },
        () => {
          this.requests += 1;
        },
      );
    } catch (err) {
      const detail =
        err instanceof HttpNetworkError ? err.message : err instanceof Error ? err.message : String(err);
      throw new RemoteError(this.scrub(`could not reach W&B at ${host} for ${what}: ${detail}`));
    }
    const { response } = result;
    const status = response.status;
    // Scrubbed before parsing: a key echoed anywhere (an error, a run's config) goes no further.
    const parsed = parseBody(this.scrub(response.text));
    const { errors, codes } = errorsOf(parsed);
    const said = errors.length > 0 ? `: ${errors.join('; ')}` : '';
    if (status === 401) {
      throw new RemoteError(
        this.scrub(
          `W&B at ${host} refused the API key (HTTP 401${said}): check WANDB_API_KEY (https://wandb.ai/authorize)`,
        ),
        401,
      );
    }
    if (status === 403) {
      throw new RemoteError(
        this.scrub(
          `W&B at ${host} denied access for ${what} (HTTP 403${said}): the user of WANDB_API_KEY cannot read it`,
        ),
        403,
      );
    }
    if (isRetryableStatus(status) || status >= 500) {
      const tries = result.attempts === 1 ? '1 attempt' : `${result.attempts} attempts`;
      throw new RemoteError(
        this.scrub(`W&B at ${host} failed ${what}: HTTP ${status}${said} (gave up after ${tries})`),
        status,
      );
    }
    if (parsed === undefined) {
      const head = this.scrub(response.text).slice(0, 120).replace(/\s+/g, ' ');
      throw new RemoteError(
        this.scrub(
          `W&B at ${host} answered ${what} with HTTP ${status} and a body that is not JSON: ${head}`,
        ),
        status,
      );
    }
    const data = isObject(parsed) && 'data' in parsed ? ((parsed.data ?? null) as T | null) : null;
    return { status, data, errors: errors.map((e) => this.scrub(e)), codes };
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** GraphQL `errors: [{message, extensions: {code}}]` and the REST-style `error: "..."` (429s use it). */
function errorsOf(body: unknown): { errors: string[]; codes: string[] } {
  const errors: string[] = [];
  const codes: string[] = [];
  if (!isObject(body)) return { errors, codes };
  if (Array.isArray(body.errors)) {
    for (const e of body.errors) {
      if (isObject(e)) {
        errors.push(typeof e.message === 'string' ? e.message : JSON.stringify(e));
        const ext = e.extensions;
        if (isObject(ext) && typeof ext.code === 'string') codes.push(ext.code);
      } else if (typeof e === 'string') errors.push(e);
    }
  }
  const single = body.error;
  if (typeof single === 'string') errors.push(single);
  else if (isObject(single))
    errors.push(typeof single.message === 'string' ? single.message : JSON.stringify(single));
  return { errors, codes };
}
