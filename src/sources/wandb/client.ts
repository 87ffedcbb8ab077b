/**
 * The W&B GraphQL transport: POST {base}/graphql with Basic auth `api:KEY`, retries from
 * src/http, and answers read into data + error messages (from `errors[]` and `error`, whatever the
 * status). Authentication and transport failures become RemoteError here; what a null project or
 * an error list means is for the caller, who knows what was asked.
 *
 * The API key never leaves this module in any text: every message built here is scrubbed of it (the
 * key, its Basic form and its URL encoding, whatever their length: a key must look like one, see
 * checkApiKey, so scrubbing it cannot eat ordinary text). Whatever the server says goes into a message
 * clipped to one short line (clipServerText): a 50 MB error or escape codes never reach a terminal.
 */
import { RemoteError, UsageError } from '../../errors.js';
import { clipServerText } from '../../http/clip.js';
import {
  isObject,
  parseJsonText,
  sendScrubbed,
  throwForStatus,
  type ClientRetryOptions,
  type JsonService,
} from '../../http/json-client.js';

export interface WandbClientOptions extends ClientRetryOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly userAgent: string;
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
    checkApiKey(opts.apiKey);
    this.endpoint = `${opts.baseUrl}/graphql`;
    this.auth = Buffer.from(`api:${opts.apiKey}`).toString('base64');
    this.secrets = [opts.apiKey, this.auth, encodeURIComponent(opts.apiKey)];
  }

  /** Removes the key (and its Basic form) from any text before it can reach a message or a log. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s !== '') out = out.split(s).join('***');
    return out;
  }

  /**
   * Sends one query. Resolves with the answer for 2xx and for 4xx other than 401/403 (the caller
   * reads `errors`); rejects with RemoteError for 401, 403, 429/5xx after the retries, network
   * failures and bodies that are not JSON.
   */
  async query<T>(query: string, variables: Record<string, unknown>, what: string): Promise<GraphqlAnswer<T>> {
    const host = new URL(this.endpoint).host;
    const service: JsonService = { name: 'W&B', host, scrub: (text) => this.scrub(text) };
    const reply = await sendScrubbed(
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
      this.opts,
      service,
      what,
      () => {
        this.requests += 1;
      },
    );
    const { status, text: scrubbed } = reply;
    const parsed = parseJsonText(scrubbed);
    const read = errorsOf(parsed);
    // Scrubbed before clipping: a cut must never leave half of the key behind.
    const errors = read.errors.slice(0, MAX_MESSAGES).map((e) => clipServerText(this.scrub(e)));
    if (read.errors.length > MAX_MESSAGES) errors.push(`and ${read.errors.length - MAX_MESSAGES} more`);
    const codes = read.codes;
    const said = errors.length > 0 ? `: ${clipServerText(errors.join('; '))}` : '';
    throwForStatus(reply, said, what, service, {
      refused: 'the API key',
      check: 'WANDB_API_KEY (https://wandb.ai/authorize)',
      user: 'WANDB_API_KEY',
    });
    if (parsed === undefined) {
      const head = clipServerText(scrubbed, 120);
      throw new RemoteError(
        this.scrub(
          `W&B at ${host} answered ${what} with HTTP ${status} and a body that is not JSON: ${head}`,
        ),
        status,
      );
    }
    const data = isObject(parsed) && 'data' in parsed ? ((parsed.data ?? null) as T | null) : null;
    return { status, data, errors, codes };
  }
}

/** Server messages kept per answer; the rest are counted. */
const MAX_MESSAGES = 5;

/**
 * A W&B API key looks like one: 16 or more visible ASCII characters, no spaces (keys from
 * https://wandb.ai/authorize are 40 or more; self-hosted ones `local-` and 40 more). Anything else is
 * refused before a request, without printing it: a 1-character "key" could not be scrubbed from
 * messages without mangling them, and is a mistake anyway (a truncated variable, a placeholder).
 */
export function checkApiKey(key: string): void {
  if (key.length < 16 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new UsageError(
      `WANDB_API_KEY does not look like a W&B API key (${key.length} characters${/^[\x21-\x7e]*$/.test(key) ? '' : ', with spaces or other characters'}): ` +
        'copy the whole key from https://wandb.ai/authorize (40 or more characters)',
    );
  }
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
