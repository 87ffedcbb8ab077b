/** The sticky comment's options against the GitHub stand-in (helpers/github-server.ts). */
import { commentMarker, type UpsertCommentOptions } from '../../src/publish/comment.js';
import { WORKFLOW_TOKEN, type GitHubServer } from './github-server.js';

/** A report as the comment's body: `marker` on the first line, then a small report saying `text`. */
export function reportBody(marker: string, text: string): string {
  return `${marker}\n## Sweep report\n\n${text}\n`;
}

/**
 * upsertComment's options for issue 42 of the stand-in's repository, with the workflow token, the
 * comment key `key`, a first report as the body and short retry delays; `extra` overrides any.
 */
export function commentOptions(
  s: GitHubServer,
  key: string,
  extra: Partial<UpsertCommentOptions> = {},
): UpsertCommentOptions {
  return {
    apiUrl: s.url,
    token: WORKFLOW_TOKEN,
    owner: s.owner,
    repo: s.repo,
    issueNumber: 42,
    key,
    body: reportBody(commentMarker(key), 'first'),
    mode: 'update',
    retryDelayMs: 5,
    ...extra,
  };
}
