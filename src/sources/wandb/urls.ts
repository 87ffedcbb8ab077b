/** Where W&B lives: the API base URL (for queries) and the app URL (for links in the report). */
import { UsageError } from '../../errors.js';

export const DEFAULT_BASE_URL = 'https://api.wandb.ai';

/** The API base URL, without trailing slashes; UsageError when it is not an http(s) URL. */
export function normalizeBaseUrl(text: string, where: string): string {
  const trimmed = text.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new UsageError(`${where} ${JSON.stringify(text)} is not a URL: give e.g. https://api.wandb.ai`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${where} ${JSON.stringify(text)} must be an http:// or https:// URL`);
  }
  if (url.username || url.password) {
    // Credentials in a URL end up in messages and logs; the key belongs in WANDB_API_KEY.
    throw new UsageError(`${where} must not carry credentials: put the key in WANDB_API_KEY`);
  }
  return trimmed;
}

/**
 * The app URL for page links: `https://api.wandb.ai` → `https://wandb.ai`; another `://api.` host →
 * `://app.`; otherwise the base URL itself (self-hosted servers serve both). WANDB_APP_URL wins.
 */
export function appUrlFor(baseUrl: string, appUrl?: string): string {
  if (appUrl && appUrl.trim() !== '') return appUrl.trim().replace(/\/+$/, '');
  const url = new URL(baseUrl);
  if (url.hostname === 'api.wandb.ai') return `${url.protocol}//wandb.ai${url.port ? `:${url.port}` : ''}`;
  if (url.hostname.startsWith('api.')) return baseUrl.replace('://api.', '://app.');
  return baseUrl;
}

const seg = encodeURIComponent;

export function sweepPageUrl(app: string, entity: string, project: string, id: string): string {
  return `${app}/${seg(entity)}/${seg(project)}/sweeps/${seg(id)}`;
}

export function runPageUrl(app: string, entity: string, project: string, runId: string): string {
  return `${app}/${seg(entity)}/${seg(project)}/runs/${seg(runId)}`;
}
