/**
 * One HTTP request with a timeout per attempt and bounded retries: exponential backoff with jitter
 * for network errors, timeouts, 408, 429 and 5xx (not 501), honouring `Retry-After` and
 * `RateLimit-Reset`. Everything else (400, 401, 403, 404, ...) comes back at once for the caller to
 * read. Generic on purpose: it knows nothing of W&B.
 */
import { request, type Dispatcher } from 'undici';

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  /** "HTTP 429", "HTTP 503", "timeout after 30000 ms", "ECONNRESET", ... */
  readonly reason: string;
}

export interface RetryPolicy {
  /** Per attempt, from sending the request to the end of the body. */
  readonly timeoutMs: number;
  /** Extra attempts after the first. */
  readonly retries: number;
  /** The first backoff; doubles per attempt, with jitter, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Bound on the whole call, waits included: no retry starts that would end past it. */
  readonly totalMs: number;
  readonly dispatcher?: Dispatcher;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface SendResult {
  /** The last response (possibly a retryable status, when the retries ran out). */
  readonly response: HttpResponse;
  /** Requests sent, retries included. */
  readonly attempts: number;
}

/** The request never got an answer: network errors or timeouts on every attempt. */
export class HttpNetworkError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'HttpNetworkError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `req`, retrying per `policy`. Resolves with the last response, whatever its status; rejects
 * with HttpNetworkError only when no attempt got a response. `onAttempt` is told of every request
 * sent (for request counting), retries included.
 */
export async function sendWithRetry(
  req: HttpRequest,
  policy: RetryPolicy,
  onAttempt?: () => void,
): Promise<SendResult> {
  const sleep = policy.sleep ?? defaultSleep;
  const random = policy.random ?? Math.random;
  const now = policy.now ?? Date.now;
  const started = now();
  let attempt = 0;
  for (;;) {
    attempt += 1;
    onAttempt?.();
    let response: HttpResponse | undefined;
    let reason: string;
    try {
      response = await sendOnce(req, policy.timeoutMs, policy.dispatcher);
      if (!isRetryableStatus(response.status)) return { response, attempts: attempt };
      reason = `HTTP ${response.status}`;
    } catch (err) {
      reason = networkReason(err, policy.timeoutMs);
    }
    const backoff = backoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, random);
    const asked = response ? serverWaitMs(response.headers, now()) : undefined;
    // A server that names a wait gets at least that; a little jitter on top spreads a crowd of clients.
    const delayMs =
      asked !== undefined ? asked + Math.floor(random() * Math.min(asked * 0.1, 1000)) : backoff;
    const outOfTime = now() - started + delayMs + policy.timeoutMs > policy.totalMs;
    if (attempt > policy.retries || outOfTime) {
      if (response) return { response, attempts: attempt };
      const why = outOfTime && attempt <= policy.retries ? `, stopped after ${policy.totalMs} ms in all` : '';
      throw new HttpNetworkError(`${reason} (${attempt} attempt${attempt === 1 ? '' : 's'}${why})`, attempt);
    }
    policy.onRetry?.({ attempt, delayMs, reason });
    await sleep(delayMs);
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so waits never collapse to 0. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** `Retry-After` (seconds or an HTTP date) and `RateLimit-Reset` (seconds): the longer wins. */
export function serverWaitMs(headers: HttpResponse['headers'], nowMs: number): number | undefined {
  let wait: number | undefined;
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) wait = seconds * 1000;
    else {
      const at = Date.parse(retryAfter);
      if (Number.isFinite(at)) wait = Math.max(0, at - nowMs);
    }
  }
  const reset = header(headers, 'ratelimit-reset');
  if (reset !== undefined && reset.trim() !== '') {
    const seconds = Number(reset);
    if (Number.isFinite(seconds) && seconds >= 0) wait = Math.max(wait ?? 0, seconds * 1000);
  }
  return wait === undefined ? undefined : Math.ceil(wait);
}

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function sendOnce(req: HttpRequest, timeoutMs: number, dispatcher?: Dispatcher): Promise<HttpResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      ...(dispatcher ? { dispatcher } : {}),
    });
    // The timer covers the body too: a server that sends headers and then stalls is as stuck as one that never answers.
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  } finally {
    clearTimeout(timer);
  }
}

class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timeout after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof TimeoutError) return err.message;
  if (err instanceof Error) {
    if (err.name === 'AbortError' || (err as { code?: string }).code === 'UND_ERR_ABORTED') {
      return `timeout after ${timeoutMs} ms`;
    }
    const code = (err as { code?: string }).code;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? code;
    return detail && !err.message.includes(detail) ? `${err.message} (${detail})` : err.message;
  }
  return String(err);
}
