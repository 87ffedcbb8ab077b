/**
 * The MLflow REST transport (`/api/2.0/mlflow/...`): auth as MLflow's own clients do it (Basic from
 * MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD when both are set, else MLFLOW_TRACKING_TOKEN
 * as Bearer), retries and timeouts from src/http, answers read as JSON with MLflow's
 * `{error_code, message}` errors. 401/403 and transport failures become RemoteError (exit 3) here;
 * what a 404 means is for the caller.
 *
 * Credentials never leave this module in any text: every message is scrubbed of them (as given, in
 * their Basic form and URL-encoded) and whatever the server says is clipped to one short line.
 */
import { RemoteError } from '../../errors.js';
import { clipServerText } from '../../http/clip.js';
import {
  isObject,
  parseJsonText,
  sendScrubbed,
  throwForStatus,
  type ClientRetryOptions,
  type JsonService,
} from '../../http/json-client.js';

export interface MlflowCredentials {
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
}

export interface MlflowClientOptions extends ClientRetryOptions {
  /** The tracking server, without a trailing slash: `https://mlflow.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  readonly credentials: MlflowCredentials;
  readonly userAgent: string;
}

export interface MlflowAnswer {
  readonly status: number;
  /** The parsed body (an object), or null when it was empty. */
  readonly body: Record<string, unknown> | null;
  /** `error_code` of an MLflow error body (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, …). */
  readonly errorCode: string | null;
  /** `message` of an error body, scrubbed and clipped. */
  readonly message: string | null;
}

/** Credentials in the environment, as MLflow's Python client reads them. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): MlflowCredentials {
  const username = env.MLFLOW_TRACKING_USERNAME?.trim() || undefined;
  const password = env.MLFLOW_TRACKING_PASSWORD || undefined;
  const token = env.MLFLOW_TRACKING_TOKEN?.trim() || undefined;
  return { username, password, token };
}

export class MlflowClient {
  /** HTTP requests sent so far, retries included. */
  requests = 0;
  private readonly authHeader: string | null;
  private readonly secrets: string[];
  private readonly host: string;
  private readonly service: JsonService;

  constructor(private readonly opts: MlflowClientOptions) {
    const { username, password, token } = opts.credentials;
    const secrets: string[] = [];
    if (username !== undefined && password !== undefined) {
      const basic = Buffer.from(`${username}:${password}`).toString('base64');
      this.authHeader = `Basic ${basic}`;
      secrets.push(password, basic, encodeURIComponent(password));
    } else if (token !== undefined) {
      this.authHeader = `Bearer ${token}`;
      secrets.push(token, encodeURIComponent(token));
    } else {
      this.authHeader = null;
    }
    // Longest first, and nothing so short that scrubbing it would eat ordinary text.
    this.secrets = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
    this.host = new URL(opts.baseUrl).host;
    this.service = { name: 'MLflow', host: this.host, scrub: (text) => this.scrub(text) };
  }

  /** What authenticates the requests, for messages: never the value. */
  get authName(): string {
    const { username, password, token } = this.opts.credentials;
    if (username !== undefined && password !== undefined)
      return 'MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD';
    if (token !== undefined) return 'MLFLOW_TRACKING_TOKEN';
    return 'no credentials (set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)';
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  async get(
    path: string,
    query: Record<string, string | number | undefined>,
    what: string,
  ): Promise<MlflowAnswer> {
    const url = new URL(`${this.opts.baseUrl}/api/2.0/mlflow/${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.send('GET', url.toString(), undefined, what);
  }

  async post(path: string, body: Record<string, unknown>, what: string): Promise<MlflowAnswer> {
    return this.send('POST', `${this.opts.baseUrl}/api/2.0/mlflow/${path}`, JSON.stringify(body), what);
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    what: string,
  ): Promise<MlflowAnswer> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.authHeader !== null) headers.authorization = this.authHeader;
    const service = this.service;
    const reply = await sendScrubbed({ url, method, headers, body }, this.opts, service, what, () => {
      this.requests += 1;
    });
    const { status, text } = reply;
    const parsed = text.trim() === '' ? null : parseJsonText(text);
    const obj = isObject(parsed) ? parsed : null;
    const errorCode = obj && typeof obj.error_code === 'string' ? clipServerText(obj.error_code, 80) : null;
    const message = obj && typeof obj.message === 'string' ? clipServerText(this.scrub(obj.message)) : null;
    const said = message ? `: ${message}` : errorCode ? `: ${errorCode}` : '';
    throwForStatus(reply, said, what, service, {
      refused: 'the credentials',
      check: this.authName,
      user: this.authName,
    });
    if (parsed === undefined || (parsed !== null && obj === null)) {
      throw new RemoteError(
        this.scrub(
          `MLflow at ${this.host} answered ${what} with HTTP ${status} and a body that is not a JSON object: ${clipServerText(text, 120)}; check the tracking URI (--mlflow-tracking-uri or MLFLOW_TRACKING_URI)`,
        ),
        status,
      );
    }
    return { status, body: obj, errorCode, message };
  }
}
