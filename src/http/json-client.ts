/**
 * What the JSON-over-HTTP clients of remote services (W&B, MLflow) share: one request sent through
 * sendWithRetry with every text scrubbed of the caller's secrets, network failures and the statuses
 * no caller can use (401, 403, 429/5xx after the retries) turned into RemoteError (exit 3), and the
 * body read as JSON. What a body means, and which credentials to name, is for the caller.
 */
import { RemoteError } from '../errors.js';
import { clipServerText } from './clip.js';
import {
  HttpNetworkError,
  isRetryableStatus,
  sendWithRetry,
  type HttpRequest,
  type RetryPolicy,
} from './request-with-retry.js';

/** A client's retry and timeout settings: the policy, less what only tests of src/http inject. */
export type ClientRetryOptions = Omit<RetryPolicy, 'random' | 'now'>;

/** The remote service, for messages: every one of them reads `${name} at ${host} …`. */
export interface JsonService {
  /** "W&B", "MLflow". */
  readonly name: string;
  readonly host: string;
  /** Removes the secrets from a text; applied to every message and to the body. */
  readonly scrub: (text: string) => string;
}

export interface JsonReply {
  readonly status: number;
  /** The body, scrubbed of the secrets (before parsing: a key echoed anywhere goes no further). */
  readonly text: string;
  /** Requests sent, retries included. */
  readonly attempts: number;
}

/**
 * Sends `req` with the retries of `opts`, telling `onAttempt` of every request sent. Retry reasons
 * reach `opts.onRetry` scrubbed; a request that never got an answer rejects with RemoteError.
 */
export async function sendScrubbed(
  req: HttpRequest,
  opts: ClientRetryOptions,
  service: JsonService,
  what: string,
  onAttempt: () => void,
): Promise<JsonReply> {
  const { onRetry } = opts;
  let result;
  try {
    result = await sendWithRetry(
      req,
      {
        timeoutMs: opts.timeoutMs,
        retries: opts.retries,
        baseDelayMs: opts.baseDelayMs,
        maxDelayMs: opts.maxDelayMs,
        totalMs: opts.totalMs,
        dispatcher: opts.dispatcher,
        sleep: opts.sleep,
        onRetry: onRetry && ((info) => onRetry({ ...info, reason: service.scrub(info.reason) })),
      },
      onAttempt,
    );
  } catch (err) {
    const detail = err instanceof HttpNetworkError || err instanceof Error ? err.message : String(err);
    throw new RemoteError(
      clipServerText(
        service.scrub(`could not reach ${service.name} at ${service.host} for ${what}: ${detail}`),
        500,
      ),
    );
  }
  const { response, attempts } = result;
  return { status: response.status, text: service.scrub(response.text), attempts };
}

/** How a refusal names the credentials. */
export interface CredentialsText {
  /** What a 401 refused: "the API key", "the credentials". */
  readonly refused: string;
  /** What to check after a 401: "WANDB_API_KEY (https://wandb.ai/authorize)". */
  readonly check: string;
  /** Whose user a 403 names: "WANDB_API_KEY". */
  readonly user: string;
}

/**
 * Throws RemoteError for 401, 403 and the statuses left failing after the retries (429, 5xx);
 * returns for any other. `said` is what the server said, ready to follow the status (": …" or "").
 */
export function throwForStatus(
  reply: JsonReply,
  said: string,
  what: string,
  service: JsonService,
  credentials: CredentialsText,
): void {
  const { status, attempts } = reply;
  const at = `${service.name} at ${service.host}`;
  if (status === 401) {
    throw new RemoteError(
      service.scrub(`${at} refused ${credentials.refused} (HTTP 401${said}): check ${credentials.check}`),
      401,
    );
  }
  if (status === 403) {
    throw new RemoteError(
      service.scrub(
        `${at} denied access for ${what} (HTTP 403${said}): the user of ${credentials.user} cannot read it`,
      ),
      403,
    );
  }
  if (isRetryableStatus(status) || status >= 500) {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new RemoteError(
      service.scrub(`${at} failed ${what}: HTTP ${status}${said} (gave up after ${tries})`),
      status,
    );
  }
}

/** The text as JSON; undefined when it is empty or not JSON. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
