/** `--comment OWNER/REPO#N`: the action's sticky PR comment, posted from a terminal. */
import { UsageError } from '../errors.js';
import type { ReportModel } from '../report/model.js';
import { renderMarkdown } from '../render/markdown.js';
import { checkKey, githubTimeoutsFromEnv, upsertReportComment } from '../publish/comment.js';
import type { AnalyzeOptions } from './args.js';

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
}

export function parseCommentTarget(text: string): CommentTarget {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--comment "${text}" is not OWNER/REPO#NUMBER (e.g. octo-org/models#42)`);
  return { owner: m[1], repo: m[2], issueNumber: Number(m[3]) };
}

export async function postCliComment(
  model: ReportModel,
  options: AnalyzeOptions,
  env: NodeJS.ProcessEnv,
  /** The key from the source's metadata (sources/registry commentKeyOf). */
  sourceKey: string,
): Promise<string> {
  const target = parseCommentTarget(options.comment ?? '');
  const key = checkKey(options.commentKey ?? sourceKey);
  const result = await upsertReportComment(
    {
      apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      graphqlUrl: env.GITHUB_GRAPHQL_URL,
      token: env.GITHUB_TOKEN ?? '',
      ...githubTimeoutsFromEnv(env),
      ...target,
      key,
      mode: options.commentMode,
    },
    (maxChars) =>
      renderMarkdown(model, {
        maxChars,
        charts: options.charts,
        quickchartHost: options.quickchartHost,
      }),
  );
  return result.url;
}
